// A small text document over HTTP(S): a range list, a PAC file. Bounded in size and time, a login page or binary
// data refused, every hop of a redirect checked, every socket from the dialer, and the answer read by the one
// tolerant reader (core/http-response.ts): a WPAD server on a small appliance answers in bare LF or HTTP/1.0 as
// often as in what a strict parser wants.
import type { Socket } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';
import { quote } from '../core/errors.js';
import { joinHostPort, unbracketHost } from '../core/host-port.js';
import { readResponse, reparseThrottle, type HttpResponse } from '../core/http-response.js';
import type { Proxy } from '../core/proxy.js';
import { VERSION } from '../core/version.js';
import { openSocket } from './dialer.js';
import { assertLoopbackUrl } from './guard.js';

const MAX_REDIRECTS = 3;
/** A response head this long is no server's answer to a GET for a small file. */
const MAX_HEAD = 64 * 1024;

export interface FetchOptions {
  url: URL;
  /** The schemes a hop may use (`https:`), and why others are refused, for the message. */
  schemes: readonly string[];
  schemeRule: string;
  /** What is fetched, for messages: `range list` and `list`, `PAC file` and `PAC file`. */
  what: string;
  noun: string;
  accept: string;
  /** The Host header when `url` names the server by its address (a WPAD name resolved by g2probe's resolver). */
  hostHeader?: string;
  maxBytes: number;
  limitText: string;
  /** Each step (connect, response head, each read of the body); the whole download gets three. */
  timeoutMs: number;
  loopbackOnly: boolean;
  /** The proxy for a host and port, as attempts use it (HTTPS_PROXY, NO_PROXY, --proxy). */
  proxyFor: (host: string, port: number) => Proxy | null;
  signal: AbortSignal;
}

/** What went wrong, in the words a report shows. */
export class FetchProblem extends Error {}

/** The URL as reports show it: no credentials, no query (it may carry a token). */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * GET `options.url`, following at most 3 redirects, each hop on a scheme `options.schemes` allows and, under the
 * guard, on loopback. A login page, binary data or an oversize body is a FetchProblem, as is any answer but 200
 * (or 304 to `etag`). Sockets come from the dialer.
 */
export async function fetchText(options: FetchOptions, etag: string | null = null): Promise<{ text: string; etag: string | null } | 'not-modified'> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs * 3)]);
  let url = options.url;
  for (let hop = 0; ; hop++) {
    if (!options.schemes.includes(url.protocol)) {
      const what = hop === 0 ? `${url.protocol}// is refused` : `redirected to ${redactUrl(url)}, which is refused`;
      throw new FetchProblem(`${what}: ${options.schemeRule}`);
    }
    if (options.loopbackOnly) {
      try {
        assertLoopbackUrl(url);
      } catch {
        throw new FetchProblem(`redirected to ${url.hostname}, outside loopback, which the loopback-only guard refuses`);
      }
    }
    const response = await get(url, options, etag, signal);
    const { status, headers } = response;
    if (status !== null && status >= 300 && status < 400 && status !== 304) {
      const location = headers.location;
      if (!location) throw new FetchProblem(`the server answered ${status} without a Location`);
      if (hop >= MAX_REDIRECTS) throw new FetchProblem(`more than ${MAX_REDIRECTS} redirects`);
      url = new URL(location, url);
      continue;
    }
    if (status === 304) return 'not-modified';
    if (status === null) throw new FetchProblem(`the server answered with bytes that are not HTTP, not a ${options.what}`);
    if (status !== 200) throw new FetchProblem(`the server answered ${status}`);
    const type = headers['content-type'] ?? '';
    if (/html/i.test(type)) throw new FetchProblem(`the server sent ${quote(type)}, not a ${options.what} (a login or captive-portal page?)`);
    if (response.read.truncated) throw new FetchProblem(`the ${options.noun} is over the ${options.limitText} limit`);
    if (!response.read.complete) throw new FetchProblem(`the ${options.noun} was cut short: the connection ended before its end`);
    if (response.body.includes(0)) throw new FetchProblem(`the server sent binary data, not a ${options.what}`);
    return { text: new TextDecoder('utf-8', { fatal: false }).decode(response.body), etag: headers.etag ?? null };
  }
}

