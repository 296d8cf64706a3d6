// The probe command: ranges → plan → attempts → summary → verdict → reports.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { EXIT_INTERNAL, UsageError, fail } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { lockToLoopback } from '../net/dialer.js';
import { assertLoopbackUrl, assertRunTargets } from '../net/guard.js';
import { systemRunner } from '../pc/local-policy.js';
import { TrustStore } from '../pc/trust-store.js';
import { PageRows, renderHtml } from '../report/html.js';
import { renderMetrics } from '../report/metrics.js';
import { buildBundle, CappedText, recordingRunner, type RawReading } from '../report/bundle.js';
import { BufferedWriter, EXIT_CANTCREAT, writeStdout } from '../report/output.js';
import { openOutputs, requested, type OutputFile, type OutputRequest } from '../report/output-file.js';
import { painter, plain, wantsColor } from '../report/colour.js';
import { HOLDS, Saves } from '../report/footer.js';
import { writePlanJson, writePlanText } from '../report/plan.js';
import { Progress } from '../report/progress.js';
import { renderText } from '../report/text.js';
import { TOOL, reportOf, runProbe } from '../run.js';
import { buildPlan } from '../targets/plan.js';
import { loadRangeList } from '../targets/range-list.js';
import type { CliOptions } from './args.js';
import { createLogger } from './log.js';
import { askProxyPassword } from './password.js';
import { waitForEnter } from './pause.js';
import { exitForSignal, listenForStop } from './stop.js';

/**
 * With --pause, every ending waits for Enter once its message is out, a mistake's and a fault's too: the
 * window must not close on the one line that says what went wrong.
 */
