// Port 8200: listen briefly for unsolicited bytes, then speak and see what answers, read with the one tolerant reader.
import type { HttpResponse } from '../../core/http-response.js';
import type { ServiceObservation } from '../../core/types.js';
import { VERSION } from '../../core/version.js';
import { answerParts, answerRead, firstLine } from './answer.js';
import type { Check } from './check.js';
import { HTTP_LIMITS } from './http.js';
import { readHttp } from './response.js';

/** GoToMyPC's 8200 service waits for its client to speak first; then it answers within this window. */
const UNSOLICITED_WINDOW_MS = 250;
export const REPLY_WINDOW_MS = 750;
/** GoTo's own answers here are small, but a block page on 8200 is as large as on 80: the same caps. */
const LIMITS = HTTP_LIMITS;

export interface ServiceRequest {
  text: string;
  /** As reports show it. */
  shown: string;
}

/**
 * GoToMyPC's own ping, as IDS signatures know its client by (Snort/Talos 7032-7034, "APP-DETECT GoToMyPC":
 * the URI `Jedi?request=ping&jedi=100` on 80, 443 and 8200): what an application-aware filter looks for.
 */
export function jediPing(host: string, connection: 'close' | 'keep-alive' = 'close'): ServiceRequest {
  return {
    text: `GET /Jedi?request=ping&jedi=100 HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: g2probe/${VERSION}\r\nConnection: ${connection}\r\n\r\n`,
    shown: `GET /Jedi?request=ping&jedi=100 (Host: ${host})`,
  };
}

/** A request with nothing of GoToMyPC in it: nmap's own HTTP probe, which GoTo's servers answer with a 400. */
const NEUTRAL_REQUEST: ServiceRequest = { text: 'GET / HTTP/1.0\r\n\r\n', shown: 'GET / (HTTP/1.0, no Host)' };

/**
 * Unsolicited bytes mean something other than GoTo's service holds the port. After the request, an HTTP
 * answer is judged by its signs; a reset, a close or silence is compared with the neutral exchange.
 */
export const checkService: Check<ServiceObservation> = async (socket, { name, voice, timeoutMs, signal }) => {
  const started = performance.now();
  const elapsedMs = (): number => performance.now() - started;
  const sent = voice === 'neutral' ? NEUTRAL_REQUEST : jediPing(name);
  const request = sent.shown;
  // GoToMyPC's connection waits for unsolicited bytes before speaking; the neutral one speaks at once.
  if (voice === 'gotomypc') {
    // Whatever arrives in the window is read whole (to the close, the cap or the window's end) and judged by itself.
    const first = await readHttp(socket, { limits: LIMITS, timeoutMs: Math.min(UNSOLICITED_WINDOW_MS, timeoutMs), signal });
    if (first.outcome === 'interrupted') return { kind: 'service', request, outcome: 'interrupted', elapsedMs: elapsedMs() };
    const unsolicited = answerRead(first, LIMITS);
    if (unsolicited !== null) return answered(unsolicited, request, 'unsolicited', elapsedMs());
    if (first.outcome === 'failed') return { kind: 'service', request, outcome: 'failed', code: first.code ?? 'UNKNOWN', elapsedMs: elapsedMs() };
    if (first.outcome === 'closed') return { kind: 'service', request, outcome: 'closed', elapsedMs: elapsedMs() };
  }
  const second = await readHttp(socket, { send: sent.text, limits: LIMITS, timeoutMs: Math.min(REPLY_WINDOW_MS, timeoutMs), signal });
  if (second.outcome === 'interrupted') return { kind: 'service', request, outcome: 'interrupted', elapsedMs: elapsedMs() };
  const reply = answerRead(second, LIMITS);
  if (reply !== null) return answered(reply, request, 'reply', elapsedMs());
  switch (second.outcome) {
    case 'failed':
      return { kind: 'service', request, outcome: 'failed', code: second.code ?? 'UNKNOWN', elapsedMs: elapsedMs() };
    case 'closed':
      return { kind: 'service', request, outcome: 'closed', elapsedMs: elapsedMs() };
    default:
      return { kind: 'service', request, outcome: 'quiet', elapsedMs: elapsedMs() };
  }
};

function answered(response: HttpResponse, request: string, when: 'unsolicited' | 'reply', elapsedMs: number): ServiceObservation {
  const parts = answerParts(response);
  const line = firstLine(response, parts.text);
  return { kind: 'service', request, outcome: 'answered', ...(when === 'unsolicited' ? { unsolicited: line } : { reply: line }), ...parts, elapsedMs };
}
