// The terminal as a user sees it: colour (--color, NO_COLOR, a pipe), the Saved lines and the --out hint, and on a
// real pseudo-terminal (script(1), in a network namespace of its own) a progress line that fits the width, gives an
// estimate, and is cleared before the Ctrl-C warning. The runs outside a namespace probe only a listener of this
// test on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { FIXTURES, ROOT, START_SH, countingListener, g2probe, type Run } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'g2probe-terminal-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const ESC = '\x1b[';
const CODES = /\x1b\[[0-9;]*[mK]/g;

/** A listener on 127.0.0.1 that counts its connections, and the flags that probe it alone (connect only: ok). */
async function target(t: Test): Promise<{ args: string[]; connections: () => number }> {
  const { port, connections } = await countingListener(t);
  return { args: ['--ranges', `${FIXTURES}loopback-ok.txt`, '--no-dns', '--ports', String(port), '--connect-only', '--timeout', '1000'], connections };
}

t.test('--color: always paints the verdict, bold; never, a pipe (auto) and NO_COLOR do not; always wins over NO_COLOR', async (t) => {
  const { args } = await target(t);
  const always = await g2probe([...args, '--color', 'always']);
  t.equal(always.code, 0, always.stderr);
  t.match(always.stdout, `\n${ESC}1;32mOK:${ESC}0m GoToMyPC should connect`, 'the verdict bold and green');
  t.match(always.stdout, `${ESC}32mreachable${ESC}0m`, "the port's result green");
  t.equal(always.stderr, '', 'nothing on stderr');
  const forced = await g2probe([...args, '--color=always'], { NO_COLOR: '1' });
  t.match(forced.stdout, `${ESC}1;32mOK:`, 'always wins over NO_COLOR');
  for (const [name, run] of [
    ['--color never', await g2probe([...args, '--color', 'never'])],
    // tap sets NO_COLOR=1; empty is as good as unset.
    ['a pipe, auto', await g2probe(args, { NO_COLOR: '' })],
    ['a pipe, --color auto', await g2probe([...args, '--color', 'auto'], { NO_COLOR: '' })],
  ] as const) {
    t.equal(run.code, 0, run.stderr);
    t.match(run.stdout, /\nOK: GoToMyPC should connect/, `${name}: the verdict`);
    t.notMatch(run.stdout, '\x1b', `${name}: no escape code`);
  }
  const json = await g2probe([...args, '--json', '--color', 'always']);
  t.notMatch(json.stdout, '\x1b', 'never in JSON');
  JSON.parse(json.stdout);
  const out = join(dir, 'coloured.json');
  const html = join(dir, 'coloured.html');
  await g2probe([...args, '--color', 'always', '--out', out, '--html', html]);
  t.notMatch(readFileSync(out, 'utf8') + readFileSync(html, 'utf8'), '\x1b', 'never in a file');
});

t.test('a bad --color: one line naming it, exit 64, before anything is probed; the same for show and hold', async (t) => {
  const { args, connections } = await target(t);
  for (const command of [[], ['hold', '--for', '1s']]) {
    const run = await g2probe([...command, ...args.filter((a) => a !== '--connect-only'), '--color', 'sometimes']);
    t.equal(run.code, 64, `${command[0] ?? 'probe'}: 64`);
    t.equal(run.stderr, 'g2probe: bad --color value "sometimes": use auto, always or never\n');
    t.equal(run.stdout, '');
  }
  const show = await g2probe(['show', `${FIXTURES}reports/v1-loopback.json`, '--color', 'yes']);
  t.same([show.code, show.stderr], [64, 'g2probe: bad --color value "yes": use auto, always or never\n']);
  const empty = await g2probe([...args, '--color', '']);
  t.same([empty.code, empty.stderr], [64, 'g2probe: option --color needs a value\n']);
  t.equal(connections(), 0, 'nothing was probed');
  for (const help of [['--help'], ['show', '--help'], ['hold', '--help']]) {
    t.match((await g2probe(help)).stdout, /\n {2}--color WHEN {8}colour the verdict and the statuses: auto \(the default:\n {22}when stdout is a terminal and NO_COLOR is unset\),\n {22}always, or never\n/, `${help.join(' ')} lists it`);
  }
});

t.test('show --color always: the saved report in colour, and no --out hint (the report is a file already)', async (t) => {
  const run = await g2probe(['show', `${FIXTURES}reports/v1-loopback.json`, '--color', 'always']);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, `\n${ESC}1;31mBLOCKED:${ESC}0m `);
  t.notMatch(run.stdout, 'For a ticket');
  const page = join(dir, 'shown.html');
  const html = await g2probe(['show', `${FIXTURES}reports/v1-loopback.json`, '--html', page]);
  t.same([html.code, html.stdout, html.stderr], [0, '', `Saved: ${page} (the report as a web page)\n`], 'show --html: its Saved line on stderr, stdout left empty');
});

