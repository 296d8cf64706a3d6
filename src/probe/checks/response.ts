// An HTTP answer read off a connection with the one reader (core/http-response.ts): as much as its framing says, at
// most the caps, until the deadline. What follows a whole answer stays in the socket for the next reader (a
// tunnel's first bytes, the next answer on a kept connection).
import type { Socket } from 'node:net';
import { readResponse, type HttpResponse, type ReadLimits } from '../../core/http-response.js';
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

/**
 * Parsing again on every arrival would cost the square of the bytes when a peer sends one byte at a time: parse
 * when the bytes grew by an eighth, or a line ended (at most PARSES_ON_LF times), or the cap is reached. A whole
 * answer a trickle ends without a trigger is still read, at the deadline.
 */
const PARSES_ON_LF = 64;

export async function readHttp(socket: Socket, options: ResponseOptions): Promise<ResponseRead> {
  const { limits } = options;
  const cap = rawCap(limits);
  const context = { ended: false, ...(options.connect ? { connect: true } : {}) };
  let parsedAt = 0;
  let onLf = 0;
  const enough = (data: Buffer, chunk: Buffer): boolean => {
    const lf = chunk.includes(0x0a) && onLf < PARSES_ON_LF;
    if (!lf && data.length < parsedAt * 1.125 && data.length < cap) return false;
    if (lf) onLf++;
    parsedAt = data.length;
    const response = readResponse(data, limits, context);
    return response !== null && (response.settled || (options.enough?.(response) ?? false));
  };
  const result = await exchange(socket, { ...(options.send === undefined ? {} : { send: options.send }), maxBytes: cap, enough, timeoutMs: options.timeoutMs, signal: options.signal });
  const ended = result.outcome === 'closed' || result.outcome === 'failed';
  let response = readResponse(result.data, limits, { ...context, ended });
  if (response !== null && !response.settled && result.data.length >= cap) response = { ...response, settled: true, read: { ...response.read, truncated: true } };
  if (response?.read.complete && !ended && result.data.length > response.end) socket.unshift(result.data.subarray(response.end));
  return { outcome: result.outcome, response, data: result.data, ...(result.code ? { code: result.code } : {}), elapsedMs: result.elapsedMs };
}
