// Proxies as real products answer CONNECT (test/lab/proxy-shapes.mjs), a real squid that wants Basic, and a PAC
// whose first proxies are dead: the CLI run as a user runs it, its JSON the oracle, the lab proxies' own log the
// witness of what was sent.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import type { Attempt, Report } from '../../src/core/types.js';
import { FIXTURES, ROOT } from '../helpers/cli.js';
import { inNamespace, lab, parseReport } from '../helpers/lab.js';
import { squidLab } from '../helpers/squid.js';

const SHAPES = fileURLToPath(new URL('proxy-shapes.mjs', import.meta.url));
const PORTS = [80, 443, 8200];
const TIMEOUT = 8000;

/** Each lab proxy: its port, its mode, and the target address the PAC sends through it. */
const PROXIES = [
  { port: 4001, mode: 'basic-close10' },
  { port: 4002, mode: 'basic-keep11' },
  { port: 4003, mode: 'basic-rst' },
  { port: 4004, mode: 'basic-nolength' },
  { port: 4011, mode: 'ntlm-close10' },
  { port: 4012, mode: 'ntlm-keep11' },
  { port: 4013, mode: 'ntlm-rst' },
  { port: 4014, mode: 'ntlm-nolength' },
  { port: 4015, mode: 'ntlm-challenge-close' },
  { port: 4021, mode: 'interim' },
  { port: 4022, mode: 'lf10' },
  { port: 4023, mode: 'banner' },
].map((p, i) => ({ ...p, ip: `127.0.0.${11 + i}` }));

interface Logged { port: number; conn: number; n: number; auth: string }

function sections(stdout: string): Record<string, string> {
  return Object.fromEntries([...stdout.matchAll(/^=== (\S+)\n([\s\S]*?)(?=^=== |(?![\s\S]))/gm)].map((m) => [m[1]!, m[2]!]));
}

function byTarget(t: Test, report: Report): (ip: string, port: number) => Attempt {
  return (ip, port) => {
    const found = report.attempts.find((a) => a.ip === ip && a.port === port && !a.comparison);
    if (!found) {
      t.fail(`no attempt for ${ip}:${port}`);
      throw new Error('missing attempt');
    }
    return found;
  };
}

