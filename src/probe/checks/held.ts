// A connection held open the way GoToMyPC's host holds its one to the poll server: opened on the configured path
// (TCP, the proxy's tunnel, TLS on 443), then kept, with GoToMyPC's ping as the small exchange of an idle host.
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { readResponse, type HttpResponse } from '../../core/http-response.js';
import type { Proxy } from '../../core/proxy.js';
import type { HoldCutKind, HoldTarget } from '../../core/types.js';
import type { TrustStore } from '../../pc/trust-store.js';
import { openTunnel } from './proxy.js';
import { jediPing } from './service.js';
import { settleOnce } from './settle.js';
import { connectTcp } from './tcp.js';
import { joinHostPort } from '../../core/host-port.js';

/** An answer is one HTTP response, read at most this far: what follows is read and dropped. */
const LIMITS = { headBytes: 8 * 1024, bodyBytes: 8 * 1024 };
const MAX_ANSWER = LIMITS.headBytes + LIMITS.bodyBytes * 2;

export interface HoldSettings {
  timeoutMs: number;
  /** The name sent as SNI and Host to a range address (--sni). */
  servername: string;
  trust: TrustStore;
}

export type OpenResult =
  | { ok: true; connection: HeldConnection; openMs: number }
  | { ok: false; stage: 'connect' | 'proxy' | 'tls'; why: string };

/** The end the connection met on its own, while no exchange was waiting. */
export interface Ending {
  kind: HoldCutKind;
  code?: string;
  atMs: number;
}

export type ExchangeOutcome =
  /** `closing`: the server said it ends the connection after this answer (Connection: close, or HTTP/1.0). */
  | { answered: true; ms: number; status: number | null; closing: boolean }
  | { answered: false; kind: HoldCutKind; code?: string; ms: number }
  | { answered: false; kind: 'interrupted'; ms: number };

/** The server ends the connection after this answer: it says so, speaks HTTP/1.0 without keep-alive, or its body runs to the close. */
function closes(response: HttpResponse | null): boolean {
  if (response === null || response.status === null) return false;
  const connection = response.headers.connection ?? '';
  const http10 = response.version === 'HTTP/1.0' && !/keep-alive/i.test(connection);
  return /close/i.test(connection) || http10 || response.read.framing === 'until-close';
}

/**
 * One open connection. It reads all the time, so a close or a reset is seen the moment it arrives, even while
 * idle; bytes the server sends unasked count as traffic. Never throws once open: every end is an outcome.
 */
export class HeldConnection {
  private buffer: Buffer[] = [];
  private size = 0;
  private waiter: ((outcome: 'data' | Ending) => void) | null = null;
  private ending: Ending | null = null;
  private readonly endedListeners = new Set<(ending: Ending) => void>();
  /** performance.now() of the last byte either way: idle time counts from here. */
  lastTraffic = performance.now();

  constructor(private readonly socket: Socket, private readonly host: string, readonly local: string | null) {
    socket.on('data', (chunk: Buffer) => {
      this.lastTraffic = performance.now();
      if (this.size < MAX_ANSWER) {
        this.buffer.push(chunk);
        this.size += chunk.length;
      }
      this.waiter?.('data');
    });
    socket.on('end', () => this.end({ kind: 'closed', atMs: performance.now() }));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? 'UNKNOWN';
      this.end({ kind: code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' ? 'reset' : 'closed', code, atMs: performance.now() });
    });
    socket.on('close', () => this.end({ kind: 'closed', atMs: performance.now() }));
    socket.resume();
  }

  private end(ending: Ending): void {
    if (this.ending) return;
    this.ending = ending;
    this.waiter?.(ending);
    for (const listener of this.endedListeners) listener(ending);
  }

  /** How it ended on its own, or null while open. */
  get ended(): Ending | null {
    return this.ending;
  }

  /** Called once when it ends on its own (a close or a reset), at once if it already has; returns what stops it. */
  onEnd(listener: (ending: Ending) => void): () => void {
    if (this.ending) {
      listener(this.ending);
      return () => undefined;
    }
    this.endedListeners.add(listener);
    return () => { this.endedListeners.delete(listener); };
  }

