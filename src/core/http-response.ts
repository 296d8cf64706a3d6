// The one reader of HTTP responses, for every place g2probe reads one (port 80, 8200, a proxy's answer to CONNECT,
// hold's exchanges): as real servers, proxies and filters send them, not as our lab writes them. Pure and bounded:
// bytes in (with whether the connection has ended), the response as far as it goes out; the caller reads more until
// it is settled. CRLF or bare LF; HTTP/1.0, 1.1 and no status line at all (HTTP/0.9, a banner); Content-Length,
// chunked or until the close; 1xx interim answers skipped; a head or a body over its cap cut there, in order, and
// judged on what was read. RFC 9112 §2.2 (bare LF), §4 (status line), §6.3 (the body's length), §7.1 (chunked).
import { escapeText } from './escape.js';
import type { HttpFraming, HttpReadInfo } from './types.js';

export interface ReadLimits {
  /** Bytes of status line and headers, interim answers' included. */
  headBytes: number;
  /** Bytes of body kept (decoded, for chunked); past it the response is cut and judged on what was read. */
  bodyBytes: number;
}

export interface ResponseContext {
  /** The answer to a CONNECT: a 2xx has no body, what follows is the tunnel's (RFC 9110 §9.3.6). */
  connect?: boolean;
  /** The connection has ended: nothing more will come. */
  ended: boolean;
}

export interface HttpResponse {
  /** `HTTP/1.1` as sent (upper-cased); null when the bytes have no status line (HTTP/0.9, a banner, another protocol). */
  version: string | null;
  /** Null when there is no status line. */
  status: number | null;
  /** Escaped. */
  statusText: string;
  /** Lower-cased names, escaped values; repeated headers joined with ", " as RFC 9110 §5.3 allows. */
  headers: Record<string, string>;
  /** The decoded body as far as it was read: bytes after the head, de-chunked; all the bytes when there is no head. */
  body: Buffer;
  /** Where what follows this message starts in the data (a tunnel's first bytes, a reused connection's next answer). */
  end: number;
  read: HttpReadInfo;
  /** Nothing more need be read: the message is whole, or cut at a cap, or its framing broke (then judged as it is). */
  settled: boolean;
}

const HTTP_PREFIX = Buffer.from('HTTP/');
const STATUS_LINE = /^HTTP\/(\d+)(?:\.(\d+))?[ \t]+(\d{3})(?:[ \t]+(.*?))?[ \t]*$/i;
/** More interim answers than this before the final one is not a server: judged on what was read. */
const MAX_INTERIM = 8;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The response in `data` as far as it goes, or null while nothing decisive has arrived (no byte yet, or the first
 * bytes of `HTTP/` still coming). Never throws: malformed framing settles the response on what was read.
 */
