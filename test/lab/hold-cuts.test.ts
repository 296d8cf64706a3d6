// g2probe hold where the path cuts: a stateful firewall (real conntrack) whose entries expire after 3 s idle,
// a middlebox that resets every connection 2.5 s after it opens, and squid closing tunnels idle for 3 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { HOLD, POLL, parseHold } from '../helpers/hold.js';
import { inNamespace, lab } from '../helpers/lab.js';
import { squidLab } from '../helpers/squid.js';

const RELAY = fileURLToPath(new URL('relay.mjs', import.meta.url));

lab(t, 'conntrack entries that expire after 3 s idle: cut when idle, the limit found between the waits', async (t) => {
  const run = await inNamespace(`
serve poll 127.0.0.1 443 8200
${POLL}
# A stateful firewall: a TCP packet that opens no connection and belongs to none is dropped.
iptables -A OUTPUT -p tcp ! --syn -m conntrack --ctstate NEW -j DROP
sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=3
${HOLD} --for 20s --every 5s --json`, { timeoutMs: 90_000 });
  t.equal(run.code, 2, run.stderr);
  const report = parseHold(t, run.stdout, run.stderr);
  t.equal(report.verdict.status, 'cut');
  t.equal(report.verdict.exitCode, 2);
  for (const line of report.lines) {
    t.equal(line.state, 'idle-cut', `${line.target.port}: ${line.why}`);
    const { answeredMs, cutMs } = line.idle;
    t.ok(answeredMs !== null && answeredMs >= 2400 && answeredMs <= 3200, `${line.target.port}: came back after ${answeredMs} ms idle, under the 3 s limit`);
    t.ok(cutMs !== null && cutMs >= 3000 && cutMs <= 5100, `${line.target.port}: cut after ${cutMs} ms idle, over it`);
    const cuts = line.sessions.filter((s) => s.end.how === 'cut');
    t.ok(cuts.length >= 2 && cuts.every((s) => s.end.how === 'cut' && s.end.kind === 'silence' && s.end.during === 'exchange'), 'each cut is silence: the firewall dropped the ping');
    t.equal(line.sessions.at(-1)!.end.how, 'held', 'at the wait found to survive, the last connection held to the end');
  }
  t.match(report.verdict.text, /cut when idle: ports 443 and 8200, after between \d\.\d s and \d\.\d s idle/);
  t.match(report.verdict.advice[0]?.text, /nf_conntrack_tcp_timeout_established[\s\S]*A keep-alive every 1\.\d s would survive it/);
});

lab(t, 'a middlebox that resets every connection 2.5 s after it opens: cut by age, not idleness', async (t) => {
  const run = await inNamespace(`
serve poll 127.0.0.2 443
start ${RELAY} 127.0.0.1 443 127.0.0.2 443 lifetime 2500
${POLL}
${HOLD} --ports 443 --for 8s --every 1s --json`);
  t.equal(run.code, 2, run.stderr);
  const report = parseHold(t, run.stdout, run.stderr);
  t.equal(report.verdict.status, 'cut');
  const line = report.lines[0]!;
  t.equal(line.state, 'lifetime-cut', line.why);
  t.ok(line.cutAgesMs.length >= 2 && line.cutAgesMs.every((ms) => ms >= 2400 && ms <= 2700), `cut at ${line.cutAgesMs.join(', ')} ms of age`);
  t.ok(line.sessions.filter((s) => s.end.how === 'cut').every((s) => s.end.how === 'cut' && s.end.kind === 'reset' && s.end.during === 'idle'), 'the resets came unasked, while idle');
  t.equal(line.idle.cutMs, null, 'no idle limit: each was cut after less idle than had come back');
  t.match(report.verdict.text, /cut about 2\.5 s after they open, whatever their traffic/);
  t.match(report.verdict.advice[0]?.text, /Keep-alives do not help/);
});