lab(t, 'proxies as real products answer: a 407 that closes, resets or has no length, 100 Continue, bare LF; Basic sent first', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-shapes-'));
  // squid's own directory: it drops to the proxy user, who cannot enter another mkdtemp directory.
  const squidDir = mkdtempSync(join(tmpdir(), 'g2probe-shapes-squid-'));
  t.teardown(() => [dir, squidDir].forEach((d) => rmSync(d, { recursive: true, force: true })));
  const squid = squidLab(squidDir);
  const map = PROXIES.map((p) => `"${p.ip}": ${p.port}`).join(', ');
  writeFileSync(join(dir, 'shapes.pac'), `function FindProxyForURL(url, host) { var map = { ${map} }; return map[host] ? "PROXY 127.0.0.1:" + map[host] : "DIRECT"; }`);
  writeFileSync(join(dir, 'ranges.txt'), PROXIES.map((p) => `${p.ip}/32\n`).join(''));
  writeFileSync(join(dir, 'one.txt'), '127.0.0.1/32\n');
  const run = await inNamespace(`${squid.start}
start ${SHAPES} 127.0.0.1 ${dir}/log ${PROXIES.map((p) => `${p.port}=${p.mode}`).join(' ')} 4031=basic-close10 8081=pac:${dir}/shapes.pac
listen 127.0.0.1 80 443 8200
ms() { echo $(( $(date +%s%N) / 1000000 )); }
echo '=== shapes'
start=$(ms)
G2PROBE_PROXY_PASSWORD=Lab-Shapes-pw g2probe --pac http://127.0.0.1:8081/shapes.pac --ranges ${dir}/ranges.txt --no-dns --proxy-user lab --timeout ${TIMEOUT} --json
echo "=== shapes-ms"
echo $(( $(ms) - start ))
echo '=== remembered'
# A proxy remembered as wanting NTLM (serve keeps a --proxy's proxy across runs) that now wants Basic: followed.
G2PROBE_LOOPBACK_ONLY=1 node --input-type=module - ${ROOT} <<'JS'
const root = process.argv[2];
const { Proxy, ProxyCredentials } = await import(root + 'dist/core/proxy.js');
const { openTunnel } = await import(root + 'dist/probe/checks/proxy.js');
const { connectTcp } = await import(root + 'dist/probe/checks/tcp.js');
const signal = new AbortController().signal;
const proxy = new Proxy({ url: 'http://127.0.0.1:4031', source: 'lab' }, '127.0.0.1', 4031, new ProxyCredentials('lab', 'Lab-Shapes-pw'));
proxy.scheme = 'ntlm';
const target = { ip: '127.0.0.1', port: 80 };
const { socket } = await connectTcp({ to: { host: '127.0.0.1', port: 4031 }, tunnelTo: { host: target.ip, port: target.port } }, { timeoutMs: 3000, signal, keep: true });
const tunnel = await openTunnel(socket, target, proxy, 3000, signal);
tunnel.socket.destroy();
console.log(JSON.stringify({ ...tunnel.observation, remembered: proxy.scheme }));
JS
echo '=== squid'
g2probe --proxy http://127.0.0.1:${squid.ports.auth} --proxy-user ${squid.user}:${squid.password} --ranges ${dir}/one.txt --no-dns --ports 443 --timeout 3000 --json
echo '=== squid-log'
cat ${squidDir}/access.log`, { timeoutMs: 120_000 });
  const parts = sections(run.stdout);
  const report = parseReport(t, { ...run, stdout: parts.shapes ?? '' });
  const find = byTarget(t, report);
  const logged = readFileSync(join(dir, 'log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Logged);
  const via = (mode: string) => PROXIES.find((p) => p.mode === mode)!;

  for (const { ip, mode, port: proxyPort } of PROXIES.filter((p) => p.mode !== 'ntlm-challenge-close' && p.mode !== 'banner')) {
    for (const port of PORTS) {
      t.match(find(ip, port), { path: 'proxy', status: 'ok', route: { entry: `PROXY 127.0.0.1:${proxyPort}` } }, `${mode}: ${port} ok through the proxy`);
    }
  }

  // Basic goes on the first CONNECT when credentials are given: these proxies never had to ask.
  for (const mode of ['basic-close10', 'basic-keep11', 'basic-rst', 'basic-nolength']) {
    const { port, ip } = via(mode);
    const requests = logged.filter((l) => l.port === port);
    t.ok(requests.length >= PORTS.length && requests.every((l) => l.auth === 'basic' && l.n === 1), `${mode}: every CONNECT carried Basic, the first included (${requests.map((l) => l.auth).join(', ')})`);
    for (const p of PORTS) t.equal(find(ip, p).evidence.proxyAuth, 'basic', `${mode}: signed in with Basic on ${p}`);
  }

  // NTLM after a first 407 that leaves its connection unusable: the handshake on a new connection.
  for (const [mode, unusable] of [['ntlm-close10', /answered HTTP\/1\.0 without keep-alive/], ['ntlm-keep11', /closed/], ['ntlm-rst', /reset|closed/], ['ntlm-nolength', /a body without a length/]] as const) {
    const { port, ip } = via(mode);
    const attempts = PORTS.map((p) => find(ip, p));
    for (const a of attempts) t.equal(a.evidence.proxyAuth, 'ntlm', `${mode}: signed in with NTLM on ${a.port}`);
    const again = attempts.flatMap((a) => a.evidence.proxy?.reconnected ?? []);
    t.ok(again.length > 0 && again.every((why) => unusable.test(why)), `${mode}: asked again on a new connection, saying why: ${again.join(' | ')}`);
    const handshakes = logged.filter((l) => l.port === port && l.auth === 'ntlm3');
    t.ok(handshakes.length >= PORTS.length, `${mode}: the proxy saw the Authenticate messages`);
  }

  // A 407 without a length on a kept connection is not waited out.
  for (const mode of ['basic-nolength', 'ntlm-nolength']) {
    const slowest = Math.max(...PORTS.map((p) => find(via(mode).ip, p).ms));
    t.ok(slowest < TIMEOUT * 0.75, `${mode}: the slowest attempt took ${slowest} ms, well within --timeout ${TIMEOUT}`);
  }

  const broken = find(via('ntlm-challenge-close').ip, 443);
  t.match(broken, {
    status: 'blocked', reason: 'proxy-auth-required', evidence: {
      stage: 'proxy', proxyAuth: 'ntlm',
      why: /the proxy offers NTLM, but the handshake could not finish: the proxy sent its NTLM challenge, but it said Connection: close: NTLM needs the whole handshake on one connection/,
    },
  }, 'a proxy that breaks NTLM across connections is said to');

  for (const p of PORTS) {
    t.match(find(via('banner').ip, p), {
      status: 'blocked', reason: 'proxy-denied', evidence: { stage: 'proxy', why: /did not answer the CONNECT request in HTTP: it sent SSH-2\.0-OpenSSH/, proxy: { status: 0, read: { framing: 'not-http' } } },
    }, `an SSH server where the proxy should be: named at once, not waited out, on ${p}`);
    t.ok(find(via('banner').ip, p).ms < TIMEOUT * 0.75, `the banner judged in ${find(via('banner').ip, p).ms} ms`);
    t.match(find(via('interim').ip, p).evidence.proxy, { status: 200, read: { interim: [100], version: 'HTTP/1.1', framing: 'no-body' } }, `100 Continue before the 200 skipped, and recorded, on ${p}`);
    t.match(find(via('lf10').ip, p).evidence.proxy, { status: 200, statusText: 'Connection established', read: { version: 'HTTP/1.0', lineEnds: 'lf' } }, `a bare-LF HTTP/1.0 200 read, and recorded, on ${p}`);
  }
  const plain = find(via('basic-close10').ip, 443);
  t.notOk(plain.evidence.proxy, 'an ordinary 200 adds nothing to the evidence');

  t.match(JSON.parse(parts.remembered ?? '{}'), {
    outcome: 'answered', status: 200, scheme: 'basic', remembered: null, reconnected: [/its 407 left the connection unusable \(it answered HTTP\/1\.0 without keep-alive\)/],
  }, 'a proxy remembered for NTLM that now offers only Basic gets Basic, on a new connection, and is remembered no more');

  const squidReport = parseReport(t, { ...run, stdout: parts.squid ?? '' });
  t.ok(squidReport.attempts.length > 0 && squidReport.attempts.every((a) => a.status === 'ok' && a.evidence.proxyAuth === 'basic'), 'squid with Basic: ok, signed in with Basic');
  const accessLog = parts['squid-log'] ?? '';
  t.match(accessLog, /TCP_TUNNEL\/200/, 'squid opened the tunnels');
  t.notMatch(accessLog, /\/407 /, 'squid never had to answer 407: the credentials came with the first CONNECT');

  const shapesMs = Number(parts['shapes-ms']);
  t.comment(`shapes run (${report.attempts.length} attempts, --timeout ${TIMEOUT}): ${shapesMs} ms; no-length 407s: ${PORTS.map((p) => find(via('basic-nolength').ip, p).ms).join(', ')} ms (Basic), ${PORTS.map((p) => find(via('ntlm-nolength').ip, p).ms).join(', ')} ms (NTLM)`);
}, ['openssl', 'squid']);

lab(t, 'a PAC whose first proxies are dead: they cost their time once per run; when every entry is down, all are tried anyway', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-dead-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const DEAD = [9101, 9102, 9103, 9104];
  const DEAD_TIMEOUT = 1000;
  const list = [...DEAD.map((p) => `PROXY 127.0.0.1:${p}`), 'PROXY 127.0.0.1:4030'].join('; ');
  // 8200: only proxies that refuse, so every entry is down after the first attempt there.
  writeFileSync(join(dir, 'dead.pac'), `function FindProxyForURL(url, host) { if (url.indexOf(":8200/") >= 0) return "PROXY 127.0.0.1:9201; PROXY 127.0.0.1:9202"; return "${list}"; }`);
  const run = await inNamespace(`iptables -A INPUT -p tcp --dport ${DEAD[0]}:${DEAD.at(-1)} -j DROP
start ${SHAPES} 127.0.0.1 ${dir}/log 4030=plain 8081=pac:${dir}/dead.pac
listen 127.0.0.1 80 443 8200
ms() { echo $(( $(date +%s%N) / 1000000 )); }
start=$(ms)
g2probe --pac http://127.0.0.1:8081/dead.pac --ranges ${FIXTURES}loopback.txt --no-dns --concurrency 1 --timeout ${DEAD_TIMEOUT} --json
echo "=== ms $(( $(ms) - start ))"`, { timeoutMs: 120_000 });
  const [json, elapsed] = run.stdout.split(/^=== ms /m);
  const report = parseReport(t, { ...run, stdout: json ?? '' });
  const runMs = Number(elapsed);
  const through = report.attempts.filter((a) => a.port !== 8200);
  t.equal(through.length, 4, '80 and 443 of two addresses');
  t.ok(through.every((a) => a.status === 'ok' && a.route?.entry === 'PROXY 127.0.0.1:4030'), 'every attempt through the live proxy');
  const [first, ...later] = through;
  t.match(first!.route!.skipped, DEAD.map((p) => ({ entry: `PROXY 127.0.0.1:${p}`, why: /^the proxy did not answer the connection$/ })), 'the first attempt tried each dead proxy');
  t.ok(first!.ms >= DEAD.length * DEAD_TIMEOUT * 0.9, `the first attempt reports the time it spent on them: ${first!.ms} ms`);
  for (const a of later) {
    t.match(a.route!.skipped, DEAD.map((p) => ({ entry: `PROXY 127.0.0.1:${p}`, why: /^down since an earlier attempt: the proxy did not answer the connection$/ })), `${a.ip}:${a.port}: the dead proxies passed over at once, saying why`);
    t.ok(a.ms < DEAD_TIMEOUT, `${a.ip}:${a.port}: ${a.ms} ms, no dead proxy waited for`);
  }
  const all = report.attempts.filter((a) => a.port === 8200);
  t.equal(all.length, 2);
  for (const a of all) {
    t.match(a, { path: 'proxy', status: 'blocked', reason: 'proxy-unreachable', route: { entry: 'PROXY 127.0.0.1:9202', skipped: [{ entry: 'PROXY 127.0.0.1:9201', why: /took no connection \(ECONNREFUSED\)/ }] } }, `${a.ip}:8200: every entry down, all tried anyway; no DIRECT invented`);
    t.notOk(a.route?.why, 'no DIRECT fallback');
  }
  // The run's time is shown, not asserted (the machine's load moves it); each later attempt's share above is the fact.
  t.comment(`dead PAC entries (${DEAD.length} silent, --timeout ${DEAD_TIMEOUT}, --concurrency 1): run ${runMs} ms, where trying them per attempt would cost ${through.length * DEAD.length * DEAD_TIMEOUT} ms; attempts ${through.map((a) => a.ms).join(', ')} ms`);
});
