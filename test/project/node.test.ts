// The README's two commands on a machine whose Node is older than engines: bin/g2probe.js and the npm scripts
// (build/with-node.mjs) run on the pinned Node and say so in one line; without it, bin says what it needs and
// exits 64. Run with the machine's own older Node, where there is one (Debian's /usr/bin/node here and in CI).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import t, { type Test } from 'tap';
import { ROOT, collect } from '../helpers/cli.js';
import { inNamespace, lab } from '../helpers/lab.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines: { node: string } };
const needed = pkg.engines.node.replace(/^>=/, '');
const older = (a: string, b: string): boolean => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  const i = x!.findIndex((part, index) => part !== y![index]);
  return i >= 0 && x![i]! < y![i]!;
};

/** A Node on this machine older than engines admits: the first on PATH or in the usual places. */
function oldNode(): { path: string; version: string } | null {
  const candidates = [...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'node')), '/usr/bin/node', '/usr/local/bin/node'];
  for (const path of new Set(candidates)) {
    const run = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    const version = run.stdout?.trim();
    if (run.status === 0 && version && older(version, needed)) return { path: realpathSync(path), version };
  }
  return null;
}

const old = oldNode();
const why = old === null ? `no Node older than ${needed} on this machine` : null;
function withOldNode(name: string, fn: (t: Test, node: { path: string; version: string }) => Promise<void>): void {
  if (old !== null) t.test(name, (t) => fn(t, old));
  else if (process.env.CI) t.test(name, async (t) => { t.fail(`CI's machine has an older Node (Debian's): ${why}`); });
  else t.test(name, { skip: why! }, async () => undefined);
}

withOldNode('bin/g2probe.js on an older Node runs on the pinned one, and says so in one line', async (t, node) => {
  const version = await collect(node.path, [join(ROOT, 'bin', 'g2probe.js'), '--version']);
  t.equal(version.code, 0, version.stderr);
  t.equal(version.stdout, `${pkg.version}\n`, 'the real output');
  t.match(version.stderr, new RegExp(`^g2probe: Node ${node.version.replace(/\./g, '\\.')} is older than the ${needed.replace(/\./g, '\\.')} it needs; running on the pinned Node ${needed.replace(/\./g, '\\.')} in build/node_modules/[^\\n]+\\n$`));

  const bad = await collect(node.path, [join(ROOT, 'bin', 'g2probe.js'), '--bogus']);
  t.equal(bad.code, 64, 'the exit code passes through');
  t.equal(bad.stderr.split('\n').length, 3, `the line, then the usage error: ${bad.stderr}`);
});

withOldNode('bin/g2probe.js on an older Node without the pinned one: one line and exit 64', async (t, node) => {
  // An installed package, or a checkout before npm ci: bin/ and package.json, no build/.
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-old-node-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  const run = await collect(node.path, [join(dir, 'bin', 'g2probe.js'), '--version']);
  t.equal(run.code, 64);
  t.equal(run.stdout, '');
  t.equal(run.stderr, `g2probe: Node ${node.version} is older than the ${needed} it needs: run it with Node.js ${needed} or newer, or use the single executable, which brings its own\n`);
});

withOldNode('the npm scripts on an older Node run on the pinned one, with npm\'s extra arguments', async (t, node) => {
  const wrapped = (command: string, ...args: string[]) => collect(node.path, [join(ROOT, 'build', 'with-node.mjs'), command, ...args], { npm_lifecycle_event: 'test' });
  const run = await wrapped('node -p process.version');
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stdout, `v${needed}\n`, 'node on PATH is the pinned one');
  t.match(run.stderr, new RegExp(`^g2probe: Node ${node.version.replace(/\./g, '\\.')} is older than the ${needed.replace(/\./g, '\\.')} it needs; npm test runs on the pinned Node [^\\n]+\\n$`));
  const args = await wrapped('printf "%s|"', 'a b', "c'd", '$HOME');
  t.equal(args.stdout, "a b|c'd|$HOME|", 'the arguments arrive as given, to the last word');
  t.equal((await wrapped('exit 3')).code, 3, 'the exit code passes through');

  const current = await collect(process.execPath, [join(ROOT, 'build', 'with-node.mjs'), 'node -p process.version']);
  t.same([current.stdout, current.stderr], [`${process.version}\n`, ''], 'a Node that engines admits runs it as is, silently');
});

if (old !== null) {
  lab(t, 'Ctrl-C and SIGTERM through the older Node: g2probe on the pinned one stops as it would alone', async (t) => {
    const start = `setsid ${old.path} ${join(ROOT, 'bin', 'g2probe.js')}`;
    const run = await inNamespace(`
iptables -A OUTPUT -p tcp -d 127.0.0.0/24 -j DROP
# Ctrl-C: the terminal signals the whole process group; the probe stops once and reports what it finished.
${start} --ranges ${ROOT}fixtures/loopback-24.txt --all --no-dns --timeout 20000 --json >out.json 2>err.log & pid=$!; pids+=($pid)
for _ in $(seq 400); do ss -Htn state syn-sent | grep -q . && break; sleep 0.025; done
kill -INT -- -$pid; wait $pid; echo "@@int $?"
echo "@@left after Ctrl-C $(pgrep -c node)"
echo "@@report $(node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync("out.json","utf8")).interrupted))')"
echo "@@warnings $(grep -c interrupted err.log)"
# SIGTERM to the starting process alone (kill PID) is passed on.
${start} serve --listen 127.0.0.1:9815 --every 1h --ranges ${ROOT}fixtures/loopback.txt --no-dns --timeout 500 2>serve.log & pid=$!; pids+=($pid)
for _ in $(seq 400); do grep -q serving serve.log && break; sleep 0.025; done
kill -TERM $pid; wait $pid; echo "@@term $?"
echo "@@left $(pgrep -c node)"
rm -f out.json err.log serve.log`, { timeoutMs: 60_000 });
    t.match(run.stdout, /@@int 130\n/, 'Ctrl-C: exit 130, as without the relay');
    t.match(run.stdout, /@@left after Ctrl-C 0\n/, 'the older Node waited for the pinned one');
    t.match(run.stdout, /@@report true\n/, 'the report of the stopped run was written');
    t.match(run.stdout, /@@warnings 1\n/);
    t.match(run.stdout, /@@term 0\n/, 'serve stopped cleanly on the passed-on SIGTERM');
    t.match(run.stdout, /@@left 0\n/, 'nothing left running');
  }, ['iptables', 'ss', 'setsid', 'pgrep']);
}
