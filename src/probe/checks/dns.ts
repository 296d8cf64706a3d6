// The DNS check: A and AAAA for one name, asked of one resolver, under the same kind of deadline as a handshake; and
// where the answer held no address, the CNAMEs it leads through (a DNS filter's answer, a loop).
import type { CnameChain, DnsObservation, DnsQueryObservation, DnsRecordType } from '../../core/types.js';
import { openResolver } from '../../net/dialer.js';
import { startDeadline } from './deadline.js';
import { onInterrupt } from './interrupt.js';

export interface DnsSettings {
  /** ADDR[:PORT] of the resolver, or null for the system's configuration (resolv.conf, or Windows' adapters). */
  server: string | null;
  timeoutMs: number;
}

const METHOD = { A: 'resolve4', AAAA: 'resolve6', CNAME: 'resolveCname' } as const;
/** Resolvers follow at most 8 to 16 CNAMEs (BIND's limit is 16 since 9.16, Unbound's 8 by default). */
const MAX_HOPS = 16;

type Asked = { outcome: 'answered'; values: string[]; elapsedMs: number } | { outcome: 'failed' | 'timeout' | 'interrupted'; code?: string; elapsedMs: number };

/**
 * c-ares retries and backs off on its own, so its timeout is not a deadline: ours cancels the query. Its own
 * is set well past ours, so that a loaded event loop cannot let it decide first and report the same silence
 * with another code. Never rejects; each answer or failure is an observation.
 */
async function ask(host: string, type: keyof typeof METHOD, settings: DnsSettings, signal: AbortSignal): Promise<Asked> {
  const resolver = openResolver(settings.server, { timeout: settings.timeoutMs * 2 + 1000, tries: 1 });
  let ended: 'timeout' | 'interrupted' | null = null;
  const deadline = startDeadline(settings.timeoutMs, () => { ended = 'timeout'; resolver.cancel(); });
  const stopWaiting = onInterrupt(signal, () => { ended = 'interrupted'; resolver.cancel(); });
  try {
    const values = await resolver[METHOD[type]](host);
    return { outcome: 'answered', values, elapsedMs: deadline.elapsed() };
  } catch (err) {
    const elapsedMs = deadline.elapsed();
    const code = (err as NodeJS.ErrnoException).code;
    if (ended) return { outcome: ended, elapsedMs };
    if (code === 'ETIMEOUT') return { outcome: 'timeout', elapsedMs };
    return { outcome: 'failed', ...(code ? { code } : {}), elapsedMs };
  } finally {
    deadline.cancel();
    stopWaiting();
  }
}

async function query(host: string, type: DnsRecordType, settings: DnsSettings, signal: AbortSignal): Promise<DnsQueryObservation> {
  const asked = await ask(host, type, settings, signal);
  if (asked.outcome === 'answered') return { type, outcome: 'answered', addresses: asked.values, elapsedMs: asked.elapsedMs };
  return { type, outcome: asked.outcome, addresses: [], ...(asked.outcome === 'failed' && asked.code ? { code: asked.code } : {}), elapsedMs: asked.elapsedMs };
}

/** c-ares answers an A query that got only CNAMEs with an empty list: where do they lead? One query per hop. */
async function followCnames(host: string, settings: DnsSettings, signal: AbortSignal): Promise<CnameChain> {
  const names: string[] = [];
  const seen = new Set([host.toLowerCase()]);
  let at = host;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const asked = await ask(at, 'CNAME', settings, signal);
    if (asked.outcome !== 'answered') return { names, loop: false, end: asked.outcome === 'failed' && (asked.code === 'ENODATA' || asked.code === 'ENOTFOUND') ? 'end' : 'failed' };
    const next = asked.values[0];
    if (next === undefined) return { names, loop: false, end: 'end' };
    names.push(next);
    if (seen.has(next.toLowerCase())) return { names, loop: true, end: 'end' };
    seen.add(next.toLowerCase());
    at = next;
  }
  return { names, loop: false, end: 'too-long' };
}

export async function resolveName(host: string, settings: DnsSettings, signal: AbortSignal): Promise<DnsObservation> {
  const queries = await Promise.all([query(host, 'A', settings, signal), query(host, 'AAAA', settings, signal)]);
  const observation: DnsObservation = { kind: 'dns', host, server: settings.server ?? 'system', queries };
  const empty = queries.some((q) => q.outcome === 'answered' && q.addresses.length === 0) && queries.every((q) => q.addresses.length === 0);
  return empty && !signal.aborted ? { ...observation, chain: await followCnames(host, settings, signal) } : observation;
}
