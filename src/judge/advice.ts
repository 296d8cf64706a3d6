// What to do next, chosen from the evidence. Pure: the same summary always gives the same steps, each
// with the attempts, names or ranges that led to it.
import type { AdviceStep, DnsReport, DnsResult, Finding, LocalPolicy, PathSummary, Reason, Role, Summary, VerdictStatus } from '../core/types.js';
import { listing, plural } from '../core/words.js';
import { EXECUTABLES } from '../data/executables.js';
import { INSPECTION_PRODUCTS } from '../data/inspection-cas.js';
import { negotiateOnly } from './classify.js';
import { silenceOf, type RangeSilence } from './silence.js';
import { IN_THE_WAY } from './summary.js';

/**
 * The blocked ports where any attempt had one of `reasons`. Reasons that say this PC or the proxy stood in
 * the way (IN_THE_WAY) count on any port: they need fixing even where other addresses got through.
 */
function portsWith(summary: Summary, reasons: readonly Reason[]): number[] {
  const anywhere = reasons.every((reason) => IN_THE_WAY.has(reason));
  return summary.ports
    .filter((p) => (anywhere || p.state === 'blocked') && reasons.some((reason) => (p.reasons[reason] ?? 0) > 0))
    .map((p) => p.port);
}

/** The attempts behind a step: `address:port reason` for the first few, and how many there were. */
function cite(summary: Summary, ports: readonly number[], reasons: readonly Reason[]): string[] {
  const out: string[] = [];
  for (const port of summary.ports.filter((p) => ports.includes(p.port))) {
    for (const reason of reasons) {
      const count = port.reasons[reason] ?? 0;
      if (count === 0) continue;
      const examples = port.examples[reason] ?? [];
      out.push(`${examples.map((e) => `${e} ${reason}`).join(', ')}${count > examples.length ? ` (${count} attempts in all)` : ''}`);
    }
  }
  return out;
}

function citeName(result: DnsResult): string {
  const dns = result.evidence.dns;
  const answers = Object.entries(dns?.answers ?? {})
    .map(([type, answer]) => `${type} ${Array.isArray(answer) ? answer.join(' ') || '(none)' : answer}`);
  const chain = dns?.chain ? [`chain ${dns.chain.join(' → ')}${dns.loop ? ' (a loop)' : ''}`] : [];
  return `DNS ${result.host}: ${result.status}/${result.reason} (${[...answers, ...chain].join('; ')})`;
}

/** A CNAME with no address behind it: what a DNS filter answers, where NODATA alone is a name without addresses. */
function filteredByCname(result: DnsResult): boolean {
  return result.reason === 'dns-no-address' && (result.evidence.dns?.chain?.length ?? 0) > 1;
}

function resolverName(dns: DnsReport): string {
  return dns.server === 'system' ? 'the resolver of this PC' : `the resolver ${dns.server}`;
}

function dnsSteps(dns: DnsReport | null): AdviceStep[] {
  if (!dns) return [];
  const steps: AdviceStep[] = [];
  const filtered = dns.results.filter((r) => r.reason === 'dns-sinkhole' || r.reason === 'dns-refused' || filteredByCname(r));
  if (filtered.length > 0) {
    const sinkholed = filtered.some((r) => r.reason === 'dns-sinkhole');
    const refused = filtered.some((r) => r.reason === 'dns-refused');
    const cname = filtered.some(filteredByCname);
    const how = [sinkholed ? "answers with a filter's address instead of GoTo's" : '', cname ? 'answers with a CNAME and no address' : '', refused ? 'refuses to answer' : ''].filter(Boolean).join(' or ');
    steps.push({
      text: `A DNS filter blocks ${listing(filtered.map((r) => r.host))}: ${resolverName(dns)} ${how}. Ask whoever runs DNS filtering here (the network administrator, a filtering service such as Cisco Umbrella, or a security suite on this PC) to allow gotomypc.com, getgo.com and logmeininc.com and their subdomains.`,
      evidence: filtered.map(citeName),
    });
  }
  const missing = dns.results.filter((r) => r.essential && (r.reason === 'dns-nxdomain' || r.reason === 'dns-failed' || (r.reason === 'dns-no-address' && !filteredByCname(r))));
  if (missing.length > 0) {
    steps.push({
      text: `${resolverName(dns)} gives no address for ${listing(missing.map((r) => r.host))}, which GoToMyPC needs. Check this PC's DNS servers (ipconfig /all on Windows) and try another resolver: g2probe --dns-server ADDRESS shows whether only this one fails.`,
      evidence: missing.map(citeName),
    });
  }
  const silent = dns.results.filter((r) => r.essential && r.status === 'timeout');
  if (silent.length > 0) {
    steps.push({
      text: `${resolverName(dns)} does not answer for ${listing(silent.map((r) => r.host))}. Check that this PC's DNS servers are reachable: a firewall may block DNS (UDP and TCP 53) to them.`,
      evidence: silent.map(citeName),
    });
  }
  return steps.map((step) => ({ ...step, text: step.text[0]!.toUpperCase() + step.text.slice(1) }));
}

