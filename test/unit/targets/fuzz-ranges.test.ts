// Property tests of the range-list parser: any text is a list or one clean line of refusal, and valid lists
// round-trip to their canonical CIDRs. Pure code: addresses are parsed, never connected to.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { formatAddress } from '../../../src/core/address.js';
import type { Family, Range } from '../../../src/core/types.js';
import { dedupeRanges, parseRange, parseRangesText } from '../../../src/targets/ranges.js';
import { HOSTILE, property, returnsOrRefuses } from '../../helpers/fuzz.js';

const SPEC = { source: 'file', status: 'current' } as const;
const ORIGIN = 'list.txt';
/** The longest refusal: the origin, a line number, an 80-character value with every character escaped, the explanation. */
const MAX_MESSAGE = 700;

interface Cidr {
  family: Family;
  /** The address as written, host bits included. */
  value: bigint;
  prefix: number;
}

const BITS = { 4: 32n, 6: 128n } as const;

function bounds({ family, value, prefix }: Cidr): { first: bigint; last: bigint } {
  const hostBits = BITS[family] - BigInt(prefix);
  const first = (value >> hostBits) << hostBits;
  return { first, last: first + (1n << hostBits) - 1n };
}

function canonical(cidr: Cidr): string {
  return `${formatAddress(bounds(cidr).first, cidr.family)}/${cidr.prefix}`;
}

const v4 = fc.record({ family: fc.constant(4 as const), value: fc.integer({ min: 0, max: 0xffffffff }).map(BigInt), prefix: fc.integer({ min: 0, max: 32 }) });
/** Groups drawn mostly from 0 so that runs of zeros (and `::`) are common. */
const v6 = fc.record({
  family: fc.constant(6 as const),
  value: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
    .map((groups) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n)),
  prefix: fc.integer({ min: 0, max: 128 }),
});
const cidr: fc.Arbitrary<Cidr> = fc.oneof(v4, v6);

/** How an address may be written: IPv6 in either case, groups zero-padded or not, any run of zeros as `::`. */
const style = fc.record({ upper: fc.boolean(), pad: fc.boolean(), compress: fc.nat(), bare: fc.boolean() });
type Style = typeof style extends fc.Arbitrary<infer S> ? S : never;

function written(c: Cidr, s: Style): string {
  const withPrefix = (address: string): string => (s.bare && c.prefix === Number(BITS[c.family]) ? address : `${address}/${c.prefix}`);
  if (c.family === 4) return withPrefix(formatAddress(c.value, 4));
  const groups = Array.from({ length: 8 }, (_, i) => Number((c.value >> BigInt((7 - i) * 16)) & 0xffffn));
  const text = groups.map((g) => {
    const hex = s.pad ? g.toString(16).padStart(4, '0') : g.toString(16);
    return s.upper ? hex.toUpperCase() : hex;
  });
  const runs: [number, number][] = [];
  for (let i = 0; i < 8; i++) {
    if (groups[i] !== 0) continue;
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    runs.push([i, j]);
    i = j;
  }
  // One choice in (runs + 1) writes every group out.
  const run = runs[s.compress % (runs.length + 1)];
  if (!run) return withPrefix(text.join(':'));
  return withPrefix(`${text.slice(0, run[0]).join(':')}::${text.slice(run[1]).join(':')}`);
}

/** Text with no line feed: anything else goes, hostile pieces included. */
const noNewline = (arb: fc.Arbitrary<string>): fc.Arbitrary<string> => arb.map((s) => s.replace(/\n/g, ' '));
const comment = noNewline(fc.array(fc.oneof(fc.string({ unit: 'binary' }), HOSTILE), { maxLength: 4 }).map((parts) => parts.join('')));
/** Whitespace trim() removes: spaces, tabs, a CR (of CRLF), NBSP, a BOM. */
const blank = fc.array(fc.constantFrom(' ', '\t', '\r', '\u00a0', '\ufeff'), { maxLength: 3 }).map((parts) => parts.join(''));

const listLine = fc.record({ cidr, style, indent: blank, trail: blank, comment: fc.option(comment, { nil: null }) });
const fillerLine = fc.oneof(blank, comment.map((c) => `#${c}`), blank.chain((b) => comment.map((c) => `${b}# ${c}`)));

/** A valid list file in random formatting: comments, blank lines, indentation, mixed LF and CRLF, maybe a BOM. */
const listFile = fc.record({
  entries: fc.array(fc.tuple(listLine, fc.array(fillerLine, { maxLength: 2 })), { minLength: 1, maxLength: 20 }),
  ends: fc.array(fc.constantFrom('\n', '\r\n'), { minLength: 60, maxLength: 60 }),
  bom: fc.boolean(),
  finalNewline: fc.boolean(),
});

