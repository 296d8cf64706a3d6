// One probe run: names and this PC's policy, then every attempt, then the summary and the verdict.
// Shared by the one-shot command and serve; where the report goes and when to stop are the caller's.
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { ProxyRoutes } from './core/proxy.js';
import type { RunOptions } from './core/run-options.js';
import type { Attempt, DnsReport, LocalPolicy, PacStatus, ProxyPath, RangesInfo, Report, Role, StatusCounts, Summary, Target, Verdict } from './core/types.js';
import { VERSION } from './core/version.js';
import { SummaryBuilder } from './judge/summary.js';
import { decideVerdict } from './judge/verdict.js';
import { inspectLocalPolicy, systemRunner, type CommandRunner } from './pc/local-policy.js';
import { discoverProxyPaths } from './pc/proxy-discovery.js';
import type { TrustStore } from './pc/trust-store.js';
import type { Job, Router } from './probe/attempt.js';
import { runAttempts } from './probe/engine.js';
import { fitConcurrency } from './probe/concurrency.js';
import { pacRouter, pacRun } from './probe/pac-router.js';
import { openFileLimit } from './pc/open-files.js';
import { choosePaths, type FollowedPath } from './probe/paths.js';
import { resolveServices } from './probe/resolve.js';
import { JsonReportStream, SCHEMA_VERSION, type Write } from './report/json.js';
import { AttemptTally } from './report/metrics.js';
import type { Plan } from './targets/plan.js';
import type { RangeList } from './targets/range-list.js';
import { serviceIndex, serviceTargets } from './targets/services.js';

export const TOOL = { name: 'g2probe', version: VERSION };

export interface RunInput {
  options: RunOptions;
  rangeList: RangeList;
  plan: Plan;
  trust: TrustStore;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Aborting stops launching attempts; the run still ends with a whole report of what finished. */
  signal: AbortSignal;
  /** Where the JSON report goes as it is written, or null. */
  report: Write | null;
  /** The open files this run may fill when it fits its concurrency: serve keeps the rest for its connections. Absent: the process's limit. */
  openFiles?: number | null;
  /** Runs the commands that read this PC (netsh, PowerShell, reg, scutil, gsettings); the bundle records them. */
  run?: CommandRunner;
  /** Told of each attempt as it finishes (the HTML page keeps the first few thousand). */
  onAttempt?: (attempt: Attempt) => void;
  /** Called once the number of attempts is known; returns what to call when the run ends. */
  onStart?: (planned: number, counts: StatusCounts, done: () => number) => (() => void) | null;
}

export interface RunResult {
  startedAt: Date;
  finishedAt: Date;
  elapsedMs: number;
  /** Attempts planned, the services' and --compare-direct's included. */
  planned: number;
  interrupted: boolean;
  ranges: RangesInfo;
  dns: DnsReport | null;
  localPolicy: LocalPolicy;
  pac: PacStatus | null;
  proxyPaths: ProxyPath[];
  summary: Summary;
  verdict: Verdict;
  tally: AttemptTally;
}

/**
 * Each target on its configured path (a proxy, unless NO_PROXY exempts it, or what the PAC answers for it), or on
 * each path this PC's settings give; then direct too with --compare-direct.
 */
function* jobsFor(targets: Iterable<Target>, routes: ProxyRoutes, compareDirect: boolean, pac: Router | null, followed: FollowedPath[]): Generator<Job> {
  for (const target of targets) {
    if (followed.length > 0) {
      for (const { router, role } of followed) {
        yield { target, proxy: null, ...(router ? { router } : {}), comparison: false, ...(role ? { role } : {}) };
      }
    } else {
      yield pac ? { target, proxy: null, router: pac, comparison: false } : { target, proxy: routes.proxyFor(target.ip, target.port), comparison: false };
    }
    if (compareDirect) yield { target, proxy: null, comparison: true };
  }
}

/** GoToMyPC's own servers first, then the range addresses. */
function* allTargets(services: readonly Target[], plan: Plan): Generator<Target> {
  yield* services;
  yield* plan.targets();
}

function withPaths(summary: Summary, perRole: Map<Role | undefined, { said: string; builder: SummaryBuilder }>): Summary {
  if (perRole.size < 2) return summary;
  const paths = [...perRole].flatMap(([role, { said, builder }]) => {
    if (!role) return [];
    const own = builder.summary();
    return [{ role, said, total: own.total, counts: own.counts, ports: own.ports.map((p) => ({ port: p.port, state: p.state })) }];
  });
  return { ...summary, paths };
}

