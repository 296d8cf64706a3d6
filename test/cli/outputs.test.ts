// The files a user asks for (--out, --html, --bundle, hold's, show's) as a user expects them: checked before
// anything is probed, never two on one file, a device or a FIFO written in place and never replaced, a symlink
// followed and kept, a full device exit 73. A run probes only 127.0.0.1, at a listener this test holds and
// counts; the rest are --plan runs, which send no packet.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { FIXTURES, countingListener, g2probe } from '../helpers/cli.js';

function scratch(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-outputs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A listener on 127.0.0.1 that counts the connections it gets, and the flags that probe it alone. */
async function target(t: Test, dir: string): Promise<{ args: string[]; hold: string[]; connections: () => number }> {
  const { port, connections } = await countingListener(t);
  writeFileSync(join(dir, 'ranges.txt'), '127.0.0.1/32\n');
  const where = ['--ranges', join(dir, 'ranges.txt'), '--no-dns', '--ports', String(port), '--timeout', '1000'];
  return { args: [...where, '--connect-only'], hold: ['hold', ...where, '--for', '10m'], connections };
}

const PLAN = ['--plan', '--ranges', `${FIXTURES}loopback-ok.txt`, '--no-dns'];

/**
 * A character device (1,7 is /dev/full, 1,3 /dev/null): as root, a node made in `dir`, so that a build that
 * replaced it would replace only that copy; otherwise the machine's own, which no one else can replace.
 */
function device(dir: string, minor: 3 | 7): string {
  if (process.getuid?.() !== 0) return minor === 7 ? '/dev/full' : '/dev/null';
  const path = join(dir, minor === 7 ? 'full' : 'null');
  if (spawnSync('mknod', [path, 'c', '1', String(minor)]).status !== 0) throw new Error(`mknod ${path} failed`);
  return path;
}

/** Why device nodes cannot be used in the temporary directory (made, but not opened, on a nodev mount), or null. */
function noDevices(): string | null {
  if (process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-outputs-'));
  try {
    const path = join(dir, 'null');
    const usable = spawnSync('mknod', [path, 'c', '1', '3']).status === 0 && spawnSync('sh', ['-c', `: > ${path}`]).status === 0;
    return usable ? null : `device nodes cannot be made or opened in ${tmpdir()}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const devices = noDevices();

const isDevice = (path: string): boolean => statSync(path).isCharacterDevice();

t.test('a full device: exit 73 "no space left on device", and the device is still a device', { skip: devices ?? false }, async (t) => {
  const dir = scratch(t);
  const full = device(dir, 7);
  const plan = await g2probe([...PLAN, '--out', full]);
  t.equal(plan.code, 73);
  t.equal(plan.stderr, `g2probe: cannot write --out "${full}": no space left on device\n`);
  t.ok(isDevice(full), 'still a character device');

  const { args } = await target(t, dir);
  for (const flag of ['--out', '--html', '--bundle']) {
    const run = await g2probe([...args, flag, full]);
    t.equal(run.code, 73, `${flag} ${full}: 73`);
    t.equal(run.stderr, `g2probe: cannot write ${flag} "${full}": no space left on device\n`);
    t.ok(isDevice(full), 'still a character device');
  }
  t.same(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file');
});

t.test('/dev/null and a FIFO are written in place; --out /dev/stdout writes to stdout', { skip: devices ?? false }, async (t) => {
  const dir = scratch(t);
  const nul = device(dir, 3);
  const { args, connections } = await target(t, dir);
  const run = await g2probe([...args, '--out', nul, '--html', nul]);
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stderr, '');
  t.ok(isDevice(nul), `${nul} is still a character device`);
  t.equal(connections(), 1, 'the run was made');

  const fifo = join(dir, 'fifo');
  t.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
  let read = '';
  reader.stdout.setEncoding('utf8').on('data', (d: string) => { read += d; });
  const closed = new Promise((resolve) => reader.on('close', resolve));
  const piped = await g2probe([...args, '--out', fifo]);
  // A build that never opened the FIFO leaves its reader waiting.
  const timer = setTimeout(() => reader.kill(), 5000);
  await closed;
  clearTimeout(timer);
  t.equal(piped.code, 0, piped.stderr);
  t.equal((JSON.parse(read) as { attempts: unknown[] }).attempts.length, 1, 'the reader got the whole JSON report');
  t.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');

  const stdout = await g2probe([...PLAN, '--json', '--out', '/dev/stdout']);
  t.equal(stdout.code, 0, stdout.stderr);
  t.equal(stdout.stdout.split('"kind": "plan"').length - 1, 2, 'the plan on stdout (--json), and again from --out /dev/stdout');
});

t.test('a symlink is followed and kept: its target gets the file, made or replaced whole', async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'real'));
  writeFileSync(join(dir, 'real', 'old.json'), 'previous\n');
  chmodSync(join(dir, 'real', 'old.json'), 0o600);
  symlinkSync('real/old.json', join(dir, 'to-old.json'));
  symlinkSync(join(dir, 'real', 'new.json'), join(dir, 'to-new.json'));
  const run = await g2probe([...PLAN, '--out', join(dir, 'to-old.json')]);
  t.equal(run.code, 0, run.stderr);
  t.ok(lstatSync(join(dir, 'to-old.json')).isSymbolicLink(), 'the link stays a link');
  t.equal(readlinkSync(join(dir, 'to-old.json')), 'real/old.json', 'to the same place');
  t.match(readFileSync(join(dir, 'real', 'old.json'), 'utf8'), /"kind": "plan"/, 'its target holds the plan');
  t.equal(statSync(join(dir, 'real', 'old.json')).mode & 0o777, 0o600, 'with the mode it had');

  const dangling = await g2probe([...PLAN, '--out', join(dir, 'to-new.json')]);
  t.equal(dangling.code, 0, dangling.stderr);
  t.ok(lstatSync(join(dir, 'to-new.json')).isSymbolicLink(), 'a link to nothing yet stays a link');
  t.match(readFileSync(join(dir, 'real', 'new.json'), 'utf8'), /"kind": "plan"/, 'and the file it names is made');
  t.same(readdirSync(join(dir, 'real')).sort(), ['new.json', 'old.json'], 'no temporary file');
});

t.test('two outputs on one file: one line, exit 64, before anything is probed', async (t) => {
  const dir = scratch(t);
  const { args, hold: holdArgs, connections } = await target(t, dir);
  const x = join(dir, 'x');
  symlinkSync('x', join(dir, 'link'));
  const cases: [string[], string][] = [
    [['--out', x, '--html', x], '--out and --html'],
    [['--out', x, '--bundle', join(dir, '.', 'x')], '--out and --bundle'],
    [['--html', join(dir, 'link'), '--bundle', x], '--html and --bundle'],
  ];
  for (const [flags, names] of cases) {
    const run = await g2probe([...args, ...flags]);
    t.equal(run.code, 64, flags.join(' '));
    t.equal(run.stdout, '');
    t.match(run.stderr, new RegExp(`^g2probe: ${names} name the same file \\(.*\\): the second would replace the first; give each its own\\n$`));
  }
  writeFileSync(x, 'previous\n');
  const existing = await g2probe([...args, '--out', x, '--html', join(dir, 'link')]);
  t.equal(existing.code, 64, 'an existing file and a link to it');
  t.equal(readFileSync(x, 'utf8'), 'previous\n', 'left as it was');
  t.equal(connections(), 0, 'the listener saw no connection');
  t.same(readdirSync(dir).sort(), ['link', 'ranges.txt', 'x'], 'nothing made');

  const hold = await g2probe([...holdArgs, '--out', x, '--html', join(dir, 'link')]);
  t.equal(hold.code, 64, 'hold too');
  t.match(hold.stderr, /^g2probe: --out and --html name the same file/);
  t.equal(connections(), 0, 'nothing held');
});

t.test('an --html or --bundle that cannot be written: one line, exit 73, before anything is probed', async (t) => {
  const dir = scratch(t);
  const { args, connections } = await target(t, dir);
  writeFileSync(join(dir, 'file.txt'), 'a file\n');
  const cases: [string, string, string][] = [
    ['--html', join(dir, 'missing', 'page.html'), 'no such file'],
    ['--bundle', join(dir, 'file.txt', 'bundle.zip'), 'part of the path is not a directory'],
    ['--html', dir, 'it is a directory'],
  ];
  for (const [flag, path, why] of cases) {
    const run = await g2probe([...args, '--out', join(dir, 'report.json'), flag, path]);
    t.equal(run.code, 73, `${flag} ${path}`);
    t.equal(run.stdout, '');
    t.equal(run.stderr, `g2probe: cannot write ${flag} "${path}": ${why}\n`);
  }
  t.equal(connections(), 0, 'the listener saw no connection');
  t.same(readdirSync(dir).sort(), ['file.txt', 'ranges.txt'], 'no --out report and no temporary file left');

  const ok = await g2probe([...args, '--out', join(dir, 'report.json'), '--html', join(dir, 'page.html')]);
  t.equal(ok.code, 0, ok.stderr);
  t.equal(connections(), 1, 'the same run with paths that can be written probes');
});

t.test('--plan --out writes the plan (as JSON); --html and --bundle are said to be ignored', async (t) => {
  const dir = scratch(t);
  const run = await g2probe([...PLAN, '--out', join(dir, 'plan.json'), '--html', join(dir, 'plan.html'), '--bundle', join(dir, 'plan.zip')]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /^# 3 attempts/, 'the text plan on stdout');
  const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { kind: string; targets: unknown[] };
  t.equal(plan.kind, 'plan');
  t.equal(plan.targets.length, 3);
  t.equal(run.stderr, 'g2probe: --plan probes nothing, so there is no report for --html or --bundle: ignored\n');
  t.same(readdirSync(dir), ['plan.json'], 'no page, no bundle');
  const json = await g2probe([...PLAN, '--json', '--out', join(dir, 'plan.json')]);
  t.equal(readFileSync(join(dir, 'plan.json'), 'utf8'), json.stdout, '--json: the same plan on stdout and in --out');
});

t.test('show FILE --html FILE would replace the report it shows: exit 64, the report kept', async (t) => {
  const dir = scratch(t);
  const saved = join(dir, 'report.json');
  const { args } = await target(t, dir);
  t.equal((await g2probe([...args, '--out', saved])).code, 0);
  const before = readFileSync(saved, 'utf8');
  const run = await g2probe(['show', saved, '--html', join(dir, '.', 'report.json')]);
  t.equal(run.code, 64);
  t.match(run.stderr, /^g2probe: --html ".*report\.json" is the report being shown: the page would replace it; give another file\n$/);
  t.equal(readFileSync(saved, 'utf8'), before);
});
