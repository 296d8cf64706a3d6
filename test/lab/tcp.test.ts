// The core lab: real listeners, real firewall rules, in a namespace per scenario; the CLI's JSON is the oracle.
import t from 'tap';
import { FIXTURES, START_SH } from '../helpers/cli.js';
import { inNamespace, lab, parseReport } from '../helpers/lab.js';
import { assertValidReport } from '../helpers/schema.js';

const CONDITIONS = `${FIXTURES}lab-conditions.txt`;

const SETUP = `
listen 127.0.0.1 80 443 8200
iptables -A INPUT -d 127.0.0.3 -p tcp --syn -j DROP
iptables -A OUTPUT -d 127.0.0.4 -p tcp -j REJECT --reject-with icmp-host-unreachable
iptables -A OUTPUT -d 127.0.0.5 -p tcp -j REJECT --reject-with icmp-admin-prohibited
iptables -A OUTPUT -d 127.0.0.6 -p tcp -j REJECT --reject-with tcp-reset
# The local table normally answers first for 127/8; move it below a prohibit rule for .7.
ip rule add to 127.0.0.7 prohibit pref 10
ip rule del pref 0 && ip rule add pref 100 lookup local
iptables -A INPUT -d 127.0.0.8 -p tcp -j REJECT --reject-with icmp-net-unreachable
`;

const EXPECTED: Record<string, [status: string, reason: string, code: string | null]> = {
  '127.0.0.1': ['ok', 'connected', null],
  '127.0.0.2': ['blocked', 'refused', 'ECONNREFUSED'],
  '127.0.0.3': ['timeout', 'no-answer', null],
  '127.0.0.4': ['blocked', 'unreachable', 'EHOSTUNREACH'],
  '127.0.0.5': ['blocked', 'unreachable', 'EHOSTUNREACH'],
  '127.0.0.6': ['blocked', 'refused', 'ECONNREFUSED'],
  '127.0.0.7': ['blocked', 'local-firewall', 'EACCES'],
  '127.0.0.8': ['blocked', 'unreachable', 'ENETUNREACH'],
};

lab(t, 'every condition gets its status, reason and evidence; the verdict is partial (exit 1)', async (t) => {
  const run = await inNamespace(`${SETUP}\ng2probe --ranges ${CONDITIONS} --timeout 500 --json`);
  const report = parseReport(t, run);
  t.equal(run.code, 1, 'exit code of a partial verdict');
  t.equal(report.verdict.status, 'partial');
  t.equal(report.attempts.length, 8 * 3, 'one attempt per address and port');
  for (const attempt of report.attempts) {
    const [status, reason, code] = EXPECTED[attempt.ip]!;
    t.same([attempt.status, attempt.reason, attempt.evidence.code], [status, reason, code], `${attempt.ip}:${attempt.port}`);
    t.ok(attempt.evidence.elapsedMs > 0 && attempt.evidence.elapsedMs <= attempt.ms, 'evidence carries the time of the stage that decided');
    t.equal(attempt.evidence.stage, status === 'ok' ? ({ 80: 'http', 443: 'tls', 8200: 'service' } as Record<number, string>)[attempt.port] : 'connect');
    if (status === 'ok') t.match(attempt.evidence.local, /^127\.0\.0\.1:\d+$/, 'ok carries the local address');
    // The deadline is a floor; how close to it the timer fires is measured in bench/, not here.
    if (status === 'timeout') t.ok(attempt.ms >= 500 && attempt.ms < 2500, `timed out at the deadline, not the OS's (${attempt.ms} ms)`);
  }
  t.equal(run.stderr, '', 'nothing on stderr when all is well');
});

for (const [path, env] of [['a bare handle', ''], ['net.connect (G2PROBE_NET_SOCKET=1)', 'G2PROBE_NET_SOCKET=1 ']] as const) {
  lab(t, `--connect-only, through ${path}: the same status, reason and code for every condition`, async (t) => {
    const run = await inNamespace(`${SETUP}\n${env}g2probe --ranges ${CONDITIONS} --timeout 500 --connect-only --json`);
    const report = parseReport(t, run);
    t.equal(report.attempts.length, 8 * 3);
    for (const attempt of report.attempts) {
      const [status, reason, code] = EXPECTED[attempt.ip]!;
      t.same([attempt.status, attempt.reason, attempt.evidence.code, attempt.evidence.stage], [status, reason, code, 'connect'], `${attempt.ip}:${attempt.port}`);
      if (status === 'ok') t.match(attempt.evidence.local, /^127\.0\.0\.1:\d+$/, 'ok carries the local address');
      if (status === 'timeout') t.ok(attempt.ms >= 500 && attempt.ms < 2500, `timed out at the deadline (${attempt.ms} ms)`);
    }
  });
}

