// g2probe show FILE through the real CLI: saved reports of both schema versions, an earlier version 2 one,
// each mistake in one line with exit 64, and hostile text escaped. No packet: show reads a file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FIXTURES, g2probe } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'g2probe-show-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const V1 = `${FIXTURES}reports/v1-loopback.json`;
const V2_OLD = `${FIXTURES}reports/v2-before-learning.json`;
const saved = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

t.test('a version 1 report, from before the ranges named their lists: the text report of its run', async (t) => {
  const run = await g2probe(['show', V1]);
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stderr, '');
  const lines = run.stdout.split('\n');
  t.match(lines[0], /^g2probe 0\.1\.0 · 6 attempts to 2 ranges \(from .*loopback\.txt\) in \d+\.\d s$/, 'the version that ran, not this one');
  t.match(run.stdout, /\nBLOCKED: /, 'its verdict');
  t.match(run.stdout, /\nPorts\n {2}PORT {2}RESULT/);
  t.match(run.stdout, /127\.0\.0\.2\/32/, 'its ranges');
  t.match(run.stdout, /\nWhat to do\n {2}1\. /, 'and its steps');
});

t.test('an earlier version 2 report (before learned deadlines) reads too', async (t) => {
  const run = await g2probe(['show', V2_OLD]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /\nBLOCKED: /);
});

t.test('an interrupted report says so, without inventing how many were planned', async (t) => {
  const report = JSON.parse(readFileSync(V2_OLD, 'utf8')) as { interrupted: boolean };
  report.interrupted = true;
  const run = await g2probe(['show', saved('interrupted.json', report)]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /\nINTERRUPTED after 6 attempts: what follows covers only those\.\n/);
});

t.test('hostile text in a report is shown escaped: nothing a terminal would act on reaches it', async (t) => {
  const report = JSON.parse(readFileSync(V2_OLD, 'utf8')) as { verdict: { text: string; advice: { text: string }[] } };
  report.verdict.text = 'all fine\u001b[2J\u001b]0;pwned\u0007 \u202eevil\u2028';
  report.verdict.advice[0]!.text = 'step\u009b31m';
  const run = await g2probe(['show', saved('hostile.json', report)]);
  t.equal(run.code, 0, run.stderr);
  t.notMatch(run.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e\u2028]/, 'no control, bidi or separator character');
  t.match(run.stdout, 'all fine\\x1b[2J\\x1b]0;pwned\\x07 \\u{202E}evil', 'each escaped where it was, by the one escaper (the separator at the end is white space, wrapped away)');
  t.match(run.stdout, 'step\\x9b31m');
});

t.test('each mistake: one line naming the file and what is wrong, exit 64, nothing on stdout', async (t) => {
  const v2 = JSON.parse(readFileSync(V2_OLD, 'utf8')) as Record<string, unknown>;
  const cases: [string, string[], RegExp][] = [
    ['no file', ['show'], /^g2probe: show needs the report file: g2probe show FILE\n$/],
    ['a missing file', ['show', join(dir, 'nope.json')], /^g2probe: cannot read \S+nope\.json: no such file\n$/],
    ['a directory', ['show', dir], /^g2probe: cannot read \S+: it is a directory\n$/],
    ['not JSON', ['show', saved('text.json', 'hello')], /^g2probe: \S+text\.json is not a g2probe report: not JSON \(.*\)\n$/],
    ['JSON, not a report', ['show', saved('list.json', [1, 2])], /is not a g2probe report: it has no schemaVersion\n$/],
    ['a newer version', ['show', saved('v3.json', { ...v2, schemaVersion: 3 })], /has schemaVersion "3", which this g2probe does not read \(it reads 1 and 2\): it was written by a newer g2probe, so use that one\n$/],
    ['a version never made', ['show', saved('v0.json', { ...v2, schemaVersion: 'x' })], /has schemaVersion "x", which this g2probe does not read \(it reads 1 and 2\)\n$/],
    ['a cut report', ['show', saved('cut.json', { ...v2, summary: undefined })], /is not a whole g2probe report: "\/" must have required property 'summary'\n$/],
    ['a wrong field', ['show', saved('wrong.json', { ...v2, attempts: 'many' })], /is not a whole g2probe report: "\/attempts" must be array\n$/],
    ['a bad flag', ['show', V1, '--bogus'], /^g2probe: unknown option --bogus \(g2probe show --help lists them\)\n$/],
  ];
  for (const [name, args, message] of cases) {
    const run = await g2probe(args);
    t.equal(run.code, 64, `${name}: exit 64`);
    t.match(run.stderr, message, `${name}: ${run.stderr.trim()}`);
    t.equal(run.stdout, '', `${name}: nothing on stdout`);
  }
});

t.test('show --help teaches, and the main help names show', async (t) => {
  const help = await g2probe(['show', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /^Usage: g2probe show FILE \[--html OUT\]\n/);
  t.ok(help.stdout.split('\n').every((line) => line.length <= 80), 'fits 80 columns');
  t.match((await g2probe(['--help'])).stdout, /g2probe show FILE {3}a saved report/);
  t.match(help.stdout, /--html OUT {10}write the report as one self-contained web page/);
});

t.test('show --html: the page written whole; a path it cannot write is one line and exit 73', async (t) => {
  const page = join(dir, 'page.html');
  const run = await g2probe(['show', V2_OLD, '--html', page]);
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stdout, '', 'nothing on stdout: the page is the output');
  t.match(readFileSync(page, 'utf8'), /^<!doctype html>[\s\S]*<h1>Blocked<\/h1>[\s\S]*<\/html>\n$/);
  const unwritable = await g2probe(['show', V2_OLD, '--html', dir]);
  t.equal(unwritable.code, 73);
  t.match(unwritable.stderr, /^g2probe: cannot write --html "[^"]+": it is a directory\n$/);
  const empty = await g2probe(['show', V2_OLD, '--html', '']);
  t.equal(empty.code, 64);
  t.match(empty.stderr, /^g2probe: option --html needs a value\n$/);
  const probe = await g2probe(['--html', '', '--plan']);
  t.equal(probe.code, 64, 'the probe too');
  t.match(probe.stderr, /^g2probe: option --html needs a value\n$/);
});
