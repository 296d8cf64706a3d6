// `g2probe serve`: a probe on a schedule, never two at once, with the last whole run served over HTTP
// for Prometheus (/metrics), for people (the report page at /), for tickets (/report.json), and for the
// container's health check.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LevelWithSilent, Logger } from 'pino';
import { UsageError, fail } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { lockToLoopback } from '../net/dialer.js';
import { assertRunTargets } from '../net/guard.js';
import { openFileLimit } from '../pc/open-files.js';
import { TrustStore } from '../pc/trust-store.js';
import { fitsOpenFiles } from '../probe/concurrency.js';
import { PAGE_HEADERS, PageRows, renderHtml } from '../report/html.js';
import { renderMetrics, type MetricsRun } from '../report/metrics.js';
import { writeStdout } from '../report/output.js';
import { WAIT_REFRESH_S, renderWaitingHtml, type RunStanding } from '../report/serve-html.js';
import { reportOf, runProbe } from '../run.js';
import { buildPlan } from '../targets/plan.js';
import { loadRangeList } from '../targets/range-list.js';
import { builtinRanges, loadRangesFile } from '../targets/ranges.js';
import { askProxyPassword } from './password.js';
import { PROBE_SPEC, parseProbeFlags, type ProbeCommandOptions } from './args.js';
import { formatDuration, parseDuration } from './duration.js';
import { parseFlags } from './flags.js';
import { DEFAULT_LISTEN, formatListen, listenFrom, type ListenAddress } from './listen-address.js';
import { createLogger } from './log.js';
import { ConnectionCap, SERVE_TIMEOUTS, connectionCap, serverOptions } from './serve-connections.js';

/** EX_UNAVAILABLE: the address to listen on is taken or not allowed. */
const EXIT_UNAVAILABLE = 69;
/** SIGTERM must end the process within a second: runs are cut, and this is the backstop. */
const SHUTDOWN_LIMIT_MS = 900;

const SPEC = {
  ...PROBE_SPEC,
  listen: { type: 'string' },
  every: { type: 'string' },
  jitter: { type: 'string' },
} as const;

export const SERVE_HELP = `Usage: g2probe serve [--listen ADDR:PORT] [--every 5m] [--jitter 30s] [probe options]

Runs the probe on a schedule and serves the last whole run over HTTP, for
Prometheus and for people. One run at a time: a run that outlasts --every
delays the next one. SIGTERM or Ctrl-C stops within a second; a run cut short
is dropped, so / and /report.json always hold a whole report.

  GET /              the last run's report as a web page (as --html writes
  GET /report.html   it): the verdict, what to do, the evidence; until a run
                     has finished, a page saying when the first is due (503)
  GET /metrics       the last run in Prometheus text format (as --format
                     prometheus prints it), plus g2probe_runs_total
  GET /report.json   the last run's JSON report (503 until one has finished)
  GET /healthz       200 while the scheduler runs on time; it says nothing
                     about the network: a blocked port is a metric, not a fault

Options
  --listen ADDR:PORT  where to serve (default ${DEFAULT_LISTEN}, or
                      G2PROBE_LISTEN); :PORT means every interface
  --every DURATION    time from the start of one run to the next
                      (default 5m; from 1s to 24h)
  --jitter DURATION   each run starts up to this much later, at random, so a
                      fleet restarted together does not probe in step
                      (default a tenth of --every, at most 30s)

Every option of g2probe that says what and how to probe applies to each run
(--ranges, --ranges-url, --ranges-cache, --ports, --role, --proxy, --timeout,
--concurrency, …: g2probe --help). With --ranges-url the list is fetched again
before every run.

Anyone who reaches the port may connect, so each connection is bounded: a
request's head must arrive within 10s (a client that sends nothing, or a byte
at a time, is cut), a kept connection idle 5s is closed, and so is one where
nothing moves for 30s. At most a quarter of the open-file limit (8 to 1024)
is kept as connections, the rest left to the runs: at the cap, a new
connection closes the longest idle one of the address holding the most.

Examples
  g2probe serve --every 5m --role host
  g2probe serve --listen 127.0.0.1:9815 --every 1m --ranges-url https://intranet.example/goto.txt --ranges-cache /var/cache/g2probe

Exit codes: 0 stopped by SIGTERM or Ctrl-C, 64 usage error, 69 cannot listen.
`;