t.test('Saved lines: one per file, at the end of the text report; on stderr with --json; the hint only when none was saved', async (t) => {
  const { args } = await target(t);
  const none = await g2probe(args);
  t.match(none.stdout, /\n\nFor a ticket, save the full evidence: g2probe --out g2probe-report\.json\n$/, 'nothing saved: the hint ends the report');
  t.notMatch(none.stdout, 'Saved:');

  const out = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  const bundle = join(dir, 'bundle.zip');
  const all = await g2probe([...args, '--out', out, '--html', html, '--bundle', bundle]);
  t.equal(all.code, 0, all.stderr);
  t.match(all.stdout, new RegExp(`\\n\\nSaved: ${out} \\(the JSON report\\)\\nSaved: ${html} \\(the report as a web page\\)\\nSaved: ${bundle} \\(the support bundle for the ticket\\)\\n$`), 'each file, in the order written, at the end');
  t.notMatch(all.stdout, 'For a ticket', 'no hint once saved');
  t.equal(all.stderr, '');

  const json = await g2probe([...args, '--json', '--out', out]);
  t.equal(json.code, 0, json.stderr);
  t.equal((JSON.parse(json.stdout) as { kind?: string; attempts: unknown[] }).attempts.length, 1, 'stdout stays one JSON document');
  t.equal(json.stderr, `Saved: ${out} (the JSON report)\n`, 'the Saved line on stderr');

  const hold = await g2probe(['hold', ...args.filter((arg) => arg !== '--connect-only'), '--for', '1s', '--every', 'never', '--out', out, '--html', html]);
  t.match(hold.stdout, /\n(HELD|CUT|UNKNOWN): /, hold.stderr);
  t.match(hold.stdout, new RegExp(`\\n\\nSaved: ${out} \\(the JSON report\\)\\nSaved: ${html} \\(the report as a web page\\)\\n$`), 'hold: the same lines');
  const holdNone = await g2probe(['hold', ...args.filter((arg) => arg !== '--connect-only'), '--for', '1s', '--every', 'never']);
  t.match(holdNone.stdout, /\n(HELD|CUT|UNKNOWN): /, holdNone.stderr);
  t.notMatch(holdNone.stdout, /Saved|For a ticket/, 'hold saved nothing: no line, and no hint (it has none)');

  const plan = await g2probe(['--plan', '--ranges', `${FIXTURES}loopback-ok.txt`, '--no-dns', '--out', out]);
  t.match(plan.stdout, new RegExp(`\\nSaved: ${out} \\(the plan, as JSON\\)\\n$`), '--plan --out says where the plan went');
});

const hasTools = spawnSync('sh', ['-c', 'command -v script && command -v unshare && command -v ip']).status === 0 && process.getuid?.() === 0;
const NO_PTY = hasTools ? false : 'needs root, unshare, ip and script (util-linux)';