/** One GET on a connection of its own (through the proxy's tunnel when one applies), read to its end or a cap. */
async function get(url: URL, options: FetchOptions, etag: string | null, signal: AbortSignal): Promise<HttpResponse> {
  const host = unbracketHost(url.hostname);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const proxy = options.proxyFor(host, port);
  let socket: Socket = await connected(proxy ? openSocket({ host: proxy.host, port: proxy.port }, { host, port }) : openSocket({ host, port }), options, signal);
  try {
    if (proxy) await tunnel(socket, joinHostPort(host, port), proxy, options, signal);
    if (url.protocol === 'https:') socket = await secured(socket, host, options, signal);
    const lines = [
      `GET ${url.pathname}${url.search} HTTP/1.1`,
      `Host: ${options.hostHeader ?? url.host}`,
      `User-Agent: g2probe/${VERSION}`,
      `Accept: ${options.accept}`,
      ...(etag ? [`If-None-Match: ${etag}`] : []),
      'Connection: close',
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    return await answer(socket, { headBytes: MAX_HEAD, bodyBytes: options.maxBytes }, false, options, signal);
  } finally {
    socket.destroy();
  }
}

/** Settles when `socket` connects; rejects with its error (the dialer's refusal included) or on the step's deadline. */
function connected(socket: Socket, options: FetchOptions, signal: AbortSignal): Promise<Socket> {
  return step(socket, signal, options, `no answer to the connection within ${options.timeoutMs} ms`, (done) => socket.once('connect', () => done(socket)));
}

function secured(socket: Socket, host: string, options: FetchOptions, signal: AbortSignal): Promise<Socket> {
  const secure = tls.connect({ socket, ...(net.isIP(host) === 0 ? { servername: host } : {}), ALPNProtocols: ['http/1.1'] });
  return step(secure, signal, options, `no TLS answer within ${options.timeoutMs} ms`, (done) => secure.once('secureConnect', () => done(secure)));
}

/** CONNECT through the proxy: only its 200 opens the tunnel; anything after the answer's head is the server's. */
async function tunnel(socket: Socket, where: string, proxy: Proxy, options: FetchOptions, signal: AbortSignal): Promise<void> {
  const authorization = proxy.authorization();
  socket.write(`CONNECT ${where} HTTP/1.1\r\nHost: ${where}\r\nUser-Agent: g2probe/${VERSION}\r\n${authorization ? `Proxy-Authorization: ${authorization}\r\n` : ''}\r\n`);
  const response = await answer(socket, { headBytes: MAX_HEAD, bodyBytes: 0 }, true, options, signal);
  if (response.status === 407) throw new FetchProblem(`the proxy ${joinHostPort(proxy.host, proxy.port)} wants credentials (407)${authorization ? ' and refused the ones given' : ''}`);
  if (response.status !== 200) throw new FetchProblem(`the proxy ${joinHostPort(proxy.host, proxy.port)} refused the tunnel (${response.status ?? 'an answer that is not HTTP'})`);
}

/**
 * Reads an answer until its framing says it is whole, a cap is reached, or the connection ends. A Content-Length
 * over the cap is refused at the head. Each arrival may take the step's deadline; what follows a CONNECT's 200 is
 * put back for the TLS handshake.
 */
function answer(socket: Socket, limits: { headBytes: number; bodyBytes: number }, connect: boolean, options: FetchOptions, signal: AbortSignal): Promise<HttpResponse> {
  const chunks: Buffer[] = [];
  let size = 0;
  const worth = reparseThrottle(limits.headBytes + limits.bodyBytes * 2 + 4096);
  const read = (ended: boolean): HttpResponse | null => readResponse(Buffer.concat(chunks, size), limits, { ended, connect });
  return step(socket, signal, options, () => (size === 0 ? `no response within ${options.timeoutMs} ms` : `the ${options.noun} stopped arriving for ${options.timeoutMs} ms`), (done, fail) => {
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      socket.setTimeout(options.timeoutMs);
      if (!worth(size, chunk)) return;
      const response = read(false);
      if (response === null) return;
      const length = Number(response.headers['content-length'] ?? NaN);
      if (!connect && response.status === 200 && length > options.maxBytes) return fail(new FetchProblem(`the ${options.noun} is ${length} bytes, over the ${options.limitText} limit`));
      if (!response.settled) return;
      socket.off('data', onData).off('end', onEnd);
      if (connect) {
        // The tunnel's first bytes belong to the TLS handshake that takes the socket next.
        socket.pause();
        if (size > response.end) socket.unshift(Buffer.concat(chunks, size).subarray(response.end));
      }
      done(response);
    };
    const onEnd = (): void => {
      const response = read(true);
      if (response === null) fail(new FetchProblem('the server closed the connection without answering'));
      else done(response);
    };
    socket.on('data', onData).once('end', onEnd).resume();
  });
}

type Why = string | (() => string);

/**
 * One step on `socket` under its deadline (idle for `timeoutMs`) and the download's: settles once, with what `start`
 * reports, or rejects with the socket's error, a FetchProblem saying which deadline passed, or the abort.
 */
function step<T>(socket: Socket, signal: AbortSignal, options: FetchOptions, idle: Why, start: (done: (value: T) => void, fail: (err: Error) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let over = false;
    const finish = (): void => {
      over = true;
      socket.setTimeout(0);
      socket.off('error', onError).off('timeout', onTimeout).off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const done = (value: T): void => { if (!over) { finish(); resolve(value); } };
    const fail = (err: Error): void => { if (!over) { finish(); reject(err); } };
    const onError = (err: Error): void => fail(err);
    const onTimeout = (): void => fail(new FetchProblem(typeof idle === 'string' ? idle : idle()));
    const onClose = (): void => fail(new FetchProblem('the connection closed'));
    const onAbort = (): void => fail(options.signal.aborted ? new FetchProblem('interrupted') : new FetchProblem(`the download took longer than ${options.timeoutMs * 3} ms`));
    if (signal.aborted) return onAbort();
    socket.on('error', onError).on('timeout', onTimeout).on('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.setTimeout(options.timeoutMs);
    start(done, fail);
  });
}

/** A failed download in a few words: a FetchProblem's own, or the socket's or TLS's error said plainly. */
export function describeFetchError(err: unknown, options: Pick<FetchOptions, 'signal' | 'timeoutMs' | 'noun'>): string {
  if (err instanceof FetchProblem) return err.message;
  if (options.signal.aborted) return 'interrupted';
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED': return 'the connection was refused';
    case 'ENOTFOUND': return 'the name does not resolve';
    case 'ECONNRESET': return 'the connection was reset';
    default:
      if (typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code)) return `the server's certificate is not trusted (${code})`;
      return `${code ?? (err instanceof Error ? err.message : String(err))}`;
  }
}
