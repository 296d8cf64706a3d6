// The verdict: one status and one plain sentence from the summary. Pure.
import type { DnsReport, DnsResult, LocalPolicy, PortSummary, Reason, Role, Summary, Verdict, VerdictStatus } from '../core/types.js';
import { listing, plural, portWord } from '../core/words.js';
import { adviseOn } from './advice.js';
import { silenceOf, type RangeSilence } from './silence.js';

export const EXIT_CODES: Record<VerdictStatus, number> = { ok: 0, partial: 1, blocked: 2, unknown: 3, intercepted: 4 };

/** How each reason reads after "the attempts …", for the verdict sentence. */
const CAUSE: Partial<Record<Reason, string>> = {
  'no-answer': 'timed out: something drops them silently',
  refused: 'were refused',
  unreachable: "were answered with 'unreachable' by the network",
  'local-firewall': 'were refused by a firewall on this PC before leaving it',
  reset: 'were reset',
  'proxy-denied': 'were denied by the proxy',
  'proxy-auth-required': 'were refused by the proxy, which wants a sign-in (a user name and password, or Windows sign-in)',
  'proxy-unreachable': 'could not reach the proxy they go through',
  'tls-failed': 'failed in the TLS handshake',
  'app-filter': "were cut by an application-aware filter",
};

/** True when nothing left this machine because it has no route anywhere (no network, or no default gateway). */
export function hasNoRoute(summary: Summary): boolean {
  const unreachable = summary.ports.reduce((sum, port) => sum + (port.codes.ENETUNREACH ?? 0), 0);
  return summary.total > 0 && unreachable === summary.total;
}

function dominantReason(ports: PortSummary[]): Reason | null {
  const totals = new Map<Reason, number>();
  for (const port of ports) {
    for (const [reason, count] of Object.entries(port.reasons) as [Reason, number][]) {
      if (CAUSE[reason]) totals.set(reason, (totals.get(reason) ?? 0) + count);
    }
  }
  // A filter that recognises GoToMyPC is the cause even where other attempts only timed out.
  if (totals.has('app-filter')) return 'app-filter';
  let best: Reason | null = null;
  for (const [reason, count] of totals) if (best === null || count > (totals.get(best) ?? 0)) best = reason;
  return best;
}

/** " (EMFILE and ENOBUFS)" for the local faults seen on `ports`, or nothing when none had a code. */
function localFaults(ports: PortSummary[]): string {
  const codes = new Set<string>();
  for (const port of ports) for (const code of Object.keys(port.faultCodes)) codes.add(code);
  return codes.size === 0 ? '' : ` (${listing([...codes])})`;
}

/** The first certain finding per intercepted port, in plain words; empty when nothing intercepted. */
function interceptionText(summary: Summary): string {
  const ports = new Set(summary.ports.filter((p) => p.state === 'intercepted').map((p) => p.port));
  const texts: string[] = [];
  for (const finding of summary.findings) {
    if (finding.possible || finding.reason === 'app-filter') continue;
    if (ports.delete(finding.port) && !texts.includes(finding.text)) texts.push(finding.text);
  }
  return texts.join(' ');
}

/** The possible findings, each once, for the end of a sentence: they never change the verdict. */
function possibleText(summary: Summary): string {
  const texts = [...new Set(summary.findings.filter((f) => f.possible).map((f) => f.text))];
  return texts.length === 0 ? '' : ` ${texts.join(' ')}`;
}

/** The proxy refuses CONNECT to some ports (squid's default allows 443 only) while 443 tunnels through it. */
function proxyRefusesOnly(summary: Summary, blocked: readonly PortSummary[]): boolean {
  const only = (p: PortSummary): boolean => Object.entries(p.reasons).every(([reason, n]) => reason === 'proxy-denied' || reason === 'connected' || !n);
  return blocked.length > 0 && blocked.every(only) && summary.ports.some((p) => p.port === 443 && p.state === 'reachable');
}

/** How a failed name reads after "DNS …", for the verdict sentence. */
const DNS_CAUSE: Partial<Record<Reason, string>> = {
  'dns-nxdomain': 'says it does not exist',
  'dns-refused': 'refuses to answer for it',
  'dns-sinkhole': "answers with a filter's address",
  'dns-failed': 'fails to resolve it',
  'dns-no-address': 'answers it with no address',
  'no-answer': 'does not answer',
};

/** Essential names that gave no usable address: GoToMyPC cannot find its servers. */
export function failedEssentialNames(dns: DnsReport | null): DnsResult[] {
  return (dns?.results ?? []).filter((r) => r.essential && (r.status === 'blocked' || r.status === 'timeout'));
}

function dnsSentence(failed: DnsResult[]): string {
  const parts = failed.map((r) => `${r.host} (DNS ${DNS_CAUSE[r.reason] ?? r.reason})`);
  return `GoToMyPC cannot find its servers: no usable address for ${listing(parts)}.`;
}

/**
 * "GoToMyPC's own servers (poll.gotomypc.com and www.gotomypc.com)": the essential names (used on one of
 * `ports`, when given), or null without them.
 */