interface ServeOptions {
  probe: ProbeCommandOptions;
  logLevel: LevelWithSilent;
  listen: ListenAddress;
  everyMs: number;
  jitterMs: number;
}

function parseServe(argv: readonly string[], env: NodeJS.ProcessEnv): ServeOptions | 'help' | 'version' {
  const values = parseFlags(argv, SPEC, { command: 'g2probe serve', secret: { flag: '--proxy-user', form: 'USER:PASSWORD' } });
  const probe = parseProbeFlags(values, env);
  if (probe.help) return 'help';
  if (probe.version) return 'version';
  const everyMs = values.every === undefined ? 300_000 : parseDuration(values.every, '--every', 1000, 86_400_000);
  const jitterMs = values.jitter === undefined ? Math.min(everyMs / 10, 30_000) : parseDuration(values.jitter, '--jitter', 0, everyMs);
  // A service's logs are read by machines: `info` by default, so each run leaves a line.
  const logLevel = values['log-level'] === undefined ? 'info' : probe.logLevel;
  return { probe, logLevel, listen: listenFrom(values.listen, env), everyMs, jitterMs };
}

/** What the endpoints serve: swapped whole when a run finishes, so a reader never sees half of one. */
interface Latest {
  json: string;
  metrics: MetricsRun;
  /** The report page, made once per run rather than per request. */
  page: string;
}

export async function serveCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const options = parseServe(argv, env);
  if (options === 'help' || options === 'version') {
    writeStdout(options === 'help' ? SERVE_HELP : `${VERSION}\n`);
    return 0;
  }
  // A bad --ranges file, or ranges the guard refuses, stop serve at the start rather than at every run.
  const { probe, rangesUrl } = options.probe;
  const fixed = probe.rangesFile ? loadRangesFile(probe.rangesFile) : rangesUrl ? null : builtinRanges();
  if (probe.loopbackOnly) {
    lockToLoopback();
    assertRunTargets(options.probe, rangesUrl ? null : fixed);
  }
  if (!(await askProxyPassword(options.probe.routes))) return 130;
  // JSON always, even on a terminal: a service's logs are read by machines.
  const log = createLogger(options.logLevel, false);
  return new Service(options, env, log).start();
}

class Service {
  private latest: Latest | null = null;
  private runs = 0;
  private running: { since: number } | null = null;
  /** When the next run is to start: the waiting page says it. */
  private dueAt: number | null = null;
  private lastFinished: number | null = null;
  private readonly startedAt = Date.now();
  private readonly stop = new AbortController();
  private readonly server: Server;
  private readonly openFiles = openFileLimit();
  private readonly cap = connectionCap(this.openFiles);
  private acceptFailedAt = -Infinity;

  constructor(private readonly options: ServeOptions, private readonly env: NodeJS.ProcessEnv, private readonly log: Logger) {
    this.server = createServer(serverOptions(), (req, res) => this.handle(req, res));
    // No listener for 'timeout': Node closes the socket.
    this.server.setTimeout(SERVE_TIMEOUTS.idleMs);
    new ConnectionCap(this.server, this.cap, (pressure) => {
      this.log.warn(pressure, `${this.cap} connections open, the most serve keeps: the longest idle ones are closed to let new ones in (a flood of clients that send nothing?)`);
    });
  }