/** GoTo's firewall page: a personal firewall (ZoneAlarm, Norton) asks the first time GoToMyPC runs. */
const PROMPT_NOTE = "ZoneAlarm, Norton and similar firewalls ask the first time GoToMyPC runs: allow it then, or add the programs to the firewall's program list.";

function executablesStep(role: Role | null): string {
  if (role === null) {
    return `Allow the GoToMyPC programs outbound in it. On the PC you connect to (the host): ${listing(EXECUTABLES.host.primary)}, plus ${listing(EXECUTABLES.host.additional)}. On the PC you connect from (the client): ${listing(EXECUTABLES.client.primary)}. (--role host or --role client lists only one.) ${PROMPT_NOTE}`;
  }
  const list = EXECUTABLES[role];
  const all = [...list.primary, ...list.additional];
  const who = role === 'host' ? 'this host PC' : 'this client PC';
  return `Allow these GoToMyPC programs outbound on TCP 80, 443 and 8200 in the firewall of ${who}: ${listing(all)}. ${PROMPT_NOTE} You must be at the PC to authorize them.`;
}

/** Ranges and GoToMyPC's own servers that stayed silent where the same port worked elsewhere. */
function silenceSteps(summary: Summary): AdviceStep[] {
  const steps: AdviceStep[] = [];
  const servers = summary.services;
  const gaps = servers ? servers.ports.filter((p) => p.state === 'blocked' && summary.ports.find((q) => q.port === p.port)?.state !== 'blocked') : [];
  if (servers && gaps.length > 0) {
    const ports = listing(gaps.map((p) => p.port));
    steps.push({
      text: `GoToMyPC's own servers (${listing(servers.hosts.map((h) => h.host))}) did not answer on ${ports}, though other GoTo addresses did. A firewall rule or filter that names these servers (by address or by name) is the likely cause: ask the network administrator to allow outbound TCP ${ports} to them.`,
      evidence: gaps.map((p) => {
        const silent = p.counts.blocked + p.counts.timeout;
        return `${p.examples.join(', ')}${silent > p.examples.length ? ` (${silent} attempts in all)` : ''}`;
      }),
    });
  }
  const silence = silenceOf(summary);
  const cells = (r: RangeSilence): string => `${r.cidr}: ${r.ports.map((p, i) => `${p} ${r.reasons[i]}`).join(', ')}`;
  const filtered = silence.filtered.filter((r) => r.kind === 'ports-filtered');
  if (filtered.length > 0) {
    steps.push({
      text: `Some GoTo ranges answer on some of the ports they are documented for but not on others: ${listing(filtered.map((r) => `${r.cidr} (not ${listing(r.ports)})`))}. A firewall filters those ports for those addresses: if it allows GoTo by address and port, make sure every range is allowed on its ports (g2probe rules prints the rules).`,
      evidence: filtered.map(cells),
    });
  }
  const silent = silence.filtered.filter((r) => r.kind === 'range-silent');
  if (silent.length > 0) {
    steps.push({
      text: `${plural(silent.length, 'GoTo range')} answered on no port, though every address of ${silent.length === 1 ? 'it' : 'them'} was tried and other ranges answered: ${listing(silent.map((r) => r.cidr))}. If your firewall allows GoTo by address, make sure it allows every range (g2probe rules prints them); if it does, those ranges are not in use.`,
      evidence: silent.map(cells),
    });
  }
  // A sampled range that is silent is a weak sign (a sample of a large range easily finds only unused
  // addresses): a note on how to tell, never a request to change anything.
  if (silence.unsampled.length > 0) {
    steps.push({
      text: `Possibly nothing to fix: ${plural(silence.unsampled.length, 'GoTo range')} answered on no port while others did (${listing(silence.unsampled.map((r) => r.cidr))}). Only a sample was tried, and most likely no server in use was sampled; run g2probe again with a larger --sample (say --sample 16) to tell a range not in use from one a firewall misses.`,
      evidence: silence.unsampled.map(cells),
    });
  }
  return steps;
}

