// What to do next, chosen from the evidence. Pure: the same summary always gives the same steps.
import { EXECUTABLES } from './data/executables.js';
import type { AdviceStep, Reason, Role, Summary, VerdictStatus } from './types.js';
import { listing, plural } from './words.js';

function portsWith(summary: Summary, reasons: readonly Reason[]): number[] {
  return summary.ports
    .filter((p) => p.state === 'blocked' && reasons.some((reason) => (p.reasons[reason] ?? 0) > 0))
    .map((p) => p.port);
}

function executablesStep(role: Role | null): string {
  if (role === null) {
    return `Allow the GoToMyPC programs outbound in it. On the PC you connect to (the host): ${listing(EXECUTABLES.host.primary)}, plus ${listing(EXECUTABLES.host.additional)}. On the PC you connect from (the client): ${listing(EXECUTABLES.client.primary)}. (--role host or --role client lists only one.)`;
  }
  const list = EXECUTABLES[role];
  const all = [...list.primary, ...list.additional];
  const who = role === 'host' ? 'this host PC' : 'this client PC';
  return `Allow these GoToMyPC programs outbound on TCP 80, 443 and 8200 in the firewall of ${who}: ${listing(all)}. You must be at the PC to authorize them.`;
}

export function adviseOn(summary: Summary, status: VerdictStatus, noRoute: boolean, role: Role | null): AdviceStep[] {
  const steps: string[] = [];
  if (noRoute) {
    steps.push('Check that this PC is connected to a network (cable or Wi-Fi) with a working default gateway, and that any VPN client is connected; then run g2probe again.');
    return steps.map((text) => ({ text }));
  }
  const local = portsWith(summary, ['local-firewall']);
  if (local.length > 0) {
    steps.push(`A firewall or security suite on this PC (Windows Defender Firewall, ZoneAlarm, Norton, …) refuses outbound TCP ${listing(local)}. ${executablesStep(role)}`);
  }
  const dropped = portsWith(summary, ['no-answer']);
  if (dropped.length > 0) {
    steps.push(`Outbound TCP ${listing(dropped)} is dropped silently, usually by a firewall between this PC and the internet. Ask the network administrator to allow outbound TCP ${listing(dropped)} to the GoTo ranges (g2probe --plan lists the addresses tried; the ranges are in the table above).`);
  }
  const rejected = portsWith(summary, ['refused', 'unreachable', 'reset']);
  if (rejected.length > 0) {
    steps.push(`Outbound TCP ${listing(rejected)} is rejected (refused, reset or 'unreachable'). Ask the network administrator to allow outbound TCP ${listing(rejected)} to the GoTo ranges; if a firewall on this PC is involved, allow the GoToMyPC programs in it.`);
  }
  const reachable = new Set(summary.ports.filter((p) => p.state === 'reachable').map((p) => String(p.port)));
  const gaps = summary.ranges
    .filter((r) => r.status === 'current')
    .map((r) => ({ cidr: r.cidr, cells: Object.entries(r.ports).filter(([port, cell]) => reachable.has(port) && cell.state === 'blocked') }))
    .filter((r) => r.cells.length > 0);
  if (gaps.length > 0) {
    const detail = gaps.map((r) => `${r.cidr} (${r.cells.map(([port, cell]) => `${port}: ${cell.reason}`).join(', ')})`);
    steps.push(`Some GoTo ranges did not answer on ports that work elsewhere: ${listing(detail)}. If your firewall allows GoTo by address, make sure it allows every range in the table above. A single address that does not answer may simply be unused; run again with a larger --sample to tell.`);
  }
  const faults = (reasons: readonly Reason[]): number =>
    summary.ports.reduce((sum, p) => sum + reasons.reduce((n, reason) => n + (p.reasons[reason] ?? 0), 0), 0);
  const exhausted = faults(['resource-exhausted']);
  if (exhausted > 0) {
    steps.push(`${plural(exhausted, 'attempt')} could not be made because this PC ran out of resources (open files or network buffers), not because of the network: run g2probe again with a lower --concurrency (for example --concurrency 16), or raise the open-file limit.`);
  }
  const unsupported = faults(['no-local-address', 'unsupported']);
  if (unsupported > 0) {
    steps.push(`${plural(unsupported, 'attempt')} could not be made because this PC had no usable local address for them (IPv6 disabled, or no free local port): enable that address family or run again later. This says nothing about the network.`);
  }
  const unexpected = faults(['unexpected']);
  if (unexpected > 0) {
    steps.push(`${plural(unexpected, 'attempt')} failed with an unexpected local error (see the codes in the JSON report); please report it with the report attached.`);
  }
  if (role !== null && status !== 'ok' && local.length === 0) steps.push(executablesStep(role));
  if (steps.length === 0 && status === 'ok') steps.push('Nothing to change on the network side. If GoToMyPC still fails, run g2probe again on the other PC (host or client).');
  return steps.map((text) => ({ text }));
}