  async start(): Promise<number> {
    const { host, port } = this.options.listen;
    const failure = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      this.server.once('error', resolve);
      this.server.listen(port, host, () => resolve(null));
    });
    if (failure) {
      const why = failure.code === 'EADDRINUSE' ? 'the address is in use' : failure.code === 'EACCES' ? 'permission denied' : failure.code ?? failure.message;
      fail(`cannot listen on ${formatListen(this.options.listen)}: ${why}`);
      return EXIT_UNAVAILABLE;
    }
    // Past the start, an error is a connection that could not be accepted (EMFILE): said, and serving goes on.
    this.server.on('error', (err: NodeJS.ErrnoException) => {
      const now = Date.now();
      if (now - this.acceptFailedAt < 60_000) return;
      this.acceptFailedAt = now;
      this.log.error({ code: err.code ?? err.message }, 'cannot accept a connection');
    });
    const address = this.server.address();
    const bound = typeof address === 'object' && address ? { host: address.address, port: address.port } : this.options.listen;
    this.log.info({
      listen: formatListen(bound), every: formatDuration(this.options.everyMs), jitter: formatDuration(Math.round(this.options.jitterMs)),
      maxConnections: this.cap, openFiles: this.openFiles,
    }, 'serving /, /metrics, /report.json and /healthz');
    this.warnIfConcurrencyCrowds();

    const stopped = new Promise<void>((resolve) => {
      const onSignal = (signal: NodeJS.Signals): void => {
        process.removeListener('SIGTERM', onSignal);
        process.removeListener('SIGINT', onSignal);
        this.log.info({ signal }, 'stopping');
        // A second signal leaves at once; the backstop leaves if something still holds the loop.
        for (const again of ['SIGTERM', 'SIGINT'] as const) process.once(again, () => process.exit(0));
        setTimeout(() => {
          this.log.warn({ afterMs: SHUTDOWN_LIMIT_MS }, 'stopping: leaving before every socket closed');
          process.exit(0);
        }, SHUTDOWN_LIMIT_MS).unref();
        this.stop.abort();
        this.server.close();
        this.server.closeAllConnections();
        resolve();
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    });
    const scheduled = this.schedule().catch((err: unknown) => {
      // A bug in a run must not leave a server up that no longer probes.
      this.server.close();
      this.server.closeAllConnections();
      throw err;
    });
    await Promise.all([scheduled, stopped]);
    return 0;
  }

  /** Fixed-rate slots `every` apart, each run started up to `jitter` into its slot; slots a long run overlapped are skipped. */
  private async schedule(): Promise<void> {
    const { everyMs, jitterMs } = this.options;
    let slot = Date.now();
    while (!this.stop.signal.aborted) {
      this.dueAt = slot + Math.random() * jitterMs;
      await this.sleep(this.dueAt - Date.now());
      if (this.stop.signal.aborted) return;
      await this.runOnce();
      slot += everyMs;
      const now = Date.now();
      if (now > slot) {
        const missed = Math.ceil((now - slot) / everyMs);
        this.log.warn({ missed, every: formatDuration(everyMs) }, 'a run took longer than --every: skipping to the next slot');
        slot += missed * everyMs;
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.stop.signal.addEventListener('abort', done, { once: true });
    });
  }

  private async runOnce(): Promise<void> {
    const { probe } = this.options;
    this.running = { since: Date.now() };
    try {
      const rangeList = await loadRangeList(probe, this.log, this.stop.signal);
      if (probe.probe.loopbackOnly) assertRunTargets(probe, rangeList.ranges);
      const plan = buildPlan(rangeList.ranges, probe.probe);
      const trust = TrustStore.fromOptions(this.env, probe.probe.tlsRoots);
      const chunks: string[] = [];
      const rows = new PageRows();
      const result = await runProbe({
        options: probe, rangeList, plan, trust, env: this.env, log: this.log, signal: this.stop.signal, report: (chunk) => { chunks.push(chunk); },
        openFiles: this.runsShare(), onAttempt: rows.keep,
      });
      if (result.interrupted) {
        this.log.info({ attempts: result.summary.total, planned: result.planned }, 'run cut short by the stop: not published');
        return;
      }
      this.latest = { json: chunks.join(''), metrics: { ...result, version: VERSION }, page: renderHtml(reportOf(result, probe, rows.kept), rows.made) };
      this.runs++;
      this.lastFinished = Date.now();
    } catch (err) {
      // A run that cannot start (a --ranges file gone, the guard refusing a fallback list) is logged; the schedule goes on.
      if (!(err instanceof UsageError)) throw err;
      this.log.error({ why: err.message }, 'run not started');
    } finally {
      this.running = null;
    }
  }

  /** The open files a run may fill: the limit less the connections serve keeps. */
  private runsShare(): number | null {
    return this.openFiles === null ? null : this.openFiles - this.cap;
  }

  /** A --concurrency given by hand is kept; when its sockets may not fit beside the connections, that is said once. */
  private warnIfConcurrencyCrowds(): void {
    const share = this.runsShare();
    const { concurrencyGiven, probe } = this.options.probe;
    if (concurrencyGiven === false || fitsOpenFiles(probe.concurrency, share)) return;
    this.log.warn({ concurrency: probe.concurrency, openFiles: this.openFiles, maxConnections: this.cap },
      `--concurrency ${probe.concurrency} may need more open files than the limit leaves beside serve's connections: a run that runs out is slowed down to fit (raise ulimit -n, or give a lower --concurrency)`);
  }

  /** Healthy while the scheduler keeps time: the last run ended within two periods, or one is running and not stuck. */
  private health(): { ok: boolean; why: string } {
    const now = Date.now();
    const { everyMs, jitterMs } = this.options;
    const late = 2 * everyMs + jitterMs;
    if (this.running && now - this.running.since > Math.max(late, 3 * everyMs)) return { ok: false, why: `a run has been going for ${formatDuration(now - this.running.since)}` };
    const since = this.lastFinished ?? this.startedAt;
    if (!this.running && now - since > late) return { ok: false, why: `no run finished for ${formatDuration(now - since)}` };
    return { ok: true, why: this.lastFinished ? `last run finished ${formatDuration(now - this.lastFinished)} ago` : 'first run not finished yet' };
  }

  private standing(): RunStanding {
    if (this.running) return { state: 'running', forMs: Date.now() - this.running.since };
    return { state: 'due', inMs: (this.dueAt ?? Date.now()) - Date.now() };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n', { allow: 'GET, HEAD' });
      return;
    }
    switch (path) {
      case '/metrics':
        send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', renderMetrics(this.latest?.metrics ?? null, VERSION, this.runs));
        return;
      case '/report.json':
        if (this.latest) send(res, 200, 'application/json', this.latest.json);
        else send(res, 503, 'application/json', `${JSON.stringify({ error: 'no run has finished yet' })}\n`, { 'retry-after': '5' });
        return;
      case '/healthz': {
        const { ok, why } = this.health();
        send(res, ok ? 200 : 503, 'text/plain; charset=utf-8', `${ok ? 'ok' : 'unhealthy'}: ${why}\n`);
        return;
      }
      case '/':
      case '/report.html':
        // 503 until a run has finished, as /report.json: a script or a monitor can tell "no report yet" from a
        // report by the status alone, and a browser shows the page all the same and asks again by itself.
        if (this.latest) sendPage(res, 200, this.latest.page);
        else sendPage(res, 503, renderWaitingHtml(VERSION, this.standing(), new Date(this.startedAt)), { 'retry-after': String(WAIT_REFRESH_S), refresh: String(WAIT_REFRESH_S) });
        return;
      default:
        send(res, 404, 'text/plain; charset=utf-8', 'not found: try /, /metrics, /report.json or /healthz\n');
    }
  }
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** A page, with the policy it carries in its own head sent as a header too. */
function sendPage(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  send(res, status, PAGE_HEADERS['content-type'], body, { ...PAGE_HEADERS, ...headers });
}
