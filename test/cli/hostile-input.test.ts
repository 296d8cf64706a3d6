// Hostile range lists through the real CLI: huge, endless, astronomically wide, heavily nested, and full of
// terminal escapes. Every run is --plan (no packet to the ranges) or refused by the loopback-only guard
// before any socket; the one download tried is from a listener of this test on 127.0.0.1.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import type { Range } from '../../src/core/types.js';
import { dedupeRanges } from '../../src/targets/ranges.js';
import { CLI, EXE, collect, g2probe, type Run } from '../helpers/cli.js';
import { UNSHOWABLE } from '../helpers/fuzz.js';

const dir = mkdtempSync(join(tmpdir(), 'g2probe-hostile-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** The limit README promises for --ranges and --ranges-url. */
const LIMIT = 1024 * 1024;
/** A heap this small holds the limit's worth of ranges, not a 50 MB file read whole. */
const HEAP_MB = 64;
/** Loaded into the CLI's process: its peak resident set, written where RSS_OUT says as it exits. */
const PEAK_RSS = 'data:text/javascript,import { writeFileSync } from "node:fs"; process.on("exit", () => writeFileSync(process.env.RSS_OUT, String(process.resourceUsage().maxRSS)));';

interface Measured extends Run {
  ms: number;
  /** Peak resident set in MB; null when the process died before it could say (out of memory). */
  peakMb: number | null;
}

/** The CLI with a small heap, timed, and its peak memory measured. */
async function measured(args: string[], timeoutMs = 30_000): Promise<Measured> {
  const rssFile = join(dir, 'rss');
  rmSync(rssFile, { force: true });
  const started = performance.now();
  // An executable takes no Node flags: GNU time measures it instead, without the heap cap.
  const [command, ...argv] = EXE
    ? ['/usr/bin/time', '-f', '%M', '-o', rssFile, EXE, ...args]
    : [process.execPath, `--max-old-space-size=${HEAP_MB}`, `--import=${PEAK_RSS}`, CLI, ...args];
  const run = await collect(command!, argv, { RSS_OUT: rssFile }, timeoutMs);
  const ms = Math.round(performance.now() - started);
  const peakKb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : NaN;
  return { ...run, ms, peakMb: Number.isFinite(peakKb) ? Math.round(peakKb / 1024) : null };
}

function note(t: Test, what: string, run: Measured): void {
  t.comment(`${what}: ${run.ms} ms, peak RSS ${run.peakMb === null ? 'unknown (the process died)' : `${run.peakMb} MB`}`);
}

/** A usage error as g2probe reports it: exit 64, nothing on stdout, one clean line on stderr; returns the line. */
function refusedInOneLine(t: Test, run: Run): string {
  t.equal(run.code, 64, 'exit 64 (usage)');
  t.equal(run.stdout, '', 'nothing on stdout');
  t.ok(run.stderr.endsWith('\n') && run.stderr.indexOf('\n') === run.stderr.length - 1, `one line on stderr: ${JSON.stringify(run.stderr)}`);
  const line = run.stderr.slice(0, -1);
  t.notOk(UNSHOWABLE.test(line), `no raw control, bidi or separator character: ${JSON.stringify(line)}`);
  t.match(line, /^g2probe: /);
  return line;
}

/** `count` distinct /32 lines in 127.0.0.0/8, from 127.0.0.0 up. */
function loopbackLines(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(`127.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32\n`);
  return lines.join('');
}

t.test('a 50 MB ranges file is refused by its size before it is read, in bounded time and memory', async (t) => {
  const body = loopbackLines(Math.ceil((50 * 1024 * 1024) / 17));
  const valid = join(dir, 'huge.txt');
  const garbage = join(dir, 'huge-garbage.txt');
  writeFileSync(valid, body);
  writeFileSync(garbage, `${body}\u001b[31mnot a range\n`);
  for (const [file, what] of [[valid, 'valid lines'], [garbage, 'a garbage line at the end']] as const) {
    const run = await measured(['--ranges', file, '--plan']);
    note(t, `50 MB, ${what}`, run);
    const line = refusedInOneLine(t, run);
    t.match(line, /^g2probe: cannot read --ranges ".*": it is \d+ bytes, over the 1 MiB limit for a range list$/, line);
    t.notMatch(line, /not a range/, 'the content is not read');
    t.ok(run.ms < 10_000, `in ${run.ms} ms`);
    t.ok(run.peakMb !== null && run.peakMb < 150, `peak RSS ${run.peakMb} MB`);
  }
});

t.test('a list just under the limit is parsed whole: the bad last line is named, in bounded time and memory', async (t) => {
  const lines = Math.floor((LIMIT - 64) / 17);
  const file = join(dir, 'near-limit.txt');
  writeFileSync(file, `${loopbackLines(lines)}127.0.0.1/33\n`);
  t.ok(readFileSync(file).length <= LIMIT, 'under the limit');
  const run = await measured(['--ranges', file, '--plan']);
  note(t, `${lines} lines under the limit, then a bad one`, run);
  const line = refusedInOneLine(t, run);
  t.ok(line.endsWith(`near-limit.txt:${lines + 1}: "127.0.0.1/33" is not an IPv4/IPv6 address or CIDR`), line);
  t.ok(run.ms < 30_000, `in ${run.ms} ms`);
  t.ok(run.peakMb !== null && run.peakMb < 400, `peak RSS ${run.peakMb} MB`);
});

t.test('a ranges "file" that never ends (/dev/zero) is cut off at the limit', { skip: existsSync('/dev/zero') ? false : 'no /dev/zero here' }, async (t) => {
  const run = await measured(['--ranges', '/dev/zero', '--plan'], 20_000);
  note(t, '/dev/zero', run);
  const line = refusedInOneLine(t, run);
  t.equal(line, 'g2probe: cannot read --ranges "/dev/zero": it runs past the 1 MiB limit for a range list');
  t.ok(run.ms < 10_000, `in ${run.ms} ms`);
});

t.test('the whole address space (/0): --plan samples it, --all is refused before any allocation, probing is refused', async (t) => {
  const file = join(dir, 'everything.txt');
  writeFileSync(file, '0.0.0.0/0\n::/0\n');
  const plan = await g2probe(['--ranges', file, '--plan']);
  t.equal(plan.code, 0, plan.stderr);
  t.match(plan.stdout, /^# 12 attempts: 2 ranges \(from .*everything\.txt, version [0-9a-f]{12}\), ports 80, 443 and 8200\. --plan sends no packet to them\.\n/);
  const targets = plan.stdout.split('\n').filter((l) => l && !l.startsWith('#'));
  t.equal(targets.length, 12, '2 sampled addresses × 3 ports per range');
  t.equal(targets.filter((l) => l.includes(' 0.0.0.0/0 ')).length, 6);
  t.equal(targets.filter((l) => l.includes(' ::/0 ')).length, 6);

  const json = await g2probe(['--ranges', file, '--plan', '--json']);
  const parsed = JSON.parse(json.stdout) as { ranges: { cidr: string; hosts: number | string }[] };
  t.same(parsed.ranges.map((r) => [r.cidr, r.hosts]), [['0.0.0.0/0', 4294967294], ['::/0', '340282366920938463463374607431768211456']], 'sizes past 2^53 as exact text');

  const started = performance.now();
  const all = await g2probe(['--ranges', file, '--plan', '--all']);
  const ms = Math.round(performance.now() - started);
  t.comment(`--plan --all on /0: ${ms} ms`);
  const line = refusedInOneLine(t, all);
  t.match(line, /^g2probe: this plan has \d{30,} attempts, more than the limit of 1,000,000: use fewer or smaller ranges, fewer ports, or --sample instead of --all$/);
  t.ok(ms < 5000, `in ${ms} ms`);

  for (const args of [[], ['--all'], ['--loopback-only']]) {
    const probe = await g2probe(['--ranges', file, ...args]);
    t.equal(refusedInOneLine(t, probe), 'g2probe: loopback-only guard: refusing to probe 0.0.0.0/0, which lies outside 127.0.0.0/8 and ::1', `g2probe ${args.join(' ')}`);
  }
});

t.test('IPv6 /64 with --all: refused at once, without enumerating 2^64 addresses', async (t) => {
  const file = join(dir, 'v6-64.txt');
  writeFileSync(file, '::1/64\n');
  const started = performance.now();
  const run = await g2probe(['--ranges', file, '--plan', '--all']);
  const ms = Math.round(performance.now() - started);
  t.comment(`--plan --all on ::/64: ${ms} ms`);
  t.equal(refusedInOneLine(t, run), 'g2probe: this plan has 55340232221128654848 attempts, more than the limit of 1,000,000: use fewer or smaller ranges, fewer ports, or --sample instead of --all');
  t.ok(ms < 5000, `in ${ms} ms`);
  const sampled = await g2probe(['--ranges', file, '--plan', '--ports', '443']);
  t.equal(sampled.code, 0);
  t.match(sampled.stdout, /^# 2 attempts: 1 range /, '--sample still works on it');
});

t.test('10,000 overlapping ranges: deduplicated correctly, and fast', async (t) => {
  // A fixed seed: nested loopback CIDRs of every size from /18 to /32, with duplicates.
  const random = fc.sample(fc.tuple(fc.integer({ min: 0, max: 0x0fffff }), fc.integer({ min: 18, max: 32 })), { numRuns: 8000, seed: 6 });
  const cidrs = random.map(([n, prefix]) => {
    const first = (((0x7f000000 | (n << 4)) >>> (32 - prefix)) << (32 - prefix)) >>> 0;
    return { first, last: first + 2 ** (32 - prefix) - 1, text: `${first >>> 24}.${(first >>> 16) & 255}.${(first >>> 8) & 255}.${first & 255}/${prefix}` };
  });
  const all = [...cidrs, ...cidrs.slice(0, 2000)];
  const file = join(dir, 'nested.txt');
  writeFileSync(file, all.map((c) => `${c.text}\n`).join(''));
  // By the definition: in file order, the first of equal ranges and none inside another.
  const expected = all.filter((a, i) => !all.some((b, j) => j !== i && b.first <= a.first && a.last <= b.last && (b.first !== a.first || b.last !== a.last || j < i)))
    .map((c) => c.text);
  const started = performance.now();
  const run = await g2probe(['--ranges', file, '--plan', '--json', '--sample', '1', '--ports', '80']);
  const ms = Math.round(performance.now() - started);
  t.comment(`${all.length} ranges, ${expected.length} kept: ${ms} ms through the CLI`);
  t.equal(run.code, 0, run.stderr);
  const plan = JSON.parse(run.stdout) as { ranges: { cidr: string }[]; count: number };
  t.same(plan.ranges.map((r) => r.cidr), expected, 'none inside another, file order kept');
  t.equal(plan.count, expected.length);
  t.ok(ms < 15_000, `in ${ms} ms`);

  // Dedupe alone on 200,000 nested ranges: a quadratic one would take hours.
  const many: Range[] = Array.from({ length: 200_000 }, (_, i) => {
    const prefix = 8 + (i % 25);
    const first = (BigInt(0x7f000000 + ((i * 2654435761) % 0x1000000)) >> BigInt(32 - prefix)) << BigInt(32 - prefix);
    const size = 1n << BigInt(32 - prefix);
    return { cidr: `${first}/${prefix}`, lists: ['f'], ports: null, legacyPorts: [], source: 'file', status: 'current', family: 4, first, last: first + size - 1n, hostFirst: first, hostCount: size };
  });
  const dedupeStarted = performance.now();
  const kept = dedupeRanges(many);
  const dedupeMs = Math.round(performance.now() - dedupeStarted);
  t.comment(`dedupeRanges on ${many.length} ranges: ${dedupeMs} ms`);
  t.equal(kept.length, 1, 'all inside 127.0.0.0/8');
  t.ok(dedupeMs < 3000, `in ${dedupeMs} ms`);
});

/** Terminal escapes and bidi controls, and how a message must show them. */
const HOSTILE: [name: string, raw: string, shown: string][] = [
  ['NUL', '\u0000', '\\x00'],
  ['SGR colour', '\u001b[31m', '\\x1b[31m'],
  ['OSC window title', '\u001b]0;title\u0007', '\\x1b]0;title\\x07'],
  ['CR alone', '\r', '\\x0d'],
  ['C1 CSI', '\u009b31m', '\\x9b31m'],
  ['bidi override', '\u202e', '\\u{202E}'],
  ['bidi isolate', '\u2066', '\\u{2066}'],
  ['line separator', '\u2028', '\\u{2028}'],
  ['zero-width space', '\u200b', '\\u{200B}'],
];

t.test('escapes and bidi controls in a line are shown escaped, never raw', async (t) => {
  for (const [name, raw, shown] of HOSTILE) {
    const file = join(dir, 'escapes.txt');
    writeFileSync(file, `127.0.0.1\n127.0.0.2${raw}x # ${raw}\n`);
    const line = refusedInOneLine(t, await g2probe(['--ranges', file, '--plan']));
    t.ok(line.endsWith(`escapes.txt:2: "127.0.0.2${shown}x" is not an IPv4/IPv6 address or CIDR`), `${name}: ${JSON.stringify(line)}`);
  }
});

t.test('a ranges file whose name holds escapes: every message and the plan show it escaped', async (t) => {
  const name = 'list\u001b[31m\u202e\u2028\n# injected\r.txt';
  const file = join(dir, name);
  writeFileSync(file, '127.0.0.1\n');
  const plan = await g2probe(['--ranges', file, '--plan']);
  t.equal(plan.code, 0, plan.stderr);
  t.notOk(UNSHOWABLE.test(plan.stdout.replace(/\n/g, '')), `no raw escape in the plan: ${JSON.stringify(plan.stdout.split('\n')[0])}`);
  t.notMatch(plan.stdout, /^# injected/m, 'the name cannot add a line to the plan');
  t.match(plan.stdout, /\(from ".*list\\x1b\[31m\\u\{202E\}\\u\{2028\}\\x0a# injected\\x0d\.txt", version/);

  writeFileSync(file, '127.0.0.1\nbad\n');
  t.match(refusedInOneLine(t, await g2probe(['--ranges', file, '--plan'])), /^g2probe: ".*list\\x1b\[31m\\u\{202E\}\\u\{2028\}\\x0a# injected\\x0d\.txt":2: "bad" is not/);
  writeFileSync(file, '# nothing\n');
  t.match(refusedInOneLine(t, await g2probe(['--ranges', file, '--plan'])), /^g2probe: ".*\.txt": no ranges in the file/);
  t.match(refusedInOneLine(t, await g2probe(['--ranges', `${file}.missing`, '--plan'])), /^g2probe: cannot read --ranges ".*\\x1b\[31m.*": no such file$/);

  // A --ranges-url that fails falls back to the file, and the warning names it: a listener that hangs up at once.
  writeFileSync(file, '127.0.0.1\n');
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const { port } = server.address() as { port: number };
  const fallback = await g2probe(['--ranges-url', `https://127.0.0.1:${port}/list.txt`, '--ranges', file, '--plan', '--timeout', '2000']);
  t.equal(fallback.code, 0, fallback.stderr);
  const warning = fallback.stdout.split('\n').find((l) => l.startsWith('# Warning: '));
  t.ok(warning, 'the plan warns');
  t.match(warning, /Probing the --ranges file ".*list\\x1b\[31m\\u\{202E\}\\u\{2028\}\\x0a# injected\\x0d\.txt" instead\.$/);
  t.notOk(UNSHOWABLE.test(fallback.stdout.replace(/\n/g, '')), 'no raw escape in the plan');
});

t.test('random garbage ranges files through the CLI: exit 64, one clean line on stderr', async (t) => {
  /** A line that can never be a range: no `#` to hide it, and a character no address or CIDR has. */
  const badLine = fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('x', '!', '\u0000', '\u001b', '\u202e', '\u009b', '%'), fc.string({ unit: 'binary', maxLength: 20 }))
    .map(([a, bad, b]) => `${a}${bad}${b}`.replace(/[#\n]/g, ''));
  const garbage = fc.tuple(fc.uint8Array({ maxLength: 300 }), badLine).map(([bytes, line]) => Buffer.concat([Buffer.from(bytes), Buffer.from(`\n${line}\n`)]));
  // Each case is a process: sampled up front and run two at a time; FUZZ_SEED=N replays the seed shown.
  const seed = Number(process.env.FUZZ_SEED) || Date.now() % 2 ** 31;
  const files = fc.sample(garbage, { numRuns: 30, seed });
  t.comment(`random garbage files: ${files.length} cases, seed ${seed}`);
  for (let i = 0; i < files.length; i += 2) {
    await Promise.all(files.slice(i, i + 2).map(async (content, j) => {
      const file = join(dir, `garbage-${i + j}.txt`);
      writeFileSync(file, content);
      const run = await g2probe(['--ranges', file, '--plan']);
      const ok = run.code === 64 && run.stdout === '' && run.stderr.indexOf('\n') === run.stderr.length - 1
        && run.stderr.startsWith('g2probe: ') && !UNSHOWABLE.test(run.stderr.slice(0, -1));
      t.ok(ok, `case ${i + j}: exit ${run.code}, stderr ${JSON.stringify(run.stderr)}${ok ? '' : `, file ${JSON.stringify(content.toString('latin1'))}`}`);
    }));
  }
});
