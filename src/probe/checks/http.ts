// Port 80: one small HTTP request after the handshake, to see who answers it, read with the one tolerant reader.
import type { ReadLimits } from '../../core/http-response.js';
import { bracketHost } from '../../core/host-port.js';
import type { HttpObservation } from '../../core/types.js';
import { VERSION } from '../../core/version.js';
import { answerParts, answerRead } from './answer.js';
import type { Check } from './check.js';
import { readHttp } from './response.js';

/**
 * A block page names its product anywhere in its first kilobytes (FortiGate's comes after 11 lines of padding and
 * 4 KB of style, squid's after 3 KB): 16 KiB of head and 16 KiB of body hold every real page seen, and bound what
 * an endless or hostile answer costs. Past them the answer is judged on what was read.
 */
export const HTTP_LIMITS: ReadLimits = { headBytes: 16 * 1024, bodyBytes: 16 * 1024 };

export function httpRequest(host: string, path = '/'): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: g2probe/${VERSION}\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
}

/** The request as reports show it. */
export function requestText(host: string, path = '/'): string {
  return `GET ${path} (Host: ${host})`;
}

/** The Host header: the name GoToMyPC uses (as its own requests carry it), or the address for the neutral request. */
export const checkHttp: Check<HttpObservation> = async (socket, { ip, name, voice, timeoutMs, signal }) => {
  const host = voice === 'neutral' ? bracketHost(ip) : name;
  const read = await readHttp(socket, { send: httpRequest(host), limits: HTTP_LIMITS, timeoutMs, signal });
  const base = { kind: 'http' as const, request: requestText(host), host, elapsedMs: read.elapsedMs };
  if (read.outcome === 'interrupted') return { ...base, outcome: 'interrupted', bytes: read.data.length };
  // Any bytes are an answer, judged on what was read: a close or a reset after them, the cap, or the deadline.
  const response = answerRead(read, HTTP_LIMITS);
  if (response !== null) return { ...base, outcome: 'answered', bytes: response.read.bytes, ...answerParts(response) };
  switch (read.outcome) {
    case 'failed':
      return { ...base, outcome: 'failed', bytes: 0, code: read.code ?? 'UNKNOWN' };
    case 'closed':
      return { ...base, outcome: 'closed', bytes: 0 };
    default:
      return { ...base, outcome: 'timeout', bytes: 0 };
  }
};
