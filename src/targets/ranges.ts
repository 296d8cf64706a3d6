// Range lists: the built-in data or a user's file, parsed into integer bounds and de-duplicated.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import net from 'node:net';
import IPCIDR from 'ip-cidr';
import { formatAddress } from '../core/address.js';
import { UsageError, describeFsError, inline, quote } from '../core/errors.js';
import type { Range, RangeSource, RangeSpec } from '../core/types.js';
import { BUILTIN_RANGES } from '../data/ranges.js';

/**
 * A GoTo range list is a few hundred bytes; past a mebibyte it is the wrong file, a login page or an attack,
 * and parsing it would cost seconds and hundreds of MB (about 30 µs a line). For --ranges and --ranges-url alike.
 */
export const MAX_LIST_BYTES = 1024 * 1024;
export const LIST_LIMIT = '1 MiB';

/** What a bare range is until a list says more: from a file, serving every port of the run, current. */
const PLAIN: Omit<RangeSpec, 'cidr'> = { lists: [], ports: null, legacyPorts: [], source: 'file', status: 'current' };

/** Parses one CIDR or bare address; returns null when it is neither. */
export function parseRange(text: string, spec: Partial<Omit<RangeSpec, 'cidr'>> = {}): Range | null {
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
    ...PLAIN,
    ...spec,
    cidr: `${formatAddress(first, family)}/${prefix}`,
    family,
    first,
    last,
    hostFirst: skipEnds ? first + 1n : first,
    hostCount: skipEnds ? last - first - 1n : last - first + 1n,
  };
}

/** A list name as a file line gives it: short and plain, so every report and rule can show it as it is. */
const LIST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The ports of a range the run probes: those it serves, of the run's; every run port when it says none. */
export function portsOf(range: RangeSpec, runPorts: readonly number[]): number[] {
  return range.ports === null ? [...runPorts] : runPorts.filter((port) => range.ports!.includes(port));
}

/** Whether a current source vouches for the range serving the port (not only an old list). */
export function isCurrentPort(range: RangeSpec, port: number): boolean {
  return (range.ports === null || range.ports.includes(port)) && !range.legacyPorts.includes(port);
}

/** Where a range list comes from, and the list name its lines get unless they say list=NAME (default: the origin's file name). */
export interface ListOrigin {
  source?: RangeSource;
  list?: string;
}

/** A file's or URL's last path segment: the name its ranges' list gets by default. */
export function defaultListName(location: string): string {
  const name = location.replace(/[?#].*$/s, '').split(/[\\/]/).filter(Boolean).pop() ?? '';
  const plain = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._-]+/, '').slice(0, 64);
  return plain === '' ? 'ranges' : plain;
}

/**
 * Parses a range file's text: one range per line, `CIDR [ports=P,P,…] [list=NAME]`, `#` comments, blank lines,
 * CRLF and a BOM. `origin` names the list in messages as it is: the caller makes it safe to show.
 */
export function parseRangesText(text: string, origin: string, { source = 'file', list = defaultListName(origin) }: ListOrigin = {}): Range[] {
  const entries: { range: Range; line: number }[] = [];
  // trim() also removes a BOM and the CR of CRLF line ends.
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    // `s`: a comment runs to the line feed, past a lone CR or a U+2028 in it.
    const value = raw.replace(/#.*/s, '').trim();
    if (value === '') return;
    const at = `${origin}:${index + 1}`;
    const [cidrText = '', ...options] = value.split(/[ \t]+/);
    const parsed = parseRange(cidrText);
    if (!parsed) throw new UsageError(`${at}: ${quote(cidrText)} is not an IPv4/IPv6 address or CIDR`);
    const { ports = null, lists = [list] } = lineOptions(options, at);
    entries.push({ range: { ...parsed, source, lists, ports }, line: index + 1 });
  });
  if (entries.length === 0) throw new UsageError(`${origin}: no ranges in the file (one CIDR or address per line)`);
  return dedupeRanges(entries.map((e) => e.range), (inner, outer) => {
    const line = (r: Range): number => entries.find((e) => e.range === r)!.line;
    return `${origin}:${line(inner)}: ${inner.cidr} lies inside ${outer.cidr} (line ${line(outer)}) but names other ports: give each address its ports once`;
  });
}

