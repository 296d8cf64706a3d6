// PAC files from a lab server, through the real fetch (caps, redirects, the guard) and the sandbox: per host
// and per port, a list with a fallback, and each broken kind reported with its reason.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Attempt, Report } from '../../src/core/types.js';
import { FIXTURES, ROOT } from '../helpers/cli.js';
import { HOLD, POLL, parseHold } from '../helpers/hold.js';
import { inNamespace, lab, parseReport } from '../helpers/lab.js';
import { squidLab } from '../helpers/squid.js';

const PAC = fileURLToPath(new URL('pac.mjs', import.meta.url));
const LOAD = fileURLToPath(new URL('pac-load.mjs', import.meta.url));

type Answer = { ok: true; entries: unknown[]; text: string } | { ok: false; why: string };
type Loaded = Record<string, { why?: string; answers?: Answer[]; loadMs: number; findMs?: number }>;

lab(t, 'a PAC served over HTTP: followed per target; every broken one says why', async (t) => {
  const run = await inNamespace(`start ${PAC} 127.0.0.1 8081
G2PROBE_LOOPBACK_ONLY=1 node ${LOAD} ${ROOT}dist http://127.0.0.1:8081`);
  t.equal(run.code, 0, run.stderr);
  const loaded = JSON.parse(run.stdout) as Loaded;
  const texts = (path: string) => loaded[path]?.answers?.map((a) => (a.ok ? a.text : a.why));
  t.same(texts('/per-target.pac'), ['PROXY 127.0.0.1:3128; DIRECT', 'DIRECT', 'PROXY 127.0.0.1:3128', 'DIRECT'], 'per host, per port, by address');
  t.same(texts('/dead-first.pac')?.[0], 'PROXY 127.0.0.1:9; PROXY 127.0.0.1:3128; DIRECT', 'the whole list, in order');
  for (const path of ['/lf.pac', '/chunked-lf.pac', '/continue.pac']) {
    t.same(texts(path)?.[0], 'PROXY 127.0.0.1:3128; DIRECT', `${path}: read as a small server sends it (before, undici refused bare LF)`);
  }
  t.match(loaded['/http09.pac']?.why, /bytes that are not HTTP, not a PAC file/, 'no head at all: refused with the reason');
  t.match(loaded['/syntax.pac']?.why, /^not a PAC file: /);
  t.match(texts('/throws.pac')?.[0], /^FindProxyForURL threw: no route/);
  t.match(texts('/loop.pac')?.[0], /ran past 1000 ms and was stopped/);
  t.match(loaded['/huge.pac']?.why, /over the 1 MiB limit/);
  t.match(loaded['/login']?.why, /sent "text\/html", not a PAC file/);
  t.match(loaded['/to-outside']?.why, /redirected to 192\.0\.2\.1, outside loopback, which the loopback-only guard refuses/);
  t.match(loaded['/missing.pac']?.why, /answered 404/);
  const good = loaded['/per-target.pac']!;
  t.comment(`per-target.pac: fetched and compiled in ${good.loadMs.toFixed(1)} ms; ${good.findMs!.toFixed(3)} ms per target`);
});

/** The attempts of a run by `ip:port`. */
const byTarget = (report: Report): Record<string, Attempt> => Object.fromEntries(report.attempts.map((a) => [`${a.ip}:${a.port}`, a]));

