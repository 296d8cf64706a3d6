// What to do next, chosen from the evidence. Pure: the same summary always gives the same steps.
import { EXECUTABLES } from './data/executables.js';
import { INSPECTION_PRODUCTS } from './data/inspection-cas.js';
import type { AdviceStep, Finding, Reason, Role, Summary, VerdictStatus } from './types.js';
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
  steps.push(...interceptionSteps(summary.findings));
  const denied = portsWith(summary, ['proxy-denied']);
  if (denied.length > 0) {
    steps.push(`The proxy refuses to open tunnels (CONNECT) to TCP ${listing(denied)}. Ask its administrator to allow CONNECT to ports 80, 443 and 8200 for the GoTo ranges (the table above), or let that traffic bypass the proxy.`);
  }
  const auth = portsWith(summary, ['proxy-auth-required']);
  if (auth.length > 0) {
    steps.push(`The proxy asks for a user name and password (the offered schemes are in the evidence). Run g2probe again with --proxy-user USER:PASSWORD, or with the credentials in HTTPS_PROXY, to test the path behind it; GoToMyPC needs the same credentials in its proxy settings.`);
  }
  const tlsFailed = portsWith(summary, ['tls-failed']);
  if (tlsFailed.length > 0) {
    steps.push(`The TLS handshake on ${listing(tlsFailed)} fails (the error is in the evidence): a security product refusing TLS to these addresses, or one that only allows some TLS versions. Ask the network administrator to exempt the GoTo ranges from it.`);
  }
  const differing = (summary.comparison ?? []).filter((c) => c.differs);
  if (differing.length > 0) {
    const detail = differing.map((c) => `${c.port}: ${c.configured} through the proxy, ${c.direct} directly`);
    steps.push(`The proxy path and the direct path differ (${detail.join('; ')}). GoToMyPC uses the proxy settings of this PC: fix the path it uses (the proxy's rules), or let GoTo traffic bypass the proxy.`);
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

/** One step per interceptor: who to ask and what to exempt depends on whether it is a gateway or a suite on this PC. */
function interceptionSteps(findings: readonly Finding[]): string[] {
  const steps: string[] = [];
  for (const finding of findings) {
    let step: string;
    if (finding.reason === 'tls-inspection') {
      const known = INSPECTION_PRODUCTS.find((p) => p.product === finding.product);
      if (known?.kind === 'personal-suite') {
        const norton = /norton/i.test(known.product) ? " GoTo's firewall page names Norton Transaction Protection as a setting to adjust." : '';
        step = `${known.product} on this PC inspects HTTPS (it re-signs the certificate on ${finding.port}). In ${known.product}, exclude the GoTo ranges or the GoToMyPC programs from HTTPS (SSL) scanning, or turn that scanning off.${norton}`;
      } else {
        const where = known ? ` in ${known.product}` : ' in the proxy, firewall or security software that inspects HTTPS';
        const local = !('kind' in finding.evidence) && finding.evidence.tls?.extraRoot
          ? ' Its root certificate is installed on this PC: if no company gateway is meant to do this, look for a security suite on this PC.'
          : '';
        step = `Exempt the GoTo ranges (the table above) from HTTPS inspection${where}: GoToMyPC does not accept a certificate re-signed by someone else.${local}`;
      }
    } else if ('kind' in finding.evidence) {
      step = `Something between this PC and the internet accepts connections on port ${finding.port} itself without passing them on (a transparent proxy or security appliance). Ask the network administrator to let outbound TCP ${finding.port} to the GoTo ranges through unproxied.`;
    } else {
      const name = finding.product ? ` (${finding.product})` : '';
      step = `A transparent proxy or filter${name} answers port ${finding.port} in GoTo's place. Ask the network administrator to exempt the GoTo ranges from it, or to allow GoToMyPC through it.`;
    }
    if (!steps.includes(step)) steps.push(step);
  }
  return steps;
}
