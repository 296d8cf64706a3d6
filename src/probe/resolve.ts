// GoToMyPC's names, resolved and judged before any range is probed: their addresses are the run's first targets.
import type { DnsReport, DnsResult } from '../core/types.js';
import { classifyDns, type DnsContext } from '../judge/classify-dns.js';
import { serviceHost } from '../targets/services.js';
import { resolveName, type DnsSettings } from './checks/dns.js';

/** Every name at once: a handful of names, each bounded by its own deadline. Results keep the order of `names`. */
export async function resolveServices(names: readonly string[], runPorts: readonly number[], settings: DnsSettings, ctx: DnsContext, signal: AbortSignal): Promise<DnsReport> {
  const results = await Promise.all(names.map(async (name) => classifyDns(await resolveName(name, settings, signal), serviceHost(name, runPorts), ctx)));
  return { server: settings.server ?? 'system', results: results.filter((r): r is DnsResult => r !== null) };
}
