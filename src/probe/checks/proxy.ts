// Through an explicit proxy: ask it with CONNECT for a tunnel to the target, and read its answer as real proxies
// send it (the one reader: bare LF, HTTP/1.0, interim 1xx answers). With credentials, sign in as curl and browsers
// do: Basic on the first CONNECT, NTLM's three messages on one connection once the proxy asks for NTLM; a 407 that
// leaves its connection unusable is answered on a new one.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { offeredSchemes } from '../../core/auth-challenge.js';
import type { HttpResponse, ReadLimits } from '../../core/http-response.js';
import type { Proxy } from '../../core/proxy.js';
import type { ProxyAuthScheme, ProxyObservation } from '../../core/types.js';

/** What every outcome of a CONNECT carries. */
type ProxySeen = Pick<ProxyObservation, 'kind' | 'credentialsSent' | 'scheme' | 'authProblem' | 'reconnected' | 'elapsedMs'>;
import { VERSION } from '../../core/version.js';
import { escapeText } from '../../core/escape.js';
import { authenticateMessage, challengeIn, negotiateMessage, parseChallenge } from './ntlm.js';
import { readHttp, type ResponseRead } from './response.js';
import { connectTcp } from './tcp.js';
import { joinHostPort } from '../../core/host-port.js';

/** A proxy's answer, head and body (a 407's error page, read whole so its connection can carry the next message). */
const LIMITS: ReadLimits = { headBytes: 16 * 1024, bodyBytes: 64 * 1024 };
/** How much of an answer that is not HTTP the evidence shows. */
const REPLY_SAMPLE = 120;
const CUT = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export interface Tunnel {
  observation: ProxyObservation;
  /** The connection the last answer came on: the one passed in, or a new one when the proxy left it unusable. */
  socket: Socket;
}

/**
 * Why the connection an answer came on cannot carry the next request, as what the proxy did ("it …"), or null when
 * it can (RFC 9112 §9.3, §9.6): the proxy closed it, said `close`, answered HTTP/1.0 without keep-alive, or sent a
 * body g2probe did not read whole (one that runs to the close is not waited for).
 */
export function unusableAfter(read: Pick<ResponseRead, 'outcome' | 'response' | 'code'>): string | null {
  const { outcome, response } = read;
  if (outcome === 'closed') return 'closed the connection';
  if (outcome === 'failed') return `reset the connection (${read.code ?? 'failed'})`;
  if (response === null || response.status === null) return 'did not answer in HTTP';
  const tokens = `${response.headers.connection ?? ''},${response.headers['proxy-connection'] ?? ''}`.toLowerCase().split(',').map((t) => t.trim());
  if (tokens.includes('close')) return 'said Connection: close';
  const version = /^HTTP\/(\d+)(?:\.(\d+))?$/.exec(response.version ?? '');
  const persistent = version !== null && (Number(version[1]) > 1 || (Number(version[1]) === 1 && Number(version[2] ?? 0) >= 1));
  if (!persistent && !tokens.includes('keep-alive')) return `answered ${response.version ?? 'HTTP'} without keep-alive`;
  if (response.read.framing === 'until-close') return 'sent a body without a length, which runs to the close';
  if (response.read.truncated) return 'sent a body longer than g2probe reads';
  if (!response.read.complete) return 'did not send its whole answer';
  return null;
}

/** The Proxy-Authorization of the first CONNECT: Basic when credentials are given (as curl sends them), unless this proxy asked for NTLM. */
export function firstAuthorization(proxy: Pick<Proxy, 'scheme' | 'hasCredentials' | 'authorization'>): { scheme: 'basic'; value: string } | { scheme: 'ntlm' } | null {
  if (!proxy.hasCredentials) return null;
  if (proxy.scheme === 'ntlm') return { scheme: 'ntlm' };
  const value = proxy.authorization();
  return value === null ? null : { scheme: 'basic', value };
}

/** Nothing at all came back, and the connection ended: what a reused connection the proxy had already dropped gives. */
function nothingCame(read: ResponseRead): boolean {
  return read.response === null && (read.outcome === 'closed' || (read.outcome === 'failed' && CUT.has(read.code ?? '')));
}

/** An answer that holds a final status: not a lone interim one, not a 2xx whose head was cut. */
function finalAnswer(response: HttpResponse | null): response is HttpResponse & { status: number } {
  if (response === null || response.status === null) return false;
  if (response.status >= 100 && response.status < 200) return false;
  return !(response.status >= 200 && response.status < 300 && !response.read.complete);
}