export async function probeCommand(options: CliOptions, env: NodeJS.ProcessEnv): Promise<number> {
  if (!options.pause) return probe(options, env);
  let code: number;
  try {
    code = await probe(options, env);
  } catch (err) {
    code = err instanceof UsageError ? err.exitCode : EXIT_INTERNAL;
    fail(err instanceof UsageError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)} (please report it)`);
  }
  const saved = options.out !== null && code !== EXIT_CANTCREAT && existsSync(options.out) ? resolve(options.out) : null;
  await waitForEnter(saved);
  return code;
}

async function probe(options: CliOptions, env: NodeJS.ProcessEnv): Promise<number> {
  // The bundle keeps the log at debug level, the JSON report, and what each command that read this PC printed.
  const bundleLog = options.bundle === null || options.plan ? null : new CappedText();
  const log = createLogger(options.logLevel, process.stderr.isTTY === true, bundleLog?.write ?? null);
  // --plan sends nothing to the ranges, so it may show ranges the guard would refuse to probe; a download is still a packet.
  const guarded = options.probe.loopbackOnly;
  if (guarded) lockToLoopback();
  if (guarded && options.rangesUrl) assertLoopbackUrl(options.rangesUrl);
  // Every file asked for is checked and opened before anything is sent, a --ranges-url download included.
  const opened = await openOutputs(outputsOf(options));
  if ('failure' in opened) {
    fail(opened.failure);
    return EXIT_CANTCREAT;
  }
  const files = new Map(opened.files.map((file) => [file.flag, file]));
  try {
    // Before anything is sent, and before the progress line takes the terminal.
    if (!options.plan && !(await askProxyPassword(options.routes))) return exitForSignal('SIGINT');
    return await probeWith(options, env, log, bundleLog, files);
  } finally {
    for (const file of files.values()) file.discard();
  }
}

/** The files this run writes; --plan writes its plan to --out and says that it ignores the rest. */
function outputsOf(options: CliOptions): OutputRequest[] {
  const asked = requested([['--out', options.out], ['--html', options.html], ['--bundle', options.bundle]]);
  if (!options.plan) return asked;
  const ignored = asked.filter((o) => o.flag !== '--out').map((o) => o.flag);
  if (ignored.length > 0) fail(`--plan probes nothing, so there is no report for ${ignored.join(' or ')}: ignored`);
  return asked.filter((o) => o.flag === '--out');
}

async function probeWith(options: CliOptions, env: NodeJS.ProcessEnv, log: Logger, bundleLog: CappedText | null, files: Map<string, OutputFile>): Promise<number> {
  // First Ctrl-C (or SIGTERM, or the window closing): stop launching, report what finished. A second one: leave at once.
  const stop = listenForStop(log, 'interrupted: finishing the report with the attempts done so far');
  const saves = new Saves(options.format === 'text', !options.plan);
  try {
    const rangeList = await loadRangeList(options, log, stop.signal);
    if (options.probe.loopbackOnly && !options.plan) assertRunTargets(options, rangeList.ranges);
    const plan = buildPlan(rangeList.ranges, options.probe);
    const stdout = new BufferedWriter(writeStdout);
    const outFile = files.get('--out') ?? null;
    const fileWriter = outFile ? new BufferedWriter(outFile.write) : null;
    if (options.plan) {
      // --out is always JSON: the plan as --plan --json prints it.
      if (options.format === 'json') {
        writePlanJson(plan, TOOL, options.probe, rangeList.info, (chunk) => { stdout.write(chunk); fileWriter?.write(chunk); });
      } else {
        writePlanText(plan, options.probe.hosts, rangeList.info, stdout.write);
        if (fileWriter) writePlanJson(plan, TOOL, options.probe, rangeList.info, fileWriter.write);
      }
      stdout.flush();
      fileWriter?.flush();
      return saves.end(outFile && !saves.commit(outFile, 'the plan, as JSON') ? EXIT_CANTCREAT : 0);
    }
    const trust = TrustStore.fromOptions(env, options.probe.tlsRoots);

    const rows = options.html === null && options.bundle === null ? null : new PageRows();
    const bundleJson = options.bundle === null ? null : new CappedText();
    const readings: RawReading[] = [];
    const sinks = [...(options.format === 'json' ? [stdout] : []), ...(fileWriter ? [fileWriter] : []), ...(bundleJson ? [bundleJson] : [])];
    const result = await runProbe({
      options, rangeList, plan, trust, env, log, signal: stop.signal,
      report: sinks.length === 0 ? null : (chunk) => { for (const sink of sinks) sink.write(chunk); },
      ...(rows ? { onAttempt: rows.keep } : {}),
      ...(options.bundle === null ? {} : { run: recordingRunner(systemRunner, readings) }),
      onStart: (planned, counts, done) => {
        if (!process.stderr.isTTY || options.quiet || stop.signal.aborted) return null;
        const progress = Progress.ofAttempts(planned, counts, done);
        return () => progress.stop();
      },
    });
    const text = (paint = plain): string => renderText({ version: VERSION, summary: result.summary, verdict: result.verdict, elapsedMs: reportedMs(result), ranges: result.ranges, planned: result.interrupted ? result.planned : null, proxies: options.probe.proxies, dns: result.dns, localPolicy: result.localPolicy, pac: result.pac, proxyPaths: result.proxyPaths }, paint);
    if (options.format === 'text') {
      stdout.write(text(painter(wantsColor(options.color, process.stdout.isTTY === true, env))));
    } else if (options.format === 'prometheus') {
      stdout.write(renderMetrics({ ...result, version: VERSION }, VERSION));
    }
    stdout.flush();
    if (outFile && fileWriter) {
      fileWriter.flush();
      if (!saves.commit(outFile, HOLDS['--out'])) return saves.end(EXIT_CANTCREAT);
    }
    const page = rows ? renderHtml(reportOf(result, options, rows.kept), rows.made) : '';
    const htmlFile = files.get('--html');
    if (htmlFile) {
      htmlFile.write(page);
      if (!saves.commit(htmlFile, HOLDS['--html'])) return saves.end(EXIT_CANTCREAT);
    }
    const bundleFile = files.get('--bundle');
    if (bundleFile && bundleJson && bundleLog) {
      const secrets = [...new Set([...(options.routes.credentials?.secrets() ?? []), ...options.routes.proxies.flatMap((p) => p.secrets())])];
      bundleFile.write(buildBundle({
        json: bundleJson.text('the JSON report'), html: page, text: text(), log: bundleLog.text('the log'), readings,
        files: resolverFiles(), version: VERSION, argv: process.argv.slice(2), secrets,
      }));
      if (!saves.commit(bundleFile, HOLDS['--bundle'])) return saves.end(EXIT_CANTCREAT);
    }
    return saves.end(stop.by ? exitForSignal(stop.by) : result.verdict.exitCode);
  } finally {
    stop.dispose();
  }
}

/** The resolver's configuration as this PC keeps it, where it is a file (Linux, macOS). */
function resolverFiles(): Record<string, string> {
  try {
    return { 'resolv.conf': readFileSync('/etc/resolv.conf', 'utf8') };
  } catch {
    return {};
  }
}

/** The run's length as its report's two times give it: g2probe show reads the same two, so both texts agree. */
function reportedMs(result: { startedAt: Date; finishedAt: Date }): number {
  return result.finishedAt.getTime() - result.startedAt.getTime();
}
