// g2probe serve in the lab: scraped as Prometheus would, stopped as Kubernetes would, with the guard on.
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { FIXTURES, START_SH } from '../helpers/cli.js';
import { inNamespace, lab, type Report } from '../helpers/lab.js';
import { assertPromtoolAccepts, parseExposition, valueOf } from '../helpers/prometheus.js';
import { assertValidReport } from '../helpers/schema.js';

const SERVE = `${START_SH} serve`;
// get URL: the status on one line, then the body.
const GET = `get() { node -e 'fetch(process.argv[1]).then(async (r) => process.stdout.write(r.status + "\\n" + await r.text()), (e) => process.stdout.write("000 " + e.cause?.code + "\\n"))' "$1"; }
# wait_for URL STATUS: poll (bounded: 10 s) until URL answers STATUS.
wait_for() { for _ in $(seq 200); do [ "$(get "$1" | head -n 1)" = "$2" ] && return 0; sleep 0.05; done; echo "lab: $1 never answered $2" >&2; exit 99; }
`;

/** `@@name` lines split the script's output into named parts. */
function sections(stdout: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const chunk of stdout.split(/^@@/m).slice(1)) {
    const newline = chunk.indexOf('\n');
    parts[chunk.slice(0, newline)] = chunk.slice(newline + 1);
  }
  return parts;
}

function body(part: string | undefined): { status: number; text: string } {
  const newline = (part ?? '').indexOf('\n');
  return { status: Number(part?.slice(0, newline)), text: part?.slice(newline + 1) ?? '' };
}

lab(t, 'serve: /metrics passes promtool and matches /report.json of the same run; SIGTERM exits 0 at once', async (t) => {
  const run = await inNamespace(`${GET}
resolver 127.0.0.1 5353 poll.gotomypc.com=a:127.0.0.1 gone.gotomypc.com=nxdomain
listen 127.0.0.1 80 443 8200
${SERVE} --listen 127.0.0.1:9815 --every 1h --jitter 0s --ranges ${FIXTURES}loopback.txt --hosts poll.gotomypc.com,gone.gotomypc.com --dns-server 127.0.0.1:5353 --tls-roots "$LAB_PKI/goto.root.pem" --timeout 1000 2>serve.log & pid=$!; pids+=($pid)
wait_for http://127.0.0.1:9815/report.json 200
echo @@metrics; get http://127.0.0.1:9815/metrics
echo @@report; get http://127.0.0.1:9815/report.json
echo @@healthz; get http://127.0.0.1:9815/healthz
echo @@missing; get http://127.0.0.1:9815/nope
echo @@health; ${START_SH} health --listen 127.0.0.1:9815; echo "rc=$?"
t0=$(date +%s%N); kill -TERM $pid; wait $pid; rc=$?
echo "@@exit"; echo "$rc $(( ($(date +%s%N) - t0) / 1000000 ))"
echo @@log; cat serve.log; rm -f serve.log`);
  const parts = sections(run.stdout);
  const metrics = body(parts.metrics);
  const reportPart = body(parts.report);
  t.equal(metrics.status, 200, run.stderr);
  t.equal(reportPart.status, 200);
  const report = JSON.parse(reportPart.text) as Report;
  assertValidReport(t, report, '/report.json');
  assertPromtoolAccepts(t, metrics.text, '/metrics');

  const samples = parseExposition(metrics.text);
  t.equal(valueOf(samples, 'g2probe_runs_total'), 1, 'one run');
  for (const port of report.summary.ports) {
    t.equal(valueOf(samples, 'g2probe_port_reachable', { port: port.port }), port.state === 'reachable' ? 1 : 0, `port ${port.port} is ${port.state}`);
  }
  // Attempts by port, status and reason, counted from the report's own attempts.
  const counted = new Map<string, number>();
  for (const a of report.attempts) counted.set(`${a.port} ${a.status} ${a.reason}`, (counted.get(`${a.port} ${a.status} ${a.reason}`) ?? 0) + 1);
  const exposed = new Map(samples.filter((s) => s.name === 'g2probe_attempts').map((s) => [`${s.labels.port} ${s.labels.status} ${s.labels.reason}`, s.value]));
  t.same(Object.fromEntries(exposed), Object.fromEntries(counted), 'g2probe_attempts equals the attempts in the report');
  t.ok(counted.get('443 ok connected') && counted.get('80 blocked refused'), 'the run had both ok and refused attempts');
  for (const port of [80, 443, 8200]) {
    const handshakes = report.attempts.filter((a) => a.port === port && a.connectMs !== null);
    t.equal(valueOf(samples, 'g2probe_connect_duration_seconds_count', { port }), handshakes.length, `histogram count on ${port} = completed handshakes`);
    t.equal(valueOf(samples, 'g2probe_connect_duration_seconds_bucket', { port, le: '+Inf' }), handshakes.length);
    const sum = handshakes.reduce((total, a) => total + a.connectMs! / 1000, 0);
    t.ok(Math.abs(valueOf(samples, 'g2probe_connect_duration_seconds_sum', { port })! - sum) < 1e-6, `histogram sum on ${port}`);
  }
  t.same(samples.filter((s) => s.name === 'g2probe_dns_ok').map((s) => [s.labels.host, s.value]), report.dns!.results.map((r) => [r.host, r.status === 'ok' ? 1 : 0]));
  t.same(samples.filter((s) => s.name === 'g2probe_dns_ok').map((s) => s.value), [1, 0], 'poll resolved, gone did not');
  t.equal(valueOf(samples, 'g2probe_verdict', { status: report.verdict.status }), 1, `verdict ${report.verdict.status}`);
  t.equal(samples.filter((s) => s.name === 'g2probe_verdict').reduce((n, s) => n + s.value, 0), 1, 'exactly one verdict is 1');
  t.equal(valueOf(samples, 'g2probe_last_run_timestamp_seconds'), Date.parse(report.finishedAt) / 1000);
  t.equal(valueOf(samples, 'g2probe_ranges_info', { source: 'file', version: report.ranges.version }), 1);
  t.notOk(samples.some((s) => 'ip' in s.labels || 'address' in s.labels || Object.values(s.labels).some((v) => /^127\./.test(v))), 'no label carries an address');

  t.equal(body(parts.healthz).status, 200, '/healthz 200');
  t.match(body(parts.healthz).text, /^ok: last run finished/);
  t.equal(body(parts.missing).status, 404);
  t.match(parts.health, /^ok: .*\nrc=0\n$/, 'g2probe health exits 0');
  const [code, ms] = (parts.exit ?? '').trim().split(' ').map(Number);
  t.equal(code, 0, 'SIGTERM is a clean stop: exit 0');
  t.ok(ms! < 1000, `gone within a second of SIGTERM (${ms} ms)`);
  const log = (parts.log ?? '').trim().split('\n').map((line) => JSON.parse(line) as { msg: string; level: number });
  t.ok(log.some((l) => l.msg === 'stopping'), 'the stop is logged');
  t.notOk(log.some((l) => l.level >= 50), 'no error logged');
});