/**
 * g2probe ARGS on a pseudo-terminal COLS wide (script -e: its exit code), in a fresh network namespace where a
 * listener on every 127.x address accepts on 443 and never answers: each attempt waits its --timeout. `onOutput`
 * sees what the terminal shows as it comes, may type into it, and says when it has done so (true).
 */
function onTerminal(cols: number, args: string, onOutput: (shown: string, type: (keys: string) => void) => boolean = () => true, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const ready = join(dir, `ready-${cols}-${Math.random().toString(36).slice(2)}`);
  const listener = `require('net').createServer((s) => s.on('error', () => {})).listen(443, '0.0.0.0', () => require('fs').writeFileSync(process.argv[1], '1'))`;
  const script = `ip link set lo up
${JSON.stringify(process.execPath)} -e ${JSON.stringify(listener)} ${ready} </dev/null >/dev/null 2>&1 & listener=$!
for _ in $(seq 400); do [ -s ${ready} ] && break; sleep 0.025; done
script -qec ${JSON.stringify(`stty cols ${cols} rows 24 && exec ${START_SH} ${args}`)} /dev/null
code=$?; kill $listener; exit $code`;
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-n', '-p', '-f', '--kill-child', '--mount-proc', 'bash', '-c', script], {
      cwd: ROOT, env: { ...process.env, G2PROBE_LOOPBACK_ONLY: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    // script(1) ends only once its input has: that is once onOutput has typed all it will.
    let typing = true;
    const type = (keys: string): void => { child.stdin.write(keys); };
    const watch = (): void => {
      if (typing && onOutput(stdout, type)) {
        typing = false;
        child.stdin.end();
      }
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      watch();
    });
    watch();
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every stretch the terminal draws without a carriage return or a line feed, colour and clearing codes removed. */
const drawn = (shown: string): string[] => shown.split(/[\r\n]/).map((s) => s.replace(CODES, ''));

const SWEEP = `--ranges ${FIXTURES}loopback-24.txt --all --ports 443 --no-dns --timeout 1000 --concurrency 32`;

t.test('on a 40-column terminal the progress line never wraps, and gives an estimate once it can', { skip: NO_PTY }, async (t) => {
  const run = await onTerminal(40, SWEEP, undefined, { NO_COLOR: '' });
  t.equal(run.code, 2, run.stderr);
  const lines = drawn(run.stdout).filter((s) => s.startsWith('  probing '));
  t.ok(lines.length >= 5, `the line was drawn (${lines.length} times)`);
  t.same(lines.filter((s) => s.length > 39), [], 'no progress line wider than 39 columns');
  t.ok(lines.some((s) => /about \d+ s left/.test(s)), `an estimate once attempts were done (${lines.at(-1)})`);
  t.notOk(/left/.test(lines[0]!), 'none at first');
  t.match(run.stdout, `${ESC}1;`, 'a terminal gets colour');
});

t.test('on an 80-column terminal, Ctrl-C: the progress line is cleared before the warning, drawn again under it, and the report follows', { skip: NO_PTY }, async (t) => {
  const run = await onTerminal(80, SWEEP, (shown, type) => {
    // Once some attempts are done and the line shows them.
    if (!/probing [1-9]/.test(shown)) return false;
    type('\x03');
    return true;
  }, { NO_COLOR: '1' });
  t.equal(run.code, 130, run.stderr);
  t.match(run.stdout, /\r\x1b\[Kg2probe warn: interrupted: finishing the report[^\r\n]*\r?\n\r\x1b\[K {2}probing [1-9]/, 'the line cleared first, the warning on its own line, then the line drawn again');
  t.same(drawn(run.stdout).filter((s) => s.startsWith('  probing ') && s.length > 79), [], 'no progress line wider than 79 columns');
  t.same(drawn(run.stdout).filter((s) => /probing .*g2probe warn/.test(s)), [], 'never a warning on the progress line');
  t.match(run.stdout, /\nINTERRUPTED after \d+ of 254 attempts/);
  t.notMatch(run.stdout, '\x1b[1', 'NO_COLOR: no colour, on a terminal too');
});