lab(t, 'every port open to every range: ok, exit 0', async (t) => {
  const run = await inNamespace(`listen 127.0.0.1 80 443 8200\ng2probe --ranges ${FIXTURES}loopback-ok.txt --json`);
  const report = parseReport(t, run);
  t.equal(run.code, 0);
  t.equal(report.verdict.status, 'ok');
  t.equal(report.summary.counts.ok, 3);
});

lab(t, 'a port reachable nowhere: blocked, exit 2, and the sentence names the port', async (t) => {
  const run = await inNamespace(`
listen 127.0.0.1 80 443
iptables -A INPUT -p tcp --dport 8200 --syn -j DROP
g2probe --ranges ${FIXTURES}loopback-ok.txt --timeout 300 --json`);
  const report = parseReport(t, run);
  t.equal(run.code, 2);
  t.equal(report.verdict.status, 'blocked');
  t.match(report.verdict.text, /TCP port 8200 reached no GoTo server \(the attempts timed out/);
  t.match(report.verdict.advice[0]?.text, /dropped silently.*8200/);
});

lab(t, 'no route at all (a namespace whose loopback was never up): blocked fast, and the verdict says there is no route', async (t) => {
  const run = await inNamespace(`g2probe --ranges ${CONDITIONS} --json`, { loopback: false });
  const report = parseReport(t, run);
  t.equal(run.code, 2);
  t.equal(report.verdict.status, 'blocked');
  t.match(report.verdict.text, /no route/);
  t.ok(report.attempts.every((a) => a.evidence.code === 'ENETUNREACH' && a.reason === 'unreachable'));
  t.ok(report.attempts.every((a) => a.ms < 1000), 'fails at once, not after the 3000 ms timeout');
});

lab(t, 'out of file descriptors (ulimit -n 64, concurrency 300): concurrency lowered, every attempt made, none reported as EMFILE or blocked', async (t) => {
  const run = await inNamespace(`
listen 127.0.0.1 80
ulimit -n 64
g2probe --ranges ${FIXTURES}loopback-24.txt --all --ports 80,81 --concurrency 300 --json`);
  const report = parseReport(t, run);
  t.equal(report.attempts.length, 508, 'all 254 addresses × 2 ports');
  t.same(report.attempts.filter((a) => a.evidence.code === 'EMFILE'), [], 'no attempt reported as EMFILE');
  t.equal(report.attempts.filter((a) => a.port === 80 && a.ip === '127.0.0.1' && a.status === 'ok').length, 1, 'the listener answered');
  t.ok(report.attempts.filter((a) => a.status !== 'ok').every((a) => a.status === 'blocked' && a.evidence.code === 'ECONNREFUSED'), 'everything else a real refusal');
  const throttles = run.stderr.split('\n').filter((line) => line.includes('out of file descriptors'));
  t.ok(throttles.length >= 1 && throttles.length <= 3, `the lowering is logged, once or a few times (${throttles.length})`);
  t.match(throttles[0], /lowered from 300 to \d+.*ulimit -n/);
});

lab(t, 'IPv6 disabled on this machine: every attempt is a local fault, verdict unknown, exit 3', async (t) => {
  const run = await inNamespace(`
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.lo.disable_ipv6=1
g2probe --ranges ${FIXTURES}loopback-v6.txt --json`);
  const report = parseReport(t, run);
  t.equal(run.code, 3);
  t.equal(report.verdict.status, 'unknown');
  t.ok(report.attempts.every((a) => a.status === 'error'), 'no attempt counted as a network block');
  t.notMatch(report.verdict.text, /cannot connect/);
});

lab(t, '--out writes the same report as --json, atomically, and the text report goes to stdout', async (t) => {
  const run = await inNamespace(`
listen 127.0.0.1 80 443 8200
out=$(mktemp -d)/report.json
g2probe --ranges ${FIXTURES}loopback-ok.txt --out "$out" > /dev/null && cat "$out" && ls -a "$(dirname "$out")" >&2`);
  const report = parseReport(t, run);
  t.equal(run.code, 0);
  t.equal(report.attempts.length, 3);
  t.same(run.stderr.split('\n').filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');
});

lab(t, 'Ctrl-C mid-run: no new attempts, a whole partial report with interrupted: true, exit 130', async (t) => {
  const run = await inNamespace(`
set -m
iptables -A INPUT -p tcp --syn -j DROP
out=$(mktemp)
g2probe --ranges ${FIXTURES}loopback-24.txt --all --ports 80 --concurrency 8 --timeout 200 --json > "$out" &
pid=$!
# Once a handshake waits on a dropped SYN (a fixed delay raced g2probe's start-up on a loaded machine).
for _ in $(seq 800); do ss -Htn state syn-sent | grep -q . && break; sleep 0.025; done
sleep 0.3
kill -INT -- -$pid  # the job's process group: g2probe is a shell function
wait $pid
echo "exit $?" >&2
cat "$out"`);
  const report = JSON.parse(run.stdout) as { interrupted: boolean; attempts: unknown[]; summary: { total: number } };
  assertValidReport(t, report, 'the interrupted report');
  t.match(run.stderr, /exit 130/);
  t.equal(report.interrupted, true);
  t.ok(report.attempts.length > 0 && report.attempts.length < 254, `stopped early (${report.attempts.length} of 254)`);
  t.equal(report.summary.total, report.attempts.length, 'the summary covers exactly the attempts reported');
});

lab(t, 'a progress line on a terminal, none with --quiet', async (t) => {
  // script(1) gives g2probe a terminal; stdout goes to /dev/null so only stderr reaches it.
  const run = await inNamespace(`
iptables -A INPUT -d 127.0.0.3 -j DROP
cmd='${START_SH} --ranges ${CONDITIONS} --timeout 400 > /dev/null'
script -qec "$cmd" /dev/null | od -An -c | tr -d ' \\n'; echo
script -qec "$cmd --quiet" /dev/null | od -An -c | tr -d ' \\n'; echo`);
  const [tty, quiet] = run.stdout.split('\n');
  t.match(tty, /probing\d+\/24/, 'progress shows done/total');
  t.notMatch(quiet, /probing/, '--quiet silences it');
});

lab(t, 'no attempt gives up before its timeout (timers count from a clock truncated to the ms)', async (t) => {
  const run = await inNamespace(`
iptables -A INPUT -p tcp --syn -j DROP
g2probe --ranges ${FIXTURES}loopback-24.txt --all --ports 80 --timeout 5 --concurrency 1 --json`);
  const report = parseReport(t, run);
  t.equal(report.attempts.length, 254);
  const early = report.attempts.filter((a) => a.status !== 'timeout' || a.ms < 5);
  t.same(early, [], 'every attempt waited its full 5 ms');
});

lab(t, 'a blackhole route on this PC: blocked by this PC (EINVAL), with the route named, not an error of g2probe', async (t) => {
  const run = await inNamespace(`
listen 127.0.0.1 443
ip rule add to 127.0.0.2 blackhole pref 10
ip rule del pref 0 && ip rule add pref 100 lookup local
g2probe --ranges ${FIXTURES}loopback.txt --ports 443 --connect-only --no-dns --timeout 1000 --json`);
  const report = parseReport(t, run);
  const holed = report.attempts.find((a) => a.ip === '127.0.0.2');
  t.match(holed, { status: 'blocked', reason: 'local-firewall', evidence: { code: 'EINVAL', why: /own routing drops the connection before it leaves .*blackhole route/ } });
  t.comment(report.verdict.text);
  t.not(report.verdict.status, 'ok', `the verdict counts it: ${report.verdict.status}`);
  t.match(report.verdict.advice.map((s) => s.text).join('\n'), /a blackhole route drops them/);
});

lab(t, '--connect-only with 1,024 in flight against a listener that resets as it accepts: every handshake that completed is ok', async (t) => {
  const run = await inNamespace(`
serve rst 0.0.0.0 9000
ranges=$(mktemp); printf '127.1.0.0/22\\n' > "$ranges"
g2probe --ranges "$ranges" --all --ports 9000 --connect-only --no-dns --concurrency 1024 --timeout 3000 --json`, { timeoutMs: 120_000 });
  const report = parseReport(t, run);
  t.equal(report.attempts.length, 1022, 'the /22 less its network and broadcast addresses');
  const counts = report.summary.counts;
  t.same(counts, { ok: 1022, blocked: 0, timeout: 0, intercepted: 0, error: 0 }, 'each port answered its SYN: ok, whatever came after');
  const reset = report.attempts.filter((a) => /reset the connection right after/.test(a.evidence.why)).length;
  t.comment(`${reset} of 1022 were reset before their handshake was seen complete`);
  t.equal(report.verdict.status, 'ok');
});

lab(t, 'deadlines that learn: once handshakes are answered, a silent one waits a few round trips and is tried again; --fixed-timeout waits the whole --timeout', async (t) => {
  const run = await inNamespace(`
serve http 0.0.0.0 9000
ranges=$(mktemp); printf '127.4.0.0/26\\n' > "$ranges"
# Every second address drops its SYNs; the others answer.
for i in $(seq 2 2 62); do iptables -A INPUT -d 127.4.0.$i -p tcp --syn -j DROP; done
echo '=== learned'
g2probe --ranges "$ranges" --all --ports 9000 --connect-only --no-dns --concurrency 4 --timeout 4000 --json
echo '=== fixed'
g2probe --ranges "$ranges" --all --ports 9000 --connect-only --no-dns --concurrency 4 --timeout 300 --fixed-timeout --json`, { timeoutMs: 120_000 });
  const [learnedText, fixedText] = run.stdout.split(/^=== \w+$/m).slice(1);
  const learned = parseReport(t, { ...run, stdout: learnedText ?? '' });
  const fixed = parseReport(t, { ...run, stdout: fixedText ?? '' });
  const silent = learned.attempts.filter((a) => a.status === 'timeout');
  t.equal(silent.length, 31, 'every dropped address is still reported silent');
  t.equal(learned.summary.counts.ok, 31, 'and every answering one ok');
  const retried = silent.filter((a) => a.tries === 2);
  t.ok(retried.length >= 25, `most silent ones were tried twice, once the timer had learned (${retried.length} of 31)`);
  for (const a of retried) t.match(a.evidence.why, /^no answer to 2 tries, each on a new connection \(deadlines \d+, 1000 ms, learned from this run's answered handshakes\)/);
  // The first few waited --timeout, before eight answers had been seen; the rest a learned deadline.
  const learnedFirst = retried.filter((a) => Number(/deadlines (\d+),/.exec(a.evidence.why)?.[1]) < 4000);
  t.ok(learnedFirst.length >= 20, `most had a learned first deadline (${learnedFirst.length})`);
  for (const a of learnedFirst) t.ok(a.ms < 2000, `${a.ip}: over in ${a.ms} ms, not the 4000 ms --timeout`);
  t.same(learned.summary.retried, { attempts: retried.length, answered: 0 }, 'the summary counts them');
  t.equal(learned.options.learnTimeout, true);
  t.equal(fixed.options.learnTimeout, false);
  t.ok(fixed.attempts.every((a) => a.tries === undefined), '--fixed-timeout: one try each');
  t.ok(fixed.attempts.filter((a) => a.status === 'timeout').every((a) => a.ms >= 300), 'each waiting its whole --timeout');
});

lab(t, 'a path that loses 30% of the SYNs: retries get answers, so more are allowed, and no listening port is called silent', async (t) => {
  const run = await inNamespace(`
serve http 0.0.0.0 9000
ranges=$(mktemp); printf '127.5.0.0/24\\n' > "$ranges"
iptables -A INPUT -d 127.5.0.0/24 -p tcp --syn -m statistic --mode random --probability 0.3 -j DROP
g2probe --ranges "$ranges" --all --ports 9000 --connect-only --no-dns --concurrency 16 --json`, { timeoutMs: 120_000 });
  const report = parseReport(t, run);
  t.same(report.summary.counts, { ok: 254, blocked: 0, timeout: 0, intercepted: 0, error: 0 }, 'every port that listens reported ok');
  const late = report.attempts.filter((a) => (a.tries ?? 1) > 1);
  t.ok(late.length > 0, `some answered only a retry (${late.length})`);
  t.ok(late.every((a) => /, on try \d+ \(the earlier ones? went unanswered\)$/.test(a.evidence.why)), 'and say so');
  t.ok((report.summary.retried?.answered ?? 0) > 0, 'the summary counts the answered retries');
});