/** Rules in Windows Defender Firewall that stop the GoToMyPC programs (g2probe's own connections pass them by). */
function localPolicySteps(policy: LocalPolicy | null): AdviceStep[] {
  if (!policy?.applies) return [];
  const steps: AdviceStep[] = [];
  const blocked = policy.executables.filter((e) => e.verdict === 'blocked');
  if (blocked.length > 0) {
    const rules = [...new Set(blocked.flatMap((e) => e.rules.map((r) => r.name)))];
    steps.push({
      text: `In Windows Defender Firewall (wf.msc, Outbound Rules), disable or delete the block ${rules.length === 1 ? 'rule' : 'rules'} ${listing(rules.map((r) => `"${r}"`))}: ${rules.length === 1 ? 'it stops' : 'they stop'} ${listing([...new Set(blocked.map((e) => e.name))])} going out on TCP 80, 443 or 8200, and a block rule wins over any allow rule.`,
      evidence: blocked.map((e) => `${e.path}: ${e.why}`),
    });
  }
  const general = policy.firewall.generalBlocks;
  if (general.length > 0) {
    steps.push({
      text: `Windows Defender Firewall has outbound block ${general.length === 1 ? 'rule' : 'rules'} for every program on GoToMyPC's ports: ${listing(general.map((r) => `"${r.name}"`))}. Check that ${general.length === 1 ? 'it does' : 'they do'} not cover the GoTo ranges.`,
      evidence: general.map((r) => `${r.name}: block TCP ${listing(r.ports)} to ${r.remoteIPs}`),
    });
  }
  return steps;
}

/** Two paths that differ: the one that fails, and how to bring it to the one that works. */
function pathSteps(summary: Summary): AdviceStep[] {
  const paths = summary.paths ?? [];
  const worse = (a: PathSummary, b: PathSummary): boolean =>
    a.ports.some((p) => (p.state === 'blocked' || p.state === 'intercepted') && b.ports.some((q) => q.port === p.port && q.state === 'reachable'));
  const host = paths.find((p) => p.role === 'host');
  const client = paths.find((p) => p.role === 'client');
  if (!host || !client) return [];
  const evidence = [`the viewer: ${client.said}`, `the host service: ${host.said}`];
  if (worse(host, client)) {
    return [{ text: `The host service (g2svc.exe) follows the machine's WinHTTP proxy settings, which fail where the user's Internet Options get through. On a PC that is to be reached, give WinHTTP the user's settings from an administrator prompt (netsh winhttp import proxy source=ie), or ask the proxy's administrator to let the WinHTTP path reach the GoTo servers.`, evidence }];
  }
  if (worse(client, host)) {
    return [{ text: `The viewer follows this user's Internet Options (Settings > Network > Proxy, or the PAC file they name), which fail where the machine's WinHTTP path gets through. Check those settings, or ask the proxy's administrator to let them reach the GoTo servers.`, evidence }];
  }
  return [];
}