  /** GoToMyPC's ping on this connection, and its answer within `timeoutMs`. */
  exchange(timeoutMs: number, signal: AbortSignal): Promise<ExchangeOutcome> {
    const started = performance.now();
    const ms = (): number => Math.round(performance.now() - started);
    if (this.ending) return Promise.resolve({ answered: false, kind: this.ending.kind, ...(this.ending.code ? { code: this.ending.code } : {}), ms: 0 });
    this.buffer = [];
    this.size = 0;
    const read = (ended: boolean): HttpResponse | null => readResponse(Buffer.concat(this.buffer, this.size), LIMITS, { ended });
    const answer = (response = read(false)): ExchangeOutcome & { answered: true } => ({ answered: true, ms: ms(), status: response?.status ?? null, closing: closes(response) });
    const limits = {
      timeoutMs, signal,
      expired: (): ExchangeOutcome => (this.size > 0 ? answer() : { answered: false, kind: 'silence', ms: ms() }),
      interrupted: (): ExchangeOutcome => ({ answered: false, kind: 'interrupted', ms: ms() }),
    };
    return settleOnce<ExchangeOutcome, ExchangeOutcome>(limits, (finish) => {
      this.waiter = (event) => {
        if (event === 'data') {
          // Whole by its own framing (a length, the last chunk), or as much as is read: the rhythm holds either way.
          const response = read(false);
          if (response?.settled || this.size >= MAX_ANSWER) finish(answer(response));
          return;
        }
        // A close that follows an answer ends the connection as the server chose; in place of one, it is a cut.
        finish(this.size > 0 ? { ...answer(), closing: true } : { answered: false, kind: event.kind, ...(event.code ? { code: event.code } : {}), ms: ms() });
      };
      this.lastTraffic = performance.now();
      this.socket.write(jediPing(this.host, 'keep-alive').text);
      return (outcome) => {
        this.waiter = null;
        return outcome;
      };
    });
  }

  close(): void {
    this.ending ??= { kind: 'closed', atMs: performance.now() };
    this.socket.destroy();
  }
}

/** The connection, through `proxy` when given, with TLS on 443; every failure is an outcome naming its stage. */
export async function openHeld(target: HoldTarget, proxy: Proxy | null, settings: HoldSettings, signal: AbortSignal): Promise<OpenResult> {
  const started = performance.now();
  const to = { host: target.ip, port: target.port };
  const dial = proxy ? { to: { host: proxy.host, port: proxy.port }, tunnelTo: to } : { to };
  const { observation, socket: tcp } = await connectTcp(dial, { timeoutMs: settings.timeoutMs, signal, keep: true });
  if (!tcp) {
    const why = observation.outcome === 'timeout' ? 'no answer to the handshake' : observation.outcome === 'failed' ? `the handshake failed (${observation.code})` : 'interrupted';
    return { ok: false, stage: 'connect', why: proxy ? `to the proxy ${joinHostPort(proxy.host, proxy.port)}: ${why}` : why };
  }
  let socket: Socket = tcp;
  const local = tcp.localAddress ? joinHostPort(tcp.localAddress, tcp.localPort ?? 0) : null;
  if (proxy) {
    const tunnel = await openTunnel(tcp, target, proxy, settings.timeoutMs, signal);
    socket = tunnel.socket;
    const answer = tunnel.observation;
    if (answer.outcome !== 'answered' || answer.status !== 200) {
      socket.destroy();
      const why = answer.outcome === 'answered' ? `the proxy answered CONNECT with ${answer.status} ${answer.statusText}` : `the proxy's answer to CONNECT: ${answer.outcome}`;
      return { ok: false, stage: 'proxy', why };
    }
  }
  const name = target.host ?? settings.servername;
  if (target.port === 443) {
    const secured = await secure(socket, name, settings, signal);
    if (!secured.ok) {
      socket.destroy();
      return { ok: false, stage: 'tls', why: secured.why };
    }
    socket = secured.socket;
  }
  return { ok: true, connection: new HeldConnection(socket, name, local), openMs: Math.round(performance.now() - started) };
}

type Secured = { ok: true; socket: tls.TLSSocket } | { ok: false; why: string };

/** The TLS handshake, kept open. Whose chain answers is the probe's question; here only that the session opens. */
function secure(socket: Socket, servername: string, settings: HoldSettings, signal: AbortSignal): Promise<Secured> {
  const limits = { timeoutMs: settings.timeoutMs, signal, expired: (): Secured => ({ ok: false, why: 'no TLS answer' }), interrupted: (): Secured => ({ ok: false, why: 'interrupted' }) };
  return settleOnce<Secured, Secured>(limits, (finish) => {
    const secured = tls.connect({ socket, servername, secureContext: settings.trust.secureContext, rejectUnauthorized: false, checkServerIdentity: () => undefined });
    secured.once('secureConnect', () => finish({ ok: true, socket: secured }));
    secured.once('error', (err: NodeJS.ErrnoException) => finish({ ok: false, why: `TLS failed (${err.code ?? err.message})` }));
    secured.once('end', () => finish({ ok: false, why: 'closed during the TLS handshake' }));
    return (result) => {
      secured.removeAllListeners('secureConnect').removeAllListeners('error').removeAllListeners('end');
      if (!result.ok) secured.on('error', () => undefined).destroy();
      return result;
    };
  });
}
