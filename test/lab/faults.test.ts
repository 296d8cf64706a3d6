// Interrupts and a failing --out: Ctrl-C once and twice, a full disk, a read-only file system, a directory
// in the way. Mounts happen inside the scenario's own mount namespace (inNamespace's --mount-proc), unseen here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { FIXTURES, ROOT, START_SH } from '../helpers/cli.js';
import { inNamespace, lab, parseReport, type Report } from '../helpers/lab.js';
import { assertValidReport } from '../helpers/schema.js';

const INTERRUPT = fileURLToPath(new URL('interrupt.mjs', import.meta.url));
const G2PROBE = START_SH;
/** A scenario prints its parts separated by CUT, with this command. */
const CUT = '\n@@@\n';
const PRINT_CUT = "printf '\\n@@@\\n'";

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  signals: number;
  firstToExitMs: number | null;
  lastToExitMs: number | null;
  stdout: string;
  stderr: string;
}

/** A directory for one scenario's files, removed when the test ends (a mount on it died with the namespace). */
function scratch(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-faults-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function asReport(t: Test, text: string, what: string): Report {
  const report = JSON.parse(text) as Report;
  assertValidReport(t, report, what);
  return report;
}

const leftovers = (listing: string): string[] => listing.split('\n').filter((f) => f.endsWith('.tmp'));

// tap preloads its process tracker into every node child, even one given an environment without it, and with
// it signal-exit's listeners: g2probe would never be without a SIGINT listener, unlike when a user runs it.
const AS_A_USER = 'unset NODE_OPTIONS';

// 127.0.0.1–127 refuse at once (nothing listens); the rest are dropped and would each wait the 10 s timeout.
const HALF_DROPPED = 'iptables -A INPUT -p tcp --syn -d 127.0.0.128/25 -j DROP';

/**
 * Ctrl-C once the run is under way (a handshake waiting on a dropped SYN), not a fixed time after the start: a
 * loaded machine can take longer than that to start g2probe, and the signal would come before its handler.
 */
const ctrlC = (dir: string, afterMs: number, count: 1 | 2, signal = 'SIGINT'): string => `( for _ in $(seq 800); do ss -Htn state syn-sent | grep -q . && break; sleep 0.025; done; touch ${dir}/running ) &
INTERRUPT_SIGNAL=${signal} INTERRUPT_WHEN=${dir}/running node ${INTERRUPT} ${afterMs} ${count}`;

lab(t, 'Ctrl-C under DROP with --timeout 10000: over within 1 s, the same whole partial report on stdout (--json) and in --out, interrupted: true, exit 130', async (t) => {
  const dir = scratch(t);
  const run = await inNamespace(`
${AS_A_USER}
${HALF_DROPPED}
${ctrlC(dir, 500, 1)} ${START_SH} --ranges ${FIXTURES}loopback-24.txt --all --ports 80 --timeout 10000 --json --out ${dir}/report.json
${PRINT_CUT}; cat ${dir}/report.json; ${PRINT_CUT}; ls -A ${dir}`);
  const [line, file, listing] = run.stdout.split(CUT);
  const ended = JSON.parse(line!) as Interrupted;
  t.same([ended.code, ended.signal], [130, null], 'exit 130');
  t.ok(ended.firstToExitMs! < 1000, `the attempts in flight are cut, not waited for (${ended.firstToExitMs} ms)`);
  const report = asReport(t, ended.stdout, 'the report on stdout');
  t.equal(report.interrupted, true);
  t.ok(report.attempts.length > 0 && report.attempts.length < 254, `stopped early (${report.attempts.length} of 254)`);
  t.equal(report.summary.total, report.attempts.length, 'the summary covers exactly the attempts reported');
  t.same(asReport(t, file!, 'the --out report'), report, '--out holds the same report');
  t.same(leftovers(listing!), [], 'no temporary file left behind');
}, ['iptables']);

lab(t, 'the console window closed mid-run (SIGHUP): the whole partial report in --out, interrupted: true, exit 129, no temporary file', async (t) => {
  const dir = scratch(t);
  const run = await inNamespace(`
${AS_A_USER}
${HALF_DROPPED}
${ctrlC(dir, 500, 1, 'SIGHUP')} ${START_SH} --ranges ${FIXTURES}loopback-24.txt --all --ports 80 --timeout 10000 --out ${dir}/report.json
${PRINT_CUT}; cat ${dir}/report.json; ${PRINT_CUT}; ls -A ${dir}`);
  const [line, file, listing] = run.stdout.split(CUT);
  const ended = JSON.parse(line!) as Interrupted;
  t.same([ended.code, ended.signal], [129, null], 'exit 129, not killed');
  t.ok(ended.firstToExitMs! < 1000, `over at once (${ended.firstToExitMs} ms), well within the seconds Windows gives`);
  const report = asReport(t, file!, 'the --out report');
  t.equal(report.interrupted, true);
  t.ok(report.attempts.length > 0 && report.attempts.length < 254, `stopped early (${report.attempts.length} of 254)`);
  t.same(leftovers(listing!), [], 'no temporary file left behind');
}, ['iptables']);

lab(t, 'Ctrl-C without --json: the text report says it was interrupted and how far it got; --out has the JSON', async (t) => {
  const dir = scratch(t);
  const run = await inNamespace(`
${AS_A_USER}
${HALF_DROPPED}
${ctrlC(dir, 500, 1)} ${START_SH} --ranges ${FIXTURES}loopback-24.txt --all --ports 80 --timeout 10000 --out ${dir}/report.json
${PRINT_CUT}; cat ${dir}/report.json`);
  const [line, file] = run.stdout.split(CUT);
  const ended = JSON.parse(line!) as Interrupted;
  t.same([ended.code, ended.signal], [130, null], 'exit 130');
  const report = asReport(t, file!, 'the --out report');
  t.equal(report.interrupted, true);
  t.match(ended.stdout, new RegExp(`^INTERRUPTED after ${report.attempts.length} of 254 attempts: what follows covers only those\\.$`, 'm'));
  t.match(ended.stdout, new RegExp(`\nSaved: ${dir}/report\\.json \\(the JSON report\\)\n$`), 'the whole text report follows, to where --out saved it');
}, ['iptables']);

lab(t, 'a second Ctrl-C while the first one is finishing: exit 130 (not death by SIGINT) within 500 ms; --out keeps its old content or gets the whole report, never a temporary file', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'ranges.txt'), '127.0.0.0/22\n');
  // 1000 attempts in flight when the first Ctrl-C comes: cutting them takes long enough for the second to land meanwhile.
  const run = await inNamespace(`
${AS_A_USER}
ulimit -n 4096
iptables -A INPUT -p tcp --syn -j DROP
echo previous > ${dir}/report.json
${ctrlC(dir, 500, 2)} ${START_SH} --ranges ${dir}/ranges.txt --all --concurrency 1000 --timeout 10000 --json --out ${dir}/report.json
${PRINT_CUT}; cat ${dir}/report.json; ${PRINT_CUT}; ls -A ${dir}`);
  const [line, file, listing] = run.stdout.split(CUT);
  const ended = JSON.parse(line!) as Interrupted;
  t.equal(ended.signals, 2, 'both signals sent before the exit');
  t.same([ended.code, ended.signal], [130, null], 'g2probe exited 130 itself, so its clean-up ran');
  t.ok(ended.lastToExitMs! < 500, `gone ${ended.lastToExitMs} ms after the second signal`);
  if (file !== 'previous\n') t.equal(asReport(t, file!, 'the --out report').interrupted, true, 'or the whole partial report');
  t.same(leftovers(listing!), [], 'no temporary file left behind');
}, ['iptables']);

