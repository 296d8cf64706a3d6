// g2probe hold: does the host stay online? Connections held open to GoToMyPC's servers, the way the host holds
// its one to the poll server, on the path the host service takes; reported with when and how each was cut.
import type { Logger } from 'pino';
import { UsageError, fail, quote } from '../core/errors.js';
import type { DnsReport, HoldOptions, HoldReport, HoldTarget, ProxyPath, Range, Target } from '../core/types.js';
import { VERSION } from '../core/version.js';
import { SERVICE_HOSTS } from '../data/service-hosts.js';
import { holdVerdict, judgeLine, seconds } from '../judge/hold.js';
import { lockToLoopback } from '../net/dialer.js';
import { assertLoopbackOnly, assertRunTargets } from '../net/guard.js';
import { isLoopbackHost } from '../net/loopback.js';
import { systemRunner } from '../pc/local-policy.js';
import { discoverProxyPaths } from '../pc/proxy-discovery.js';
import { TrustStore } from '../pc/trust-store.js';
import type { Router } from '../probe/attempt.js';
import { HoldEngine, type HoldPlan } from '../probe/hold.js';
import { pacRouter, pacRun } from '../probe/pac-router.js';
import { choosePaths } from '../probe/paths.js';
import { resolveServices } from '../probe/resolve.js';
import { renderHoldHtml } from '../report/hold-html.js';
import { renderHoldMetrics } from '../report/metrics.js';
import { renderHoldText } from '../report/hold-text.js';
import { EXIT_CANTCREAT, writeStdout } from '../report/output.js';
import { openOutputs, requested, type OutputFile } from '../report/output-file.js';
import { duration, Progress } from '../report/progress.js';
import { painter, parseColor, wantsColor, type ColorChoice } from '../report/colour.js';
import { HOLDS, Saves } from '../report/footer.js';
import { TOOL } from '../run.js';
import { buildPlan } from '../targets/plan.js';
import { loadRangeList } from '../targets/range-list.js';
import { isCurrentPort, portsOf } from '../targets/ranges.js';
import { COLOR_HELP, parseHosts, parsePorts, parseProbeFlags, PROBE_SPEC, type OutputFormat, type ProbeCommandOptions } from './args.js';
import { formatDuration, parseDuration } from './duration.js';
import { parseFlags } from './flags.js';
import { createLogger } from './log.js';
import { askProxyPassword } from './password.js';
import { exitForSignal, listenForStop } from './stop.js';
import { joinHostPort } from '../core/host-port.js';

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, from[key]])) as Pick<T, K>;
}