lab(t, 'g2probe --pac: each target on the path its PAC answer gives, a dead proxy passed over, a broken PAC means DIRECT', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-pac-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const squid = squidLab(dir);
  const probe = (pac: string) => `g2probe --pac http://127.0.0.1:8081/${pac} --ranges ${FIXTURES}loopback.txt --no-dns --timeout 1500 --json > ${dir}/${pac}.json; echo "@@${pac} $?"`;
  const run = await inNamespace(`${squid.start}
start ${PAC} 127.0.0.1 8081
listen 127.0.0.1 80 443 8200
${['per-target.pac', 'dead-first.pac', 'outside-first.pac', 'syntax.pac', 'callbacks.pac'].map(probe).join('\n')}
g2probe --pac http://127.0.0.1:8081/syntax.pac --ranges ${FIXTURES}loopback.txt --no-dns --timeout 1500 | head -12`, { timeoutMs: 120_000 });
  const read = (pac: string) => parseReport(t, { ...run, stdout: readFileSync(join(dir, `${pac}.json`), 'utf8') });

  const perTarget = read('per-target.pac');
  t.match(perTarget.pac, { url: 'http://127.0.0.1:8081/per-target.pac', source: '--pac', usable: true, why: null });
  t.equal(perTarget.options.proxies.pac, 'http://127.0.0.1:8081/per-target.pac');
  const seen = byTarget(perTarget);
  t.match(seen['127.0.0.1:443'], { path: 'proxy', status: 'ok', route: { answer: 'PROXY 127.0.0.1:3128', entry: 'PROXY 127.0.0.1:3128', skipped: [] } }, '443: through the proxy the PAC names');
  t.match(seen['127.0.0.1:8200'], { path: 'direct', status: 'ok', route: { answer: 'DIRECT', entry: 'DIRECT' } }, '8200: DIRECT, as the PAC says for that port');

  const dead = byTarget(read('dead-first.pac'));
  t.match(dead['127.0.0.1:443'], { path: 'proxy', status: 'ok', route: { entry: 'PROXY 127.0.0.1:3128', skipped: [{ entry: 'PROXY 127.0.0.1:9', why: /took no connection \(ECONNREFUSED\)/ }] } }, 'the dead first proxy passed over, as a browser does');
  t.match(dead['127.0.0.1:8200'], { path: 'proxy', status: 'blocked', reason: 'proxy-denied', route: { entry: 'PROXY 127.0.0.1:3128' } }, 'a proxy that answers, even with 403, is the path: no fall-back to DIRECT');

  const outside = byTarget(read('outside-first.pac'));
  t.match(outside['127.0.0.1:443'], {
    path: 'direct', status: 'ok',
    route: { entry: 'DIRECT', skipped: [{ entry: 'PROXY 192.0.2.1:3128', why: /loopback-only guard passes it by/ }, { entry: 'SOCKS 127.0.0.1:1080', why: /does not speak SOCKS/ }] },
  }, 'the guard passes an outside proxy by; SOCKS is said to be untried');

  const callbacks = read('callbacks.pac');
  t.match(callbacks.pac, { usable: true }, 'helpers inside callbacks: a PAC Chromium accepts');
  const routed = byTarget(callbacks);
  t.match(routed['127.0.0.1:443'], { path: 'proxy', status: 'ok', route: { answer: 'PROXY 127.0.0.1:3128', entry: 'PROXY 127.0.0.1:3128' } }, 'isInNet inside some(): 127.0.0.1 on https through the proxy');
  t.match(routed['127.0.0.1:80'], { path: 'direct', route: { answer: 'DIRECT' } }, 'http: DIRECT');
  t.match(routed['127.0.0.2:443'], { path: 'direct', route: { answer: 'DIRECT' } }, 'outside the PAC\'s nets: DIRECT');

  const broken = read('syntax.pac');
  t.match(broken.pac, { usable: false, why: /^not a PAC file: .*: every attempt goes DIRECT, as Windows does$/ });
  t.ok(broken.attempts.every((a) => a.path === 'direct' && a.route === undefined), 'every attempt direct');
  t.match(run.stdout.replace(/\s+/g, ' '), /Path: direct: the PAC file http:\/\/127\.0\.0\.1:8081\/syntax\.pac \(--pac\) cannot be used: not a PAC file/, 'the text report says so');
  t.notMatch(run.stderr, /at the dialer/, 'the dialer was never reached');
}, ['openssl', 'squid']);