/** The `ports=` and `list=` that may follow a line's range. */
function lineOptions(options: readonly string[], at: string): { ports?: number[]; lists?: string[] } {
  const out: { ports?: number[]; lists?: string[] } = {};
  for (const option of options) {
    const eq = option.indexOf('=');
    const key = eq < 0 ? option : option.slice(0, eq);
    const value = eq < 0 ? '' : option.slice(eq + 1);
    if (key === 'ports' && eq > 0) {
      if (out.ports) throw new UsageError(`${at}: ports= given twice`);
      out.ports = linePorts(value, at);
    } else if (key === 'list' && eq > 0) {
      if (out.lists) throw new UsageError(`${at}: list= given twice`);
      if (!LIST_NAME.test(value)) throw new UsageError(`${at}: bad list= value ${quote(value)}: a name of letters, digits, '.', '_' and '-', at most 64`);
      out.lists = [value];
    } else {
      throw new UsageError(`${at}: ${quote(option)} after the range is not ports=P,P,… or list=NAME`);
    }
  }
  return out;
}

function linePorts(value: string, at: string): number[] {
  const ports = new Set<number>();
  for (const item of value.split(',')) {
    const port = /^\d{1,5}$/.test(item) ? Number(item) : NaN;
    if (!(port >= 1 && port <= 65535)) throw new UsageError(`${at}: bad ports= value ${quote(value)}: ports are whole numbers from 1 to 65535, separated by commas`);
    ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}

/**
 * Drops duplicates and ranges inside another (CIDR blocks either nest or are disjoint), keeping file order and
 * merging the lists that name them. A range inside another that serves ports the outer one does not cannot be
 * dropped without losing them: `conflict` says so.
 */
export function dedupeRanges(ranges: Range[], conflict: (inner: Range, outer: Range) => string = (inner, outer) => `${inner.cidr} lies inside ${outer.cidr} but names other ports`): Range[] {
  const bySize = [...ranges].sort((a, b) => a.family - b.family || cmp(a.first, b.first) || cmp(b.last, a.last));
  const kept = new Map<Range, Range>();
  let cover: Range | undefined;
  for (const range of bySize) {
    if (cover && cover.family === range.family && range.last <= cover.last) {
      const outer = kept.get(cover)!;
      if (range.first === cover.first && range.last === cover.last) {
        kept.set(cover, mergeSpecs(outer, range));
        continue;
      }
      if (!coversPorts(outer.ports, range.ports)) throw new UsageError(conflict(range, cover));
      const lists = union(outer.lists, range.lists);
      if (lists.length > outer.lists.length) kept.set(cover, { ...outer, lists });
      continue;
    }
    kept.set(range, range);
    cover = range;
  }
  return ranges.filter((range) => kept.has(range)).map((range) => kept.get(range)!);
}

function coversPorts(outer: readonly number[] | null, inner: readonly number[] | null): boolean {
  if (outer === null) return true;
  return inner !== null && inner.every((port) => outer.includes(port));
}

/** The same block named twice: it serves what either line says (the first line's object, when that adds nothing). */
function mergeSpecs(a: Range, b: Range): Range {
  const ports = a.ports === null || b.ports === null ? null : union(a.ports, b.ports).sort((x, y) => x - y);
  const lists = union(a.lists, b.lists);
  const legacyPorts = a.legacyPorts.filter((p) => b.legacyPorts.includes(p));
  const same = lists.length === a.lists.length && legacyPorts.length === a.legacyPorts.length && String(ports) === String(a.ports) && (ports === null) === (a.ports === null);
  return same ? a : { ...a, lists, ports, legacyPorts };
}

function union<T>(a: readonly T[], b: readonly T[]): T[] {
  return [...new Set([...a, ...b])];
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first of `ranges` that holds `ip`, or null. */
export function rangeOf(ip: string, ranges: readonly Range[]): Range | null {
  const at = parseRange(ip);
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
  return parseRangesText(text, inline(path, 1000), { list: defaultListName(path) });
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

