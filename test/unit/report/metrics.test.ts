// metrics.ts, duration.ts and listen-address.ts: pure code. Addresses are documentation ranges, parsed and never connected to.
import t from 'tap';
import { formatDuration, parseDuration } from '../../../src/commands/duration.js';
import { formatListen, listenFrom, parseListen } from '../../../src/commands/listen-address.js';
import type { Attempt, RangesInfo, Trace } from '../../../src/core/types.js';
import { classify } from '../../../src/judge/classify.js';
import { SummaryBuilder } from '../../../src/judge/summary.js';
import { decideVerdict } from '../../../src/judge/verdict.js';
import { AttemptTally, CONNECT_BUCKETS, METRICS, renderMetrics, type MetricsRun } from '../../../src/report/metrics.js';
import { parseRange } from '../../../src/targets/ranges.js';
import { assertPromtoolAccepts, parseExposition, valueOf } from '../../helpers/prometheus.js';

const RANGE = parseRange('192.0.2.0/24', { source: 'file', status: 'current' })!;
const PORTS = [80, 443, 8200];
const RANGES: RangesInfo = { origin: 'url', location: 'https://lists.example/goto.txt', lists: [], version: '0123456789ab', count: 1, update: { url: 'https://lists.example/goto.txt', ok: false, fetchedAt: null, warning: 'x' } };

function attempt(ip: string, port: number, connect: Trace['connect'], extra: Partial<Attempt> = {}): Attempt {
  const trace: Trace = { path: 'direct', connect };
  return { ip, port, range: RANGE.cidr, expected: true, path: 'direct', ...classify(trace), ms: 5, connectMs: connect.outcome === 'connected' ? connect.elapsedMs : null, ...extra };
}

function runOf(attempts: Attempt[]): MetricsRun {
  const summary = new SummaryBuilder([RANGE], PORTS, null);
  const tally = new AttemptTally(PORTS);
  for (const a of attempts) {
    if (!a.comparison) summary.add(a);
    tally.add(a);
  }
  const result = summary.summary(null);
  return { version: '1.2.3', summary: result, verdict: decideVerdict(result, null), dns: null, ranges: RANGES, tally, finishedAt: new Date(1_700_000_000_500), elapsedMs: 1234.5 };
}

const ATTEMPTS = [
  attempt('192.0.2.1', 80, { kind: 'tcp', outcome: 'connected', elapsedMs: 0.4, localAddress: '127.0.0.1', localPort: 40000 }),
  attempt('192.0.2.2', 80, { kind: 'tcp', outcome: 'connected', elapsedMs: 30, localAddress: '127.0.0.1', localPort: 40000 }),
  attempt('192.0.2.3', 80, { kind: 'tcp', outcome: 'failed', code: 'ECONNREFUSED', elapsedMs: 0.2 }),
  attempt('192.0.2.1', 443, { kind: 'tcp', outcome: 'timeout', elapsedMs: 3000 }),
  attempt('192.0.2.2', 443, { kind: 'tcp', outcome: 'connected', elapsedMs: 12_000, localAddress: '127.0.0.1', localPort: 40000 }),
  attempt('192.0.2.1', 8200, { kind: 'tcp', outcome: 'failed', code: 'EMFILE', elapsedMs: 0.1 }),
  // --compare-direct's extra attempt: not in the configured path's numbers.
  attempt('192.0.2.9', 80, { kind: 'tcp', outcome: 'connected', elapsedMs: 1, localAddress: '127.0.0.1', localPort: 40000 }, { comparison: true }),
];

t.test('the exposition of a run: every family, the configured path only, cumulative buckets', async (t) => {
  const text = renderMetrics(runOf(ATTEMPTS), '1.2.3');
  const samples = parseExposition(text);
  t.equal(valueOf(samples, 'g2probe_build_info', { version: '1.2.3' }), 1);
  t.equal(valueOf(samples, 'g2probe_port_reachable', { port: 80 }), 1);
  t.equal(valueOf(samples, 'g2probe_port_reachable', { port: 8200 }), 0, 'a local fault is not reachable');
  t.same(samples.filter((s) => s.name === 'g2probe_attempts').map((s) => [s.labels.port, s.labels.status, s.labels.reason, s.value]), [
    ['80', 'blocked', 'refused', 1], ['80', 'ok', 'connected', 2], ['443', 'ok', 'connected', 1], ['443', 'timeout', 'no-answer', 1], ['8200', 'error', 'resource-exhausted', 1],
  ], 'one series per port, status and reason seen; the comparison attempt left out');
  const buckets = samples.filter((s) => s.name === 'g2probe_connect_duration_seconds_bucket' && s.labels.port === '80');
  t.equal(buckets.length, CONNECT_BUCKETS.length + 1, 'every bucket and +Inf');
  t.same(buckets.map((b) => b.value), [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2], 'cumulative: 0.4 ms in the first bucket, 30 ms in le=0.05');
  t.equal(valueOf(samples, 'g2probe_connect_duration_seconds_bucket', { port: 443, le: '10' }), 0, 'a 12 s handshake lies beyond the last bucket');
  t.equal(valueOf(samples, 'g2probe_connect_duration_seconds_bucket', { port: 443, le: '+Inf' }), 1);
  t.equal(valueOf(samples, 'g2probe_connect_duration_seconds_count', { port: 443 }), 1, 'the timeout made no handshake');
  t.equal(valueOf(samples, 'g2probe_connect_duration_seconds_sum', { port: 80 }), 0.0304);
  const run = runOf(ATTEMPTS);
  t.same(samples.filter((s) => s.name === 'g2probe_verdict').map((s) => [s.labels.status, s.value]),
    ['ok', 'partial', 'intercepted', 'blocked', 'unknown'].map((status) => [status, status === run.verdict.status ? 1 : 0]), `one series per verdict, 1 for ${run.verdict.status}`);
  t.equal(valueOf(samples, 'g2probe_last_run_timestamp_seconds'), 1_700_000_000.5);
  t.equal(valueOf(samples, 'g2probe_last_run_duration_seconds'), 1.235);
  t.equal(valueOf(samples, 'g2probe_ranges_info', { source: 'url', version: '0123456789ab' }), 1);
  t.equal(valueOf(samples, 'g2probe_ranges_update_ok'), 0);
  t.notMatch(text, /g2probe_dns_ok|g2probe_runs_total|g2probe_handshakes_retried/, 'families without samples are left out');
  assertPromtoolAccepts(t, text, 'a rich run');
});