lab(t, 'SIGTERM mid-run: the cut run is dropped, /report.json held the last whole one, exit 0 within a second', async (t) => {
  // 127.0.0.3 drops everything: each run waits out its 4 s deadline (long beside a loaded machine's start-up of the
  // lab's client), so the first answer comes before a run has finished and a signal lands mid-run.
  const run = await inNamespace(`${GET}
iptables -A INPUT -d 127.0.0.3 -p tcp --syn -j DROP
listen 127.0.0.1 80 443 8200
printf '127.0.0.1\\n127.0.0.3\\n' > ranges.txt
${SERVE} --listen 127.0.0.1:9815 --every 2s --jitter 0s --ranges ranges.txt --no-dns --tls-roots "$LAB_PKI/goto.root.pem" --timeout 4000 --fixed-timeout 2>serve.log & pid=$!; pids+=($pid)
wait_for http://127.0.0.1:9815/healthz 200
echo @@before; get http://127.0.0.1:9815/report.json
wait_for http://127.0.0.1:9815/report.json 200
# The second run starts once the first has ended (it outlasts --every); wait until it is under way.
for _ in $(seq 400); do [ "$(grep -c '"probe started"' serve.log)" -ge 2 ] && break; sleep 0.05; done
sleep 0.3
echo @@during; get http://127.0.0.1:9815/report.json
t0=$(date +%s%N); kill -TERM $pid; wait $pid; rc=$?
echo "@@exit"; echo "$rc $(( ($(date +%s%N) - t0) / 1000000 ))"
echo @@log; cat serve.log; rm -f serve.log ranges.txt`);
  const parts = sections(run.stdout);
  t.equal(body(parts.before).status, 503, '/report.json is 503 until a run has finished');
  t.match(body(parts.before).text, /no run has finished yet/);
  const during = body(parts.during);
  t.equal(during.status, 200, run.stderr);
  const report = JSON.parse(during.text) as Report;
  assertValidReport(t, report, 'the report served mid-run');
  t.equal(report.interrupted, false, 'a whole report, from the first run');
  t.equal(report.attempts.length, 6);
  const [code, ms] = (parts.exit ?? '').trim().split(' ').map(Number);
  t.equal(code, 0);
  t.ok(ms! < 1000, `gone within a second of SIGTERM, mid-run (${ms} ms)`);
  const log = (parts.log ?? '').trim().split('\n').map((line) => JSON.parse(line) as { msg: string; level: number });
  t.equal(log.filter((l) => l.msg === 'probe started').length, 2, 'two runs started');
  t.ok(log.some((l) => l.msg === 'run cut short by the stop: not published'), 'the cut run is dropped');
  t.notMatch(run.stdout + run.stderr, /\n\s+at .*:\d+:\d+/, 'no stack trace');
});

