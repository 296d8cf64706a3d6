// The DNS check: A and AAAA for one name, asked of one resolver, under the same kind of deadline as a handshake.
import type { DnsObservation, DnsQueryObservation, DnsRecordType } from '../../core/types.js';
import { openResolver } from '../../net/dialer.js';
import { startDeadline } from './deadline.js';
import { onInterrupt } from './interrupt.js';

export interface DnsSettings {
  /** ADDR[:PORT] of the resolver, or null for the system's configuration (resolv.conf, or Windows' adapters). */
  server: string | null;
  timeoutMs: number;
}

const METHOD = { A: 'resolve4', AAAA: 'resolve6' } as const;

/**
 * c-ares retries and backs off on its own, so its timeout is not a deadline: ours cancels the query. Its own
 * is set well past ours, so that a loaded event loop cannot let it decide first and report the same silence
 * with another code. Never rejects; each answer or failure is an observation.
 */
async function query(host: string, type: DnsRecordType, settings: DnsSettings, signal: AbortSignal): Promise<DnsQueryObservation> {
  const resolver = openResolver(settings.server, { timeout: settings.timeoutMs * 2 + 1000, tries: 1 });
  let ended: 'timeout' | 'interrupted' | null = null;
  const deadline = startDeadline(settings.timeoutMs, () => { ended = 'timeout'; resolver.cancel(); });
  const stopWaiting = onInterrupt(signal, () => { ended = 'interrupted'; resolver.cancel(); });
  try {
    const addresses = await resolver[METHOD[type]](host);
    return { type, outcome: 'answered', addresses, elapsedMs: deadline.elapsed() };
  } catch (err) {
    const elapsedMs = deadline.elapsed();
    const code = (err as NodeJS.ErrnoException).code;
    if (ended) return { type, outcome: ended, addresses: [], elapsedMs };
    if (code === 'ETIMEOUT') return { type, outcome: 'timeout', addresses: [], elapsedMs };
    return { type, outcome: 'failed', addresses: [], ...(code ? { code } : {}), elapsedMs };
  } finally {
    deadline.cancel();
    stopWaiting();
  }
}

export async function resolveName(host: string, settings: DnsSettings, signal: AbortSignal): Promise<DnsObservation> {
  const queries = await Promise.all([query(host, 'A', settings, signal), query(host, 'AAAA', settings, signal)]);
  return { kind: 'dns', host, server: settings.server ?? 'system', queries };
}
