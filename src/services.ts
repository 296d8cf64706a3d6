// GoToMyPC's own servers: their names resolved first, then their addresses become the run's first targets.
import { resolveName, type DnsSettings } from './checks/dns.js';
import { classifyDns, type DnsContext } from './classify-dns.js';
import { SERVICE_HOSTS, type ServiceHost } from './data/service-hosts.js';
import type { DnsReport, DnsResult, Target } from './types.js';

/** The built-in description of a name, or a plain one for a name given with --hosts (then it is essential: the user asked). */
export function serviceHost(name: string): ServiceHost {
  return SERVICE_HOSTS.find((h) => h.name === name) ?? { name, use: 'given with --hosts', essential: true };
}

/** Every name at once: a handful of names, each bounded by its own deadline. Results keep the order of `names`. */
export async function resolveServices(names: readonly string[], settings: DnsSettings, ctx: DnsContext, signal: AbortSignal): Promise<DnsReport> {
  const results = await Promise.all(names.map(async (name) => classifyDns(await resolveName(name, settings, signal), serviceHost(name), ctx)));
  return { server: settings.server ?? 'system', results: results.filter((r): r is DnsResult => r !== null) };
}

/** Each probed address once (under the first name that gave it), on every port, before any range address. */
export function serviceTargets(report: DnsReport, ports: readonly number[]): Target[] {
  const seen = new Set<string>();
  const targets: Target[] = [];
  for (const result of report.results) {
    for (const address of result.addresses) {
      if (!address.probed || seen.has(address.ip)) continue;
      seen.add(address.ip);
      for (const port of ports) targets.push({ ip: address.ip, port, range: address.range, host: result.host });
    }
  }
  return targets;
}

/** Which names each probed address stands for: one address may serve several names. */
export function namesByAddress(report: DnsReport): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const result of report.results) {
    for (const address of result.addresses) {
      if (!address.probed) continue;
      const list = names.get(address.ip) ?? [];
      if (!list.includes(result.host)) list.push(result.host);
      names.set(address.ip, list);
    }
  }
  return names;
}