export function readResponse(data: Buffer, limits: ReadLimits, context: ResponseContext): HttpResponse | null {
  let at = skipBlankLines(data, 0);
  if (at >= data.length) return context.ended && data.length > 0 ? notHttp(data, limits, context) : null;
  const interim: number[] = [];
  let lineEnds: 'crlf' | 'lf' | null = null;
  for (;;) {
    const prefix = data.subarray(at, at + HTTP_PREFIX.length);
    if (!startsLike(prefix)) return notHttp(data, limits, context);
    if (prefix.length < HTTP_PREFIX.length) return context.ended ? notHttp(data, limits, context) : null;
    const head = findHeadEnd(data, at, limits.headBytes);
    const headCut = head === null && (data.length - at >= remainingHead(limits, at) || context.ended);
    if (head === null && !headCut) return null;
    const headBytes = head === null ? data.subarray(at, Math.min(data.length, at + remainingHead(limits, at))) : data.subarray(at, head.end);
    const parsed = parseHead(headBytes, head === null);
    if (parsed === null) return notHttp(data, limits, context);
    lineEnds = lineEnds === 'lf' || parsed.bareLf ? 'lf' : 'crlf';
    const info = (framing: HttpFraming, complete: boolean, truncated: boolean, bytes: number): HttpReadInfo => ({
      framing, version: parsed.version, lineEnds, bytes, complete, truncated, ...(interim.length > 0 ? { interim: [...interim] } : {}),
    });
    if (head === null) {
      // The head never ended: cut at the cap, or by the close. What arrived of it is the answer.
      const truncated = !context.ended || data.length - at >= remainingHead(limits, at);
      return finalResponse(parsed, Buffer.alloc(0), data.length, info('no-body', false, truncated, data.length), true);
    }
    const { status } = parsed;
    if (status >= 100 && status < 200 && status !== 101) {
      interim.push(status);
      at = skipBlankLines(data, head.end);
      if (interim.length > MAX_INTERIM) return finalResponse(parsed, Buffer.alloc(0), at, info('no-body', false, true, data.length), true);
      if (at >= data.length) {
        if (!context.ended) return null;
        return finalResponse(parsed, Buffer.alloc(0), at, info('no-body', false, false, data.length), true);
      }
      continue;
    }
    const framing = framingOf(status, parsed.rawHeaders, context.connect === true);
    const bodyStart = head.end;
    switch (framing) {
      case 'no-body':
        return finalResponse(parsed, Buffer.alloc(0), bodyStart, info(framing, true, false, bodyStart), true);
      case 'content-length': {
        const length = contentLength(parsed.rawHeaders)!;
        const kept = Math.min(length, limits.bodyBytes);
        const have = Math.min(data.length - bodyStart, kept);
        const body = data.subarray(bodyStart, bodyStart + have);
        const complete = data.length - bodyStart >= length;
        const truncated = length > limits.bodyBytes && have >= kept;
        const end = bodyStart + Math.min(length, data.length - bodyStart);
        return finalResponse(parsed, body, end, info(framing, complete, truncated, Math.min(data.length, end)), complete || truncated || context.ended);
      }
      case 'chunked': {
        const chunked = dechunk(data, bodyStart, limits.bodyBytes);
        const settled = chunked.complete || chunked.truncated || chunked.malformed || context.ended;
        return finalResponse(parsed, chunked.body, chunked.end, info(framing, chunked.complete, chunked.truncated, chunked.end), settled);
      }
      case 'until-close': {
        const body = data.subarray(bodyStart, bodyStart + limits.bodyBytes);
        const truncated = data.length - bodyStart > limits.bodyBytes;
        const end = bodyStart + body.length;
        return finalResponse(parsed, body, end, info(framing, context.ended && !truncated, truncated, end), context.ended || truncated);
      }
      default:
        return finalResponse(parsed, Buffer.alloc(0), bodyStart, info(framing, true, false, bodyStart), true);
    }
  }
}

/** The bytes of a reply that has no status line: judged by the bytes themselves. Settled only by the close or the cap. */
function notHttp(data: Buffer, limits: ReadLimits, context: ResponseContext): HttpResponse {
  const cap = limits.headBytes + limits.bodyBytes;
  const body = data.subarray(0, cap);
  const truncated = data.length > cap;
  return {
    version: null, status: null, statusText: '', headers: {}, body, end: body.length,
    read: { framing: 'not-http', version: null, lineEnds: null, bytes: body.length, complete: context.ended && !truncated, truncated },
    settled: context.ended || truncated,
  };
}

function finalResponse(head: ParsedHead, body: Buffer, end: number, read: HttpReadInfo, settled: boolean): HttpResponse {
  return { version: head.version, status: head.status, statusText: head.statusText, headers: head.headers, body, end, read, settled };
}

/** `HTTP/` or as much of it as has arrived, in any case. */
function startsLike(prefix: Buffer): boolean {
  for (let i = 0; i < prefix.length; i++) if ((prefix[i]! | 0x20) !== (HTTP_PREFIX[i]! | 0x20)) return false;
  return true;
}

