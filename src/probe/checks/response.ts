// An HTTP answer read off a connection with the one reader (core/http-response.ts): as much as its framing says, at
// most the caps, until the deadline. What follows a whole answer stays in the socket for the next reader (a
// tunnel's first bytes, the next answer on a kept connection).
import type { Socket } from 'node:net';
import { readResponse, reparseThrottle, type HttpResponse, type ReadLimits } from '../../core/http-response.js';
import { exchange, type ExchangeResult } from './exchange.js';

export interface ResponseOptions {
  /** Sent first, when given. */
  send?: string;
  limits: ReadLimits;
  /** The answer to a CONNECT: a 2xx ends at its head. */
  connect?: boolean;
  /** Enough before the answer is settled (bytes that are not HTTP, when only their arrival matters). */
  enough?: (response: HttpResponse) => boolean;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ResponseRead {
  /** How the reading ended: `enough` (settled, or the caller had enough), `closed`, `quiet` (the deadline), … */
  outcome: ExchangeResult['outcome'];
  /** The answer as far as it came; null when no byte (or not even `HTTP/` whole) arrived. */
  response: HttpResponse | null;
  /** Every byte read (a head the deadline cut is there, though `response` is null). */
  data: Buffer;
  code?: string;
  elapsedMs: number;
}

/** Raw bytes read at most: the caps, with room for chunked coding's sizes and interim answers. */
function rawCap(limits: ReadLimits): number {
  return limits.headBytes + limits.bodyBytes * 2 + 4096;
}

export async function readHttp(socket: Socket, options: ResponseOptions): Promise<ResponseRead> {
  const { limits } = options;
  const cap = rawCap(limits);
  const context = { ended: false, ...(options.connect ? { connect: true } : {}) };
  const worth = reparseThrottle(cap);
  const enough = (size: number, chunk: Buffer, data: () => Buffer): boolean => {
    if (!worth(size, chunk)) return false;
    const response = readResponse(data(), limits, context);
    return response !== null && (response.settled || (options.enough?.(response) ?? false));
  };
  const result = await exchange(socket, { ...(options.send === undefined ? {} : { send: options.send }), maxBytes: cap, enough, timeoutMs: options.timeoutMs, signal: options.signal });
  const ended = result.outcome === 'closed' || result.outcome === 'failed';
  let response = readResponse(result.data, limits, { ...context, ended });
  if (response !== null && !response.settled && result.data.length >= cap) response = { ...response, settled: true, read: { ...response.read, truncated: true } };
  if (response?.read.complete && !ended && result.data.length > response.end) socket.unshift(result.data.subarray(response.end));
  return { outcome: result.outcome, response, data: result.data, ...(result.code ? { code: result.code } : {}), elapsedMs: result.elapsedMs };
}