lab(t, 'serve and health mistakes: one line each, usage 64, a taken address 69, nothing listening 1', async (t) => {
  const run = await inNamespace(`
for args in "--every 0s" "--every 5" "--jitter 10m --every 5m" "--listen 127.0.0.1" "--listen nowhere:99" "--format json" "--ranges-url https://lists.invalid/x"; do
  ${SERVE} --no-dns --ranges ${FIXTURES}loopback.txt $args; echo "@@$?"
done
node -e 'require("net").createServer().listen(9815, "127.0.0.1", () => console.log("@@taken"))' & pids+=($!)
sleep 0.5
${SERVE} --no-dns --ranges ${FIXTURES}loopback.txt --listen 127.0.0.1:9815; echo "@@$?"
${START_SH} health --listen 127.0.0.1:9816; echo "@@$?"
${START_SH} health --listen 192.0.2.1:9815; echo "@@$?"
${START_SH} health --timeout soon; echo "@@$?"`);
  const codes = [...run.stdout.matchAll(/@@(\d+)/g)].map((m) => Number(m[1]));
  t.same(codes, [64, 64, 64, 64, 64, 64, 64, 69, 1, 64, 64], run.stderr);
  const lines = run.stderr.trim().split('\n');
  t.equal(lines.length, 11, 'one line per mistake');
  t.match(lines[0], /^g2probe: bad --every value "0s": give a duration from 1s to 24h/);
  t.match(lines[2], /^g2probe: bad --jitter value "10m": give a duration from 0s to 5m/);
  t.match(lines[3], /^g2probe: bad --listen value "127\.0\.0\.1": give ADDRESS:PORT/);
  t.match(lines[5], /^g2probe: unknown option --format \(g2probe serve --help lists them\)/);
  t.match(lines[6], /^g2probe: loopback-only guard: refusing to fetch --ranges-url from lists\.invalid/);
  t.match(lines[7], /^g2probe: cannot listen on 127\.0\.0\.1:9815: the address is in use$/);
  t.match(lines[8], /^g2probe: http:\/\/127\.0\.0\.1:9816\/healthz: nothing listens there$/);
  t.match(lines[9], /^g2probe: loopback-only guard: refusing to ask serve at 192\.0\.2\.1/);
  t.match(lines[10], /^g2probe: bad --timeout value "soon": the timeout in ms must be a whole number from 1 to 600000$/);
});

lab(t, 'g2probe --format prometheus: one run for the textfile collector, promtool accepts it, the exit code is the verdict', async (t) => {
  const run = await inNamespace(`listen 127.0.0.1 80 443 8200
g2probe --ranges ${FIXTURES}loopback.txt --no-dns --format prometheus --timeout 1000`);
  t.equal(run.code, 1, 'partial: 127.0.0.2 refuses');
  t.equal(run.stderr, '');
  assertPromtoolAccepts(t, run.stdout, 'the one-shot exposition');
  const samples = parseExposition(run.stdout);
  t.equal(valueOf(samples, 'g2probe_verdict', { status: 'partial' }), 1);
  t.equal(valueOf(samples, 'g2probe_attempts', { port: 443, status: 'ok', reason: 'connected' }), 1);
  t.equal(valueOf(samples, 'g2probe_attempts', { port: 443, status: 'blocked', reason: 'refused' }), 1);
  t.equal(valueOf(samples, 'g2probe_runs_total'), undefined, 'runs are counted by serve only');
});

t.test('serve --help teaches the endpoints and the schedule', async (t) => {
  const { g2probe } = await import('../helpers/cli.js');
  const run = await g2probe(['serve', '--help']);
  t.equal(run.code, 0);
  t.match(run.stdout, /^Usage: g2probe serve/);
  for (const word of ['GET /  ', '/report.html', '/metrics', '/report.json', '/healthz', '--every', '--jitter', 'G2PROBE_LISTEN', 'SIGTERM']) t.match(run.stdout, word);
});

const LOAD = fileURLToPath(new URL('serve-load.mjs', import.meta.url));