export function adviseOn(
  summary: Summary, status: VerdictStatus, noRoute: boolean, role: Role | null, dns: DnsReport | null = null, localPolicy: LocalPolicy | null = null,
): AdviceStep[] {
  const steps: AdviceStep[] = [];
  const allPorts = summary.ports.map((p) => p.port);
  const add = (text: string, ports: readonly number[], reasons: readonly Reason[]): void => {
    steps.push({ text, evidence: cite(summary, ports, reasons) });
  };
  if (noRoute) {
    add('Check that this PC is connected to a network (cable or Wi-Fi) with a working default gateway, and that any VPN client is connected; then run g2probe again.', allPorts, ['unreachable']);
    return steps;
  }
  steps.push(...localPolicySteps(localPolicy), ...dnsSteps(dns), ...interceptionSteps(summary.findings));
  const filtered = portsWith(summary, ['app-filter']);
  if (filtered.length > 0) {
    steps.push({
      text: `An application-control rule (a next-generation firewall, an IPS or a security gateway) recognises GoToMyPC on TCP ${listing(filtered)}, by its TLS SNI, its HTTP Host or its own bytes, and cuts the connection: the same exchange without GoToMyPC's names passed. Ask the network administrator to allow the GoToMyPC application (GoTo, LogMeIn or "remote access" category) in that rule: opening the ports is not enough.`,
      evidence: appFilterEvidence(summary, filtered),
    });
  }
  const unreachableProxy = portsWith(summary, ['proxy-unreachable']);
  if (unreachableProxy.length > 0) {
    add(`The proxy the attempts on TCP ${listing(unreachableProxy)} go through takes no connection (refused, unreachable or silent: the evidence says which, and the Path line names the proxy). GoToMyPC, which uses the same settings, cannot get out either: start the proxy or correct this PC's proxy settings (Internet Options, the PAC file, WinHTTP, the *_PROXY variables). Nothing is known about the ports behind it.`, unreachableProxy, ['proxy-unreachable']);
  }
  const denied = portsWith(summary, ['proxy-denied']);
  if (denied.length > 0) {
    const open443 = summary.ports.some((p) => p.port === 443 && p.state === 'reachable') && !denied.includes(443);
    const known = open443 ? `The proxy refuses to open tunnels (CONNECT) to TCP ${listing(denied)}, while 443 is open through it: squid does this by default (http_access deny CONNECT !SSL_ports, with 443 the only SSL port).` : `The proxy refuses to open tunnels (CONNECT) to TCP ${listing(denied)}.`;
    const squid = denied.some((p) => p !== 443) ? ' For squid, that is acl SSL_ports port 8200 beside 443.' : '';
    add(`${known} Ask its administrator to allow CONNECT to ${listing(denied)} for the GoTo servers, or let that traffic bypass the proxy.${squid}`, denied, ['proxy-denied']);
  }
  const auth = portsWith(summary, ['proxy-auth-required']);
  if (auth.length > 0) {
    const schemes = new Set(summary.proxySchemes ?? []);
    if (negotiateOnly(schemes)) {
      add(`The proxy wants Windows sign-in (Negotiate, that is Kerberos) before it opens a tunnel on TCP ${listing(auth)}. GoToMyPC will use the user's Windows sign-in through it; g2probe cannot test that (it would need the user's Kerberos ticket), so the path behind the proxy is untested, not known to be blocked. Check that the user is signed in to the domain (with a domain account, on the company network or its VPN), and ask the proxy's administrator to confirm that it admits GoToMyPC's traffic: CONNECT to ports 80, 443 and 8200 of the GoTo servers.`, auth, ['proxy-auth-required']);
    } else {
      const ntlm = schemes.has('ntlm') ? ' It offers NTLM, which g2probe speaks: give the Windows account as DOMAIN\\user.' : '';
      add(`The proxy asks for a user name and password (the offered schemes are in the evidence).${ntlm} Run g2probe again with --proxy-user USER (the password from G2PROBE_PROXY_PASSWORD, --proxy-password-file, or asked for on the terminal) to test the path behind it; GoToMyPC needs the same credentials in its proxy settings.`, auth, ['proxy-auth-required']);
    }
  }
  const tlsFailed = portsWith(summary, ['tls-failed']);
  if (tlsFailed.length > 0) {
    add(`The TLS handshake on ${listing(tlsFailed)} fails (the error is in the evidence): a security product refusing TLS to these addresses, or one that only allows some TLS versions. Ask the network administrator to exempt the GoTo ranges from it.`, tlsFailed, ['tls-failed']);
  }
  const differing = (summary.comparison ?? []).filter((c) => c.differs);
  if (differing.length > 0) {
    const detail = differing.map((c) => `${c.port}: ${c.configured} through the proxy, ${c.direct} directly`);
    steps.push({
      text: `The proxy path and the direct path differ (${detail.join('; ')}). GoToMyPC uses the proxy settings of this PC: fix the path it uses (the proxy's rules), or let GoTo traffic bypass the proxy.`,
      evidence: differing.map((c) => `port ${c.port}: ${c.configured} through the proxy, ${c.direct} directly`),
    });
  }
  const local = portsWith(summary, ['local-firewall']);
  if (local.length > 0) {
    const routed = summary.ports.some((p) => local.includes(p.port) && (p.codes.EINVAL ?? 0) > 0);
    const route = routed ? ' Some attempts never left this PC at all (EINVAL): a blackhole route drops them, often a VPN client\'s "block traffic outside the tunnel" switch; look at ip route (Linux), route print (Windows) or netstat -rn (macOS) for the GoTo ranges.' : '';
    add(`A firewall or security suite on this PC (Windows Defender Firewall, ZoneAlarm, Norton, …) refuses outbound TCP ${listing(local)}.${route} ${executablesStep(role)}`, local, ['local-firewall']);
  }
  // Where a filter cut GoToMyPC's bytes, that is the cause: the silent addresses beside it are only unused ones.
  const notFiltered = (port: number): boolean => !filtered.includes(port);
  const dropped = portsWith(summary, ['no-answer']).filter(notFiltered);
  if (dropped.length > 0) {
    add(`Outbound TCP ${listing(dropped)} is dropped silently, usually by a firewall between this PC and the internet. Ask the network administrator to allow outbound TCP ${listing(dropped)} to the GoTo ranges: g2probe rules --format iptables (or nftables, windows, pf, csv) prints the exact rules.`, dropped, ['no-answer']);
  }
  const rejected = portsWith(summary, ['refused', 'unreachable', 'reset']).filter(notFiltered);
  if (rejected.length > 0) {
    add(`Outbound TCP ${listing(rejected)} is rejected (refused, reset or 'unreachable'). Ask the network administrator to allow outbound TCP ${listing(rejected)} to the GoTo ranges (g2probe rules prints the rules); if a firewall on this PC is involved, allow the GoToMyPC programs in it.`, rejected, ['refused', 'unreachable', 'reset']);
  }
  steps.push(...silenceSteps(summary), ...possibleSteps(summary.findings), ...pathSteps(summary));
  const faults = (reasons: readonly Reason[]): number =>
    summary.ports.reduce((sum, p) => sum + reasons.reduce((n, reason) => n + (p.reasons[reason] ?? 0), 0), 0);
  const exhausted = faults(['resource-exhausted']);
  if (exhausted > 0) {
    add(`${plural(exhausted, 'attempt')} could not be made because this PC ran out of resources (open files or network buffers), not because of the network: run g2probe again with a lower --concurrency (for example --concurrency 16), or raise the open-file limit.`, allPorts, ['resource-exhausted']);
  }
  const unsupported = faults(['no-local-address', 'unsupported']);
  if (unsupported > 0) {
    add(`${plural(unsupported, 'attempt')} could not be made because this PC had no usable local address for them (IPv6 disabled, or no free local port): enable that address family or run again later. This says nothing about the network.`, allPorts, ['no-local-address', 'unsupported']);
  }
  const unexpected = faults(['unexpected']);
  if (unexpected > 0) {
    add(`${plural(unexpected, 'attempt')} failed with an unexpected local error (see the codes in the JSON report); please report it with the report attached.`, allPorts, ['unexpected']);
  }
  if (role !== null && status !== 'ok' && local.length === 0) steps.push({ text: executablesStep(role), evidence: [`--role ${role}`] });
  if (steps.length === 0 && status === 'ok') {
    steps.push({ text: 'Nothing to change on the network side. If GoToMyPC still fails, run g2probe again on the other PC (host or client).', evidence: [] });
  }
  return steps;
}

