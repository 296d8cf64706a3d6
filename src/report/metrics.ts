// One run in the Prometheus text exposition format (0.0.4): for node_exporter's textfile collector and serve's /metrics.
// Names follow blackbox_exporter: every series describes the last completed run, and no label carries an address.
import type { Attempt, DnsReport, HoldReport, HoldStatus, RangesInfo, Reason, Status, Summary, Verdict, VerdictStatus } from '../core/types.js';

/** Every metric g2probe exposes, with its type and help: the deploy/ dashboards and alerts are checked against this list. */
export const METRICS = {
  g2probe_build_info: { type: 'gauge', help: 'Always 1; the version of g2probe that ran.' },
  g2probe_port_reachable: { type: 'gauge', help: 'Whether a GoTo server answered on the port in the last run (1) or not (0): blocked, intercepted or unknown. Absent for a port no address that must answer was tried on (unconfirmed).' },
  g2probe_attempts: { type: 'gauge', help: 'Attempts of the last run by port, status and reason (configured path only).' },
  g2probe_connect_duration_seconds: { type: 'histogram', help: 'TCP handshake times of the last run by port, for handshakes that completed.' },
  g2probe_handshakes_retried: { type: 'gauge', help: 'Attempts of the last run whose handshake went unanswered under a learned deadline and was tried again, by whether a retry got an answer (answered: the path lost packets).' },
  g2probe_dns_ok: { type: 'gauge', help: 'Whether the name resolved to a usable address in the last run.' },
  g2probe_verdict: { type: 'gauge', help: "The last run's verdict: 1 for its status, 0 for the others." },
  g2probe_last_run_timestamp_seconds: { type: 'gauge', help: 'When the last run finished, in seconds since the epoch.' },
  g2probe_last_run_duration_seconds: { type: 'gauge', help: 'How long the last run took.' },
  g2probe_ranges_info: { type: 'gauge', help: 'Always 1; where the ranges of the last run came from and their version (a hash of the list).' },
  g2probe_ranges_update_ok: { type: 'gauge', help: 'With --ranges-url: whether the last run fetched a valid list (0: it fell back).' },
  g2probe_runs_total: { type: 'counter', help: 'Runs finished since serve started.' },
} as const;

export type MetricName = keyof typeof METRICS;

/** g2probe hold's metrics (hold --format prometheus, for the textfile collector): one series per connection held. */
export const HOLD_METRICS = {
  g2probe_hold_held: { type: 'gauge', help: 'Whether the connection on the port stayed open for the whole hold (1) or was cut or closed (0). Absent for one that could not be opened or whose server does not answer.' },
  g2probe_hold_cuts: { type: 'gauge', help: 'Connections of the last hold cut or closed unasked, by port and how: reset, silence, closed.' },
  g2probe_hold_down: { type: 'gauge', help: 'Whether the path on the port went down in the last hold: a connection ended and opening it again failed (1), and for how long, in g2probe_hold_down_seconds (to the end when it did not come back).' },
  g2probe_hold_down_seconds: { type: 'gauge', help: 'How long the path on the port was down in the last hold: from the end of the connection to the next one that opened, or to the end of the hold.' },
  g2probe_hold_idle_answered_seconds: { type: 'gauge', help: 'The longest idle time after which an exchange on the port still came back.' },
  g2probe_hold_idle_cut_seconds: { type: 'gauge', help: 'The shortest idle time after which the connection on the port was found cut: the idle limit lies between this and g2probe_hold_idle_answered_seconds.' },
  g2probe_hold_verdict: { type: 'gauge', help: "The last hold's verdict: 1 for its status (held, cut, unknown), 0 for the others." },
  g2probe_hold_duration_seconds: { type: 'gauge', help: 'How long the last hold ran.' },
  g2probe_hold_timestamp_seconds: { type: 'gauge', help: 'When the last hold finished, in seconds since the epoch.' },
} as const;

export type HoldMetricName = keyof typeof HOLD_METRICS;

/** Handshake times from 1 ms (loopback, a LAN proxy) to the longest --timeout anyone should use. */
export const CONNECT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const VERDICTS: readonly VerdictStatus[] = ['ok', 'partial', 'intercepted', 'blocked', 'unknown'];