t.test('an exit between creating --out and committing it (a second Ctrl-C) leaves the target as it was and no temporary file', async (t) => {
  const dir = scratch(t);
  const target = join(dir, 'report.json');
  writeFileSync(target, 'previous\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', `
import { openOutputs } from ${JSON.stringify(`${ROOT}dist/report/output-file.js`)};
const opened = await openOutputs([{ flag: '--out', path: process.argv[1] }]);
opened.files[0].write('{"half": ');
process.exit(130);`, target], { encoding: 'utf8' });
  t.equal(child.status, 130, child.stderr);
  t.equal(readFileSync(target, 'utf8'), 'previous\n');
  t.same(readdirSync(dir), ['report.json']);
});

/** A 16 KB tmpfs at DIR/full holding an old report.json, then `probe` with --out DIR/full/report.json, then what is left there. */
async function onFullDisk(dir: string, probe: string) {
  const run = await inNamespace(`
mkdir -p ${dir}/full && mount -t tmpfs -o size=16k tmpfs ${dir}/full
echo previous > ${dir}/full/report.json
${probe} --out ${dir}/full/report.json
echo "exit $?" >&2
${PRINT_CUT}; cat ${dir}/full/report.json; ${PRINT_CUT}; ls -A ${dir}/full`);
  const [stdout, file, listing] = run.stdout.split(CUT);
  const exit = /exit \d+\n$/.exec(run.stderr)?.[0];
  return { stdout: stdout!, file: file!, listing: listing!, message: run.stderr.slice(0, run.stderr.length - (exit?.length ?? 0)), exit };
}

const FULL = (dir: string) => `g2probe: cannot write --out "${dir}/full/report.json": no space left on device\n`;

