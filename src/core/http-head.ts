// Parsing the head of an HTTP response (from a server, a proxy, or something pretending): pure, bounded, lenient.
import { escapeText } from './escape.js';

export interface ResponseHead {
  status: number;
  statusText: string;
  /** Lower-cased names; repeated headers joined with ", " as RFC 9110 allows. */
  headers: Record<string, string>;
  /** Bytes up to and including the blank line that ends the head. */
  headLength: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/(\d)(?:\.(\d))? (\d{3})(?: (.*))?$/;

/** Where the head ends in `data`, or -1 when it has not ended yet. */
export function headEnd(data: Buffer): number {
  const at = data.indexOf(HEAD_END);
  return at < 0 ? -1 : at + HEAD_END.length;
}

/** True when `data` starts like an HTTP response: what a proxy or web server would send. */
export function looksLikeHttp(data: Buffer): boolean {
  return /^HTTP\/\d/.test(data.subarray(0, 8).toString('latin1'));
}

/** The response head in `data`, or null when there is none (not HTTP, or cut before the blank line). */
export function parseResponseHead(data: Buffer): ResponseHead | null {
  const end = headEnd(data);
  if (end < 0) return null;
  const lines = data.subarray(0, end - HEAD_END.length).toString('latin1').split('\r\n');
  const match = STATUS_LINE.exec(lines[0] ?? '');
  if (!match) return null;
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status: Number(match[3]), statusText: escapeText(match[4] ?? ''), headers: sanitize(headers), headLength: end };
}

function sanitize(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[escapeText(name, 64)] = escapeText(value);
  return out;
}

/** Bytes from `from` on (after a head, or all of a reply that is not HTTP), as escaped text. */
export function bytesSample(data: Buffer, from = 0, max = 300): string {
  return escapeText(data.subarray(from).toString('latin1'), max);
}

/** The schemes a Proxy-Authenticate header (values joined by commas, as parseResponseHead joins them) offers, lower case. */
export function offeredSchemes(header: string | undefined): Set<string> {
  const schemes = new Set<string>();
  // Each challenge starts with a scheme token; auth-params (`realm="x"`, quoted strings emptied first: they may hold
  // commas) and token68 data (`NTLM TlRM…`) follow it, and a part that starts with `name=` is a parameter.
  for (const part of (header ?? '').replace(/"(?:[^"\\]|\\.)*"/g, '""').split(',')) {
    const scheme = /^\s*([A-Za-z][A-Za-z0-9._~+/-]*)(?:\s|$)/.exec(part)?.[1];
    if (scheme) schemes.add(scheme.toLowerCase());
  }
  return schemes;
}
