// judge/hold.ts: what held connections' sessions mean, and the verdict. Pure: sessions are written by hand.
// Both ways: what a healthy estate does (servers that keep or end their connections) is never a cut; a reset or
// a silence after more idle than came back is, with the span; a close is reported but never called a cut.
import fc from 'fast-check';
import t from 'tap';
import type { DnsReport, HoldEnd, HoldEvent, HoldLine, HoldOptions, HoldSession } from '../../../src/core/types.js';
import { holdVerdict, judgeLine, type LineInput } from '../../../src/judge/hold.js';
import { renderHoldMetrics } from '../../../src/report/metrics.js';
import { renderHoldText } from '../../../src/report/hold-text.js';
import { renderHoldHtml } from '../../../src/report/hold-html.js';
import { heldTargets } from '../../../src/commands/hold.js';
import { builtinRanges } from '../../../src/targets/ranges.js';

const OPTIONS: HoldOptions = {
  forMs: 900_000, everyMs: 60_000, timeoutMs: 3000, ports: [443, 8200], hosts: ['poll.gotomypc.com'], role: 'host', servername: 'www.gotomypc.com',
  dnsServer: null, loopbackOnly: false, proxies: { http: null, https: null, noProxy: null, pac: null }, systemProxy: true,
};

function session(openedAtMs: number, endedAtMs: number, answeredMs: number[], end: HoldEnd, idleMs = 0): HoldSession {
  return { openedAtMs, endedAtMs, openMs: 20, local: '127.0.0.1:50000', answeredMs, idleMs, end };
}
const cut = (kind: 'reset' | 'silence' | 'closed', during: 'idle' | 'exchange' = 'exchange'): HoldEnd => ({ how: 'cut', kind, during, why: 'test' });

function line(sessions: HoldSession[], port = 443, proxy: string | null = null): HoldLine {
  const input: LineInput = { target: { ip: '127.0.0.1', port, host: 'poll.gotomypc.com', range: null, source: 'test' }, path: proxy ? 'proxy' : 'direct', proxy, route: 'direct', sessions };
  return judgeLine(input);
}

t.test('held: one connection answering every minute, or a server that closes after each answer', async (t) => {
  const kept = line([session(0, 900_000, [0, 60_000, 60_000], { how: 'held' })]);
  t.equal(kept.state, 'held');
  t.same(kept.idle, { answeredMs: 60_000, cutMs: null });
  const ended = line([session(0, 60_100, [0], { how: 'ended', why: 'said close' }), session(60_100, 120_200, [60_000], { how: 'ended', why: 'said close' }), session(120_200, 900_000, [60_000], { how: 'held' })]);
  t.equal(ended.state, 'held', ended.why);
  t.match(ended.why, /on 3 connections \(the server closed each after answering\)/);
  const verdict = holdVerdict([kept, line([session(0, 900_000, [0, 60_000], { how: 'held' })], 8200)], [], OPTIONS, false);
  t.same([verdict.status, verdict.exitCode], ['held', 0]);
  t.match(verdict.text, /^Every connection to GoToMyPC stayed open for 15m, with an exchange every 1m/);
});

t.test('idle cut: silence after more idle than came back, the span between', async (t) => {
  const l = line([
    session(0, 60_000, [0], cut('silence'), 60_000),
    session(63_000, 96_000, [30_000], cut('silence'), 45_000),
    session(99_000, 900_000, [15_000, 15_000], { how: 'held' }),
  ]);
  t.equal(l.state, 'idle-cut');
  t.same(l.idle, { answeredMs: 30_000, cutMs: 45_000 });
  t.match(l.why, /between 30 s and 45 s idle: silence/);
  const v = holdVerdict([l], [], OPTIONS, false);
  t.same([v.status, v.exitCode], ['cut', 2]);
  t.match(v.text, /cut when idle: port 443, after between 30 s and 45 s idle/);
  t.match(v.advice[0]!.text, /nf_conntrack_tcp_timeout_established[\s\S]*A keep-alive every 15 s would survive it/);
  const proxied = holdVerdict([line([session(0, 60_000, [0, 20_000], cut('reset'), 40_000), session(60_000, 110_000, [], cut('reset'), 40_000)], 443, '127.0.0.1:3128')], [], OPTIONS, false);
  t.match(proxied.advice[0]!.text, /CONNECT tunnels to GoTo on the proxy 127\.0\.0\.1:3128[\s\S]*read_timeout/);
});