/** The probe's flags that say what to hold and on which path; the sampling and sweep ones do not apply. */
const SPEC = {
  for: { type: 'string' },
  every: { type: 'string' },
  ...pick(PROBE_SPEC, ['ranges', 'hosts', 'ports', 'dns-server', 'no-dns', 'timeout', 'sni', 'tls-roots', 'proxy', 'proxy-user', 'proxy-password-file', 'pac', 'no-system-proxy', 'role', 'loopback-only', 'seed', 'log-level', 'help']),
  json: { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
  html: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  color: { type: 'string' },
} as const;

export const HOLD_PORTS = [443, 8200];
const MIN_FOR_MS = 1000;
const MAX_FOR_MS = 24 * 3_600_000;
const MIN_EVERY_MS = 250;

/** The names a host keeps a connection to; a port none of them is used on gets a range address documented for it. */
const HELD_NAMES = SERVICE_HOSTS.filter((h) => h.heldOpen).map((h) => h.name);

export const HOLD_HELP = `Usage: g2probe hold [options]

Does the host stay online? GoToMyPC's host keeps a connection open to the
poll server; a firewall, NAT router or proxy that cuts idle or long
connections makes it drop offline while every short test passes. hold opens
connections the way the host does (poll.gotomypc.com on 443, a GoTo address
documented for 8200 on 8200, on the path the host service follows), keeps
them open with the traffic of an idle host, and reports when and how each
was cut: a reset, silence (and after how long idle), a close, or this PC's
address or the server's name changing under it.

Once a connection is cut after some idle time, each one reopened waits
half as long as the span still unknown, so the report gives the idle limit
to about a second and the keep-alive that would survive it; the cut must
come back once more to count. A cut after less idle than had already come
back is the connection's age instead.

Examples
  g2probe hold                    15 minutes, an exchange every 60 s
  g2probe hold --for 1h --every 5m
  g2probe hold --every never      no traffic at all until the end
  g2probe hold --out hold.json --html hold.html

Options
  --for DURATION      how long to hold (default 15m; 1s to 24h)
  --every DURATION|never
                      the idle time between exchanges (default 60s, at
                      least 250ms): GoToMyPC's ping, a few hundred bytes
                      each way; never: no traffic until one at the end
  --ports LIST        the ports to hold (default 443,8200)
  --hosts NAMES       hold connections to these names on every port
                      instead (default: poll.gotomypc.com, on 443)
  --dns-server ADDR[:PORT]
                      resolve the names there (default: this PC's resolver);
                      the names are looked up again during the hold, and a
                      change is reported
  --no-dns            resolve no name: range addresses only
  --ranges FILE       where a port's range address comes from (default: the
                      built-in GoTo list); --seed TEXT picks another one
  --timeout MS        how long an opening or an exchange may take before it
                      counts as silence (default 3000)
  --sni NAME          the name sent to a range address (default
                      www.gotomypc.com)
  --tls-roots FILE    PEM roots to accept beside the public ones
  --role host|client  whose path to follow (default host: the host
                      service's, WinHTTP on Windows; client: the viewer's)
  --proxy URL, --proxy-user USER, --proxy-password-file FILE, --pac URL|auto,
  --no-system-proxy   the path, as for g2probe (g2probe --help)
  --loopback-only     refuse any address outside 127.0.0.0/8 and ::1
  --format FORMAT     text (default), json, or prometheus
  --json              the report as JSON on stdout (--format json)
  --out FILE          also write the JSON report to FILE
  --html FILE         also write the report as one self-contained web page
  -q, --quiet         no progress line on the terminal
${COLOR_HELP}
  --log-level LEVEL   as for g2probe
  -h, --help          this text

What it costs: per connection a handshake (and TLS on 443), then per
exchange about four packets and under 1 KB; no more than one connection per
port at a time.

Exit codes
  0   held: every connection that opened stayed open for the whole time
  2   cut: resets or silences cut connections again and again, when idle or
      by their age
  3   unknown: a cut seen only once, a close that the server may have made
      itself, nothing opened, or stopped early with no cut seen
  64  usage error
  73  --out or --html cannot be written
  130 stopped by Ctrl-C (143: SIGTERM); the report covers what was held
`;

interface HoldCli {
  forMs: number;
  everyMs: number | null;
  format: OutputFormat;
  out: string | null;
  html: string | null;
  quiet: boolean;
  color: ColorChoice;
  hostsGiven: boolean;
  probe: ProbeCommandOptions;
}

function parseHold(argv: readonly string[], env: NodeJS.ProcessEnv): HoldCli | null {
  const values = parseFlags(argv, SPEC, { command: 'g2probe hold', secret: { flag: '--proxy-user', form: 'USER:PASSWORD' } });
  if (values.help) return null;
  for (const name of ['for', 'every', 'out', 'html', 'format', 'color'] as const) {
    if (values[name] === '') throw new UsageError(`option --${name} needs a value`);
  }
  const color = parseColor(values.color);
  const forMs = values.for === undefined ? 15 * 60_000 : parseDuration(values.for, '--for', MIN_FOR_MS, MAX_FOR_MS);
  const everyMs = values.every === 'never' ? null : values.every === undefined ? 60_000 : parseDuration(values.every, '--every', MIN_EVERY_MS, MAX_FOR_MS);
  if (everyMs !== null && everyMs > forMs) throw new UsageError(`--every ${formatDuration(everyMs)} is longer than --for ${formatDuration(forMs)}: no exchange would come before the end (use --every never for that)`);
  const format = values.format ?? (values.json ? 'json' : 'text');
  if (format !== 'text' && format !== 'json' && format !== 'prometheus') throw new UsageError(`bad --format value ${quote(format)}: use text, json or prometheus`);
  if (values.json && format !== 'json') throw new UsageError(`--json and --format ${format} cannot be used together (--json is --format json)`);
  const heldPorts = values.ports === undefined ? HOLD_PORTS : parsePorts(values.ports);
  const probe = parseProbeFlags({ ...values, ports: heldPorts.join(','), role: values.role ?? 'host' }, env);
  const hostsGiven = values.hosts !== undefined;
  probe.probe.hosts = values['no-dns'] ? [] : hostsGiven ? parseHosts(values.hosts!) : HELD_NAMES;
  return {
    forMs, everyMs, format: format as OutputFormat, out: values.out ?? null, html: values.html ?? null, quiet: values.quiet ?? false, color, hostsGiven,
    probe,
  };
}

export async function holdCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const cli = parseHold(argv, env);
  if (cli === null) {
    writeStdout(HOLD_HELP);
    return 0;
  }
  const options = cli.probe;
  const log = createLogger(options.logLevel, process.stderr.isTTY === true);
  if (options.probe.loopbackOnly) lockToLoopback();
  // Every output is known writable before a quarter of an hour is spent holding.
  const opened = await openOutputs(requested([['--out', cli.out], ['--html', cli.html]]));
  if ('failure' in opened) {
    fail(opened.failure);
    return EXIT_CANTCREAT;
  }
  try {
    return await hold(cli, env, log, opened.files);
  } finally {
    for (const file of opened.files) file.discard();
  }
}