lab(t, 'squid closing tunnels idle for 3 s: reported as closed by the proxy or the server, and no alarm', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-hold-squid-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const squid = squidLab(dir, {}, 'read_timeout 3 seconds\n');
  const run = await inNamespace(`
serve poll 127.0.0.1 443 8200
${POLL}
${squid.start}
${HOLD} --proxy http://127.0.0.1:${squid.ports.open} --for 12s --every 5s --json`, { timeoutMs: 90_000 });
  t.equal(run.code, 3, run.stderr);
  const report = parseHold(t, run.stdout, run.stderr);
  const [tls, plain] = report.lines;
  t.equal(tls!.path, 'proxy');
  t.equal(tls!.state, 'closed', tls!.why);
  // squid looks at its timeouts once a second, on a clock of whole seconds: the close comes within a second of
  // 3 s, and an exchange can still come back after as long an idle time as a close, give or take that second.
  t.ok(tls!.idle.cutMs! >= 2000 && tls!.idle.cutMs! <= 5100 && tls!.idle.cutMs! > tls!.idle.answeredMs! - 1000, `closed after ${tls!.idle.cutMs} ms idle; an exchange came back after ${tls!.idle.answeredMs} ms`);
  t.match(tls!.why, /by the proxy 127\.0\.0\.1:3128 or GoTo's server behind it/);
  t.equal(plain!.state, 'not-opened', "squid's policy refuses CONNECT to 8200");
  t.match(plain!.why, /403/);
  t.equal(report.verdict.status, 'unknown', 'a close may be the server\'s own: reported, not called a cut');
  t.match(report.verdict.advice.map((a) => a.text).join('\n'), /read_timeout[\s\S]*hold --every/);
});

lab(t, 'a poll server that answers in chunks keeps the rhythm and --for (before: 4 exchanges in 7.1 s, each answer waiting out --timeout)', async (t) => {
  const started = Date.now();
  const run = await inNamespace(`
serve poll-chunked 127.0.0.1 443 8200
${POLL}
${HOLD} --for 6s --every 1s --json`);
  const took = Date.now() - started;
  t.equal(run.code, 0, run.stderr);
  const report = parseHold(t, run.stdout, run.stderr);
  for (const line of report.lines) {
    t.equal(line.state, 'held', `${line.target.port}: ${line.why}`);
    const answered = line.sessions.flatMap((s) => s.answeredMs);
    t.ok(answered.length >= 6, `${line.target.port}: ${answered.length} exchanges in 6 s at 1 s`);
    t.ok(line.idle.answeredMs !== null && line.idle.answeredMs <= 1500, `${line.target.port}: the longest idle ${line.idle.answeredMs} ms, about --every`);
  }
  t.ok(Date.parse(report.finishedAt) - Date.parse(report.startedAt) < 7000, `held for ${Date.parse(report.finishedAt) - Date.parse(report.startedAt)} ms, --for 6s (the whole run took ${took} ms)`);
});

lab(t, 'the path goes down: 443 stays down, 8200 comes back; each is a cut, said with when and how', async (t) => {
  const run = await inNamespace(`
serve poll 127.0.0.1 443 8200
${POLL}
( sleep 2.5; iptables -A OUTPUT -p tcp --dport 443 -j REJECT --reject-with tcp-reset; iptables -A OUTPUT -p tcp --dport 8200 -j REJECT --reject-with tcp-reset
  sleep 2.5; iptables -D OUTPUT -p tcp --dport 8200 -j REJECT --reject-with tcp-reset ) &
${HOLD} --for 12s --every 1s --json`, { timeoutMs: 60_000 });
  t.equal(run.code, 2, run.stderr);
  const report = parseHold(t, run.stdout, run.stderr);
  const [tls, plain] = report.lines;
  t.equal(tls!.state, 'down', tls!.why);
  t.match(tls!.outage, { ended: /^reset \(RST\)/, reopen: /ECONNREFUSED/, backAtMs: null });
  // The rule comes 2.5 s after the namespace starts; the hold starts a little later (Node's start-up, DNS).
  t.ok(tls!.outage!.downAtMs >= 1000 && tls!.outage!.downAtMs <= 4000, `443 went down at ${tls!.outage!.downAtMs} ms, after the rule at 2.5 s`);
  t.match(tls!.why, /it did not come back in the (9|10|11)\.\d s that followed/, 'it stayed down to the end of --for');
  t.ok(tls!.outage!.failures >= 2, `${tls!.outage!.failures} reopens failed`);
  t.equal(plain!.state, 'down', plain!.why);
  t.ok(plain!.outage!.backAtMs !== null && plain!.outage!.backAtMs >= 4000, `8200 came back at ${plain!.outage!.backAtMs} ms, once the rule was gone at 5 s`);
  t.equal(plain!.sessions.at(-1)!.end.how, 'held', 'and then held to the end');
  t.equal(report.verdict.status, 'cut');
  t.match(report.verdict.text, /^The path to GoToMyPC went down on ports 443 and 8200 at \d\.\d s \(reset \(RST\)/);
  t.match(report.verdict.advice[0]?.text, /^Find what went down at \d\.\d s into the hold/);
});