t.test('down: a connection ends and cannot be opened again; whether and when it came back', async (t) => {
  const refused = (at: number): HoldSession => ({ openedAtMs: at, endedAtMs: at + 1, openMs: null, local: null, answeredMs: [], idleMs: 0, end: { how: 'not-opened', stage: 'connect', why: 'the handshake failed (ECONNREFUSED)' } });
  const stayed = line([session(0, 4_200, [0, 1_000, 1_000], cut('reset', 'exchange'), 1_000), refused(4_200), refused(9_200), refused(14_200)], 8200);
  t.equal(stayed.state, 'down', 'the one fact that matters: it went down and did not come back (today: cut-once, "a passing fault")');
  t.same(stayed.outage, { downAtMs: 4_200, ended: 'reset (RST) in place of an answer', reopen: 'connect: the handshake failed (ECONNREFUSED)', failures: 3, backAtMs: null });
  t.match(stayed.why, /went down at 4\.2 s: the connection met reset \(RST\) in place of an answer, and 3 reopens failed \(connect: the handshake failed \(ECONNREFUSED\)\); it did not come back/);
  const v = holdVerdict([stayed], [], OPTIONS, false);
  t.same([v.status, v.exitCode], ['cut', 2]);
  t.match(v.text, /^The path to GoToMyPC went down on port 8200 at 4\.2 s \(reset \(RST\) in place of an answer\) and did not come back: 3 reopens failed/);
  t.match(v.advice[0]!.text, /^Find what went down at 4\.2 s into the hold: the connection on port 8200 ended and could not be opened again/);
  const back = line([session(0, 4_000, [0, 1_000], cut('silence'), 1_000), refused(4_000), session(9_000, 20_000, [0, 1_000], { how: 'held' })]);
  t.equal(back.state, 'down');
  t.same([back.outage?.failures, back.outage?.backAtMs], [1, 9_000]);
  t.match(back.why, /it came back at 9\.0 s, 5\.0 s later/);
  t.match(holdVerdict([back], [], OPTIONS, false).text, /and came back 5\.0 s later: the reopen failed/);
  t.match(renderHoldMetrics({ schemaVersion: 1, kind: 'hold', tool: { name: 'g2probe', version: '0' }, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:20Z', interrupted: false, options: OPTIONS, dns: null, proxyPaths: [], lines: [back], events: [], verdict: holdVerdict([back], [], OPTIONS, false) }, '0'),
    /g2probe_hold_down\{port="443"\} 1[\s\S]*g2probe_hold_down_seconds\{port="443"\} 5/);
  const neverOpened = line([refused(0)]);
  t.equal(neverOpened.state, 'not-opened', 'a line that never opened did not go down: it never came up');
});

t.test('cut by age: less idle than came back elsewhere', async (t) => {
  const l = line([session(0, 300_000, [0, 60_000, 60_000, 60_000, 60_000], cut('reset', 'idle'), 59_000), session(300_000, 600_000, [60_000], cut('reset', 'idle'), 30_000)]);
  t.equal(l.state, 'lifetime-cut');
  t.same(l.cutAgesMs, [300_000, 300_000]);
  t.match(l.why, /cut 2 times, each about 5m00s after opening/);
  const v = holdVerdict([l], [], OPTIONS, false);
  t.equal(v.status, 'cut');
  t.match(v.advice[0]!.text, /Keep-alives do not help/);
});

t.test('one cut that the same wait does not bring back is no limit: reported, not called a cut', async (t) => {
  // A slow answer at 60 s: the search narrows, then waits 60 s once more, and that comes back.
  const l = line([session(0, 63_000, [0], cut('silence'), 60_000), session(63_000, 900_000, [30_000, 45_000, 52_000, 56_000, 60_000, 28_000], { how: 'held' })]);
  t.equal(l.state, 'cut-once', l.why);
  t.match(l.why, /cut once, 63 s after opening, after 60 s idle: silence .*a passing fault or a slow answer, not a limit/);
  const v = holdVerdict([l], [], OPTIONS, false);
  t.same([v.status, v.exitCode], ['unknown', 3]);
  t.match(v.advice[0]!.text, /^Hold again, for longer/);
  t.equal(line([session(0, 300_000, [0, 60_000], cut('reset', 'idle'), 30_000), session(300_000, 900_000, [60_000], { how: 'held' })]).state, 'cut-once', 'one reset by age, not repeated: not a lifetime');
});

t.test('a close is reported, never called a cut: the server may end its own connections', async (t) => {
  const l = line([session(0, 45_000, [0], cut('closed', 'idle'), 45_000), session(45_000, 900_000, [22_500, 22_500], { how: 'held' })], 443, '127.0.0.1:3128');
  t.equal(l.state, 'closed');
  t.match(l.why, /by the proxy 127\.0\.0\.1:3128 or GoTo's server behind it/);
  const v = holdVerdict([l], [], OPTIONS, false);
  t.same([v.status, v.exitCode], ['unknown', 3]);
  t.match(v.advice[0]!.text, /hold --every 22s/);
});

t.test('nothing to hold: not opened, no answer to the ping, stopped early, a name with no address', async (t) => {
  const notOpened = line([{ openedAtMs: 0, endedAtMs: 3000, openMs: null, local: null, answeredMs: [], idleMs: 0, end: { how: 'not-opened', stage: 'connect', why: 'no answer to the handshake' } }], 8200);
  t.equal(notOpened.state, 'not-opened');
  const unanswered = line([session(0, 3000, [], cut('silence'))]);
  t.equal(unanswered.state, 'unanswered', 'silence at once proves nothing about holding');
  const both = holdVerdict([notOpened, unanswered], [], OPTIONS, false);
  t.same([both.status, both.exitCode], ['unknown', 3]);
  t.equal(holdVerdict([line([session(0, 900_000, [0, 60_000], { how: 'held' })]), notOpened], [], OPTIONS, false).status, 'held', 'what opened held; the port that did not open is a step, not a cut');
  const stopped = line([session(0, 120_000, [0, 60_000, 60_000], { how: 'interrupted' })]);
  t.equal(stopped.state, 'interrupted');
  t.equal(holdVerdict([stopped], [], OPTIONS, true).status, 'unknown');
  const dns: DnsReport = { server: 'system', results: [{ host: 'poll.gotomypc.com', use: 'poll', ports: [443], essential: true, status: 'blocked', reason: 'dns-nxdomain', addresses: [], evidence: { stage: 'dns', code: 'ENOTFOUND', elapsedMs: 3, why: 'NXDOMAIN' } }] };
  t.match(holdVerdict([], [], OPTIONS, false, dns).advice[0]!.text, /Run g2probe to see why poll\.gotomypc\.com gave no address/);
});

t.test("a cut after this PC's address went away, or after GoTo moved the name, is not the path's limit", async (t) => {
  const l = line([session(0, 130_000, [0, 30_000], cut('silence'), 60_000), session(130_000, 200_000, [], cut('silence'), 60_000), session(200_000, 900_000, [30_000], { how: 'held' })]);
  const local: HoldEvent = { atMs: 100_000, kind: 'local-address', text: "this PC's address 192.0.2.7 went away" };
  const moved: HoldEvent = { atMs: 100_000, kind: 'dns-change', text: 'poll.gotomypc.com now resolves to 127.0.0.9' };
  const v1 = holdVerdict([l], [local], OPTIONS, false);
  t.equal(v1.status, 'cut');
  t.match(v1.text, /this PC's own address changed/);
  const v2 = holdVerdict([l], [moved], OPTIONS, false);
  t.equal(v2.status, 'unknown');
  t.match(v2.advice.map((a) => a.text).join(' '), /GoTo moved poll\.gotomypc\.com/);
});

t.test('whatever the sessions, only a reset, a silence, or a reopen that failed after an open connection can make a cut', async () => {
  const notOpened: HoldEnd = { how: 'not-opened', stage: 'connect', why: 'refused' };
  const end = fc.constantFrom<HoldEnd>({ how: 'held' }, { how: 'ended', why: 'x' }, { how: 'interrupted' }, cut('closed', 'idle'), cut('closed'), cut('reset'), cut('silence'), cut('reset', 'idle'), notOpened);
  const s = fc.record({ answered: fc.array(fc.integer({ min: 0, max: 900_000 }), { maxLength: 4 }), end, idle: fc.integer({ min: 0, max: 900_000 }) });
  fc.assert(fc.property(fc.array(s, { minLength: 1, maxLength: 6 }), (specs) => {
    const sessions = specs.map((x, i) => ({ ...session(i * 1000, i * 1000 + 500, x.end.how === 'not-opened' ? [] : x.answered, x.end, x.idle), ...(x.end.how === 'not-opened' ? { openMs: null } : {}) }));
    const v = holdVerdict([line(sessions)], [], OPTIONS, false);
    const alarming = specs.some((x) => x.end.how === 'cut' && x.end.kind !== 'closed');
    const wentDown = specs.some((x, i) => x.end.how === 'not-opened' && specs.slice(0, i).some((o) => o.end.how !== 'not-opened'));
    return v.status !== 'cut' || alarming || wentDown;
  }), { numRuns: 2000 });
});

t.test('the text, metrics and page of a report escape what came from the network', async (t) => {
  const l = line([session(0, 60_000, [0], cut('silence'), 60_000), session(60_000, 120_000, [], cut('silence'), 60_000), session(120_000, 900_000, [30_000], { how: 'held' })]);
  l.target.host = 'evil\x1b[2J<script>.example';
  const report = { schemaVersion: 1 as const, kind: 'hold' as const, tool: { name: 'g2probe', version: 't' }, startedAt: '2026-12-01T00:00:00.000Z', finishedAt: '2026-12-01T00:15:00.000Z', interrupted: false, options: OPTIONS, dns: null, proxyPaths: [], lines: [l], events: [], verdict: holdVerdict([l], [], OPTIONS, false) };
  t.match(renderHoldText(report), /^g2probe t hold: 1 connection for 15m, an exchange every 1m/);
  t.match(renderHoldText(report), /CUT: Connections to GoToMyPC are cut when idle/);
  const page = renderHoldHtml(report);
  t.notMatch(page, /<script>/);
  t.match(page, /evil\\x1b\[2J&lt;script&gt;\.example/);
  t.match(page, /class="verdict s-blocked"/);
  const metrics = renderHoldMetrics(report, 't');
  t.match(metrics, /g2probe_hold_held\{port="443",path="direct"\} 0/);
  t.match(metrics, /g2probe_hold_cuts\{port="443",kind="silence"\} 2/);
  t.match(metrics, /g2probe_hold_idle_cut_seconds\{port="443"\} 60/);
  t.match(metrics, /g2probe_hold_verdict\{status="cut"\} 1/);
});

t.test('the held targets: poll.gotomypc.com on 443, an address of a range documented for 8200 on 8200', async (t) => {
  const dns: DnsReport = { server: 'system', results: [{ host: 'poll.gotomypc.com', use: 'poll', ports: [443], essential: true, status: 'ok', reason: 'resolved', addresses: [{ ip: '127.0.0.9', range: null, sinkhole: null, probed: true }], evidence: { stage: 'dns', code: null, elapsedMs: 3, why: 'ok' } }] };
  const targets = heldTargets(dns, false, [443, 8200], builtinRanges(), 'g2probe');
  t.same(targets.map((x) => [x.port, x.host, x.ip === '127.0.0.9']), [[443, 'poll.gotomypc.com', true], [8200, null, false]]);
  t.match(targets[1]!.source, /a range documented for port 8200/);
  t.same(heldTargets(dns, true, [443, 8200], [], 'g2probe').map((x) => [x.port, x.host]), [[443, 'poll.gotomypc.com'], [8200, 'poll.gotomypc.com']], '--hosts: every port');
});
