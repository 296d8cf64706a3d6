// Through an explicit proxy: ask it with CONNECT for a tunnel to the target, and read its answer. With
// credentials, sign in as the proxy asks: Basic, or NTLM's three messages on one connection.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { headEnd, offeredSchemes, parseResponseHead, type ResponseHead } from '../../core/http-head.js';
import type { Proxy } from '../../core/proxy.js';
import type { ProxyAuthScheme, ProxyObservation } from '../../core/types.js';
import { VERSION } from '../../core/version.js';
import { exchange, type ExchangeResult } from './exchange.js';
import { authenticateMessage, challengeIn, negotiateMessage, parseChallenge } from './ntlm.js';
import { connectTcp } from './tcp.js';
import { joinHostPort } from '../../core/host-port.js';

const MAX_HEAD = 16 * 1024;
/** A 407 read whole (head and body) before the next message on the same connection: a proxy's error page fits. */
const MAX_ANSWER = 64 * 1024;

export interface Tunnel {
  observation: ProxyObservation;
  /** The connection the last answer came on: the one passed in, or a new one when the proxy closed it mid-handshake. */
  socket: Socket;
}

interface Step {
  result: ExchangeResult;
  head: ResponseHead | null;
  /** The whole answer, body too, was read: the connection can carry the next request. */
  reusable: boolean;
}

/** How many bytes the body after `head` has, or null when it runs to the connection's end (or is chunked: see below). */
function bodyLength(head: ResponseHead): number | 'chunked' | null {
  if (head.status === 200 || head.status === 204 || head.status === 304 || (head.status >= 100 && head.status < 200)) return 0;
  if (/chunked/i.test(head.headers['transfer-encoding'] ?? '')) return 'chunked';
  const length = head.headers['content-length'];
  return length !== undefined && /^\s*\d+\s*$/.test(length) ? Number(length) : null;
}

/** True once `data` holds a head and, for an answer that is not 200, its whole body. */
function answered(data: Buffer, wholeBody: boolean): boolean {
  const end = headEnd(data);
  if (end < 0) return false;
  if (!wholeBody) return true;
  const head = parseResponseHead(data);
  if (!head) return true;
  const length = bodyLength(head);
  if (length === null) return false;
  if (length === 'chunked') return data.subarray(head.headLength).includes('\r\n0\r\n\r\n') || data.subarray(head.headLength, head.headLength + 5).toString('latin1') === '0\r\n\r\n';
  return data.length >= head.headLength + length;
}

async function send(socket: Socket, where: string, authorization: string | null, wholeBody: boolean, timeoutMs: number, signal: AbortSignal): Promise<Step> {
  const request = `CONNECT ${where} HTTP/1.1\r\nHost: ${where}\r\nUser-Agent: g2probe/${VERSION}\r\n${authorization ? `Proxy-Authorization: ${authorization}\r\n` : ''}\r\n`;
  const result = await exchange(socket, { send: request, maxBytes: wholeBody ? MAX_ANSWER : MAX_HEAD, enough: (data) => answered(data, wholeBody), timeoutMs, signal });
  const head = parseResponseHead(result.data);
  const closing = /close/i.test(`${head?.headers.connection ?? ''} ${head?.headers['proxy-connection'] ?? ''}`);
  const reusable = head !== null && result.outcome === 'enough' && !closing && bodyLength(head) !== null;
  return { result, head, reusable };
}

/**
 * Never rejects, but for the dialer's refusal of a new connection to the proxy (a fault, as in connectTcp). On
 * 200 the returned socket is the tunnel, positioned just after the proxy's head, for the checks that follow; a
 * socket replaced on the way is closed here. The credentials go on the wire and nowhere else.
 */
