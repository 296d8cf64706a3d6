// Port 80: one small HTTP request after the handshake, to see who answers it.
import type { Socket } from 'node:net';
import { bytesSample, headEnd, parseResponseHead } from '../../core/http-head.js';
import type { HttpObservation } from '../../core/types.js';
import { VERSION } from '../../core/version.js';
import { exchange } from './exchange.js';

/** A block page's first lines are enough to recognise it; more would only cost memory. */
const MAX_BYTES = 16 * 1024;
/** Body bytes to wait for after the head, for block and captive-portal pages. */
const BODY_BYTES = 512;

export interface HttpCheckOptions {
  /** The Host header: a name GoToMyPC uses (as its own requests carry it), or the address for the neutral request. */
  host: string;
  timeoutMs: number;
}

export function httpRequest(host: string, path = '/'): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: g2probe/${VERSION}\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
}

/** The request as reports show it. */
export function requestText(host: string, path = '/'): string {
  return `GET ${path} (Host: ${host})`;
}

/** Enough once the head and a little of the body (or all of a short one) are in. */
export function headAndBody(data: Buffer): boolean {
  const end = headEnd(data);
  if (end < 0) return false;
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(data.subarray(0, end).toString('latin1'))?.[1] ?? NaN);
  return data.length - end >= Math.min(Number.isNaN(length) ? BODY_BYTES : length, BODY_BYTES);
}

export async function checkHttp(socket: Socket, options: HttpCheckOptions, signal: AbortSignal): Promise<HttpObservation> {
  const result = await exchange(socket, { send: httpRequest(options.host), maxBytes: MAX_BYTES, enough: headAndBody, timeoutMs: options.timeoutMs, signal });
  const base = { kind: 'http' as const, request: requestText(options.host), host: options.host, bytes: result.data.length, elapsedMs: result.elapsedMs };
  const head = parseResponseHead(result.data);
  if (head) {
    const body = bytesSample(result.data, head.headLength);
    return { ...base, outcome: 'answered', status: head.status, statusText: head.statusText, headers: head.headers, ...(body ? { body } : {}) };
  }
  const raw = result.data.length ? { body: bytesSample(result.data) } : {};
  switch (result.outcome) {
    case 'interrupted':
      return { ...base, outcome: 'interrupted' };
    case 'failed':
      return { ...base, outcome: 'failed', ...(result.code ? { code: result.code } : {}), ...raw };
    case 'closed':
      return { ...base, outcome: 'closed', ...raw };
    default:
      // No answer before the deadline, or bytes that never became an HTTP head.
      return { ...base, outcome: 'timeout', ...raw };
  }
}
