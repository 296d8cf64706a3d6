// The verdict: one status and one plain sentence from the summary. Pure.
import { adviseOn } from './advice.js';
import type { PortSummary, Reason, Role, Summary, Verdict, VerdictStatus } from './types.js';
import { listing, plural, portWord } from './words.js';

export const EXIT_CODES: Record<VerdictStatus, number> = { ok: 0, partial: 1, blocked: 2, unknown: 3, intercepted: 4 };

/** How each reason reads after "the attempts …", for the verdict sentence. */
const CAUSE: Partial<Record<Reason, string>> = {
  'no-answer': 'timed out: something drops them silently',
  refused: 'were refused',
  unreachable: "were answered with 'unreachable' by the network",
  'local-firewall': 'were refused by a firewall on this PC before leaving it',
  reset: 'were reset',
  'proxy-denied': 'were denied by the proxy',
  'proxy-auth-required': 'were refused by the proxy, which wants a user name and password',
  'tls-failed': 'failed in the TLS handshake',
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

/** The first finding per intercepted port, in plain words; empty when nothing intercepted. */
function interceptionText(summary: Summary): string {
  const ports = new Set(summary.ports.filter((p) => p.state === 'intercepted').map((p) => p.port));
  const texts: string[] = [];
  for (const finding of summary.findings) {
    if (ports.delete(finding.port) && !texts.includes(finding.text)) texts.push(finding.text);
  }
  return texts.join(' ');
}

export function decideVerdict(summary: Summary, role: Role | null): Verdict {
  const noRoute = hasNoRoute(summary);
  const { status, text } = judge(summary, noRoute);
  return { status, exitCode: EXIT_CODES[status], text, advice: adviseOn(summary, status, noRoute, role) };
}

function judge(summary: Summary, noRoute: boolean): { status: VerdictStatus; text: string } {
  const allPorts = summary.ports.map((p) => p.port);
  if (summary.total === 0) return { status: 'unknown', text: 'Nothing was tested: the run ended before any attempt finished.' };
  if (noRoute) {
    return {
      status: 'blocked',
      text: "GoToMyPC cannot connect: this PC has no route to the GoTo servers (every attempt failed with 'network unreachable' before leaving this machine).",
    };
  }
  const interception = interceptionText(summary);
  const blocked = summary.ports.filter((p) => p.state === 'blocked');
  if (blocked.length > 0) {
    const reason = dominantReason(blocked);
    const cause = reason ? ` (the attempts ${CAUSE[reason]})` : '';
    const also = interception ? ` Also: ${interception}` : '';
    return { status: 'blocked', text: `GoToMyPC cannot connect: outbound TCP ${portWord(blocked.map((p) => p.port))} reached no GoTo server${cause}.${also}` };
  }
  if (interception) return { status: 'intercepted', text: interception };
  const unknown = summary.ports.filter((p) => p.state === 'unknown');
  if (unknown.length > 0) {
    return {
      status: 'unknown',
      text: `g2probe could not test ${portWord(unknown.map((p) => p.port))}: every attempt there failed with a local fault${localFaults(unknown)}, which says nothing about the network.`,
    };
  }
  const current = summary.ranges.filter((r) => r.status === 'current');
  const short = current.filter((r) => Object.values(r.ports).some((cell) => cell.state === 'blocked'));
  if (short.length > 0) {
    return {
      status: 'partial',
      text: `GoToMyPC may connect, but not everywhere: ${portWord(allPorts)} reached GoTo servers, yet ${short.length} of ${plural(current.length, 'current GoTo range')} did not answer on every port.`,
    };
  }
  const untested = current.filter((r) => Object.values(r.ports).some((cell) => cell.state === 'unknown'));
  if (untested.length > 0) {
    const faults = localFaults(summary.ports);
    return {
      status: 'unknown',
      text: `Outbound TCP ${listing(allPorts)} reached GoTo servers, but ${plural(untested.length, 'range')} could not be tested${faults ? ` because of local faults${faults}` : ''}.`,
    };
  }
  return { status: 'ok', text: `GoToMyPC should connect: outbound TCP ${listing(allPorts)} reached every GoTo range tested.` };
}
