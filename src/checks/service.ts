// Port 8200: listen briefly for unsolicited bytes, then send a harmless probe and see what answers.
import type { Socket } from 'node:net';
import { bytesSample, headEnd, looksLikeHttp, parseResponseHead } from '../http-head.js';
import type { ServiceObservation } from '../types.js';
import { exchange } from './exchange.js';
import { httpRequest } from './http.js';

/** GoToMyPC's 8200 service waits for its client: a real server stays quiet through both windows. */
const UNSOLICITED_WINDOW_MS = 250;
const REPLY_WINDOW_MS = 750;
const MAX_BYTES = 4096;

export interface ServiceCheckOptions {
  host: string;
  timeoutMs: number;
}

/**
 * The probe is an HTTP request: a proxy or web server in the path answers it with a status line or
 * an error page, while the GoToMyPC service ignores it or closes. A reset after it is a middlebox
 * cutting the connection once it sees payload.
 */
export async function checkService(socket: Socket, options: ServiceCheckOptions, signal: AbortSignal): Promise<ServiceObservation> {
  const started = performance.now();
  const elapsedMs = (): number => performance.now() - started;
  const first = await exchange(socket, {
    maxBytes: MAX_BYTES,
    enough: (data) => data.length > 0 && !looksLikeHttp(data) ? true : headEnd(data) >= 0,
    timeoutMs: Math.min(UNSOLICITED_WINDOW_MS, options.timeoutMs),
    signal,
  });
  const unsolicited = first.data.length ? { unsolicited: bytesSample(first.data) } : {};
  if (first.outcome === 'interrupted') return { kind: 'service', outcome: 'interrupted', elapsedMs: elapsedMs() };
  if (first.data.length) return answered(first.data, unsolicited, {}, elapsedMs());
  if (first.outcome === 'failed') return { kind: 'service', outcome: 'failed', code: first.code ?? 'UNKNOWN', elapsedMs: elapsedMs() };
  if (first.outcome === 'closed') return { kind: 'service', outcome: 'closed', elapsedMs: elapsedMs() };

  const second = await exchange(socket, {
    send: httpRequest(options.host),
    maxBytes: MAX_BYTES,
    enough: (data) => headEnd(data) >= 0 || !looksLikeHttp(data),
    timeoutMs: Math.min(REPLY_WINDOW_MS, options.timeoutMs),
    signal,
  });
  if (second.data.length) return answered(second.data, {}, { reply: bytesSample(second.data) }, elapsedMs());
  switch (second.outcome) {
    case 'interrupted':
      return { kind: 'service', outcome: 'interrupted', elapsedMs: elapsedMs() };
    case 'failed':
      return { kind: 'service', outcome: 'failed', code: second.code ?? 'UNKNOWN', elapsedMs: elapsedMs() };
    case 'closed':
      return { kind: 'service', outcome: 'closed', elapsedMs: elapsedMs() };
    default:
      return { kind: 'service', outcome: 'quiet', elapsedMs: elapsedMs() };
  }
}

function answered(data: Buffer, unsolicited: { unsolicited?: string }, reply: { reply?: string }, elapsedMs: number): ServiceObservation {
  const head = parseResponseHead(data);
  return {
    kind: 'service',
    outcome: 'answered',
    ...unsolicited,
    ...reply,
    ...(head ? { status: head.status, headers: head.headers } : {}),
    elapsedMs,
  };
}