export async function runProbe(input: RunInput): Promise<RunResult> {
  const { options, plan, log, signal } = input;
  const probe = options.probe;
  const report = input.report ? new JsonReportStream(input.report) : null;
  const startedAt = new Date();
  const started = performance.now();

  const { hosts, dnsServer, timeoutMs } = probe;
  const resolving = hosts.length === 0 ? null : resolveServices(hosts, plan.ports, { server: dnsServer, timeoutMs }, { ranges: plan.ranges, loopbackOnly: probe.loopbackOnly }, signal);
  // A PAC's script starts once GoToMyPC's names are resolved, so that it holds the event loop under no deadline.
  const pacWork = pacRun(resolving ?? undefined);
  // All only read before the first attempt: names from the resolver, this PC's firewall from PowerShell (or netsh).
  const [dns, localPolicy, pac, paths] = await Promise.all([
    resolving,
    inspectLocalPolicy({ platform: process.platform, role: probe.role, env: input.env, run: input.run ?? systemRunner, exists: existsSync }),
    pacRouter(options.routes, probe, input.env, signal, pacWork),
    discoverProxyPaths({ platform: process.platform, env: input.env, run: input.run ?? systemRunner }).then((found) => choosePaths(found, options.routes, probe, input.env, signal, pacWork)),
  ]);
  const proxyPaths = paths.shown;
  for (const path of proxyPaths) if (path.pac && !path.pac.usable) log.warn({ pac: path.pac.url, why: path.pac.why }, `the PAC file ${path.who} names cannot be used`);
  if (pac && !pac.status.usable) log.warn({ pac: pac.status.url, why: pac.status.why }, 'the PAC file cannot be used');
  if (dns) log.info({ dns: dns.results.map((r) => ({ host: r.host, status: r.status, reason: r.reason, addresses: r.addresses.map((a) => a.ip) })) }, 'names resolved');
  const services = dns ? serviceTargets(dns) : [];
  // Every route a PAC gives is decided now, before the first attempt: no script runs while an attempt's deadline does.
  for (const router of [pac?.router, ...paths.followed.map((f) => f.router)]) await router?.decide?.(() => allTargets(services, plan));
  for (const status of [pac?.status, ...proxyPaths.map((p) => p.pac)]) {
    if (status?.work?.ranOut) log.warn({ pac: status.url, ...status.work }, `the PAC file ran out of its budget: ${status.work.ranOut}`);
  }
  const ranges = input.rangeList.info;
  const planned = (services.length + plan.count) * (Math.max(1, paths.followed.length) + (probe.compareDirect ? 1 : 0));
  const concurrency = options.concurrencyGiven === false ? fitConcurrency(planned, input.openFiles === undefined ? openFileLimit() : input.openFiles) : probe.concurrency;
  report?.begin({ schemaVersion: SCHEMA_VERSION, tool: TOOL, startedAt: startedAt.toISOString(), options: { ...probe, concurrency }, ranges, dns, localPolicy, pac: pac?.status ?? null, proxyPaths });
  const summary = new SummaryBuilder(plan.ranges, plan.ports, dns ? serviceIndex(dns) : null, Math.max(1, paths.followed.length));
  // Two paths: each also gets a summary of its own, so the verdict can say which one fails.
  const perRole = new Map(paths.followed.filter((f) => f.role).map((f) => [f.role, { said: f.said, builder: new SummaryBuilder(plan.ranges, plan.ports, null) }]));
  const direct = probe.compareDirect ? new SummaryBuilder(plan.ranges, plan.ports, null) : null;
  const tally = new AttemptTally(plan.ports);
  const stop = input.onStart?.(planned, summary.counts, () => summary.total + (direct?.total ?? 0)) ?? null;
  log.info({ attempts: planned, services: services.length, ranges: plan.ranges.length, ports: plan.ports, concurrency, proxies: probe.proxies }, 'probe started');

  const settings = { timeoutMs, connectOnly: probe.connectOnly, servername: probe.servername, trust: input.trust };
  const jobs = jobsFor(allTargets(services, plan), options.routes, probe.compareDirect, pac?.router ?? null, paths.followed);
  const onThrottle = (from: number, to: number, code: string): void => {
    log.warn({ code, from, to }, `out of file descriptors (${code}): attempts in flight lowered from ${from} to ${to}; raise the open-file limit (ulimit -n) to go faster`);
  };
  const onAttempt = (attempt: Attempt): void => {
    (attempt.comparison && direct ? direct : summary).add(attempt);
    if (attempt.role) perRole.get(attempt.role)?.builder.add(attempt);
    tally.add(attempt);
    report?.attempt(attempt);
    input.onAttempt?.(attempt);
    log.debug(attempt, 'attempt');
  };
  try {
    await runAttempts(jobs, { concurrency, probe: settings, learn: probe.learnTimeout, signal, onThrottle }, onAttempt);
  } finally {
    stop?.();
  }

  const result = withPaths(summary.summary(direct), perRole);
  const verdict = decideVerdict(result, probe.role, dns, localPolicy);
  const finishedAt = new Date();
  const elapsedMs = performance.now() - started;
  const interrupted = signal.aborted;
  report?.end({ finishedAt: finishedAt.toISOString(), interrupted, summary: result, verdict });
  log.info({ verdict: verdict.status, attempts: result.total, elapsedMs: Math.round(elapsedMs), ranges: ranges.origin, rangesVersion: ranges.version }, 'probe finished');
  return { startedAt, finishedAt, elapsedMs, planned, interrupted, ranges, dns, localPolicy, pac: pac?.status ?? null, proxyPaths, summary: result, verdict, tally };
}

/** The report the JSON holds, with only `attempts` in it (the page's first rows): for the page of a run just made. */
export function reportOf(result: RunResult, options: RunOptions, attempts: Attempt[]): Report {
  return {
    schemaVersion: SCHEMA_VERSION, tool: TOOL, startedAt: result.startedAt.toISOString(), finishedAt: result.finishedAt.toISOString(),
    interrupted: result.interrupted, options: options.probe, ranges: result.ranges, dns: result.dns, localPolicy: result.localPolicy,
    pac: result.pac, proxyPaths: result.proxyPaths, attempts, summary: result.summary, verdict: result.verdict,
  };
}