/** One CONNECT exchange's state: the connection in use, time spent, what was sent, why new connections were opened. */
class Session {
  current: Socket;
  elapsedMs = 0;
  scheme: ProxyAuthScheme | null = null;
  readonly reconnected: string[] = [];
  readonly #where: string;

  constructor(socket: Socket, private readonly target: { ip: string; port: number }, private readonly proxy: Proxy, private readonly timeoutMs: number, private readonly signal: AbortSignal) {
    this.current = socket;
    this.#where = joinHostPort(target.ip, target.port);
  }

  /** Sends one CONNECT on the current connection and reads the answer (a 2xx ends at its head; the tunnel's bytes stay in the socket). */
  async send(authorization: string | null): Promise<ResponseRead> {
    const where = this.#where;
    const request = `CONNECT ${where} HTTP/1.1\r\nHost: ${where}\r\nUser-Agent: g2probe/${VERSION}\r\n${authorization ? `Proxy-Authorization: ${authorization}\r\n` : ''}\r\n`;
    // A body that runs to the close, or bytes that are not HTTP, are not waited for: the connection is done either way.
    const enough = (r: HttpResponse): boolean => r.read.framing === 'not-http' || (r.status !== null && r.read.framing === 'until-close');
    const read = await readHttp(this.current, { send: request, limits: LIMITS, connect: true, enough, timeoutMs: this.timeoutMs, signal: this.signal });
    this.elapsedMs += read.elapsedMs;
    return read;
  }

  /**
   * Sends on the current connection; when it was `reused` and ended before a byte of answer came, sends once more on
   * a new connection, as browsers resend a request a reused connection dropped. A Tunnel when that new connection fails.
   */
  async ask(authorization: string | null, reused: boolean): Promise<ResponseRead | Tunnel> {
    const read = await this.send(authorization);
    if (!reused || !nothingCame(read)) return read;
    const how = read.outcome === 'closed' ? 'closed' : `reset (${read.code ?? 'failed'})`;
    const failed = await this.reconnect(`the connection kept open after its 407 was ${how} before the next answer`);
    return failed ?? this.send(authorization);
  }

  /** A new connection to the proxy, for `why`; null once it is open, or the Tunnel that reports its failure. */
  async reconnect(why: string): Promise<Tunnel | null> {
    this.current.destroy();
    this.reconnected.push(why);
    const { target, proxy } = this;
    const opened = await connectTcp({ to: { host: proxy.host, port: proxy.port }, tunnelTo: { host: target.ip, port: target.port } }, { timeoutMs: this.timeoutMs, signal: this.signal, keep: true });
    this.elapsedMs += opened.observation.elapsedMs;
    if (opened.socket) {
      this.current = opened.socket;
      return null;
    }
    const seen = opened.observation;
    const observation: ProxyObservation = seen.outcome === 'failed'
      ? { ...this.base(), outcome: 'failed', code: seen.code, reconnectFailed: true }
      : seen.outcome === 'connected' ? { ...this.base(), outcome: 'failed', code: 'UNKNOWN', reconnectFailed: true }
        : seen.outcome === 'timeout' ? { ...this.base(), outcome: 'timeout', reconnectFailed: true } : { ...this.base(), outcome: 'interrupted' };
    return { socket: this.current, observation };
  }

  /** What every outcome of this CONNECT carries: who signed in, the time spent, why the proxy was asked again. */
  base(): ProxySeen {
    const { scheme, elapsedMs, reconnected } = this;
    return { kind: 'proxy', credentialsSent: scheme !== null, ...(scheme ? { scheme } : {}), elapsedMs, ...(reconnected.length > 0 ? { reconnected: [...reconnected] } : {}) };
  }

  /** The observation for the last answer read. */
  finish(read: ResponseRead, extra: Pick<ProxySeen, 'authProblem'> = {}): Tunnel {
    const base = { ...this.base(), ...extra };
    const socket = this.current;
    const { response } = read;
    if (finalAnswer(response)) {
      return { socket, observation: { ...base, outcome: 'answered', status: response.status, statusText: response.statusText, headers: response.headers, read: response.read } };
    }
    if (response !== null && response.status === null) {
      return { socket, observation: { ...base, outcome: 'not-http', reply: escapeText(response.body.toString('latin1'), REPLY_SAMPLE), read: response.read } };
    }
    // A lone interim answer or a cut 2xx head is no final answer: how the reading ended says what happened.
    const seen = response === null ? {} : { read: response.read };
    switch (read.outcome) {
      case 'interrupted': return { socket, observation: { ...base, ...seen, outcome: 'interrupted' } };
      case 'failed': return { socket, observation: { ...base, ...seen, outcome: 'failed', code: read.code ?? 'UNKNOWN' } };
      case 'closed': return { socket, observation: { ...base, ...seen, outcome: 'closed' } };
      default: return { socket, observation: { ...base, ...seen, outcome: 'timeout' } };
    }
  }
}