async function hold(cli: HoldCli, env: NodeJS.ProcessEnv, log: Logger, files: OutputFile[]): Promise<number> {
  const options = cli.probe;
  const probe = options.probe;
  if (!(await askProxyPassword(options.routes))) return exitForSignal('SIGINT');
  const stop = listenForStop(log, 'interrupted: finishing the report with what was held so far');
  try {
    const rangeList = await loadRangeList(options, log, stop.signal);
    if (probe.loopbackOnly) assertRunTargets(options, null);
    const startedAt = new Date();
    const dns = probe.hosts.length === 0 ? null : await resolveServices(probe.hosts, probe.ports, { server: probe.dnsServer, timeoutMs: probe.timeoutMs }, { ranges: rangeList.ranges, loopbackOnly: probe.loopbackOnly }, stop.signal);
    const targets = heldTargets(dns, cli.hostsGiven, probe.ports, rangeList.ranges, probe.seed);
    // Only the ranges an address is taken from are probed: a list's others may lie anywhere.
    if (probe.loopbackOnly) assertLoopbackOnly(rangeList.ranges.filter((r) => targets.some((t) => t.range === r.cidr)));
    const { plans, proxyPaths } = await routePlans(targets, options, env, log, stop.signal);
    const trust = TrustStore.fromOptions(env, probe.tlsRoots);
    const engine = new HoldEngine(plans, {
      forMs: cli.forMs, everyMs: cli.everyMs, signal: stop.signal,
      settings: { timeoutMs: probe.timeoutMs, servername: probe.servername, trust },
      dns: probe.hosts.length === 0 ? null : { server: probe.dnsServer, timeoutMs: probe.timeoutMs },
      resolved: new Map((dns?.results ?? []).map((r) => [r.host, r.addresses.map((a) => a.ip)])),
    });
    log.info({ connections: plans.length, for: formatDuration(cli.forMs), every: cli.everyMs === null ? 'never' : formatDuration(cli.everyMs) }, 'hold started');
    const progress = process.stderr.isTTY && !cli.quiet && plans.length > 0 ? new Progress(() => {
      const open = engine.lines.filter((l) => l.open).length;
      const cuts = engine.lines.reduce((n, l) => n + l.sessions.filter((s) => s.end.how === 'cut').length, 0);
      const elapsed = engine.elapsed();
      return [
        { text: `holding ${open}/${plans.length} open`, rank: 0 },
        { text: `${seconds(elapsed)} of ${formatDuration(cli.forMs)}`, rank: 3 },
        { text: `${duration(cli.forMs - elapsed)} left`, rank: 1 },
        { text: `cuts ${cuts}`, rank: 2 },
        { text: '(Ctrl-C ends it with a report)', rank: 4 },
      ];
    }) : null;
    try {
      await engine.hold();
    } finally {
      progress?.stop();
    }
    const heldMs = engine.elapsed();
    const lines = engine.lines.map((l) => judgeLine({ target: l.plan.target, path: l.plan.path, proxy: l.plan.proxy ? joinHostPort(l.plan.proxy.host, l.plan.proxy.port) : null, route: l.plan.route, sessions: l.sessions, heldMs }));
    const holdOptions: HoldOptions = {
      forMs: cli.forMs, everyMs: cli.everyMs, timeoutMs: probe.timeoutMs, ports: probe.ports, hosts: probe.hosts, role: probe.role ?? 'host',
      servername: probe.servername, dnsServer: probe.dnsServer, loopbackOnly: probe.loopbackOnly, proxies: probe.proxies, systemProxy: probe.systemProxy,
    };
    const interrupted = stop.signal.aborted;
    const report: HoldReport = {
      schemaVersion: 1, kind: 'hold', tool: TOOL, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), interrupted,
      options: holdOptions, dns, proxyPaths, lines, events: engine.events, verdict: holdVerdict(lines, engine.events, holdOptions, interrupted, dns),
    };
    log.info({ verdict: report.verdict.status, lines: lines.map((l) => ({ port: l.target.port, state: l.state })) }, 'hold finished');
    const json = `${JSON.stringify(report, null, 2)}\n`;
    const paint = painter(wantsColor(cli.color, process.stdout.isTTY === true, env));
    writeStdout(cli.format === 'json' ? json : cli.format === 'prometheus' ? renderHoldMetrics(report, VERSION) : renderHoldText(report, paint));
    const saves = new Saves(cli.format === 'text', false);
    for (const file of files) {
      file.write(file.flag === '--out' ? json : renderHoldHtml(report));
      if (!saves.commit(file, file.flag === '--out' ? HOLDS['--out'] : HOLDS['--html'])) return saves.end(EXIT_CANTCREAT);
    }
    return saves.end(stop.by ? exitForSignal(stop.by) : report.verdict.exitCode);
  } finally {
    stop.dispose();
  }
}