lab(t, 'serve under load: silent and slowloris clients under the cap are cut by the timeouts, a flood past the cap and past the file limit keeps no scrape out, and the runs go on', async (t) => {
  // serve gets 256 descriptors (its own ulimit), so a connection cap of 64; the load's clients, in this shell,
  // have the namespace's. Under the cap: 30 silent and 20 slowloris clients for 13 s, cut by the 10 s head
  // timeout. Past it: 300 silent (past the whole file limit) and 40 slowloris from another address,
  // reconnecting as soon as cut, while 16 scrapers each scrape on a new connection every 100 ms.
  const run = await inNamespace(`${GET}
listen 127.0.0.1 80 443 8200
(ulimit -n 256; exec ${SERVE} --listen 127.0.0.1:9815 --every 1s --jitter 0s --ranges ${FIXTURES}loopback.txt --no-dns --tls-roots "$LAB_PKI/goto.root.pem" --timeout 1000 2>serve.log) & pid=$!; pids+=($pid)
wait_for http://127.0.0.1:9815/metrics 200
( while kill -0 $pid 2>/dev/null; do ls /proc/$pid/fd 2>/dev/null | wc -l; sleep 0.25; done > fds.txt ) & pids+=($!)
echo @@under; node ${LOAD} 127.0.0.1 9815 13 30 20 4
echo @@over; node ${LOAD} 127.0.0.1 9815 12 300 40 16 127.0.0.2
echo @@after; get http://127.0.0.1:9815/metrics | head -n 1
echo @@alive; kill -0 $pid && echo yes
echo @@fds; sort -n fds.txt | tail -n 1
echo @@log; cat serve.log; rm -f serve.log fds.txt`, { timeoutMs: 90_000 });
  const parts = sections(run.stdout);
  const under = JSON.parse(parts.under ?? 'null') as LoadFigures;
  const over = JSON.parse(parts.over ?? 'null') as LoadFigures;
  t.comment(`under the cap: ${JSON.stringify(under)}`);
  t.comment(`past the cap: ${JSON.stringify(over)}`);
  t.comment(`serve's open descriptors at most ${parts.fds?.trim()} of 256`);
  t.equal(parts.alive?.trim(), 'yes', `serve is still up ${run.stderr}`);
  t.equal(parts.after?.trim(), '200', '/metrics answers after the load');

  t.equal(under.silent.peak, 30, 'under the cap every silent client is held…');
  t.ok(under.silent.cut >= 30, `…and cut by the head timeout within the 13 s (${under.silent.cut} cut, held ${under.silent.heldMsMin}–${under.silent.heldMsMax} ms)`);
  t.ok(under.slow.cut >= 20 && under.slow.bytesSent > 0, `a slowloris sending a header byte every 2 s is cut too (${under.slow.cut}, held ${under.slow.heldMsMin}–${under.slow.heldMsMax} ms)`);
  for (const [phase, load] of [['under the cap', under], ['past the cap', over]] as const) {
    t.ok(load.scrapes.total >= 20, `${phase}: scrapes made (${load.scrapes.total})`);
    t.same(load.scrapes.failed, {}, `${phase}: every scrape answered`);
    t.equal(load.scrapes.ok, load.scrapes.total, `${phase}: every scrape 200`);
  }
  t.equal(over.silent.peak, 300, 'past the cap: 300 silent clients connected at once');
  t.ok(over.silent.cut > 0 && over.slow.cut > 0, 'and were cut to make room');

  const log = (parts.log ?? '').trim().split('\n').map((line) => JSON.parse(line) as { msg: string; level: number; maxConnections?: number });
  t.equal(log.find((l) => l.msg === 'serving /, /metrics, /report.json and /healthz')?.maxConnections, 64, 'a quarter of the 256 descriptors for connections');
  t.ok(log.some((l) => l.level === 40 && /connections open, the most serve keeps/.test(l.msg)), 'the flood is said in the log');
  const finished = log.filter((l) => l.msg === 'probe finished').length;
  t.ok(finished >= 15, `runs kept finishing under load (${finished} in ~27 s of load, one a second)`);
  t.ok(over.scrapes.runsTotalLast! - over.scrapes.runsTotalFirst! >= 6, 'g2probe_runs_total advanced while the flood lasted');
  t.notMatch(parts.log ?? '', /EMFILE|ENFILE|resource-exhausted/, 'no run ran out of descriptors');
  t.ok(Number(parts.fds) < 256, `serve's descriptors stayed under its limit (at most ${parts.fds?.trim()})`);
});

interface Held {
  opened: number;
  cut: number;
  heldMsMin: number | null;
  heldMsMax: number;
  peak: number;
}

interface LoadFigures {
  silent: Held;
  slow: Held & { bytesSent: number };
  scrapes: { total: number; ok: number; failed: Record<string, number>; p50Ms: number | null; p99Ms: number | null; maxMs: number | null; runsTotalFirst: number | null; runsTotalLast: number | null };
}
