// Range lists: the built-in data or a user's file, parsed into integer bounds and de-duplicated.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import net from 'node:net';
import IPCIDR from 'ip-cidr';
import { formatAddress } from './address.js';
import { BUILTIN_RANGES } from './data/ranges.js';
import { UsageError, inline, quote } from './errors.js';
import type { Range, RangeSource, RangeSpec } from './types.js';

/**
 * A GoTo range list is a few hundred bytes; past a mebibyte it is the wrong file, a login page or an attack,
 * and parsing it would cost seconds and hundreds of MB (about 30 µs a line). For --ranges and --ranges-url alike.
 */
export const MAX_LIST_BYTES = 1024 * 1024;
export const LIST_LIMIT = '1 MiB';

/** Parses one CIDR or bare address; returns null when it is neither. */
export function parseRange(text: string, spec: Omit<RangeSpec, 'cidr'>): Range | null {
  if (text.includes('%')) return null; // zone-scoped IPv6 addresses name a local link, never a published range
  // ip-cidr reads IPv6 with a dotted IPv4 tail (::ffff:192.0.2.1) as the bare IPv4 address: refuse it rather than probe the wrong host.
  if (text.includes(':') && text.includes('.')) return null;
  // ip-cidr takes some garbage around a slash for IPv6 (`a/::/0` as ::/0, the whole address space): the address
  // must be one Node's own parser takes, and the prefix plain digits.
  const [address = '', prefixText, ...more] = text.split('/');
  if (more.length > 0 || net.isIP(address) === 0 || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))) return null;
  const cidrText = prefixText === undefined ? `${text}/${text.includes(':') ? 128 : 32}` : text;
  if (!IPCIDR.isValidCIDR(cidrText)) return null;
  const cidr = new IPCIDR(cidrText);
  const family = cidr.address.v4 ? 4 : 6;
  const prefix = cidr.address.subnetMask;
  const first = cidr.start<bigint>({ type: 'bigInteger' });
  const last = cidr.end<bigint>({ type: 'bigInteger' });
  // An IPv4 network's first and last addresses are not hosts, except in /31 and /32.
  const skipEnds = family === 4 && prefix <= 30;
  return {
    ...spec,
    cidr: `${formatAddress(first, family)}/${prefix}`,
    family,
    first,
    last,
    hostFirst: skipEnds ? first + 1n : first,
    hostCount: skipEnds ? last - first - 1n : last - first + 1n,
  };
}

/**
 * Parses a range file's text: one CIDR or address per line, `#` comments, blank lines, CRLF and a BOM.
 * `origin` names the list in messages as it is: the caller makes it safe to show.
 */
export function parseRangesText(text: string, origin: string, source: RangeSource = 'file'): Range[] {
  const ranges: Range[] = [];
  // trim() also removes a BOM and the CR of CRLF line ends.
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    // `s`: a comment runs to the line feed, past a lone CR or a U+2028 in it.
    const value = line.replace(/#.*/s, '').trim();
    if (value === '') return;
    const range = parseRange(value, { source, status: 'current' });
    if (!range) throw new UsageError(`${origin}:${index + 1}: ${quote(value)} is not an IPv4/IPv6 address or CIDR`);
    ranges.push(range);
  });
  if (ranges.length === 0) throw new UsageError(`${origin}: no ranges in the file (one CIDR or address per line)`);
  return dedupeRanges(ranges);
}

/** Drops duplicates and ranges inside another (CIDR blocks either nest or are disjoint), keeping file order. */
export function dedupeRanges(ranges: Range[]): Range[] {
  const bySize = [...ranges].sort((a, b) => a.family - b.family || cmp(a.first, b.first) || cmp(b.last, a.last));
  const kept = new Set<Range>();
  let cover: Range | undefined;
  for (const range of bySize) {
    if (cover && cover.family === range.family && range.last <= cover.last) continue;
    kept.add(range);
    cover = range;
  }
  return ranges.filter((range) => kept.has(range));
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first of `ranges` that holds `ip`, or null. */
export function rangeOf(ip: string, ranges: readonly Range[]): Range | null {
  const at = parseRange(ip, { source: 'file', status: 'current' });
  if (!at) return null;
  return ranges.find((range) => range.family === at.family && range.first <= at.first && at.first <= range.last) ?? null;
}

export function builtinRanges(): Range[] {
  return BUILTIN_RANGES.map((spec) => {
    const range = parseRange(spec.cidr, spec);
    if (!range) throw new Error(`built-in range ${spec.cidr} does not parse`);
    return range;
  });
}

class ListTooLarge extends Error {}

export function loadRangesFile(path: string): Range[] {
  let text: string;
  try {
    text = readCapped(path);
  } catch (err) {
    throw new UsageError(`cannot read --ranges ${quote(path)}: ${err instanceof ListTooLarge ? err.message : describeFsError(err)}`);
  }
  return parseRangesText(text, inline(path, 1000));
}

/** Never more than the limit in memory: a regular file is refused by its size, a device or pipe (/dev/zero) when it runs past it. */
function readCapped(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_LIST_BYTES) throw new ListTooLarge(`it is ${size} bytes, over the ${LIST_LIMIT} limit for a range list`);
    const buffer = Buffer.alloc(MAX_LIST_BYTES + 1);
    let length = 0;
    let read: number;
    do {
      read = readSync(fd, buffer, length, buffer.length - length, null);
      length += read;
    } while (read > 0 && length < buffer.length);
    if (length > MAX_LIST_BYTES) throw new ListTooLarge(`it runs past the ${LIST_LIMIT} limit for a range list`);
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a directory';
    default: return code ?? String(err);
  }
}