lab(t, '--pac auto: WPAD by DNS, wpad.<suffix> then its parent; none found means DIRECT, saying which names were tried', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-wpad-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const run = await inNamespace(`printf 'nameserver 127.0.0.1\\nsearch corp.lab.example\\n' > ${dir}/resolv.conf && mount --bind ${dir}/resolv.conf /etc/resolv.conf
start ${PAC} 127.0.0.1 80
resolver 127.0.0.1 5353 wpad.lab.example=a:127.0.0.1 www.gotomypc.com=a:127.0.0.1
listen 127.0.0.1 443 8200
g2probe --pac auto --dns-server 127.0.0.1:5353 --hosts www.gotomypc.com --ranges ${FIXTURES}loopback.txt --ports 443,8200 --timeout 1000 --json > ${dir}/found.json
printf 'search elsewhere.example\\n' > ${dir}/resolv.conf
g2probe --pac auto --dns-server 127.0.0.1:5353 --hosts www.gotomypc.com --ranges ${FIXTURES}loopback.txt --ports 443 --timeout 1000 --json > ${dir}/none.json`, { timeoutMs: 60_000 });
  const found = parseReport(t, { ...run, stdout: readFileSync(join(dir, 'found.json'), 'utf8') });
  t.match(found.pac, { url: 'http://wpad.lab.example/wpad.dat', source: 'WPAD (wpad.lab.example, found by DNS)', usable: true }, 'wpad.corp.lab.example did not resolve; its parent did, and answered for that name');
  t.equal(found.options.proxies.pac, 'auto');
  t.match(byTarget(found)['127.0.0.1:8200'], { route: { answer: 'DIRECT', entry: 'DIRECT' } }, 'the PAC it found routes the attempts');
  const none = parseReport(t, { ...run, stdout: readFileSync(join(dir, 'none.json'), 'utf8') });
  t.match(none.pac, { url: 'auto', usable: false, why: /^no WPAD: wpad\.elsewhere\.example does not resolve \(DHCP option 252 is out of g2probe's reach\): every attempt goes DIRECT/ });
  t.ok(none.attempts.every((a) => a.path === 'direct'), 'DIRECT without one');
});

/** A ranges file of loopback /32s, 127.0.0.1 … 127.0.0.N, and the bash that makes each a healthy GoTo stand-in. */
function loopbackEstate(dir: string, n: number): { file: string; listen: string } {
  const hosts = Array.from({ length: n }, (_, i) => `127.0.0.${i + 1}`);
  const file = join(dir, `estate-${n}.txt`);
  writeFileSync(file, hosts.map((h) => `${h}/32`).join('\n'));
  return { file, listen: hosts.map((h) => `listen ${h} 80 443 8200`).join('\n') };
}

/** The `@@ms NAME N` lines a script prints: how long each timed command took. */
function timings(stdout: string): Record<string, number> {
  return Object.fromEntries([...stdout.matchAll(/^@@ms (\S+) (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

lab(t, 'PAC off the clock: a PAC that burns 300 ms a call leaves a healthy estate ok, every route decided before the attempts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-pac-slow-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const estate = loopbackEstate(dir, 6);
  const run = await inNamespace(`start ${PAC} 127.0.0.1 8081
${estate.listen}
began=$(date +%s%N)
g2probe --pac http://127.0.0.1:8081/slow.pac --ranges ${estate.file} --no-dns --json > ${dir}/slow.json
echo "@@ms slow $(( ($(date +%s%N) - began) / 1000000 ))"`, { timeoutMs: 120_000 });
  const report = parseReport(t, { ...run, stdout: readFileSync(join(dir, 'slow.json'), 'utf8') });
  t.equal(report.attempts.length, 18, '6 addresses × 3 ports');
  t.same(report.attempts.filter((a) => a.status !== 'ok').map((a) => `${a.ip}:${a.port} ${a.status} ${a.evidence.why}`), [], 'every attempt ok: none timed out while the PAC ran');
  t.ok(report.attempts.every((a) => a.route?.answer === 'DIRECT' && a.path === 'direct'), 'each on the path the PAC gave');
  t.match(report.pac, { usable: true, work: { questions: 18, undecided: 0, budgetMs: 10_000 } }, 'every question asked once, before the attempts');
  t.notOk(report.pac?.work?.ranOut, 'within the budget');
  t.equal(report.verdict.status, 'ok');
  t.comment(`18 attempts behind a PAC of 300 ms a call: the run took ${timings(run.stdout).slow} ms, its PAC work ${report.pac?.work?.elapsedMs} ms`);
});

lab(t, 'PAC helpers on a silent resolver: each lookup has a deadline, the run\'s PAC work one budget, and the report says what was decided', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-pac-dns-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const estate = loopbackEstate(dir, 2);
  const probe = (pac: string) => `began=$(date +%s%N)
g2probe --pac http://127.0.0.1:8081/${pac} --dns-server 127.0.0.1:5353 --hosts www.gotomypc.com --ranges ${estate.file} --timeout 1000 --json > ${dir}/${pac}.json
echo "@@ms ${pac} $(( ($(date +%s%N) - began) / 1000000 ))"`;
  const run = await inNamespace(`start ${PAC} 127.0.0.1 8081
resolver 127.0.0.1 5353 www.gotomypc.com=a:127.0.0.1 '*=silent'
${estate.listen}
${probe('names.pac')}
${probe('hundred.pac')}`, { timeoutMs: 90_000 });
  const ms = timings(run.stdout);
  const read = (pac: string) => parseReport(t, { ...run, stdout: readFileSync(join(dir, `${pac}.json`), 'utf8') });

  const names = read('names.pac');
  t.match(names.pac, { usable: true, work: { undecided: 0, silentNames: 1 } }, 'proxy.lab.example went unanswered, once for the whole run');
  t.notOk(names.pac?.work?.ranOut, 'one lookup round, well within the budget');
  t.ok(names.attempts.every((a) => a.route?.answer === 'DIRECT' && a.status === 'ok'), 'unresolvable: the PAC said DIRECT, and every attempt went so');
  t.equal(names.pac?.work?.names, 2, 'www.gotomypc.com and proxy.lab.example, each asked once for the run, not once per target');

  const hundred = read('hundred.pac');
  t.match(hundred.pac, { usable: true, work: { budgetMs: 10_000, ranOut: /^the PAC file's 10 s budget ran out: 0 of \d+ targets' routes decided; the other \d+ go DIRECT, as Windows does when a PAC fails$/ } }, 'the budget ran out, said once in the report');
  t.match(run.stderr, /the PAC file ran out of its budget/, 'and once in the log');
  t.ok(hundred.attempts.every((a) => a.path === 'direct' && /^the run's PAC budget \(10 s\) ran out before this target's route was decided: DIRECT, as Windows does$/.test(a.route?.why ?? '')), 'each undecided target went DIRECT, its route saying why');
  t.ok(ms['hundred.pac']! < 40_000, `100 helper calls per target on a silent resolver ended, in ${ms['hundred.pac']} ms`);
  t.comment(`silent resolver: names.pac ${ms['names.pac']} ms, hundred.pac ${ms['hundred.pac']} ms`);
});

lab(t, 'g2probe hold --pac: the held connection\'s path decided by the PAC before it opens, its helpers resolving through hold\'s resolver', async (t) => {
  const run = await inNamespace(`serve poll 127.0.0.1 443
${POLL}
start ${PAC} 127.0.0.1 8081
${HOLD} --pac http://127.0.0.1:8081/hold.pac --ports 443 --for 2s --every 1s --json`);
  t.equal(run.code, 0, run.stderr);
  const report = parseHold(t, run.stdout, run.stderr);
  t.match(report.lines, [{ target: { host: 'poll.gotomypc.com', port: 443 }, path: 'direct', proxy: null, route: '--pac', state: 'held' }], 'poll.gotomypc.com resolved into 127/8 inside a callback: DIRECT, as the PAC says');
});