function ownServers(summary: Summary, ports: readonly number[] | null = null): string | null {
  const used = (h: { ports: Record<string, unknown> }): boolean => ports === null || ports.some((p) => String(p) in h.ports);
  const hosts = (summary.services?.hosts ?? []).filter((h) => h.essential && used(h)).map((h) => h.host);
  if (hosts.length === 0) return null;
  const names = hosts.length <= 3 ? listing(hosts) : `${hosts.slice(0, 2).join(', ')} and ${hosts.length - 2} more names`;
  return `GoToMyPC's own servers (${names})`;
}

/**
 * `dns`: the service names and their answers, or null when none were resolved. `localPolicy`: this PC's
 * firewall rules for the GoToMyPC programs (Windows), which g2probe's own connections are not subject to.
 */
export function decideVerdict(summary: Summary, role: Role | null, dns: DnsReport | null = null, localPolicy: LocalPolicy | null = null): Verdict {
  const noRoute = hasNoRoute(summary);
  const network = networkVerdict(summary, dns, noRoute);
  const { status, text } = withLocalBlocks(network, localPolicy);
  const paths = pathsText(summary);
  return { status, exitCode: EXIT_CODES[status], text: paths === null ? text : `${text} ${paths}`, advice: adviseOn(summary, status, noRoute, role, dns, localPolicy) };
}

const PATH_OWNER: Record<Role, string> = { client: "the viewer's path", host: "the host service's path" };

/**
 * With two paths probed, which of them fails where the other gets through; null when they agree. Only a port
 * reachable on one path and blocked or intercepted on the other is named: an unknown one proves nothing.
 */
export function pathsText(summary: Summary): string | null {
  const paths = summary.paths ?? [];
  if (paths.length < 2) return null;
  const bad = new Set(['blocked', 'intercepted']);
  const parts: string[] = [];
  for (const path of paths) {
    const others = paths.filter((p) => p !== path);
    const failing = path.ports.filter((p) => bad.has(p.state) && others.some((o) => o.ports.some((q) => q.port === p.port && q.state === 'reachable')));
    if (failing.length > 0) parts.push(`${PATH_OWNER[path.role]} (${path.said}) fails on ${portWord(failing.map((p) => p.port))}`);
  }
  if (parts.length === 0) return null;
  return `The two paths differ: ${listing(parts)}, where the other gets through.`;
}

/** A firewall rule that blocks a GoToMyPC program stops it whatever the network allows g2probe. */
function withLocalBlocks(network: { status: VerdictStatus; text: string }, policy: LocalPolicy | null): { status: VerdictStatus; text: string } {
  const blocked = policy?.applies ? policy.executables.filter((e) => e.verdict === 'blocked') : [];
  if (blocked.length === 0) return network;
  const names = [...new Set(blocked.map((e) => e.name))];
  const local = `Windows Defender Firewall on this PC blocks ${listing(names)} going out, so GoToMyPC cannot connect from here.`;
  if (network.status === 'blocked') return { status: 'blocked', text: `${network.text} Also: ${local}` };
  return { status: 'blocked', text: `${local} The network itself: ${network.text}` };
}