lab(t, 'disk full mid-write (a 178 KB report, a 16 KB tmpfs): one line naming the path and the reason, exit 73, the stdout report whole, the old file kept, no temporary file', async (t) => {
  const dir = scratch(t);
  const json = await onFullDisk(dir, `${G2PROBE} --ranges ${FIXTURES}loopback-24.txt --all --ports 80,443 --json`);
  t.equal(json.exit, 'exit 73\n');
  t.equal(json.message, FULL(dir));
  const report = parseReport(t, { code: 73, stdout: json.stdout, stderr: '' });
  t.equal(report.attempts.length, 508, 'every attempt on stdout');
  t.equal(json.file, 'previous\n', 'the old report is still there');
  t.same(leftovers(json.listing), [], 'no temporary file filling the disk');

  const text = await onFullDisk(dir, `${G2PROBE} --ranges ${FIXTURES}loopback-24.txt --all --ports 80,443`);
  t.equal(text.exit, 'exit 73\n');
  t.equal(text.message, FULL(dir));
  t.match(text.stdout, /^g2probe .* 508 attempts/, 'the text report from its first line…');
  t.match(text.stdout, /\nFor a ticket, .*\n$/, '…to its last');
}, ['mount']);

lab(t, 'a report larger than the disk but written in one go (the disk takes part of it and reports no error): exit 73, not a truncated report in place', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'ranges.txt'), '127.0.0.0/26\n');
  const run = await onFullDisk(dir, `${G2PROBE} --ranges ${dir}/ranges.txt --all --ports 80,443 --json`);
  t.equal(run.exit, 'exit 73\n');
  t.equal(run.message, FULL(dir));
  const report = parseReport(t, { code: 73, stdout: run.stdout, stderr: '' });
  t.ok(run.stdout.length > 16 * 1024 && run.stdout.length < 64 * 1024, `the report (${run.stdout.length} bytes) is more than the disk holds and less than one buffered write`);
  t.equal(report.attempts.length, 124);
  t.equal(run.file, 'previous\n', 'the old report is still there');
  t.same(leftovers(run.listing), [], 'no temporary file left behind');
}, ['mount']);

lab(t, 'Ctrl-C and a full disk: exit 73 wins over 130, and stdout has the whole interrupted report', async (t) => {
  const dir = scratch(t);
  // One page: the old report fills it.
  const run = await inNamespace(`
${AS_A_USER}
iptables -A INPUT -p tcp --syn -j DROP
mkdir ${dir}/full && mount -t tmpfs -o size=4k tmpfs ${dir}/full
echo previous > ${dir}/full/report.json
${ctrlC(dir, 300, 1)} ${START_SH} --ranges ${FIXTURES}loopback-24.txt --all --ports 80 --timeout 10000 --json --out ${dir}/full/report.json
${PRINT_CUT}; cat ${dir}/full/report.json; ${PRINT_CUT}; ls -A ${dir}/full`);
  const [line, file, listing] = run.stdout.split(CUT);
  const ended = JSON.parse(line!) as Interrupted;
  t.same([ended.code, ended.signal], [73, null]);
  t.match(ended.stderr, `g2probe: cannot write --out "${dir}/full/report.json": no space left on device\n`);
  t.equal(asReport(t, ended.stdout, 'the report on stdout').interrupted, true);
  t.equal(file, 'previous\n');
  t.same(leftovers(listing!), [], 'no temporary file left behind');
}, ['iptables', 'mount']);

lab(t, '--out on a read-only file system: one line with the reason, exit 73, before any probing', async (t) => {
  const dir = scratch(t);
  const run = await inNamespace(`
mkdir ${dir}/ro && mount -t tmpfs -o ro,size=16k tmpfs ${dir}/ro
${G2PROBE} --ranges ${FIXTURES}loopback-ok.txt --out ${dir}/ro/report.json`);
  t.equal(run.code, 73);
  t.equal(run.stdout, '');
  t.equal(run.stderr, `g2probe: cannot write --out "${dir}/ro/report.json": read-only file system\n`);
}, ['mount']);

lab(t, '--out naming a directory: one line, exit 73, before any probing (not after the whole run)', async (t) => {
  const dir = scratch(t);
  const run = await inNamespace(`
mkdir ${dir}/report.json
${G2PROBE} --ranges ${FIXTURES}loopback-ok.txt --out ${dir}/report.json`);
  t.equal(run.code, 73);
  t.equal(run.stdout, '');
  t.equal(run.stderr, `g2probe: cannot write --out "${dir}/report.json": it is a directory\n`);
  t.same(readdirSync(dir), ['report.json'], 'no temporary file left behind');
}, []);