/**
 * One connection per port: the first name on it that resolved (its first address the probe would try), else an
 * address of the first range documented for the port. Names given with --hosts are held on every port.
 */
export function heldTargets(dns: DnsReport | null, hostsGiven: boolean, ports: readonly number[], ranges: readonly Range[], seed: string): HoldTarget[] {
  const targets: HoldTarget[] = [];
  for (const port of ports) {
    const named = dns?.results.filter((r) => hostsGiven || r.ports.includes(port)) ?? [];
    const before = targets.length;
    for (const result of named) {
      const address = result.addresses.find((a) => a.probed);
      if (address) targets.push({ ip: address.ip, port, host: result.host, range: address.range, source: `${result.host}'s address (${dns!.server})` });
      if (!hostsGiven && targets.length > before) break;
    }
    if (targets.length > before || hostsGiven) continue;
    const served = ranges.filter((r) => portsOf(r, [port]).length > 0);
    const range = served.find((r) => isCurrentPort(r, port)) ?? served[0];
    const first = range ? buildPlan([range], { ports: [port], sample: 1, seed, all: false }).targets().next() : null;
    if (first && !first.done) targets.push({ ip: first.value.ip, port, host: null, range: first.value.range, source: `an address of ${first.value.range}, a range documented for port ${port}` });
  }
  return targets;
}

/** Each target's path: the flags' or variables' proxy, the PAC's answer, or the settings the role's program follows. */
async function routePlans(targets: HoldTarget[], options: ProbeCommandOptions, env: NodeJS.ProcessEnv, log: Logger, signal: AbortSignal): Promise<{ plans: HoldPlan[]; proxyPaths: ProxyPath[] }> {
  const { routes, probe } = options;
  const work = pacRun();
  const [pac, paths] = await Promise.all([
    pacRouter(routes, probe, env, signal, work),
    discoverProxyPaths({ platform: process.platform, env, run: systemRunner }).then((found) => choosePaths(found, routes, probe, env, signal, work)),
  ]);
  const router: Router | null = pac?.router ?? paths.followed[0]?.router ?? null;
  const asTarget = (target: HoldTarget): Target => ({ ip: target.ip, port: target.port, range: target.range, ...(target.host ? { host: target.host } : {}), expected: true });
  // Decided before the first connection opens, as for a probe run.
  await router?.decide?.(() => targets.map(asTarget));
  const ranOut = pac?.status.work?.ranOut ?? paths.shown.find((p) => p.pac?.work?.ranOut)?.pac?.work?.ranOut;
  if (ranOut) log.warn(`the PAC file ran out of its budget: ${ranOut}`);
  const plans: HoldPlan[] = [];
  for (const target of targets) {
    if (router === null) {
      const proxy = routes.proxyFor(target.ip, target.port);
      const said = paths.followed.length > 0 ? `${probe.role === 'client' ? "the viewer's" : "the host service's"} settings: direct` : proxy ? proxy.info.source : 'direct';
      plans.push({ target, proxy, path: proxy ? 'proxy' : 'direct', route: said });
      continue;
    }
    const answer = await router.find(asTarget(target));
    const entry = answer.ok ? answer.entries.find((e) => e.kind === 'direct' || (e.kind === 'proxy' && (!router.loopbackOnly || isLoopbackHost(e.host)))) : undefined;
    const proxy = entry?.kind === 'proxy' ? router.proxyAt(entry.host, entry.port) : null;
    const rule = answer.rule ? `: ${answer.rule}` : '';
    plans.push({ target, proxy, path: proxy ? 'proxy' : 'direct', route: answer.ok ? `${router.via}${rule}` : `${router.via}: ${answer.why}: direct` });
  }
  return { plans, proxyPaths: paths.shown };
}
