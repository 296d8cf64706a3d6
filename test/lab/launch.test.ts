// --pause, what a double-click in Explorer gets: the report, where it was saved, then the window waits for
// Enter; a mistake's message waits too; with nobody at stdin nothing hangs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FIXTURES } from '../helpers/cli.js';
import { inNamespace, lab } from '../helpers/lab.js';
import { assertValidReport } from '../helpers/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'g2probe-launch-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Runs g2probe ARGS with Enter pressed after `enterMs`, printing its exit code and how long it took. */
const pressEnterAfter = (enterMs: number, args: string) => `
rm -f ${dir}/in; mkfifo ${dir}/in
( sleep ${enterMs / 1000}; echo ) > ${dir}/in &
started=$(date +%s%N)
g2probe ${args} < ${dir}/in 2>${dir}/err; rc=$?
echo "@@rc $rc ms $(( ($(date +%s%N) - started) / 1000000 ))"`;

lab(t, '--pause: the report, where the JSON is saved, then it waits for Enter; exit code as without it', async (t) => {
  const out = join(dir, 'report.json');
  const run = await inNamespace(`listen 127.0.0.1 80 443 8200
${pressEnterAfter(1500, `--pause --ranges ${FIXTURES}loopback.txt --no-dns --timeout 300 --out ${out}`)}`);
  const [, rc, ms] = /@@rc (\d+) ms (\d+)/.exec(run.stdout) ?? [];
  const err = readFileSync(join(dir, 'err'), 'utf8');
  t.ok(Number(ms) >= 1400, `it waited for Enter (${ms} ms)`);
  t.match(run.stdout, /^g2probe \d+\.\d+\.\d+/, 'the report first');
  t.match(err, new RegExp(`The full report is saved as ${out.replace(/[.\\/]/g, '\\$&')}\\nAttach that file to the ticket\\.\\nPress Enter to close this window\\.\\n$`));
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assertValidReport(t, report);
  t.equal(Number(rc), report.verdict.exitCode, 'the exit code is the verdict, as without --pause');
});

lab(t, '--pause with a mistake found during the run: its one line, then the wait; exit 64', async (t) => {
  const outside = join(dir, 'outside.txt');
  writeFileSync(outside, '192.0.2.0/30\n');
  const run = await inNamespace(pressEnterAfter(1000, `--pause --ranges ${outside} --no-dns --out ${join(dir, 'never.json')}`));
  const [, rc, ms] = /@@rc (\d+) ms (\d+)/.exec(run.stdout) ?? [];
  const err = readFileSync(join(dir, 'err'), 'utf8');
  t.equal(Number(rc), 64);
  t.ok(Number(ms) >= 900, `it waited (${ms} ms)`);
  t.match(err, /^g2probe: loopback-only guard: refusing to probe 192\.0\.2\.0\/30[^\n]*\n\nPress Enter to close this window\.\n$/, 'the message, then the prompt; no report saved, so none is named');
});

lab(t, '--pause with stdin closed: nobody can press Enter, so it does not wait', async (t) => {
  const run = await inNamespace(`listen 127.0.0.1 80 443 8200
started=$(date +%s%N)
g2probe --pause --ranges ${FIXTURES}loopback.txt --no-dns --timeout 300 < /dev/null > /dev/null 2>&1; rc=$?
echo "@@rc $rc ms $(( ($(date +%s%N) - started) / 1000000 ))"`, { timeoutMs: 20_000 });
  const [, rc, ms] = /@@rc (\d+) ms (\d+)/.exec(run.stdout) ?? [];
  t.ok(rc !== undefined && Number(rc) < 64, `a verdict code (${rc})`);
  t.ok(Number(ms) < 10_000, `no wait (${ms} ms)`);
});
