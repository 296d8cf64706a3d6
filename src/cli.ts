// The g2probe command: flags → ranges → plan → attempts → summary → verdict → reports.
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { parseCli, HELP, type CliOptions } from './args.js';
import { runAttempts } from './engine.js';
import { EXIT_INTERNAL, UsageError, quote } from './errors.js';
import { assertLoopbackOnly, assertLoopbackProxies, assertLoopbackResolver } from './guard.js';
import { inspectLocalPolicy, systemRunner } from './local-policy.js';
import { createLogger } from './log.js';
import { AtomicFile, BufferedWriter, EXIT_CANTCREAT, writeStdout } from './output.js';
import { buildPlan, type Plan } from './plan.js';
import type { Job } from './probe.js';
import type { ProxyRoutes } from './proxy-settings.js';
import { Progress } from './progress.js';
import { builtinRanges, describeFsError, loadRangesFile } from './ranges.js';
import { JsonReportStream, SCHEMA_VERSION } from './report/json.js';
import { writePlanJson, writePlanText } from './report/plan.js';
import { renderText } from './report/text.js';
import { rulesCommand } from './rules-command.js';
import { namesByAddress, resolveServices, serviceTargets } from './services.js';
import { SummaryBuilder } from './summary.js';
import { TrustStore } from './trust.js';
import type { Attempt, Target } from './types.js';
import { decideVerdict } from './verdict.js';
import { VERSION } from './version.js';

/** 128 + the signal number, as a shell reports a command stopped by it: 130 for Ctrl-C, 143 for SIGTERM. */
function exitForSignal(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

const TOOL = { name: 'g2probe', version: VERSION };

function fail(message: string): void {
  process.stderr.write(`g2probe: ${message}\n`);
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv[0] === 'rules') return rulesCommand(argv.slice(1), env);
  let options: CliOptions;
  let plan: Plan;
  let trust: TrustStore;
  try {
    options = parseCli(argv, env);
    if (options.help) {
      writeStdout(HELP);
      return 0;
    }
    if (options.version) {
      writeStdout(`${VERSION}\n`);
      return 0;
    }
    const ranges = options.probe.rangesFile ? loadRangesFile(options.probe.rangesFile) : builtinRanges();
    plan = buildPlan(ranges, options.probe);
    // --plan sends nothing, so it may show ranges the guard would refuse to probe.
    if (!options.plan && options.probe.loopbackOnly) {
      assertLoopbackOnly(ranges);
      assertLoopbackProxies(options.routes.proxies);
      assertLoopbackResolver(options.probe.hosts, options.probe.dnsServer);
    }
    trust = TrustStore.fromOptions(env, options.probe.tlsRoots);
  } catch (err) {
    if (err instanceof UsageError) {
      fail(err.message);
      return err.exitCode;
    }
    throw err;
  }

  const stdout = new BufferedWriter(writeStdout);
  if (options.plan) {
    if (options.json) writePlanJson(plan, TOOL, options.probe, stdout.write);
    else writePlanText(plan, options.probe.hosts, stdout.write);
    stdout.flush();
    return 0;
  }
  return probe(options, plan, trust, stdout, env);
}

/** Each target on its configured path (a proxy, unless NO_PROXY exempts it), then direct too with --compare-direct. */
function* jobsFor(targets: Iterable<Target>, routes: ProxyRoutes, compareDirect: boolean): Generator<Job> {
  for (const target of targets) {
    yield { target, proxy: routes.proxyFor(target.ip, target.port), comparison: false };
    if (compareDirect) yield { target, proxy: null, comparison: true };
  }
}

/** GoToMyPC's own servers first, then the range addresses. */
function* allTargets(services: readonly Target[], plan: Plan): Generator<Target> {
  yield* services;
  yield* plan.targets();
}

async function probe(options: CliOptions, plan: Plan, trust: TrustStore, stdout: BufferedWriter, env: NodeJS.ProcessEnv): Promise<number> {
  const log = createLogger(options.logLevel, process.stderr.isTTY === true);
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
  const sinks = [...(options.json ? [stdout] : []), ...(fileWriter ? [fileWriter] : [])];
  const report = new JsonReportStream((chunk) => { for (const sink of sinks) sink.write(chunk); });

  const startedAt = new Date();
  const started = performance.now();
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

  const { hosts, dnsServer, timeoutMs } = options.probe;
  // Both only read before the first attempt: names from the resolver, this PC's firewall rules from netsh.
  const [dns, localPolicy] = await Promise.all([
    hosts.length === 0 ? null : resolveServices(hosts, { server: dnsServer, timeoutMs }, { ranges: plan.ranges, loopbackOnly: options.probe.loopbackOnly }, controller.signal),
    inspectLocalPolicy({ platform: process.platform, role: options.probe.role, env, run: systemRunner, exists: existsSync }),
  ]);
  if (dns) log.info({ dns: dns.results.map((r) => ({ host: r.host, status: r.status, reason: r.reason, addresses: r.addresses.map((a) => a.ip) })) }, 'names resolved');
  const services = dns ? serviceTargets(dns, plan.ports) : [];
  report.begin({ schemaVersion: SCHEMA_VERSION, tool: TOOL, startedAt: startedAt.toISOString(), options: options.probe, dns, localPolicy });
  const summary = new SummaryBuilder(plan.ranges, plan.ports, dns ? namesByAddress(dns) : null);
  const direct = options.probe.compareDirect ? new SummaryBuilder(plan.ranges, plan.ports, null) : null;
  const planned = (services.length + plan.count) * (direct ? 2 : 1);
  const done = (): number => summary.total + (direct?.total ?? 0);
  const progress = process.stderr.isTTY && !options.quiet && !controller.signal.aborted ? new Progress(planned, summary.counts, done) : null;
  log.info({ attempts: planned, services: services.length, ranges: plan.ranges.length, ports: plan.ports, concurrency: options.probe.concurrency, proxies: options.probe.proxies }, 'probe started');

  const settings = { timeoutMs, connectOnly: options.probe.connectOnly, servername: options.probe.servername, trust };
  const jobs = jobsFor(allTargets(services, plan), options.routes, options.probe.compareDirect);
  try {
    await runAttempts(jobs, { concurrency: options.probe.concurrency, probe: settings, signal: controller.signal }, (attempt: Attempt) => {
      (attempt.comparison && direct ? direct : summary).add(attempt);
      report.attempt(attempt);
      log.debug(attempt, 'attempt');
    });
  } catch (err) {
    outFile?.discard();
    throw err;
  } finally {
    progress?.stop();
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }
  const interrupted = stoppedBy !== null;

  const result = summary.summary(direct);
  const verdict = decideVerdict(result, options.probe.role, dns, localPolicy);
  const elapsedMs = performance.now() - started;
  report.end({ finishedAt: new Date().toISOString(), interrupted, summary: result, verdict });
  log.info({ verdict: verdict.status, attempts: result.total, elapsedMs: Math.round(elapsedMs) }, 'probe finished');

  if (!options.json) {
    const rangesFrom = options.probe.rangesFile ? `from ${options.probe.rangesFile}` : 'built-in GoTo list';
    stdout.write(renderText({ version: VERSION, summary: result, verdict, elapsedMs, rangesFrom, planned: interrupted ? planned : null, proxies: options.probe.proxies, dns, localPolicy }));
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
  return stoppedBy ? exitForSignal(stoppedBy) : verdict.exitCode;
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
