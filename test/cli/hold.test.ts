// g2probe hold as a user meets it before anything is held: --help, mistakes (one line, exit 64, nothing on
// stdout), an output that cannot be written (73 at once, not after a quarter of an hour), and the guard.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FIXTURES, g2probe } from '../helpers/cli.js';

t.test('hold --help teaches: what it does, the defaults, the cost, the exit codes', async (t) => {
  const run = await g2probe(['hold', '--help']);
  t.equal(run.code, 0);
  for (const text of ['Usage: g2probe hold', 'poll.gotomypc.com', '--for DURATION', 'default 15m', 'default 60s', 'never', 'What it costs', 'Exit codes', '130']) t.match(run.stdout, text);
  t.match((await g2probe(['--help'])).stdout, /g2probe hold +does the host stay online/);
});

const base = ['hold', '--ranges', `${FIXTURES}loopback.txt`, '--dns-server', '127.0.0.1:53'];
const MISTAKES: [string[], string][] = [
  [[...base, '--for', '0s'], '"0s"'],
  [[...base, '--for', '2d'], '"2d"'],
  [[...base, '--every', 'sometimes'], '"sometimes"'],
  [[...base, '--every', '100ms'], '"100ms"'],
  [[...base, '--for', '1m', '--every', '2m'], '--every 2m is longer than --for 1m'],
  [[...base, '--ports', '443,0'], '"0"'],
  [[...base, '--format', 'xml'], '"xml"'],
  [[...base, '--role', 'server'], '"server"'],
  [[...base, '--sample', '3'], 'unknown option --sample'],
  [[...base, '--hosts', 'bad_name'], '"bad_name"'],
  [['hold', '--for'], 'option --for needs a value'],
];

for (const [args, names] of MISTAKES) {
  t.test(`mistake: g2probe ${args.slice(1).join(' ')}`, async (t) => {
    const run = await g2probe(args);
    t.equal(run.code, 64);
    t.equal(run.stdout, '');
    const lines = run.stderr.split('\n').filter(Boolean);
    t.equal(lines.length, 1, 'one line');
    t.ok(lines[0]!.includes(names), lines[0]!);
  });
}

t.test("under the guard, this PC's resolver is refused before anything is held", async (t) => {
  const run = await g2probe(['hold']);
  t.equal(run.code, 64);
  t.match(run.stderr, /^g2probe: loopback-only guard: .*resolver/);
});

t.test('an --out that cannot be written fails at once, with nothing held', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-hold-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const started = performance.now();
  const run = await g2probe([...base, '--for', '10m', '--out', dir]);
  t.equal(run.code, 73);
  t.match(run.stderr, /cannot write --out/);
  t.ok(performance.now() - started < 10_000, 'at once');
});
