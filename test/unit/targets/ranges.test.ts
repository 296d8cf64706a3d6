// Ranges and plans: ranges.ts, sample.ts, plan.ts.
// Pure code only: addresses are documentation ranges or loopback, parsed and never connected to.
import t, { type Test } from 'tap';
import { EXIT_USAGE, UsageError } from '../../../src/core/errors.js';
import type { Range, Target } from '../../../src/core/types.js';
import { MAX_ATTEMPTS, buildPlan } from '../../../src/targets/plan.js';
import { builtinRanges, dedupeRanges, isCurrentPort, parseRange, parseRangesText, portsOf } from '../../../src/targets/ranges.js';
import { sampleIndexes } from '../../../src/targets/sample.js';

t.test('ranges.ts', async (t) => {
  const FILE = { source: 'file', status: 'current' } as const;

  const cidrs = (ranges: Range[]): string[] => ranges.map((r) => r.cidr);

  function usageError(t: Test, fn: () => unknown, ...parts: string[]): void {
    let caught: unknown;
    try {
      fn();
    } catch (err) {
      caught = err;
    }
    t.ok(caught instanceof UsageError, 'throws a UsageError');
    const err = caught as UsageError;
    t.equal(err?.exitCode, 64, 'exit code 64');
    for (const part of parts) t.match(err?.message ?? '', part, `message names ${part}`);
  }

  t.test('parseRangesText: comments, blank lines, CRLF and BOM', async (t) => {
    const text = '\uFEFF# GoTo lab ranges\r\n\r\n192.0.2.0/24   # documentation net\r\n   \r\n198.51.100.7#no space before comment\r\n\t2001:db8::/32\t\r\n# 203.0.113.0/24 commented out\r\n';
    const ranges = parseRangesText(text, 'lab.txt');
    t.same(cidrs(ranges), ['192.0.2.0/24', '198.51.100.7/32', '2001:db8::/32']);
    for (const r of ranges) {
      t.equal(r.source, 'file');
      t.equal(r.status, 'current');
      t.same(r.lists, ['lab.txt'], 'the list is named after the file');
      t.equal(r.ports, null, 'without ports= a range serves every port of the run');
    }
  });

  t.test('a line may say the ports a range serves and the list it belongs to', async (t) => {
    const [a, b, c] = parseRangesText('192.0.2.0/24 ports=8200,443,443 list=gotomypc\n198.51.100.0/24\tlist=meeting   ports=443 # media\n2001:db8::/32 ports=80\n', 'dir/lab.txt');
    t.match(a, { cidr: '192.0.2.0/24', ports: [443, 8200], lists: ['gotomypc'], legacyPorts: [], status: 'current' }, 'ports sorted, duplicates dropped');
    t.match(b, { ports: [443], lists: ['meeting'] }, 'in any order, after any blank');
    t.match(c, { ports: [80], lists: ['lab.txt'] }, 'the list defaults to the file name, not its folder');
    t.same(portsOf(a!, [80, 443, 8200]), [443, 8200], 'probed only on the ports it serves');
    t.same(portsOf(a!, [80]), [], 'and not at all when the run asks for none of them');
    t.same(portsOf(parseRange('192.0.2.0/24')!, [80, 9999]), [80, 9999], 'a range without ports= serves whatever the run asks');
  });

  t.test('bad ports= and list= values are usage errors that name them', async (t) => {
    usageError(t, () => parseRangesText('192.0.2.0/24 ports=80,x', 'f.txt'), 'f.txt:1:', 'ports=', '"80,x"');
    usageError(t, () => parseRangesText('192.0.2.0/24 ports=0', 'f.txt'), '"0"', '1 to 65535');
    usageError(t, () => parseRangesText('192.0.2.0/24 ports=65536', 'f.txt'), '"65536"');
    usageError(t, () => parseRangesText('192.0.2.0/24 ports=', 'f.txt'), 'bad ports= value ""');
    usageError(t, () => parseRangesText('\n192.0.2.0/24 ports=80 ports=443', 'f.txt'), 'f.txt:2:', 'ports= given twice');
    usageError(t, () => parseRangesText('192.0.2.0/24 list=a/b', 'f.txt'), 'bad list= value "a/b"');
    usageError(t, () => parseRangesText('192.0.2.0/24 list=', 'f.txt'), 'bad list= value ""');
    usageError(t, () => parseRangesText('192.0.2.0/24 list=a list=b', 'f.txt'), 'list= given twice');
    usageError(t, () => parseRangesText('192.0.2.0/24 port=80', 'f.txt'), '"port=80"', 'ports=P,P');
  });

  t.test('the same range twice serves what either line says; one inside another must not name other ports', async (t) => {
    const [twice] = parseRangesText('192.0.2.0/24 ports=80 list=a\n192.0.2.0/24 ports=443 list=b\n', 'f');
    t.match(twice, { ports: [80, 443], lists: ['a', 'b'] });
    t.same(parseRangesText('192.0.2.0/24 ports=80\n192.0.2.0/24\n', 'f')[0]!.ports, null, 'a line without ports= serves every port');
    const [outer, ...rest] = parseRangesText('192.0.2.0/24 ports=80,443 list=a\n192.0.2.7 ports=443 list=b\n', 'f');
    t.same(rest, [], 'an address inside a range with its ports is dropped');
    t.same(outer!.lists, ['a', 'b'], 'and its list kept');
    usageError(t, () => parseRangesText('192.0.2.0/24 ports=443\n\n192.0.2.7 ports=8200\n', 'f.txt'), 'f.txt:3:', '192.0.2.7/32 lies inside 192.0.2.0/24 (line 1)', 'other ports');
  });

  t.test('parseRangesText: a BOM alone before the first CIDR is not part of it', async (t) => {
    t.same(cidrs(parseRangesText('\uFEFF192.0.2.1', 'f')), ['192.0.2.1/32']);
  });

  t.test('parseRangesText: LF-only and no trailing newline', async (t) => {
    t.same(cidrs(parseRangesText('192.0.2.0/25\n198.51.100.0/24', 'f')), ['192.0.2.0/25', '198.51.100.0/24']);
  });

  t.test('bare addresses become /32 and /128', async (t) => {
    const [v4, v6] = parseRangesText('192.0.2.10\n2001:db8::5\n', 'f');
    t.equal(v4!.cidr, '192.0.2.10/32');
    t.equal(v4!.family, 4);
    t.equal(v4!.first, v4!.last);
    t.equal(v4!.hostCount, 1n);
    t.equal(v6!.cidr, '2001:db8::5/128');
    t.equal(v6!.family, 6);
    t.equal(v6!.hostCount, 1n);
  });

  t.test('host bits set are cleared', async (t) => {
    const r = parseRange('10.0.0.5/24', FILE)!;
    t.equal(r.cidr, '10.0.0.0/24');
    t.equal(r.first, 0x0a000000n);
    t.equal(r.last, 0x0a0000ffn);
    t.equal(parseRange('198.51.100.77/30', FILE)!.cidr, '198.51.100.76/30');
    t.equal(parseRange('2001:db8::5/64', FILE)!.cidr, '2001:db8::/64');
  });

  t.test('IPv6 is normalized (lower case, RFC 5952)', async (t) => {
    t.equal(parseRange('2001:DB8:0:0:0:0:0:1', FILE)!.cidr, '2001:db8::1/128');
    t.equal(parseRange('2001:0db8:0000::/48', FILE)!.cidr, '2001:db8::/48');
    t.equal(parseRange('2001:db8:0:1:0:0:0:1', FILE)!.cidr, '2001:db8:0:1::1/128');
    t.equal(parseRange('0:0:0:0:0:0:0:1', FILE)!.cidr, '::1/128');
  });

  t.test('dedupe: exact duplicates keep the first', async (t) => {
    const ranges = parseRangesText('192.0.2.0/24\n198.51.100.0/24\n192.0.2.0/24\n192.0.2.9/24\n', 'f');
    t.same(cidrs(ranges), ['192.0.2.0/24', '198.51.100.0/24']);
  });

  t.test('dedupe: nested ranges keep the bigger one, in file order', async (t) => {
    const text = ['198.51.100.128/25', '192.0.2.64/26', '192.0.2.1', '192.0.2.0/24', '198.51.100.0/24', '2001:db8:1::/48', '2001:db8::/32', '2001:db8::1'].join('\n');
    t.same(cidrs(parseRangesText(text, 'f')), ['192.0.2.0/24', '198.51.100.0/24', '2001:db8::/32']);
  });

  t.test('dedupe: a range sharing its first address with a bigger one is dropped', async (t) => {
    t.same(cidrs(parseRangesText('192.0.2.0/25\n192.0.2.0/24\n192.0.2.0/26\n2001:db8::/48\n2001:db8::/32\n', 'f')), ['192.0.2.0/24', '2001:db8::/32']);
    t.same(cidrs(parseRangesText('192.0.2.0/24\n192.0.2.0\n', 'f')), ['192.0.2.0/24'], 'the network address itself');
  });

  t.test('dedupe: disjoint and adjacent ranges are all kept, in file order', async (t) => {
    const text = '198.51.100.0/25\n192.0.2.128/25\n192.0.2.0/25\n198.51.100.128/25\n';
    t.same(cidrs(parseRangesText(text, 'f')), ['198.51.100.0/25', '192.0.2.128/25', '192.0.2.0/25', '198.51.100.128/25']);
  });

  t.test('dedupe: IPv4 and IPv6 with equal integer bounds do not swallow each other', async (t) => {
    // ::/96 spans 0..2^32-1, the same integers as 0.0.0.0/0, but another family.
    const v4 = parseRange('0.0.0.0/0', FILE)!;
    const v6 = parseRange('::/96', FILE)!;
    t.same(cidrs(dedupeRanges([v6, v4])), ['::/96', '0.0.0.0/0']);
  });

  t.test('errors: bad CIDR names the origin, line number and value', async (t) => {
    usageError(t, () => parseRangesText('# header\n192.0.2.0/24\n\nnot-an-address\n', 'ranges.txt'), 'ranges.txt:4:', '"not-an-address"');
    usageError(t, () => parseRangesText('192.0.2.0/24\r\n192.0.2.0/33\r\n', 'f.txt'), 'f.txt:2:', '"192.0.2.0/33"');
    usageError(t, () => parseRangesText('2001:db8::/129', 'f.txt'), 'f.txt:1:', '"2001:db8::/129"');
    usageError(t, () => parseRangesText('192.0.2.256', 'f.txt'), '"192.0.2.256"');
    usageError(t, () => parseRangesText('192.0.2.0/24 extra', 'f.txt'), 'f.txt:1:', '"extra"', 'ports=P,P');
  });

  t.test('errors: the line number counts blank and comment lines, and the BOM line is line 1', async (t) => {
    usageError(t, () => parseRangesText('\uFEFFbogus', 'f'), 'f:1:', '"bogus"');
    usageError(t, () => parseRangesText('\n\n# c\n192.0.2.0/24\n\t\n10.0.0.0/-1 # x\n', 'f'), 'f:6:', '"10.0.0.0/-1"');
  });

  t.test('errors: a zone id is refused', async (t) => {
    t.equal(parseRange('fe80::1%eth0', FILE), null);
    usageError(t, () => parseRangesText('fe80::1%eth0\n', 'f'), 'f:1:', '"fe80::1%eth0"');
  });

  t.test('errors: a file with no ranges', async (t) => {
    usageError(t, () => parseRangesText('', 'empty.txt'), 'empty.txt', 'no ranges');
    usageError(t, () => parseRangesText('\uFEFF# only comments\r\n\r\n   # more\r\n', 'c.txt'), 'c.txt', 'no ranges');
  });

  t.test('parseRange returns null for non-addresses', async (t) => {
    for (const bad of ['', 'x', '192.0.2.0/33', '192.0.2/24', '1.2.3.4.5', '192.0.2.0/', '::1/129']) {
      t.equal(parseRange(bad, FILE), null, JSON.stringify(bad));
    }
  });

  t.test('hostFirst/hostCount', async (t) => {
    const r24 = parseRange('192.0.2.0/24', FILE)!;
    t.equal(r24.hostFirst, r24.first + 1n, '/24 skips the network address');
    t.equal(r24.hostCount, 254n, '/24 skips network and broadcast');
    const r30 = parseRange('192.0.2.4/30', FILE)!;
    t.equal(r30.hostFirst, r30.first + 1n);
    t.equal(r30.hostCount, 2n, '/30 has 2 hosts');
    const r31 = parseRange('192.0.2.4/31', FILE)!;
    t.equal(r31.hostFirst, r31.first, '/31 keeps both ends');
    t.equal(r31.hostCount, 2n);
    const r32 = parseRange('192.0.2.4/32', FILE)!;
    t.equal(r32.hostFirst, r32.first);
    t.equal(r32.hostCount, 1n);
    const v6 = parseRange('2001:db8::/126', FILE)!;
    t.equal(v6.hostFirst, v6.first, 'IPv6 has no broadcast address to skip');
    t.equal(v6.hostCount, 4n);
    const v6big = parseRange('2001:db8::/64', FILE)!;
    t.equal(v6big.hostCount, 1n << 64n);
  });

  t.test('builtinRanges: GoTo Meeting\'s 10 ranges (443), the Citrix Online list\'s 15 (80, 443, 8200), 6 on both', async (t) => {
    const ranges = builtinRanges();
    t.equal(ranges.length, 19);
    t.ok(ranges.every((r) => r.source === 'builtin'));
    const current = ranges.filter((r) => r.status === 'current');
    const legacy = ranges.filter((r) => r.status === 'legacy');
    t.equal(current.length, 10, 'on the GoTo Meeting page, which is current');
    t.equal(legacy.length, 9, 'only on the Citrix Online list');
    const both = ranges.filter((r) => r.lists.length === 2);
    t.equal(both.length, 6);
    for (const r of ranges) {
      if (r.lists.length === 2) t.match(r, { lists: ['goto-meeting', 'gotomypc'], ports: [80, 443, 8200], legacyPorts: [80, 8200], status: 'current' }, `${r.cidr}: 443 on a current page, 80 and 8200 only on the old list`);
      else if (r.status === 'current') t.match(r, { lists: ['goto-meeting'], ports: [443], legacyPorts: [] }, `${r.cidr}: 443 only`);
      else t.match(r, { lists: ['gotomypc'], ports: [80, 443, 8200], legacyPorts: [80, 443, 8200] }, `${r.cidr}: every port on the old list only`);
    }
    const expected = (cidr: string, port: number): boolean => isCurrentPort(ranges.find((r) => r.cidr === cidr)!, port);
    t.same([expected('23.239.228.0/22', 443), expected('67.217.64.0/19', 443), expected('67.217.64.0/19', 8200), expected('66.151.158.0/24', 443)], [true, true, false, false]);
    t.ok(ranges.every((r) => r.family === 4 && r.hostCount > 0n));
    t.equal(new Set(ranges.map((r) => r.cidr)).size, 19, 'no duplicates');
    t.equal(dedupeRanges(ranges).length, 19, 'no range nests in another');
  });

  t.test('UsageError carries EXIT_USAGE', async (t) => {
    t.equal(EXIT_USAGE, 64);
    t.equal(new UsageError('x').exitCode, 64);
  });
});