/** Weak signs: named, with what would settle them, never as a change to make. */
function possibleSteps(findings: readonly Finding[]): AdviceStep[] {
  const possible = findings.filter((f) => f.possible);
  if (possible.length === 0) return [];
  return [{
    text: `Possibly something in the way, on a sign too weak to judge on: ${possible.map((f) => f.text.replace(/^Possibly /, '')).join(' ')} If GoToMyPC fails although the rest looks fine, show this to the network administrator.`,
    evidence: possible.map((f) => `port ${f.port}: ${plural(f.attempts, 'attempt')}`),
  }];
}

/** Both exchanges of the first app-filter attempts per port: what was cut, and what passed. */
function appFilterEvidence(summary: Summary, ports: readonly number[]): string[] {
  return summary.findings
    .filter((f) => f.reason === 'app-filter' && !f.possible && ports.includes(f.port) && !('kind' in f.evidence))
    .map((f) => {
      const exchanges = 'kind' in f.evidence ? undefined : f.evidence.exchanges;
      if (!exchanges) return `port ${f.port}: app-filter`;
      const { gotomypc, neutral } = exchanges;
      const how = (e: typeof gotomypc): string => `${e.outcome}${e.code ? ` ${e.code}` : ''}${e.answer ? ` (${e.answer})` : ''}`;
      return `port ${f.port}: ${gotomypc.sent}: ${how(gotomypc)}; ${neutral.sent}: ${how(neutral)}; ${plural(f.attempts, 'attempt')}`;
    });
}