/** What the metrics need from the attempts, tallied as they finish so no attempt is kept for it. */
export class AttemptTally {
  private readonly byPort = new Map<number, { buckets: number[]; count: number; sum: number }>();
  /** Attempts by port, then `status/reason`: a few cells per port, found without building a key per attempt. */
  private readonly outcomes = new Map<number, Map<Status, Map<Reason, number>>>();

  constructor(ports: readonly number[]) {
    for (const port of ports) this.byPort.set(port, { buckets: CONNECT_BUCKETS.map(() => 0), count: 0, sum: 0 });
  }

  /** The configured path only, as the summary counts it: --compare-direct's extra attempts are left out. */
  add(attempt: Attempt): void {
    if (attempt.comparison) return;
    let byStatus = this.outcomes.get(attempt.port);
    if (!byStatus) this.outcomes.set(attempt.port, (byStatus = new Map()));
    let byReason = byStatus.get(attempt.status);
    if (!byReason) byStatus.set(attempt.status, (byReason = new Map()));
    byReason.set(attempt.reason, (byReason.get(attempt.reason) ?? 0) + 1);
    const cell = this.byPort.get(attempt.port);
    if (attempt.connectMs === null || !cell) return;
    const seconds = attempt.connectMs / 1000;
    cell.count++;
    cell.sum += seconds;
    // Buckets are stored non-cumulative and summed when rendered: one increment per attempt.
    const at = CONNECT_BUCKETS.findIndex((le) => seconds <= le);
    if (at >= 0) cell.buckets[at]!++;
  }

  attempts(): { port: number; status: Status; reason: Reason; count: number }[] {
    const rows = [...this.outcomes].flatMap(([port, byStatus]) =>
      [...byStatus].flatMap(([status, byReason]) => [...byReason].map(([reason, count]) => ({ port, status, reason, count }))));
    return rows.sort((a, b) => a.port - b.port || a.status.localeCompare(b.status) || a.reason.localeCompare(b.reason));
  }

  connectTimes(): [number, { buckets: readonly number[]; count: number; sum: number }][] {
    return [...this.byPort];
  }
}

export interface MetricsRun {
  version: string;
  summary: Summary;
  verdict: Verdict;
  dns: DnsReport | null;
  ranges: RangesInfo;
  tally: AttemptTally;
  finishedAt: Date;
  elapsedMs: number;
}

type Labels = Record<string, string | number>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function series(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`);
  // Every value is a count, a time or a 0/1: always finite, so String() is the exposition's number format.
  return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${value}\n`;
}

