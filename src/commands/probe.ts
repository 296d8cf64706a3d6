// The probe command: ranges → plan → attempts → summary → verdict → reports.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT_INTERNAL, UsageError, fail, quote } from '../core/errors.js';
import type { Attempt, Report } from '../core/types.js';
import { VERSION } from '../core/version.js';
import { lockToLoopback } from '../net/dialer.js';
import { assertLoopbackUrl, assertRunTargets } from '../net/guard.js';
import { systemRunner } from '../pc/local-policy.js';
import { TrustStore } from '../pc/trust-store.js';
import { MAX_ROWS, renderHtml } from '../report/html.js';
import { SCHEMA_VERSION } from '../report/json.js';
import { renderMetrics } from '../report/metrics.js';
import { buildBundle, CappedText, recordingRunner, type RawReading } from '../report/bundle.js';
import { AtomicFile, BufferedWriter, EXIT_CANTCREAT, describeWriteError, writeStdout, writeWhole } from '../report/output.js';
import { writePlanJson, writePlanText } from '../report/plan.js';
import { Progress } from '../report/progress.js';
import { renderText } from '../report/text.js';
import { TOOL, runProbe, type RunResult } from '../run.js';
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
  const bundleLog = options.bundle === null ? null : new CappedText();
  const log = createLogger(options.logLevel, process.stderr.isTTY === true, bundleLog?.write ?? null);
  // --plan sends nothing to the ranges, so it may show ranges the guard would refuse to probe; a download is still a packet.
  const guarded = options.probe.loopbackOnly;
  if (guarded) lockToLoopback();
  if (guarded && options.rangesUrl) assertLoopbackUrl(options.rangesUrl);
  // Before anything is sent, and before the progress line takes the terminal.
  if (!options.plan && !(await askProxyPassword(options.routes))) return exitForSignal('SIGINT');

  // First Ctrl-C (or SIGTERM, or the window closing): stop launching, report what finished. A second one: leave at once.
  const stop = listenForStop(log, 'interrupted: finishing the report with the attempts done so far');
  try {
    const rangeList = await loadRangeList(options, log, stop.signal);
    if (guarded && !options.plan) assertRunTargets(options, rangeList.ranges);
    const plan = buildPlan(rangeList.ranges, options.probe);
    const stdout = new BufferedWriter(writeStdout);
    if (options.plan) {
      if (options.format === 'json') writePlanJson(plan, TOOL, options.probe, rangeList.info, stdout.write);
      else writePlanText(plan, options.probe.hosts, rangeList.info, stdout.write);
      stdout.flush();
      return 0;
    }
    const trust = TrustStore.fromOptions(env, options.probe.tlsRoots);

    let outFile: AtomicFile | null = null;
    if (options.out) {
      try {
        outFile = new AtomicFile(options.out);
      } catch (err) {
        fail(`cannot write --out ${quote(options.out)}: ${describeWriteError(err)}`);
        return EXIT_CANTCREAT;
      }
    }
    const fileWriter = outFile ? new BufferedWriter(outFile.write) : null;
    // The page lists the first MAX_ROWS attempts: a sweep's whole list stays in the JSON, not in memory.
    const kept: Attempt[] = [];
    let made = 0;
    const keep = options.html === null && options.bundle === null ? undefined : (attempt: Attempt): void => {
      made++;
      if (kept.length < MAX_ROWS) kept.push(attempt);
    };
    const bundleJson = options.bundle === null ? null : new CappedText();
    const readings: RawReading[] = [];
    const sinks = [...(options.format === 'json' ? [stdout] : []), ...(fileWriter ? [fileWriter] : []), ...(bundleJson ? [bundleJson] : [])];
    let result: RunResult;
    try {
      result = await runProbe({
        options, rangeList, plan, trust, env, log, signal: stop.signal,
        report: sinks.length === 0 ? null : (chunk) => { for (const sink of sinks) sink.write(chunk); },
        ...(keep ? { onAttempt: keep } : {}),
        ...(options.bundle === null ? {} : { run: recordingRunner(systemRunner, readings) }),
        onStart: (planned, counts, done) => {
          if (!process.stderr.isTTY || options.quiet || stop.signal.aborted) return null;
          const progress = Progress.ofAttempts(planned, counts, done);
          return () => progress.stop();
        },
      });
    } catch (err) {
      outFile?.discard();
      throw err;
    }
    const text = (): string => renderText({ version: VERSION, summary: result.summary, verdict: result.verdict, elapsedMs: reportedMs(result), ranges: result.ranges, planned: result.interrupted ? result.planned : null, proxies: options.probe.proxies, dns: result.dns, localPolicy: result.localPolicy, pac: result.pac, proxyPaths: result.proxyPaths });
    if (options.format === 'text') {
      stdout.write(text());
    } else if (options.format === 'prometheus') {
      stdout.write(renderMetrics({ ...result, version: VERSION }, VERSION));
    }
    stdout.flush();
    if (outFile && fileWriter) {
      fileWriter.flush();
      const failure = outFile.commit();
      if (failure) {
        fail(`cannot write --out ${quote(outFile.path)}: ${describeWriteError(failure)}`);
        return EXIT_CANTCREAT;
      }
    }
    const page = options.html === null && options.bundle === null ? '' : renderHtml(reportOf(result, options, kept), made);
    if (options.html !== null) {
      const code = writeWhole('--html', options.html, page);
      if (code !== 0) return code;
    }
    if (options.bundle !== null && bundleJson && bundleLog) {
      const secrets = [...new Set([...(options.routes.credentials?.secrets() ?? []), ...options.routes.proxies.flatMap((p) => p.secrets())])];
      const zip = buildBundle({
        json: bundleJson.text('the JSON report'), html: page, text: text(), log: bundleLog.text('the log'), readings,
        files: resolverFiles(), version: VERSION, argv: process.argv.slice(2), secrets,
      });
      const code = writeWhole('--bundle', options.bundle, zip);
      if (code !== 0) return code;
    }
    return stop.by ? exitForSignal(stop.by) : result.verdict.exitCode;
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

/** The report the JSON holds, with the attempts kept for the page. */
function reportOf(result: RunResult, options: CliOptions, attempts: Attempt[]): Report {
  return {
    schemaVersion: SCHEMA_VERSION, tool: TOOL, startedAt: result.startedAt.toISOString(), finishedAt: result.finishedAt.toISOString(),
    interrupted: result.interrupted, options: options.probe, ranges: result.ranges, dns: result.dns, localPolicy: result.localPolicy,
    pac: result.pac, proxyPaths: result.proxyPaths, attempts, summary: result.summary, verdict: result.verdict,
  };
}

/** The run's length as its report's two times give it: g2probe show reads the same two, so both texts agree. */
function reportedMs(result: { startedAt: Date; finishedAt: Date }): number {
  return result.finishedAt.getTime() - result.startedAt.getTime();
}