/** One step per interceptor: who to ask and what to exempt depends on whether it is a gateway or a suite on this PC. */
function interceptionSteps(findings: readonly Finding[]): AdviceStep[] {
  const steps: AdviceStep[] = [];
  for (const finding of findings) {
    if (finding.possible || finding.reason === 'app-filter') continue;
    let step: string;
    if (finding.reason === 'tls-inspection') {
      const known = INSPECTION_PRODUCTS.find((p) => p.product === finding.product);
      if (known?.kind === 'debugging-proxy') {
        step = `${known.product}, a debugging proxy, intercepts HTTPS on this PC (it re-signs the certificate on ${finding.port}). Quit it, or leave GoTo's hosts out of its SSL proxying, and make sure this PC's proxy settings no longer point to it.`;
      } else if (known?.kind === 'personal-suite') {
        const norton = /norton/i.test(known.product) ? " GoTo's firewall page names Norton Transaction Protection as a setting to adjust." : '';
        step = `${known.product} on this PC inspects HTTPS (it re-signs the certificate on ${finding.port}). In ${known.product}, exclude the GoTo ranges or the GoToMyPC programs from HTTPS (SSL) scanning, or turn that scanning off.${norton}`;
      } else {
        const where = known ? ` in ${known.product}` : ' in the proxy, firewall or security software that inspects HTTPS';
        const local = !('kind' in finding.evidence) && finding.evidence.tls?.extraRoot
          ? " Its root certificate is installed on this PC: if no company gateway is meant to do this, look for a security suite on this PC (GoTo's firewall page names Norton Transaction Protection as a setting to adjust)."
          : '';
        step = `Exempt the GoTo ranges (the Ranges table) from HTTPS inspection${where}: GoToMyPC does not accept a certificate re-signed by someone else.${local}`;
      }
    } else {
      const name = finding.product ? ` (${finding.product})` : '';
      step = `A transparent proxy or filter${name} answers port ${finding.port} in GoTo's place. Ask the network administrator to exempt the GoTo ranges from it, or to allow GoToMyPC through it.`;
    }
    const evidence = `port ${finding.port}: ${finding.reason}${finding.product ? ` (${finding.product})` : ''}, ${plural(finding.attempts, 'attempt')}`;
    const same = steps.find((s) => s.text === step);
    if (same) same.evidence.push(evidence);
    else steps.push({ text: step, evidence: [evidence] });
  }
  return steps;
}
