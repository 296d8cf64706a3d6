// The g2probe command: flags → ranges → plan → attempts → summary → verdict → reports.
import { setMaxListeners } from 'node:events';
import { parseCli, HELP, type CliOptions } from './args.js';
import { EXIT_INTERNAL, UsageError, quote } from './errors.js';
import { assertLoopbackUrl, assertRunTargets } from './guard.js';
import { healthCommand } from './health-command.js';
import { createLogger } from './log.js';
import { renderMetrics } from './metrics.js';
import { AtomicFile, BufferedWriter, EXIT_CANTCREAT, writeStdout } from './output.js';
import { buildPlan } from './plan.js';
import { Progress } from './progress.js';
import { loadRangeList } from './range-list.js';
import { describeFsError } from './ranges.js';
import { writePlanJson, writePlanText } from './report/plan.js';
import { renderText } from './report/text.js';
import { rulesCommand } from './rules-command.js';
import { TOOL, runProbe, type RunResult } from './run.js';
import { schemaCommand } from './schema-command.js';
import { serveCommand } from './serve.js';
import { TrustStore } from './trust.js';
import { VERSION } from './version.js';

/** 128 + the signal number, as a shell reports a command stopped by it: 130 for Ctrl-C, 143 for SIGTERM. */
function exitForSignal(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

function fail(message: string): void {
  process.stderr.write(`g2probe: ${message}\n`);
}

const COMMANDS = new Map<string, (argv: readonly string[], env: NodeJS.ProcessEnv) => number | Promise<number>>([
  ['rules', rulesCommand],
  ['schema', schemaCommand],
  ['serve', serveCommand],
  ['health', healthCommand],
]);

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const command = argv[0] === undefined ? undefined : COMMANDS.get(argv[0]);
  try {
    return await (command ? command(argv.slice(1), env) : probeCommand(parseCli(argv, env), env));
  } catch (err) {
    if (err instanceof UsageError) {
      fail(err.message);
      return err.exitCode;
    }
    throw err;
  }
}

async function probeCommand(options: CliOptions, env: NodeJS.ProcessEnv): Promise<number> {
  if (options.help) {
    writeStdout(HELP);
    return 0;
  }
  if (options.version) {
    writeStdout(`${VERSION}\n`);
    return 0;
  }
  const log = createLogger(options.logLevel, process.stderr.isTTY === true);
  // --plan sends nothing to the ranges, so it may show ranges the guard would refuse to probe; a download is still a packet.
  const guarded = options.probe.loopbackOnly;
  if (guarded && options.rangesUrl) assertLoopbackUrl(options.rangesUrl);

  const controller = new AbortController();
  // Every DNS query and attempt in flight listens for the interrupt: as many listeners as there is work, by design.
  setMaxListeners(0, controller.signal);
  // First Ctrl-C (or SIGTERM): stop launching, report what finished. A second one: leave at once.
  let stoppedBy: NodeJS.Signals | null = null;
  const interrupt = (signal: NodeJS.Signals): void => {
    stoppedBy = signal;
    log.warn({ signal }, 'interrupted: finishing the report with the attempts done so far');
    controller.abort();
    process.once(signal, () => process.exit(exitForSignal(signal)));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const rangeList = await loadRangeList(options, log, controller.signal);
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
        fail(`cannot write --out ${quote(options.out)}: ${describeFsError(err)}`);
        return EXIT_CANTCREAT;
      }
    }
    const fileWriter = outFile ? new BufferedWriter(outFile.write) : null;
    const sinks = [...(options.format === 'json' ? [stdout] : []), ...(fileWriter ? [fileWriter] : [])];
    let result: RunResult;
    try {
      result = await runProbe({
        options, rangeList, plan, trust, env, log, signal: controller.signal,
        report: sinks.length === 0 ? null : (chunk) => { for (const sink of sinks) sink.write(chunk); },
        onStart: (planned, counts, done) => {
          if (!process.stderr.isTTY || options.quiet || controller.signal.aborted) return null;
          const progress = new Progress(planned, counts, done);
          return () => progress.stop();
        },
      });
    } catch (err) {
      outFile?.discard();
      throw err;
    }
    if (options.format === 'text') {
      stdout.write(renderText({ version: VERSION, summary: result.summary, verdict: result.verdict, elapsedMs: result.elapsedMs, ranges: result.ranges, planned: result.interrupted ? result.planned : null, proxies: options.probe.proxies, dns: result.dns, localPolicy: result.localPolicy }));
    } else if (options.format === 'prometheus') {
      stdout.write(renderMetrics({ ...result, version: VERSION }, VERSION));
    }
    stdout.flush();
    if (outFile && fileWriter) {
      fileWriter.flush();
      const failure = outFile.commit();
      if (failure) {
        fail(`cannot write --out ${quote(outFile.path)}: ${describeFsError(failure)}`);
        return EXIT_CANTCREAT;
      }
    }
    return stoppedBy ? exitForSignal(stoppedBy) : result.verdict.exitCode;
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }
}

/** Entry point for bin/g2probe.js: usage errors are one line, anything else is a bug and says so. */
export function run(): void {
  const argv = process.argv.slice(2);
  main(argv, process.env).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      fail(`internal error: ${err instanceof Error ? err.message : String(err)} (please report it; with --log-level debug the trace follows)`);
      if (wantsTrace(argv) && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      process.exitCode = EXIT_INTERNAL;
    },
  );
}

function wantsTrace(argv: readonly string[]): boolean {
  return argv.some((arg, i) => /^--log-level=(debug|trace)$/.test(arg) || (arg === '--log-level' && /^(debug|trace)$/.test(argv[i + 1] ?? '')));
}