export async function openTunnel(socket: Socket, target: { ip: string; port: number }, proxy: Proxy, timeoutMs: number, signal: AbortSignal): Promise<Tunnel> {
  const where = joinHostPort(target.ip, target.port);
  const identity = proxy.identity();
  let elapsedMs = 0;
  let scheme: ProxyAuthScheme | null = null;
  let current = socket;
  const finish = (step: Step, extra: Partial<ProxyObservation> = {}): Tunnel => {
    const { result, head } = step;
    const base = { kind: 'proxy' as const, credentialsSent: scheme !== null, ...(scheme ? { scheme } : {}), elapsedMs, ...extra };
    if (head) {
      // A 200's head ends the proxy's part: anything after it already belongs to the target.
      if (head.status === 200 && result.data.length > head.headLength) current.unshift(result.data.subarray(head.headLength));
      return { socket: current, observation: { ...base, outcome: 'answered', status: head.status, statusText: head.statusText, headers: head.headers } };
    }
    switch (result.outcome) {
      case 'interrupted': return { socket: current, observation: { ...base, outcome: 'interrupted' } };
      case 'failed': return { socket: current, observation: { ...base, outcome: 'failed', code: result.code ?? 'UNKNOWN' } };
      case 'closed': return { socket: current, observation: { ...base, outcome: 'closed' } };
      default: return { socket: current, observation: { ...base, outcome: 'timeout' } };
    }
  };
  const step = async (authorization: string | null, wholeBody: boolean): Promise<Step> => {
    const done = await send(current, where, authorization, wholeBody, timeoutMs, signal);
    elapsedMs += done.result.elapsedMs;
    return done;
  };

  /** A new connection to the proxy when the last answer left the old one unusable; null (and the observation) when that fails. */
  const fresh = async (): Promise<Tunnel | null> => {
    current.destroy();
    const reconnected = await connectTcp({ to: { host: proxy.host, port: proxy.port }, tunnelTo: { host: target.ip, port: target.port } }, timeoutMs, signal, true);
    elapsedMs += reconnected.observation.elapsedMs;
    if (reconnected.socket) {
      current = reconnected.socket;
      return null;
    }
    const outcome = reconnected.observation.outcome === 'connected' ? 'failed' : reconnected.observation.outcome;
    const code = reconnected.observation.code;
    return { socket: current, observation: { kind: 'proxy', credentialsSent: scheme !== null, ...(scheme ? { scheme } : {}), elapsedMs, outcome, ...(outcome === 'failed' ? { code: code ?? 'UNKNOWN' } : {}), authProblem: 'the proxy closed the connection after its 407, and a new one to it failed' } };
  };

  if (identity === null || proxy.scheme !== 'ntlm') {
    // Credentials go only in a scheme the proxy asked for: Basic at once once it has, so later attempts save the round trip.
    const basic = identity !== null && proxy.scheme === 'basic' ? proxy.authorization() : null;
    scheme = basic === null ? null : 'basic';
    const first = await step(basic, identity !== null);
    if (identity === null || first.head?.status !== 407) return finish(first);
    const offered = offeredSchemes(first.head.headers['proxy-authenticate']);
    // NTLM first when both are offered: it sends no password over the wire.
    if (!offered.has('ntlm')) {
      if (!offered.has('basic') || basic !== null) return finish(first);
      proxy.scheme = 'basic';
      if (!first.reusable) {
        const failed = await fresh();
        if (failed) return failed;
      }
      scheme = 'basic';
      return finish(await step(proxy.authorization(), false));
    }
    proxy.scheme = 'ntlm';
    if (!first.reusable) {
      const failed = await fresh();
      if (failed) return failed;
    }
  }

  scheme = 'ntlm';
  const challenged = await step(`NTLM ${negotiateMessage().toString('base64')}`, true);
  if (challenged.head?.status !== 407) return finish(challenged);
  const token = challengeIn(challenged.head.headers['proxy-authenticate']);
  if (token === null) return finish(challenged, { authProblem: 'the proxy answered the NTLM negotiation without a challenge' });
  const parsed = parseChallenge(token);
  if (!parsed.ok) return finish(challenged, { authProblem: parsed.why });
  if (!challenged.reusable) return finish(challenged, { authProblem: 'the proxy closed the connection after its NTLM challenge (NTLM needs one connection for the whole handshake)' });
  const authenticate = authenticateMessage(identity!, parsed.challenge, '', Date.now(), randomBytes(8));
  return finish(await step(`NTLM ${authenticate.toString('base64')}`, false));
}
