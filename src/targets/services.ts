// GoToMyPC's own servers as targets: once their names are resolved, their addresses are the run's first targets.
import type { DnsReport, ServiceIndex, Target } from '../core/types.js';
import { SERVICE_HOSTS, type ServiceHost } from '../data/service-hosts.js';

/**
 * The built-in description of a name, on the run's ports it is used on; or a plain one for a name given with
 * --hosts (essential, on every port of the run: the user asked).
 */
export function serviceHost(name: string, runPorts: readonly number[]): ServiceHost {
  const known = SERVICE_HOSTS.find((h) => h.name === name);
  if (!known) return { name, use: 'given with --hosts', essential: true, ports: [...runPorts], source: '--hosts' };
  return { ...known, ports: runPorts.filter((port) => known.ports.includes(port)) };
}


/**
 * Each probed address once, before any range address, on every port one of its names is used on (the name
 * sent as Host and SNI is the first name used on that port).
 */
export function serviceTargets(report: DnsReport): Target[] {
  const byAddress = new Map<string, Map<number, string>>();
  for (const result of report.results) {
    for (const address of result.addresses) {
      if (!address.probed) continue;
      let ports = byAddress.get(address.ip);
      if (!ports) byAddress.set(address.ip, (ports = new Map()));
      for (const port of result.ports) if (!ports.has(port)) ports.set(port, result.host);
    }
  }
  const ranges = new Map(report.results.flatMap((r) => r.addresses.map((a) => [a.ip, a.range] as const)));
  const targets: Target[] = [];
  for (const [ip, ports] of byAddress) {
    for (const [port, host] of [...ports].sort((a, b) => a[0] - b[0])) targets.push({ ip, port, range: ranges.get(ip) ?? null, host, expected: true });
  }
  return targets;
}

/** Which names each probed address stands for (one address may serve several), and where each name is used. */
export function serviceIndex(report: DnsReport): ServiceIndex {
  const byAddress = new Map<string, string[]>();
  for (const result of report.results) {
    for (const address of result.addresses) {
      if (!address.probed) continue;
      const list = byAddress.get(address.ip) ?? [];
      if (!list.includes(result.host)) list.push(result.host);
      byAddress.set(address.ip, list);
    }
  }
  const hosts = report.results.filter((r) => r.addresses.some((a) => a.probed)).map((r) => ({ host: r.host, essential: r.essential, ports: r.ports }));
  return { byAddress, hosts };
}