/** Empty lines before a status line are skipped, as RFC 9112 §2.2 lets a recipient do. */
function skipBlankLines(data: Buffer, from: number): number {
  let at = from;
  while (at < data.length && (data[at] === CR || data[at] === LF)) at++;
  return at;
}

function remainingHead(limits: ReadLimits, at: number): number {
  return Math.max(1, limits.headBytes - at);
}

/** The end of the head that starts at `from`: the first empty line, CRLF or bare LF; null when not within `cap` bytes. */
function findHeadEnd(data: Buffer, from: number, cap: number): { end: number } | null {
  const limit = Math.min(data.length, Math.max(from + 1, cap));
  let lf = data.indexOf(LF, from);
  while (lf >= 0 && lf < limit) {
    if (data[lf + 1] === LF) return { end: lf + 2 };
    if (data[lf + 1] === CR && data[lf + 2] === LF) return { end: lf + 3 };
    lf = data.indexOf(LF, lf + 1);
  }
  return null;
}

interface ParsedHead {
  version: string;
  status: number;
  statusText: string;
  headers: Record<string, string>;
  /** Unescaped values of the headers that frame the body. */
  rawHeaders: { contentLength: string[]; transferEncoding: string[] };
  bareLf: boolean;
}

/** Status line and headers; null when the first line is not a status line. A cut head drops its last, partial line. */
function parseHead(bytes: Buffer, cut: boolean): ParsedHead | null {
  const text = bytes.toString('latin1');
  const lines = text.split('\n');
  const bareLf = lines.slice(0, -1).some((line) => !line.endsWith('\r'));
  const clean = lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (cut && clean.length > 1) clean.pop();
  const match = STATUS_LINE.exec(clean[0] ?? '');
  if (!match) return null;
  const fields: [string, string][] = [];
  for (const line of clean.slice(1)) {
    if (line === '') break;
    // An obsolete folded line continues the previous field (RFC 9112 §5.2).
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) {
      fields[fields.length - 1]![1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  const rawHeaders: ParsedHead['rawHeaders'] = { contentLength: [], transferEncoding: [] };
  for (const [name, value] of fields) {
    if (name === 'content-length') rawHeaders.contentLength.push(value);
    if (name === 'transfer-encoding') rawHeaders.transferEncoding.push(value);
    const key = escapeText(name, 64);
    const shown = escapeText(fieldText(value));
    headers[key] = key in headers ? `${headers[key]}, ${shown}` : shown;
  }
  return {
    version: `HTTP/${match[1]}${match[2] === undefined ? '' : `.${match[2]}`}`,
    status: Number(match[3]),
    statusText: escapeText(fieldText(match[4] ?? '')),
    headers: { ...headers },
    rawHeaders,
    bareLf,
  };
}

/** A field read as latin1 (every byte kept), shown as UTF-8 when it is that: a localized reason phrase or header. */
function fieldText(latin1: string): string {
  if (!/[\x80-\xff]/.test(latin1)) return latin1;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(latin1, 'latin1'));
  } catch {
    return latin1;
  }
}

/** RFC 9112 §6.3, read leniently: a length that cannot be read means the body runs to the close. */
function framingOf(status: number, raw: ParsedHead['rawHeaders'], connect: boolean): HttpFraming {
  if (connect && status >= 200 && status < 300) return 'no-body';
  if (status === 101 || status === 204 || status === 304) return 'no-body';
  if (raw.transferEncoding.length > 0) {
    const codings = raw.transferEncoding.join(',').split(',').map((c) => c.trim().toLowerCase()).filter(Boolean);
    return codings.at(-1) === 'chunked' ? 'chunked' : 'until-close';
  }
  return contentLength(raw) === null ? 'until-close' : 'content-length';
}

