// A small text document over HTTP(S): a range list, a PAC file. Bounded in size and time, a login page or binary
// data refused, every hop of a redirect checked, and every socket from the dialer.
import type { Dispatcher } from 'undici';
import { quote } from '../core/errors.js';
import type { Proxy } from '../core/proxy.js';
import { VERSION } from '../core/version.js';
import { httpDispatcher } from './dialer.js';
import { assertLoopbackUrl } from './guard.js';

const MAX_REDIRECTS = 3;

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
  const { timeoutMs } = options;
  const deadline = AbortSignal.timeout(timeoutMs * 3);
  const signal = AbortSignal.any([options.signal, deadline]);
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
    const dispatcher = await dispatcherFor(url, options);
    try {
      const response = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        signal,
        headers: { ...(options.hostHeader ? { host: options.hostHeader } : {}), accept: options.accept, 'user-agent': `g2probe/${VERSION}`, ...(etag ? { 'if-none-match': etag } : {}) },
      });
      const { statusCode, headers, body } = response;
      if (statusCode >= 300 && statusCode < 400 && statusCode !== 304) {
        discard(body);
        const location = header(headers, 'location');
        if (!location) throw new FetchProblem(`the server answered ${statusCode} without a Location`);
        if (hop >= MAX_REDIRECTS) throw new FetchProblem(`more than ${MAX_REDIRECTS} redirects`);
        url = new URL(location, url);
        continue;
      }
      if (statusCode === 304) {
        discard(body);
        return 'not-modified';
      }
      if (statusCode !== 200) {
        discard(body);
        throw new FetchProblem(`the server answered ${statusCode}`);
      }
      const type = header(headers, 'content-type') ?? '';
      if (/html/i.test(type)) {
        discard(body);
        throw new FetchProblem(`the server sent ${quote(type)}, not a ${options.what} (a login or captive-portal page?)`);
      }
      const length = Number(header(headers, 'content-length') ?? NaN);
      if (length > options.maxBytes) {
        discard(body);
        throw new FetchProblem(`the ${options.noun} is ${length} bytes, over the ${options.limitText} limit`);
      }
      return { text: await readCapped(body, options), etag: header(headers, 'etag') };
    } finally {
      void dispatcher.close().catch(() => undefined);
    }
  }
}

function dispatcherFor(url: URL, options: FetchOptions): Promise<Dispatcher> {
  const proxy = options.proxyFor(url.hostname, Number(url.port || 443));
  return httpDispatcher(url, { proxy: proxy && { host: proxy.host, port: proxy.port, authorization: proxy.authorization() }, timeoutMs: options.timeoutMs });
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

type Body = Dispatcher.ResponseData['body'];

/** Closes a response not read to the end; undici reports that as an error event, which is expected here. */
function discard(body: Body): void {
  body.on('error', () => undefined);
  body.destroy();
}

async function readCapped(body: Body, options: FetchOptions): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > options.maxBytes) {
      discard(body);
      throw new FetchProblem(`the ${options.noun} is over the ${options.limitText} limit`);
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (bytes.includes(0)) throw new FetchProblem(`the server sent binary data, not a ${options.what}`);
  return text;
}

/** A failed download in a few words: a FetchProblem's own, or undici's error said plainly. */
export function describeFetchError(err: unknown, options: Pick<FetchOptions, 'signal' | 'timeoutMs' | 'noun'>): string {
  if (err instanceof FetchProblem) return err.message;
  if (options.signal.aborted) return 'interrupted';
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e.code ?? e.cause?.code;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT': return `no answer to the connection within ${options.timeoutMs} ms`;
    case 'UND_ERR_HEADERS_TIMEOUT': return `no response within ${options.timeoutMs} ms`;
    case 'UND_ERR_BODY_TIMEOUT': return `the ${options.noun} stopped arriving for ${options.timeoutMs} ms`;
    case 'ECONNREFUSED': return 'the connection was refused';
    case 'ENOTFOUND': return 'the name does not resolve';
    case 'ECONNRESET': return 'the connection was reset';
    default:
      if (e.name === 'TimeoutError' || e.name === 'AbortError') return `the download took longer than ${options.timeoutMs * 3} ms`;
      if (typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code)) return `the server's certificate is not trusted (${code})`;
      return `${code ?? e.message}`;
  }
}