/** A metric family: HELP and TYPE, then its samples. A family without samples is left out. */
function family(name: MetricName | HoldMetricName, samples: string[]): string {
  if (samples.length === 0) return '';
  const { type, help } = name in METRICS ? METRICS[name as MetricName] : HOLD_METRICS[name as HoldMetricName];
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${samples.join('')}`;
}

/** The exposition of one run; `runsTotal` only in serve mode, where runs are counted. */
export function renderMetrics(run: MetricsRun | null, version: string, runsTotal: number | null = null): string {
  const out = [family('g2probe_build_info', [series('g2probe_build_info', { version }, 1)])];
  if (runsTotal !== null) out.push(family('g2probe_runs_total', [series('g2probe_runs_total', {}, runsTotal)]));
  if (run) out.push(...runFamilies(run));
  return out.join('');
}

function runFamilies(run: MetricsRun): string[] {
  const { summary, verdict, dns, ranges } = run;
  const attempts = run.tally.attempts().map(({ port, status, reason, count }) => series('g2probe_attempts', { port, status, reason }, count));
  const histogram: string[] = [];
  for (const [port, cell] of run.tally.connectTimes()) {
    let cumulative = 0;
    CONNECT_BUCKETS.forEach((le, i) => {
      cumulative += cell.buckets[i]!;
      histogram.push(series('g2probe_connect_duration_seconds_bucket', { port, le }, cumulative));
    });
    histogram.push(series('g2probe_connect_duration_seconds_bucket', { port, le: '+Inf' }, cell.count));
    histogram.push(series('g2probe_connect_duration_seconds_sum', { port }, cell.sum));
    histogram.push(series('g2probe_connect_duration_seconds_count', { port }, cell.count));
  }
  return [
    // An unconfirmed port is no evidence either way: a 0 would page someone over a retired address.
    family('g2probe_port_reachable', summary.ports.filter((p) => p.state !== 'unconfirmed').map((p) => series('g2probe_port_reachable', { port: p.port }, p.state === 'reachable' ? 1 : 0))),
    family('g2probe_attempts', attempts),
    family('g2probe_connect_duration_seconds', histogram),
    family('g2probe_handshakes_retried', summary.retried ? [
      series('g2probe_handshakes_retried', { outcome: 'answered' }, summary.retried.answered),
      series('g2probe_handshakes_retried', { outcome: 'silent' }, summary.retried.attempts - summary.retried.answered),
    ] : []),
    family('g2probe_dns_ok', (dns?.results ?? []).map((r) => series('g2probe_dns_ok', { host: r.host }, r.status === 'ok' ? 1 : 0))),
    family('g2probe_verdict', VERDICTS.map((status) => series('g2probe_verdict', { status }, verdict.status === status ? 1 : 0))),
    family('g2probe_last_run_timestamp_seconds', [series('g2probe_last_run_timestamp_seconds', {}, run.finishedAt.getTime() / 1000)]),
    family('g2probe_last_run_duration_seconds', [series('g2probe_last_run_duration_seconds', {}, Math.round(run.elapsedMs) / 1000)]),
    family('g2probe_ranges_info', [series('g2probe_ranges_info', { source: ranges.origin, version: ranges.version }, 1)]),
    family('g2probe_ranges_update_ok', ranges.update ? [series('g2probe_ranges_update_ok', {}, ranges.update.ok ? 1 : 0)] : []),
  ];
}

const HOLD_STATUSES: readonly HoldStatus[] = ['held', 'cut', 'unknown'];

export function renderHoldMetrics(report: HoldReport, version: string): string {
  const judged = report.lines.filter((l) => l.state !== 'not-opened' && l.state !== 'unanswered' && l.state !== 'interrupted');
  const cuts = report.lines.flatMap((l) => {
    const counts = new Map<string, number>();
    for (const s of l.sessions) if (s.end.how === 'cut') counts.set(s.end.kind, (counts.get(s.end.kind) ?? 0) + 1);
    return [...counts].map(([kind, n]) => series('g2probe_hold_cuts', { port: l.target.port, kind }, n));
  });
  const seconds = (ms: number): number => Math.round(ms) / 1000;
  return [
    family('g2probe_build_info', [series('g2probe_build_info', { version }, 1)]),
    family('g2probe_hold_held', judged.map((l) => series('g2probe_hold_held', { port: l.target.port, path: l.path }, l.state === 'held' ? 1 : 0))),
    family('g2probe_hold_cuts', cuts),
    family('g2probe_hold_down', judged.map((l) => series('g2probe_hold_down', { port: l.target.port }, l.outage ? 1 : 0))),
    family('g2probe_hold_down_seconds', report.lines.flatMap((l) => (l.outage ? [series('g2probe_hold_down_seconds', { port: l.target.port }, seconds((l.outage.backAtMs ?? l.sessions.at(-1)!.endedAtMs) - l.outage.downAtMs))] : []))),
    family('g2probe_hold_idle_answered_seconds', report.lines.flatMap((l) => (l.idle.answeredMs === null ? [] : [series('g2probe_hold_idle_answered_seconds', { port: l.target.port }, seconds(l.idle.answeredMs))]))),
    family('g2probe_hold_idle_cut_seconds', report.lines.flatMap((l) => (l.idle.cutMs === null ? [] : [series('g2probe_hold_idle_cut_seconds', { port: l.target.port }, seconds(l.idle.cutMs))]))),
    family('g2probe_hold_verdict', HOLD_STATUSES.map((status) => series('g2probe_hold_verdict', { status }, report.verdict.status === status ? 1 : 0))),
    family('g2probe_hold_duration_seconds', [series('g2probe_hold_duration_seconds', {}, seconds(Date.parse(report.finishedAt) - Date.parse(report.startedAt)))]),
    family('g2probe_hold_timestamp_seconds', [series('g2probe_hold_timestamp_seconds', {}, Date.parse(report.finishedAt) / 1000)]),
  ].join('');
}