function render(file: typeof listFile extends fc.Arbitrary<infer F> ? F : never): { text: string; cidrs: Cidr[] } {
  const lines: string[] = [];
  for (const [entry, fillers] of file.entries) {
    lines.push(...fillers);
    lines.push(`${entry.indent}${written(entry.cidr, entry.style)}${entry.trail}${entry.comment === null ? '' : ` #${entry.comment}`}`);
  }
  const text = lines.map((line, i) => `${line}${i < lines.length - 1 || file.finalNewline ? file.ends[i % file.ends.length] : ''}`).join('');
  return { text: `${file.bom ? '\ufeff' : ''}${text}`, cidrs: file.entries.map(([entry]) => entry.cidr) };
}

/** What dedupe must keep, by the definition: in file order, the first of equal ranges and none inside another. */
function expectedKept(cidrs: Cidr[]): string[] {
  const all = cidrs.map((c) => ({ c, ...bounds(c) }));
  const kept: string[] = [];
  all.forEach((a, i) => {
    const inside = all.some((b, j) => j !== i && b.c.family === a.c.family && b.first <= a.first && a.last <= b.last
      && (b.first !== a.first || b.last !== a.last || j < i));
    if (!inside) kept.push(canonical(a.c));
  });
  return kept;
}

t.test('any text: a list, or a UsageError in one clean line', async (t) => {
  const utf8 = fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('utf8'));
  const pieces = fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), HOSTILE, cidr.map(canonical),
    fc.constantFrom('\n', '\r\n', '#', '/', ':', '::', '.', ' ', '%', '\ufeff')), { maxLength: 30 }).map((parts) => parts.join(''));
  property(t, 'arbitrary text (binary strings, UTF-8 bytes, hostile pieces, CIDRs)', fc.oneof(fc.string({ unit: 'binary' }), utf8, pieces), (text) => {
    const outcome = returnsOrRefuses(() => parseRangesText(text, ORIGIN), MAX_MESSAGE);
    if ('refused' in outcome) assert.match(outcome.refused.message, /^list\.txt(:\d+)?: /, 'names the list (and the line)');
    for (const line of text.split('\n')) assert.doesNotThrow(() => parseRange(line, SPEC));
  }, 5000);
});