/** The verdict on the network alone, from what the attempts and the names saw; this PC's firewall is added after. */
function networkVerdict(summary: Summary, dns: DnsReport | null, noRoute: boolean): { status: VerdictStatus; text: string } {
  const failedNames = failedEssentialNames(dns);
  if (summary.total === 0 && failedNames.length === 0) return { status: 'unknown', text: 'Nothing was tested: the run ended before any attempt finished.' };
  if (noRoute) {
    return {
      status: 'blocked',
      text: "GoToMyPC cannot connect: this PC has no route to the GoTo servers (every attempt failed with 'network unreachable' before leaving this machine).",
    };
  }
  const interception = interceptionText(summary);
  const possible = possibleText(summary);
  const blocked = summary.ports.filter((p) => p.state === 'blocked');
  const byProxyOnly = proxyRefusesOnly(summary, blocked);
  const servers = ownServers(summary);
  let portText = '';
  if (blocked.length > 0) {
    const reason = dominantReason(blocked);
    const cause = reason ? ` (the attempts ${CAUSE[reason]})` : '';
    const ports = portWord(blocked.map((p) => p.port));
    const there = ownServers(summary, blocked.map((p) => p.port));
    portText = there
      ? `on outbound TCP ${ports}, neither ${there} nor any GoTo range answered${cause}.`
      : `outbound TCP ${ports} reached no GoTo server${cause}.`;
    if (blocked.some((p) => (p.reasons['app-filter'] ?? 0) > 0)) {
      portText = `on outbound TCP ${ports}, an application-aware filter cuts GoToMyPC's traffic: the exchanges that carried GoToMyPC's names or bytes were cut, while the same exchanges without them passed.`;
    }
  }
  if (failedNames.length > 0) {
    const also = [portText && `Also: ${portText}`, interception && `Also: ${interception}`].filter(Boolean).join(' ');
    return { status: 'blocked', text: `${dnsSentence(failedNames)}${also ? ` ${also}` : ''}${possible}` };
  }
  if (blocked.length > 0 && !byProxyOnly) {
    const also = interception ? ` Also: ${interception}` : '';
    return { status: 'blocked', text: `GoToMyPC cannot connect: ${portText}${also}${possible}` };
  }
  if (interception) return { status: 'intercepted', text: `${interception}${possible}` };
  if (byProxyOnly) {
    const ports = listing(blocked.map((p) => p.port));
    return {
      status: 'partial',
      text: `GoToMyPC may connect through the proxy on 443 only: the proxy refuses to open tunnels (CONNECT) to ${ports}, while 443 is open through it. That is squid's default (it allows CONNECT to 443 only).${blocked.some((p) => p.port === 8200) ? ' GoToMyPC prefers 8200 and is reported to fall back to 443; g2probe cannot test that fallback.' : ''}${possible}`,
    };
  }
  const services = summary.services;
  const serviceGaps = services ? services.ports.filter((p) => p.state === 'blocked').map((p) => p.port) : [];
  if (servers && services && serviceGaps.length > 0 && serviceGaps.length === services.ports.length) {
    return {
      status: 'blocked',
      text: `GoToMyPC cannot connect: ${servers} answered on no port they are used on (${listing(serviceGaps)}), though other GoTo addresses did: something blocks these servers by name or by address.`,
    };
  }
  const unknown = summary.ports.filter((p) => p.state === 'unknown');
  if (unknown.length > 0) {
    return {
      status: 'unknown',
      text: `g2probe could not test ${portWord(unknown.map((p) => p.port))}: every attempt there failed with a local fault${localFaults(unknown)}, which says nothing about the network.`,
    };
  }
  if (servers && serviceGaps.length > 0) {
    return {
      status: 'partial',
      text: `GoToMyPC may not connect: ${servers} did not answer on ${portWord(serviceGaps)}, though other GoTo addresses did there.${possible}`,
    };
  }
  const silence = silenceOf(summary);
  const reachable = summary.ports.filter((p) => p.state === 'reachable').map((p) => p.port);
  const unconfirmed = summary.ports.filter((p) => p.state === 'unconfirmed').map((p) => p.port);
  const unconfirmedText = unconfirmed.length === 0 ? '' : ` ${portWord(unconfirmed)} could not be confirmed: the only addresses tried there are ones an old list alone names (the Citrix Online list, possibly retired), and none answered; g2probe cannot tell a firewall from a retired address there.`;
  if (silence.filtered.length > 0) {
    const first = servers ? `${servers} answered` : `${portWord(reachable)} reached GoTo servers`;
    const describe = (r: RangeSilence): string => {
      switch (r.kind) {
        case 'ports-filtered': return `${r.cidr} not on ${listing(r.ports)}, though it answered its other ports (filtered there)`;
        case 'range-refused': return `${r.cidr}, refused on ${listing(r.ports)} (${listing([...new Set(r.reasons)])})`;
        default: return `${r.cidr} on no port, though every address of it was tried (allowed nowhere by address, or not in use)`;
      }
    };
    const n = silence.filtered.length;
    return {
      status: 'partial',
      text: `GoToMyPC should connect, but not to every GoTo range: ${first}, yet ${plural(n, 'range')} did not answer where ${n === 1 ? 'it is' : 'they are'} documented to: ${listing(silence.filtered.map(describe))}.${unconfirmedText}${possible}`,
    };
  }
  const untested = summary.ranges.filter((r) => r.status === 'current' && Object.values(r.ports).some((cell) => cell.state === 'unknown'));
  if (untested.length > 0) {
    const faults = localFaults(summary.ports);
    return {
      status: 'unknown',
      text: `Outbound TCP ${listing(reachable)} reached GoTo servers, but ${plural(untested.length, 'range')} could not be tested${faults ? ` because of local faults${faults}` : ''}.`,
    };
  }
  if (reachable.length === 0) {
    return { status: 'unknown', text: `No GoTo server was confirmed on any port.${unconfirmedText}${possible}` };
  }
  const theirs = (services?.ports ?? []).filter((p) => p.state === 'reachable').map((p) => p.port);
  const reached = servers && theirs.length > 0
    ? `${servers} answered on TCP ${listing(theirs)}, and GoTo servers on TCP ${listing(reachable)}`
    : `outbound TCP ${listing(reachable)} reached the GoTo ranges tested`;
  const quiet = silence.unsampled.length > 0
    ? ` ${plural(silence.unsampled.length, 'range')} answered on no port (${listing(silence.unsampled.map((r) => r.cidr))}): only a sample was tried, and most likely no server in use was sampled; possibly a firewall that allows GoTo by address misses ${silence.unsampled.length === 1 ? 'it' : 'them'}.`
    : '';
  const unused = silence.unused.count > 0
    ? ` ${plural(silence.unused.count, 'sampled address', 'sampled addresses')} answered on no port while others in the same ranges did: most likely unused addresses, not a firewall.`
    : '';
  return { status: 'ok', text: `GoToMyPC should connect: ${reached}.${unconfirmedText}${quiet}${unused}${possible}` };
}