t.test('retried handshakes: answered and silent, from the summary', async (t) => {
  const run = runOf(ATTEMPTS);
  const text = renderMetrics({ ...run, summary: { ...run.summary, retried: { attempts: 40, answered: 3 } } }, '1');
  const samples = parseExposition(text);
  t.equal(valueOf(samples, 'g2probe_handshakes_retried', { outcome: 'answered' }), 3);
  t.equal(valueOf(samples, 'g2probe_handshakes_retried', { outcome: 'silent' }), 37);
  assertPromtoolAccepts(t, text, 'with retries');
});

t.test('before any run, serve exposes only what it knows', async (t) => {
  const text = renderMetrics(null, '1.2.3', 0);
  t.same(parseExposition(text).map((s) => s.name), ['g2probe_build_info', 'g2probe_runs_total']);
  assertPromtoolAccepts(t, text, 'the exposition before the first run');
});

t.test('every family declares the type its samples need; label values are escaped', async (t) => {
  for (const [name, { type, help }] of Object.entries(METRICS)) {
    t.match(name, /^g2probe_[a-z_]+$/);
    t.ok(['gauge', 'counter', 'histogram'].includes(type), name);
    t.notMatch(help, /[\\\n]/, `${name}: HELP needs no escaping`);
    if (type === 'counter') t.match(name, /_total$/, `${name}: a counter ends in _total`);
  }
  const run = runOf(ATTEMPTS);
  const odd = { ...run, ranges: { ...run.ranges, version: 'a"b\\c\nd' } };
  t.match(renderMetrics(odd, '1'), 'g2probe_ranges_info{source="url",version="a\\"b\\\\c\\nd"} 1');
});

t.test('durations', async (t) => {
  t.equal(parseDuration('5m', '--every', 1000, 86_400_000), 300_000);
  t.equal(parseDuration('1.5s', '--every', 1000, 86_400_000), 1500);
  t.equal(parseDuration('250ms', '--jitter', 0, 1000), 250);
  t.equal(parseDuration('0s', '--jitter', 0, 1000), 0);
  t.equal(parseDuration('2h', '--every', 1000, 86_400_000), 7_200_000);
  for (const bad of ['5', '5 m', '-1s', '5min', '', 'm', '25h', '999ms']) {
    t.throws(() => parseDuration(bad, '--every', 1000, 86_400_000), /^bad --every value .*: give a duration from 1s to 24h/, bad);
  }
  t.same([300_000, 30_000, 1500, 7_200_000, 0].map(formatDuration), ['5m', '30s', '1500ms', '2h', '0s']);
});

t.test('listen addresses', async (t) => {
  t.same(parseListen('127.0.0.1:9815', '--listen'), { host: '127.0.0.1', port: 9815 });
  t.same(parseListen(':9815', '--listen'), { host: '0.0.0.0', port: 9815 });
  t.same(parseListen('[::1]:0', '--listen'), { host: '::1', port: 0 });
  t.same(parseListen('localhost:80', '--listen'), { host: 'localhost', port: 80 });
  for (const bad of ['127.0.0.1', '::1:9815', 'example.com:80', '127.0.0.1:65536', '127.0.0.1:x', '']) {
    t.throws(() => parseListen(bad, '--listen'), /^bad --listen value .*: give ADDRESS:PORT/, bad);
  }
  t.same(listenFrom(undefined, {}), { host: '0.0.0.0', port: 9815 }, 'the default');
  t.same(listenFrom(undefined, { G2PROBE_LISTEN: '127.0.0.1:9900' }), { host: '127.0.0.1', port: 9900 }, 'G2PROBE_LISTEN');
  t.same(listenFrom('[::1]:1', { G2PROBE_LISTEN: '127.0.0.1:9900' }), { host: '::1', port: 1 }, 'the flag wins');
  t.throws(() => listenFrom(undefined, { G2PROBE_LISTEN: 'nope' }), /bad G2PROBE_LISTEN value "nope"/);
  t.equal(formatListen({ host: '::1', port: 9815 }), '[::1]:9815');
});