t.test('near-valid lines: refused in one clean line that names the line', async (t) => {
  const text = fc.tuple(cidr, style).map(([c, s]) => ({ c, text: written(c, s) }));
  const interior = (s: string, at: number, piece: string): string => {
    const i = 1 + (at % Math.max(1, s.length - 1));
    return `${s.slice(0, i)}${piece}${s.slice(i)}`;
  };
  const address = (s: string): [string, string] => [s.split('/')[0]!, s.includes('/') ? `/${s.split('/')[1]}` : ''];
  /** Each mutation of a valid line that can never be valid. */
  const broken = fc.oneof(
    fc.tuple(text, fc.integer({ min: 0, max: 255 })).map(([{ c, text: s }, octet]) => {
      const [addr, prefix] = address(s);
      return c.family === 4 ? `${addr}.${octet}${prefix}` : `${addr}:${octet.toString(16)}:1:2:3:4:5:6:7${prefix}`;
    }),
    fc.tuple(text, fc.integer({ min: 1, max: 999 })).map(([{ c, text: s }, over]) => `${address(s)[0]}/${Number(BITS[c.family]) + over}`),
    fc.tuple(text, fc.nat()).map(([{ text: s }, at]) => (s.includes('::') ? s.replace('::', ':::') : interior(s, at, ':::'))),
    fc.tuple(text, fc.nat()).map(([{ c, text: s }, at]) => {
      const [addr, prefix] = address(s);
      if (c.family === 6) return `${addr.includes('::') ? addr.replace('::', '::00000:') : `00000:${addr}`}${prefix}`;
      const octets = addr.split('.');
      octets[at % 4] = `0${octets[at % 4]}`;
      return `${octets.join('.')}${prefix}`;
    }),
    fc.tuple(text, fc.nat(), fc.constantFrom(' ', '\t', '\u00a0')).map(([{ text: s }, at, space]) => interior(s, at, space)),
    fc.tuple(text, fc.nat(), fc.oneof(fc.constantFrom('x', 'g', 'Z', '!', '%', '$', '"', "'", '\\', '//', ',', ';', '+', '-'), HOSTILE))
      .map(([{ text: s }, at, stray]) => `${s.slice(0, at % (s.length + 1))}${stray}${s.slice(at % (s.length + 1))}`),
  ).filter((line) => !/^[\s\ufeff]|[\s\ufeff]$/.test(line));
  const file = fc.tuple(fc.array(cidr.map(canonical), { maxLength: 5 }), broken, fc.array(fc.string(), { maxLength: 3 }), fc.constantFrom('\n', '\r\n'));
  property(t, 'mutated CIDRs (extra octet, prefix too long, :::, leading zeros, spaces, stray characters)', file, ([before, bad, after, end]) => {
    assert.equal(parseRange(bad, SPEC), null, `${JSON.stringify(bad)} is refused`);
    const outcome = returnsOrRefuses(() => parseRangesText([...before, bad, ...after].join(end), ORIGIN), MAX_MESSAGE);
    assert.ok('refused' in outcome, 'the list is refused');
    assert.ok(outcome.refused.message.startsWith(`${ORIGIN}:${before.length + 1}: `), `names line ${before.length + 1}: ${outcome.refused.message}`);
  }, 3000);

  const anyMutation = fc.tuple(text, fc.nat(), fc.oneof(fc.string({ maxLength: 3 }), HOSTILE), fc.nat({ max: 3 }))
    .map(([{ text: s }, at, piece, cut]) => `${s.slice(0, at % (s.length + 1))}${piece}${s.slice((at % (s.length + 1)) + cut)}`);
  property(t, 'any edit of a valid line (insert, delete, replace)', anyMutation, (line) => {
    const outcome = returnsOrRefuses(() => parseRangesText(line, ORIGIN), MAX_MESSAGE);
    // One line: it parses exactly when what is left of it without the comment is one CIDR or address.
    const value = line.replace(/#.*/s, '').trim();
    assert.equal('value' in outcome, value !== '' && parseRange(value, SPEC) !== null, 'the list and the line agree');
  }, 3000);
});

t.test('valid lists round-trip to their canonical CIDRs, deduplicated', async (t) => {
  property(t, 'random CIDRs in random formatting', listFile, (file) => {
    const { text, cidrs } = render(file);
    const outcome = returnsOrRefuses(() => parseRangesText(text, ORIGIN), MAX_MESSAGE);
    assert.ok('value' in outcome, `parses: ${'refused' in outcome ? outcome.refused.message : ''}`);
    const ranges = outcome.value;
    assert.deepEqual(ranges.map((r) => r.cidr), expectedKept(cidrs), 'the canonical CIDRs, in file order, none inside another');
    for (const r of ranges) {
      const size = r.last - r.first + 1n;
      const prefix = Number(r.cidr.split('/')[1]);
      const ends = r.family === 4 && prefix <= 30;
      assert.equal(r.hostFirst, ends ? r.first + 1n : r.first, `${r.cidr}: first host`);
      assert.equal(r.hostCount, ends ? size - 2n : size, `${r.cidr}: host count`);
      assert.equal(parseRange(r.cidr, SPEC)?.cidr, r.cidr, `${r.cidr} is a fixed point`);
    }
  }, 1500);
});

t.test('dedupe of heavily nested ranges: none kept inside another, every range covered, file order kept', async (t) => {
  // Inside 10.0.0.0/16 and 2001:db8::/112, with prefixes from the block's own to single addresses: most nest.
  const nested = fc.oneof(
    fc.record({ family: fc.constant(4 as const), value: fc.integer({ min: 0, max: 0xffff }).map((n) => 0x0a000000n + BigInt(n)), prefix: fc.integer({ min: 16, max: 32 }) }),
    fc.record({ family: fc.constant(6 as const), value: fc.integer({ min: 0, max: 0xffff }).map((n) => 0x20010db8n << 96n | BigInt(n)), prefix: fc.integer({ min: 112, max: 128 }) }),
  );
  property(t, 'nested and duplicate ranges', fc.array(nested, { minLength: 1, maxLength: 300 }), (cidrs) => {
    const ranges: Range[] = cidrs.map((c) => parseRange(`${formatAddress(c.value, c.family)}/${c.prefix}`, SPEC)!);
    const kept = dedupeRanges(ranges);
    assert.deepEqual(kept.map((r) => r.cidr), expectedKept(cidrs));
    const within = (a: Range, b: Range): boolean => a.family === b.family && b.first <= a.first && a.last <= b.last;
    for (const r of ranges) assert.ok(kept.some((k) => within(r, k)), `${r.cidr} is covered`);
    let at = -1;
    for (const k of kept) {
      const next = ranges.indexOf(k);
      assert.ok(next > at, 'a subsequence of the input');
      at = next;
    }
  }, 500);
});