/** The one length the Content-Length fields agree on (`5, 5` is 5), or null. */
function contentLength(raw: ParsedHead['rawHeaders']): number | null {
  const values = new Set(raw.contentLength.join(',').split(',').map((v) => v.trim()));
  if (values.size !== 1) return null;
  const [value] = values;
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : null;
}

interface Dechunked {
  body: Buffer;
  /** Where the raw bytes read so far end (after the trailers once complete). */
  end: number;
  complete: boolean;
  truncated: boolean;
  malformed: boolean;
}

/** The longest chunk-size line or trailer line read; a longer one is not chunked encoding. */
const MAX_CHUNK_LINE = 4096;

/** De-chunks from `from`: sizes in hex with any extensions, CRLF or bare LF, trailers read and dropped. */
function dechunk(data: Buffer, from: number, cap: number): Dechunked {
  const parts: Buffer[] = [];
  let size = 0;
  let at = from;
  const result = (complete: boolean, truncated: boolean, malformed: boolean, end = at): Dechunked => ({ body: Buffer.concat(parts, size), end, complete, truncated, malformed });
  for (;;) {
    const lineEnd = data.indexOf(LF, at);
    if (lineEnd < 0) return result(false, false, data.length - at > MAX_CHUNK_LINE);
    const line = data.subarray(at, lineEnd).toString('latin1').replace(/\r$/, '');
    const hex = /^[ \t]*([0-9a-fA-F]{1,15})[ \t]*(?:;.*)?$/.exec(line)?.[1];
    if (hex === undefined) return result(false, false, true);
    const length = parseInt(hex, 16);
    const dataStart = lineEnd + 1;
    if (length === 0) {
      // Trailers, then the empty line that ends the message.
      let trailer = dataStart;
      for (;;) {
        const next = data.indexOf(LF, trailer);
        if (next < 0) return result(false, false, data.length - trailer > MAX_CHUNK_LINE, trailer);
        const empty = next === trailer || (next === trailer + 1 && data[trailer] === CR);
        trailer = next + 1;
        if (empty) return result(true, false, false, trailer);
      }
    }
    const room = cap - size;
    const available = Math.min(length, data.length - dataStart);
    const take = Math.min(available, room);
    if (take > 0) {
      parts.push(data.subarray(dataStart, dataStart + take));
      size += take;
    }
    if (size >= cap && (length > take || available < length || data.length > dataStart + length)) return result(false, true, false, dataStart + take);
    if (available < length) return result(false, false, false, dataStart + available);
    // The chunk's data ends with CRLF (or a bare LF); anything else breaks the framing.
    let after = dataStart + length;
    if (after >= data.length) return result(false, false, false, after);
    if (data[after] === CR) after++;
    if (after >= data.length) return result(false, false, false, after);
    if (data[after] !== LF) return result(false, false, true, after);
    at = after + 1;
  }
}

/**
 * Whether bytes that just arrived are worth parsing again: parsing on every arrival would cost the square of the
 * bytes when a peer sends one byte at a time. Yes when they grew by an eighth, or a line ended (at most 64 times),
 * or `cap` is reached; a whole answer that a trickle ends without a trigger is still read, at the close or the
 * deadline.
 */
export function reparseThrottle(cap: number): (size: number, chunk: Buffer) => boolean {
  let parsedAt = 0;
  let onLf = 0;
  return (size, chunk) => {
    const lf = chunk.includes(0x0a) && onLf < 64;
    if (!lf && size < parsedAt * 1.125 && size < cap) return false;
    if (lf) onLf++;
    parsedAt = size;
    return true;
  };
}

/** A body's text for reading signs and showing a sample: its declared charset, else UTF-8 when valid, else latin1. */
export function bodyText(body: Buffer, contentType: string | undefined): string {
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (charset !== undefined) {
    try {
      return new TextDecoder(charset).decode(body);
    } catch {
      // A charset this Node does not know: fall through to the guess.
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return body.toString('latin1');
  }
}