t.test('sample.ts and plan.ts', async (t) => {
  const range = (cidr: string, status: 'current' | 'legacy' = 'current'): Range =>
    parseRange(cidr, { source: 'file', status })!;

  function checkIndexes(t: Test, indexes: bigint[], count: bigint): void {
    const outside = indexes.filter((i) => i < 0n || i >= count);
    t.same(outside, [], `every index within [0, ${count})`);
    const unordered = indexes.filter((v, i) => i > 0 && indexes[i - 1]! >= v);
    t.same(unordered, [], 'strictly ascending (so distinct)');
  }

  t.test('sampleIndexes is deterministic for the same seed and key', async (t) => {
    const a = sampleIndexes(254n, 5, 'g2probe', '192.0.2.0/24');
    const b = sampleIndexes(254n, 5, 'g2probe', '192.0.2.0/24');
    t.same(a, b);
    t.equal(a.length, 5);
    checkIndexes(t, a, 254n);
  });

  t.test('sampleIndexes differs for another seed or key', async (t) => {
    const base = sampleIndexes(1n << 24n, 8, 'g2probe', '10.0.0.0/8');
    t.notSame(sampleIndexes(1n << 24n, 8, 'other', '10.0.0.0/8'), base, 'another seed');
    t.notSame(sampleIndexes(1n << 24n, 8, 'g2probe', '11.0.0.0/8'), base, 'another key');
  });

  t.test('sampleIndexes: distinct, ascending, within range, even when n is close to count', async (t) => {
    for (const [count, n] of [[3n, 2], [10n, 9], [100n, 99], [254n, 200], [1n << 32n, 50]] as const) {
      const got = sampleIndexes(count, n, 'seed', `k${count}`);
      t.equal(got.length, n, `${n} of ${count}`);
      t.equal(new Set(got).size, n, 'distinct');
      checkIndexes(t, got, count);
    }
  });

  t.test('sampleIndexes: n >= count gives every index', async (t) => {
    t.same(sampleIndexes(4n, 4, 's', 'k'), [0n, 1n, 2n, 3n]);
    t.same(sampleIndexes(3n, 10, 's', 'k'), [0n, 1n, 2n]);
    t.same(sampleIndexes(1n, 1, 's', 'k'), [0n]);
  });

  t.test('sampleIndexes spreads over a huge range', async (t) => {
    const count = 1n << 64n;
    const got = sampleIndexes(count, 20, 'g2probe', '2001:db8::/64');
    t.equal(got.length, 20);
    checkIndexes(t, got, count);
    t.ok(got.some((i) => i > 1n << 60n), 'reaches the upper part of a /64 (not just the low 32 bits)');
  });

  t.test('buildPlan: count equals the number of targets, order range → address → port', async (t) => {
    const ranges = [range('192.0.2.0/24'), range('198.51.100.10'), range('2001:db8::/120', 'legacy')];
    const plan = buildPlan(ranges, { ports: [80, 443, 8200], sample: 2, seed: 'g2probe', all: false });
    const targets = [...plan.targets()];
    t.equal(plan.count, targets.length);
    t.equal(plan.count, (2 + 1 + 2) * 3);
    t.same(plan.ports, [80, 443, 8200]);
    t.equal(plan.ranges, ranges);
    // range order
    t.same([...new Set(targets.map((x) => x.range))], ['192.0.2.0/24', '198.51.100.10/32', '2001:db8::/120']);
    // each address appears with all ports in a row, ports in the given order
    for (let i = 0; i < targets.length; i += 3) {
      const group = targets.slice(i, i + 3);
      t.same(group.map((x) => x.port), [80, 443, 8200]);
      t.equal(new Set(group.map((x) => x.ip)).size, 1, 'one address per port group');
      t.equal(new Set(group.map((x) => x.range)).size, 1);
    }
    const v4 = targets.filter((x) => x.range === '192.0.2.0/24').map((x) => x.ip);
    t.ok(v4.every((ip) => /^192\.0\.2\.(\d+)$/.test(ip) && Number(ip.split('.')[3]) >= 1 && Number(ip.split('.')[3]) <= 254), 'hosts only, no network or broadcast');
    t.equal(new Set(v4).size, 2, 'two distinct addresses');
    t.ok(targets.filter((x) => x.range === '198.51.100.10/32').every((x) => x.ip === '198.51.100.10'));
    t.ok(targets.filter((x) => x.range === '2001:db8::/120').every((x) => /^2001:db8::[0-9a-f]{1,2}$|^2001:db8::$/.test(x.ip)), 'IPv6 targets in RFC 5952 text');
  });

  t.test('buildPlan: the same seed gives the same targets; another seed others', async (t) => {
    const ranges = [range('192.0.2.0/24'), range('198.51.100.0/24')];
    const opts = { ports: [443], sample: 3, seed: 'one', all: false };
    const a = [...buildPlan(ranges, opts).targets()];
    const b = [...buildPlan(ranges, opts).targets()];
    const c = [...buildPlan(ranges, { ...opts, seed: 'two' }).targets()];
    t.same(a, b);
    t.notSame(a, c);
  });

  t.test('buildPlan: targets() can be iterated twice with the same result', async (t) => {
    const plan = buildPlan([range('192.0.2.0/24')], { ports: [80], sample: 4, seed: 's', all: false });
    t.same([...plan.targets()], [...plan.targets()]);
  });

  t.test('buildPlan --all over a /30 yields the 2 hosts × ports', async (t) => {
    const plan = buildPlan([range('192.0.2.4/30')], { ports: [80, 443], sample: 2, seed: 'x', all: true });
    const targets: Target[] = [...plan.targets()];
    t.equal(plan.count, 4);
    t.same(targets, [
      { ip: '192.0.2.5', port: 80, range: '192.0.2.4/30', expected: true },
      { ip: '192.0.2.5', port: 443, range: '192.0.2.4/30', expected: true },
      { ip: '192.0.2.6', port: 80, range: '192.0.2.4/30', expected: true },
      { ip: '192.0.2.6', port: 443, range: '192.0.2.4/30', expected: true },
    ]);
  });

  t.test('buildPlan: each range on the ports it serves; an old list\'s port is not expected to answer', async (t) => {
    const [media, shared, old] = builtinRanges().filter((r) => ['67.217.64.0/19', '23.239.228.0/22', '66.151.158.0/24'].includes(r.cidr));
    const plan = buildPlan([media!, shared!, old!], { ports: [80, 443, 8200], sample: 1, seed: 'x', all: false });
    const seen = [...plan.targets()].map((x) => `${x.range} ${x.port} ${x.expected}`);
    t.same(seen, [
      '23.239.228.0/22 443 true',
      '67.217.64.0/19 80 false', '67.217.64.0/19 443 true', '67.217.64.0/19 8200 false',
      '66.151.158.0/24 80 false', '66.151.158.0/24 443 false', '66.151.158.0/24 8200 false',
    ]);
    t.equal(plan.count, 7);
    t.throws(() => buildPlan([media!], { ports: [80, 8200], sample: 1, seed: 'x', all: false }), /no range of the list serves ports 80 and 8200 \(they serve 443\)/);
  });

  t.test('buildPlan --all over a /31 and a /32 keeps every address', async (t) => {
    const plan = buildPlan([range('192.0.2.0/31'), range('198.51.100.1/32')], { ports: [443], sample: 2, seed: 'x', all: true });
    t.same([...plan.targets()].map((x) => x.ip), ['192.0.2.0', '192.0.2.1', '198.51.100.1']);
    t.equal(plan.count, 3);
  });

  t.test('buildPlan: a sample bigger than the range takes the whole range', async (t) => {
    const plan = buildPlan([range('192.0.2.8/30')], { ports: [80], sample: 50, seed: 'x', all: false });
    t.equal(plan.count, 2);
    t.same([...plan.targets()].map((x) => x.ip), ['192.0.2.9', '192.0.2.10']);
  });

  t.test('buildPlan: more than 1,000,000 attempts throws a UsageError', async (t) => {
    t.equal(MAX_ATTEMPTS, 1_000_000);
    let caught: unknown;
    try {
      buildPlan([range('10.0.0.0/8')], { ports: [443], sample: 2, seed: 'x', all: true });
    } catch (err) {
      caught = err;
    }
    t.ok(caught instanceof UsageError);
    t.equal((caught as UsageError).exitCode, 64);
    t.match((caught as Error).message, '16777214');
    t.match((caught as Error).message, '1,000,000');
    // exactly the limit is allowed (count only: the targets are not generated)
    t.equal(buildPlan([range('10.0.0.0/8')], { ports: [443], sample: 1_000_000, seed: 'x', all: false }).count, 1_000_000);
    t.throws(() => buildPlan([range('10.0.0.0/8')], { ports: [80, 443], sample: 500_001, seed: 'x', all: false }), { message: /1000002/ });
    t.throws(() => buildPlan([range('2001:db8::/64')], { ports: [443], sample: 2, seed: 'x', all: true }), { message: /18446744073709551616/ });
  });

  t.test('buildPlan: a huge IPv6 /64 sample works', async (t) => {
    const plan = buildPlan([range('2001:db8:1:2::/64')], { ports: [443, 8200], sample: 3, seed: 'g2probe', all: false });
    const targets = [...plan.targets()];
    t.equal(plan.count, 6);
    t.equal(targets.length, 6);
    const ips = [...new Set(targets.map((x) => x.ip))];
    t.equal(ips.length, 3);
    for (const ip of ips) {
      t.match(ip, /^2001:db8:1:2:/, `${ip} inside the /64`);
      t.equal(range(ip).cidr, `${ip}/128`, `${ip} is canonical text`);
    }
  });
});

t.test('regressions', async (t) => {
  t.test('IPv6 with a dotted IPv4 tail is refused, not read as the IPv4 address', async (t) => {
    for (const text of ['2001:db8::192.0.2.1', '64:ff9b::192.0.2.1', '::ffff:192.0.2.0/104']) {
      t.equal(parseRange(text, { source: 'file', status: 'current' }), null, text);
    }
    t.throws(() => parseRangesText('2001:db8::192.0.2.1\n192.0.2.1\n', 'f'), /f:1: "2001:db8::192\.0\.2\.1"/);
  });
});