/**
 * Never rejects, but for the dialer's refusal of a new connection to the proxy (a fault, as in connectTcp). On
 * 200 the returned socket is the tunnel, positioned just after the proxy's head, for the checks that follow; a
 * socket replaced on the way is closed here. The credentials go on the wire and nowhere else.
 */
export async function openTunnel(socket: Socket, target: { ip: string; port: number }, proxy: Proxy, timeoutMs: number, signal: AbortSignal): Promise<Tunnel> {
  const session = new Session(socket, target, proxy, timeoutMs, signal);
  const first = firstAuthorization(proxy);
  if (first === null) return session.finish(await session.send(null));
  if (first.scheme === 'ntlm') return ntlm(session, proxy, null);
  session.scheme = 'basic';
  const answer = await session.send(first.value);
  const response = answer.response;
  if (response?.status !== 407) return session.finish(answer);
  const offered = offeredSchemes(response.headers['proxy-authenticate']);
  // NTLM when offered, even beside Basic: the Basic credentials just sent were not enough.
  if (!offered.has('ntlm')) return session.finish(answer);
  proxy.scheme = 'ntlm';
  return ntlm(session, proxy, answer);
}

/**
 * NTLM's Negotiate, the proxy's Challenge and the Authenticate message, on one connection (MS-NLMP needs it): after
 * a 407 (`after`) that left its connection unusable, on a new one. A proxy that breaks the handshake across
 * connections is said so (authProblem), in words a proxy administrator can act on.
 */
async function ntlm(session: Session, proxy: Proxy, after: ResponseRead | null): Promise<Tunnel> {
  const identity = proxy.identity()!;
  let reused = false;
  if (after !== null) {
    const unusable = unusableAfter(after);
    if (unusable !== null) {
      const failed = await session.reconnect(`its 407 left the connection unusable (it ${unusable})`);
      if (failed) return failed;
    } else {
      reused = true;
    }
  }
  session.scheme = 'ntlm';
  const challenged = await session.ask(`NTLM ${negotiateMessage().toString('base64')}`, reused);
  if (!('outcome' in challenged)) return challenged;
  const response = challenged.response;
  if (response?.status !== 407) return session.finish(challenged);
  const token = challengeIn(response.headers['proxy-authenticate']);
  const offered = offeredSchemes(response.headers['proxy-authenticate']);
  if (token === null && after === null && !offered.has('ntlm') && offered.has('basic')) {
    // It asked for NTLM before (in this process: serve keeps a --proxy's proxy), and now wants Basic: follow it.
    proxy.scheme = null;
    return basicAfter(session, proxy, challenged);
  }
  if (token === null) return session.finish(challenged, { authProblem: 'the proxy answered the NTLM negotiation without a challenge' });
  const parsed = parseChallenge(token);
  if (!parsed.ok) return session.finish(challenged, { authProblem: parsed.why });
  const unusable = unusableAfter(challenged);
  if (unusable !== null) return session.finish(challenged, { authProblem: `the proxy sent its NTLM challenge, but it ${unusable}: NTLM needs the whole handshake on one connection` });
  const authenticate = authenticateMessage(identity, parsed.challenge, '', Date.now(), randomBytes(8));
  const done = await session.send(`NTLM ${authenticate.toString('base64')}`);
  if (nothingCame(done)) {
    const how = done.outcome === 'closed' ? 'closed' : 'reset';
    return session.finish(done, { authProblem: `the proxy ${how} the connection after its NTLM challenge, without answering the Authenticate message: NTLM needs the whole handshake on one connection` });
  }
  return session.finish(done);
}

/** Basic after a 407 to NTLM's Negotiate that offered only Basic: on the same connection when it is usable. */
async function basicAfter(session: Session, proxy: Proxy, after: ResponseRead): Promise<Tunnel> {
  const unusable = unusableAfter(after);
  if (unusable !== null) {
    const failed = await session.reconnect(`its 407 left the connection unusable (it ${unusable})`);
    if (failed) return failed;
  }
  session.scheme = 'basic';
  const answer = await session.ask(proxy.authorization(), unusable === null);
  return 'outcome' in answer ? session.finish(answer) : answer;
}
