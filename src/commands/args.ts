// Command-line flags: parsed strictly, every bad value named in one line.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { LevelWithSilent } from 'pino';
import { UsageError, quote } from '../core/errors.js';
import type { RunOptions } from '../core/run-options.js';
import type { Role } from '../core/types.js';
import { SERVICE_HOSTS } from '../data/service-hosts.js';
import { guardFromEnv } from '../net/loopback.js';
import { DEFAULT_CONCURRENCY } from '../probe/concurrency.js';
import { keepsProxySettings } from '../pc/proxy-discovery.js';
import { proxyRoutes } from '../pc/proxy-settings.js';
import { MAX_ATTEMPTS } from '../targets/plan.js';
import { parseRangesUrl, redactRangesUrl } from '../targets/ranges-update.js';
import { parseColor, type ColorChoice } from '../report/colour.js';
import { parseFlags, type FlagValues } from './flags.js';
import { LOG_LEVELS } from './log-levels.js';
import { joinHostPort, splitHostPort } from '../core/host-port.js';

/** What a probe run needs, from the flags both `g2probe` and `g2probe serve` take. */
export interface ProbeCommandOptions extends RunOptions {
  logLevel: LevelWithSilent;
  help: boolean;
  version: boolean;
}

export type OutputFormat = 'text' | 'json' | 'prometheus';

export interface CliOptions extends ProbeCommandOptions {
  plan: boolean;
  format: OutputFormat;
  out: string | null;
  /** --html: the report as one web page, written once the run ends. */
  html: string | null;
  /** --bundle: the support bundle (a zip), written once the run ends. */
  bundle: string | null;
  quiet: boolean;
  /** --color: whether the text report on stdout is coloured. */
  color: ColorChoice;
  /** Wait for Enter before exiting, so a console window opened for this run stays to be read. */
  pause: boolean;
}

export const DEFAULT_PORTS = [80, 443, 8200];

/** The flags that say what and how to probe, shared by `g2probe` and `g2probe serve`. */
export const PROBE_SPEC = {
  ranges: { type: 'string' },
  'ranges-url': { type: 'string' },
  'ranges-cache': { type: 'string' },
  ports: { type: 'string' },
  sample: { type: 'string' },
  seed: { type: 'string' },
  all: { type: 'boolean' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  'fixed-timeout': { type: 'boolean' },
  'loopback-only': { type: 'boolean' },
  'connect-only': { type: 'boolean' },
  sni: { type: 'string' },
  'tls-roots': { type: 'string' },
  proxy: { type: 'string' },
  'proxy-user': { type: 'string' },
  'proxy-password-file': { type: 'string' },
  pac: { type: 'string' },
  'compare-direct': { type: 'boolean' },
  'no-system-proxy': { type: 'boolean' },
  hosts: { type: 'string' },
  'dns-server': { type: 'string' },
  'no-dns': { type: 'boolean' },
  role: { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

const SPEC = {
  ...PROBE_SPEC,
  plan: { type: 'boolean' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
  html: { type: 'string' },
  bundle: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  color: { type: 'string' },
  pause: { type: 'boolean' },
} as const;

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'prometheus'];

/** --color in every command's help that prints a text report. */
export const COLOR_HELP = `  --color WHEN        colour the verdict and the statuses: auto (the default:
                      when stdout is a terminal and NO_COLOR is unset),
                      always, or never`;

export const HELP = `Usage: g2probe [options]

Checks whether this computer can reach GoToMyPC. g2probe resolves GoToMyPC's
names and opens outbound TCP connections to its servers and to GoTo's
published ranges, each on the ports it serves (80, 443 and 8200 are the ports
GoToMyPC needs), speaking the way GoToMyPC does. For every attempt it tells
what answered, with the evidence: the GoTo server, a proxy or filter in its
place, a firewall that refused or dropped it, or a fault on this computer. It
ends with a verdict in one sentence and numbered steps to fix what it found.

Examples
  g2probe                       probe the built-in GoTo ranges (2 addresses each)
  g2probe --role host           also name the programs a firewall on this host
                                PC must admit (--role client for the viewer)
  g2probe --plan                list what would be probed; sends no packet
  g2probe --out report.json     save the full evidence to attach to a ticket
  g2probe --ranges lab.txt --ports 443 --all --json
  g2probe --format prometheus   the run as metrics, for node_exporter's textfile
                                collector
  g2probe rules --format pf     print firewall rules that admit GoToMyPC (also
                                iptables, nftables, windows, csv: rules --help)

Commands (each has --help)
  g2probe serve       probe on a schedule; serve the page at /, /metrics,
                      /report.json and /healthz
  g2probe rules       firewall rules for the ranges and ports
  g2probe schema      the JSON Schema of the --json report
  g2probe show FILE   a saved report (--out) as the text report of its run
  g2probe hold        does the host stay online? long connections held open,
                      and when and how the path cuts them
  g2probe health      ask a local serve's /healthz (Docker's HEALTHCHECK)

What to probe
  --ranges FILE       probe these ranges instead of the built-in GoTo list: one
                      IPv4/IPv6 CIDR or address per line, optionally followed
                      by ports=P,P,… (the ports it serves; default: --ports)
                      and list=NAME (default: the file's name); # starts a
                      comment
  --ports LIST        comma-separated TCP ports (default 80,443,8200); each
                      range is probed on those of them it serves
  --sample N          addresses tried per range, chosen deterministically
                      (default 2)
  --ranges-url URL    fetch the range list over HTTPS before probing (at most
                      1 MiB, every line checked); if that fails, the cached
                      copy, else the --ranges file, else the built-in list is
                      probed, and the report says so
  --ranges-cache DIR  keep the last good --ranges-url list here, for the runs
                      whose download fails
  --seed TEXT         picks other addresses for --sample (default g2probe)
  --all               every address of every range (at most ${MAX_ATTEMPTS.toLocaleString('en-US')} attempts)
  --plan              print the targets (text, or JSON with --json) and exit;
                      sends no packet to them (--ranges-url still downloads)

GoToMyPC's own servers (resolved first, then probed first on every port)
  --hosts NAMES       comma-separated names to resolve instead of the built-in
                      ones (poll.gotomypc.com, www.gotomypc.com, …); names
                      given here are probed on every port
  --dns-server ADDR[:PORT]
                      ask this resolver only (default: this PC's resolver);
                      tells NXDOMAIN, REFUSED, a filter's sinkhole address and
                      silence apart
  --no-dns            resolve no names; probe the ranges only
                      With --ranges FILE, names are resolved only when
                      --hosts or --dns-server is given.

How to probe
  --concurrency N     attempts in flight at once (default: 64, more for large
                      plans, up to 1024 as the open-file limit allows)
  --timeout MS        the longest each step of an attempt waits: the
                      handshake, the proxy's answer, the HTTP or TLS answer
                      (default 3000); the comparison with a neutral exchange
                      shares the check's deadline. Once handshakes have been
                      answered, a silent one waits a few round trips instead
                      (at least 100 ms) and is tried again (at least 1 s)
                      before it is reported silent
  --fixed-timeout     no learning: every handshake waits the whole --timeout
  --connect-only      the TCP handshake only: skip the checks that follow it
                      (HTTP on 80, TLS on 443, GoToMyPC's ping on 8200)
  --sni NAME          the GoToMyPC name sent as TLS SNI on 443 and as Host on
                      80 to range addresses (default www.gotomypc.com); a
                      name's own addresses are asked with that name
  --tls-roots FILE    PEM roots to accept as genuine beside Node's public ones
                      (a lab's CA); anything else on 443 counts as inspection
  --loopback-only     refuse any target, proxy or resolver outside 127.0.0.0/8
                      and ::1 (the system's resolver too: it may forward
                      anywhere); also on when G2PROBE_LOOPBACK_ONLY=1

Proxies (GoToMyPC works through one; g2probe asks it with CONNECT)
                      With none of --proxy, --pac or the proxy variables, the
                      attempts follow this PC's settings as GoToMyPC does: the
                      viewer the user's (Windows Internet Options, macOS, GNOME)
                      with their PAC file, WPAD and exceptions, the host service
                      the machine's WinHTTP proxy; --role picks one, and with
                      no role both are tried where they differ
  --proxy URL         http://[user:password@]host:port for every port; without
                      it, http_proxy/HTTP_PROXY is used for 80 and
                      https_proxy/HTTPS_PROXY for 443 and 8200, except for
                      addresses in NO_PROXY (addresses, CIDRs or *)
  --no-system-proxy   do not follow this PC's proxy settings: direct, unless
                      --proxy, --pac or the variables name a proxy
  --proxy-user USER   the account for a proxy that asks for one: DOMAIN\\user,
                      user@domain or user; sent as Basic or, when the proxy
                      offers it, NTLM (NTLMv2). The password comes from
                      G2PROBE_PROXY_PASSWORD, --proxy-password-file, or a
                      prompt on a terminal (never echoed). USER:PASSWORD still
                      works, but the command line is visible to other local
                      users. Credentials never appear in reports or logs
  --proxy-password-file FILE
                      the proxy password: FILE's first line
  --pac URL|auto      the PAC file (http:// or https://) that picks the path
                      for each target, as a browser's automatic configuration
                      does: its list is followed in order (PROXY a; PROXY b;
                      DIRECT), and a PAC that cannot be fetched or run means
                      DIRECT, as on Windows; the proxy variables are then
                      unused. auto: WPAD, http://wpad.<DNS suffix>/wpad.dat
  --compare-direct    also try every target without the proxy, and report
                      where the two paths differ

Output
  --format FORMAT     text (default), json, or prometheus (the run's metrics
                      in the text exposition format)
  --json              the report as JSON on stdout, nothing else there
                      (the same as --format json; g2probe schema describes it)
  --out FILE          also write the JSON report to FILE, whole or not at all
                      (with --plan, the plan as JSON); a device or a FIFO is
                      written in place (--out /dev/stdout works)
  --html FILE         also write the report as one self-contained web page
                      (the verdict first; opens offline, prints; g2probe show
                      FILE --html OUT makes one from a saved report)
  --bundle FILE.zip   also write a support bundle for the ticket: the JSON,
                      HTML and text reports, what g2probe read on this PC
                      (firewall, proxy settings, resolver), the versions and
                      the log at debug level; passwords scrubbed
  --role host|client  which PC this is: the path it follows (the host
                      service's or the viewer's) and the firewall advice
  -q, --quiet         no progress line on the terminal
${COLOR_HELP}
  --pause             wait for Enter before exiting; on Windows a double-click
                      in Explorer gets this, with --out beside the program
  --log-level LEVEL   fatal, error, warn (default), info, debug, trace, silent;
                      logs go to stderr, as JSON unless stderr is a terminal
  -h, --help          this text
  -V, --version       the version

Exit codes
  0   ok       GoTo's servers answered on every port tested (a port where
               only an old list's addresses were tried may stay unconfirmed)
  1   partial  every port reached GoTo, but some ranges did not answer where
               they are documented to, or the proxy refuses 8200 while 443
               tunnels through it
  2   blocked  evidence that a port is blocked: dropped or refused where a
               server must answer, this PC's firewall, the proxy, or a filter
               that cuts GoToMyPC's traffic
  4   intercepted  a proxy, filter or TLS inspection answered in GoTo's
               place (its own signs are the evidence)
  3   unknown  only local faults (such as too many open files), or no GoTo
               server confirmed on any port: nothing is known
  64  usage error: a bad flag, value or file
  70  internal error in g2probe
  73  an --out, --html or --bundle file could not be written (checked
      before anything is probed; two naming one file: 64)
  130 stopped by Ctrl-C (143: SIGTERM); the report covers what finished
`;

/** A whole-number flag value within bounds, or `fallback` when the flag is absent. */
export function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number, unit: string): number {
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`bad --${name} value ${quote(raw)}: ${unit} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

export function parsePorts(raw: string): number[] {
  const ports: number[] = [];
  for (const item of raw.split(',')) {
    const port = /^\s*\d+\s*$/.test(item) ? Number(item) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      throw new UsageError(`bad --ports value ${quote(item.trim())}: a port is a whole number from 1 to 65535`);
    }
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

/** A host name as DNS and TLS accept it: labels of letters, digits and hyphens; never an IP address. */
function isDnsName(text: string): boolean {
  return /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(text) && !/^[\d.]+$/.test(text);
}

export function parseHosts(raw: string): string[] {
  const hosts: string[] = [];
  for (const item of raw.split(',')) {
    const name = item.trim().toLowerCase().replace(/\.$/, '');
    if (!isDnsName(name)) throw new UsageError(`bad --hosts value ${quote(item.trim())}: give DNS names separated by commas, such as poll.gotomypc.com`);
    if (!hosts.includes(name)) hosts.push(name);
  }
  return hosts;
}

/** ADDR, ADDR:PORT or [IPv6]:PORT, as c-ares takes it: `1.2.3.4:53`, `[::1]:53`. */
export function parseDnsServer(raw: string): string {
  const split = splitHostPort(raw);
  const address = split?.host ?? '';
  const port = split?.port ?? 53;
  if (net.isIP(address) === 0 || !(port >= 1 && port <= 65535)) {
    throw new UsageError(`bad --dns-server value ${quote(raw)}: give the resolver's IP address, with :PORT if not 53 (e.g. 127.0.0.1:5353 or [::1]:53)`);
  }
  return joinHostPort(address, port);
}

/** --proxy-password-file's first line, its line ending trimmed; null without the flag. */
function passwordFile(path: string | undefined): string | null {
  if (path === undefined) return null;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --proxy-password-file ${quote(path)}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return text.split(/\r?\n/, 1)[0] ?? '';
}

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const values = parseFlags(argv, SPEC, { command: 'g2probe', secret: { flag: '--proxy-user', form: 'USER:PASSWORD' } });
  for (const name of ['out', 'html', 'bundle', 'format', 'color'] as const) {
    if (values[name] === '') throw new UsageError(`option --${name} needs a value`);
  }
  const format = values.format ?? (values.json ? 'json' : 'text');
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`bad --format value ${quote(format)}: use text, json or prometheus`);
  }
  if (values.json && format !== 'json') throw new UsageError(`--json and --format ${format} cannot be used together (--json is --format json)`);
  if (values.plan && format === 'prometheus') throw new UsageError('--plan prints text or JSON, not metrics: drop --format prometheus');
  return {
    ...parseProbeFlags(values, env),
    plan: values.plan ?? false,
    format: format as OutputFormat,
    out: values.out ?? null,
    html: values.html ?? null,
    bundle: values.bundle ?? null,
    quiet: values.quiet ?? false,
    color: parseColor(values.color),
    pause: values.pause ?? false,
  };
}

/** The probe's own flags, checked the same way for every command that probes. */
export function parseProbeFlags(values: FlagValues<typeof PROBE_SPEC>, env: NodeJS.ProcessEnv): ProbeCommandOptions {
  const role = values.role;
  if (role !== undefined && role !== 'host' && role !== 'client') {
    throw new UsageError(`bad --role value ${quote(role)}: use host (the PC you connect to) or client (the PC you connect from)`);
  }
  const logLevel = values['log-level'] ?? 'warn';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(`bad --log-level value ${quote(logLevel)}: use one of ${LOG_LEVELS.join(', ')}`);
  }
  for (const name of ['ranges', 'ranges-url', 'ranges-cache', 'seed', 'sni', 'tls-roots', 'proxy', 'proxy-user', 'proxy-password-file', 'pac', 'hosts', 'dns-server'] as const) {
    if (values[name] === '') throw new UsageError(`option --${name} needs a value`);
  }
  if (values.all && values.sample !== undefined) throw new UsageError('--all and --sample cannot be used together: --all tries every address');
  const sni = values.sni ?? 'www.gotomypc.com';
  if (!isDnsName(sni)) {
    throw new UsageError(`bad --sni value ${quote(sni)}: give a DNS name such as www.gotomypc.com (TLS sends no IP address as a name)`);
  }
  if (values['no-dns'] && (values.hosts !== undefined || values['dns-server'] !== undefined)) {
    throw new UsageError('--no-dns cannot be used with --hosts or --dns-server');
  }
  const dnsServer = values['dns-server'] === undefined ? null : parseDnsServer(values['dns-server']);
  const hosts = values.hosts === undefined ? null : parseHosts(values.hosts);
  if (values['ranges-cache'] !== undefined && values['ranges-url'] === undefined) {
    throw new UsageError('--ranges-cache keeps what --ranges-url fetched: give --ranges-url too');
  }
  const rangesUrl = values['ranges-url'] === undefined ? null : parseRangesUrl(values['ranges-url']);
  const proxyUser = values['proxy-user'] ?? null;
  if (values['proxy-password-file'] !== undefined && proxyUser === null) throw new UsageError('--proxy-password-file is the password for --proxy-user: give --proxy-user too');
  const proxyPassword = proxyUser === null || proxyUser.includes(':') ? null : env.G2PROBE_PROXY_PASSWORD ?? passwordFile(values['proxy-password-file']);
  const systemProxy = !(values['no-system-proxy'] ?? false);
  const routes = proxyRoutes({ proxy: values.proxy ?? null, proxyUser, proxyPassword, pac: values.pac ?? null, systemSettings: systemProxy && keepsProxySettings(process.platform, env) }, env);
  if (values['compare-direct'] && routes.proxies.length === 0 && routes.pac === null) {
    throw new UsageError('--compare-direct needs a proxy to compare with: give --proxy URL, or set HTTPS_PROXY / HTTP_PROXY');
  }
  return {
    routes,
    rangesUrl,
    concurrencyGiven: values.concurrency !== undefined,
    probe: {
      rangesFile: values.ranges ?? null,
      ports: values.ports === undefined ? [...DEFAULT_PORTS] : parsePorts(values.ports),
      sample: integer('sample', values.sample, 2, 1, 1_000_000, 'the sample'),
      seed: values.seed ?? 'g2probe',
      all: values.all ?? false,
      concurrency: integer('concurrency', values.concurrency, DEFAULT_CONCURRENCY, 1, 16_384, 'concurrency'),
      timeoutMs: integer('timeout', values.timeout, 3000, 1, 600_000, 'the timeout in ms'),
      role: (role as Role | undefined) ?? null,
      loopbackOnly: (values['loopback-only'] ?? false) || guardFromEnv(env.G2PROBE_LOOPBACK_ONLY),
      connectOnly: values['connect-only'] ?? false,
      servername: sni,
      tlsRoots: values['tls-roots'] ?? null,
      proxies: routes.settings,
      compareDirect: values['compare-direct'] ?? false,
      systemProxy,
      learnTimeout: !(values['fixed-timeout'] ?? false),
      // A --ranges file is the user's own target set: GoTo's names join it only when asked (--hosts, --dns-server).
      hosts: values['no-dns'] ? [] : hosts ?? (values.ranges !== undefined && dnsServer === null ? [] : SERVICE_HOSTS.map((h) => h.name)),
      dnsServer,
      rangesUrl: rangesUrl === null ? null : redactRangesUrl(rangesUrl),
      rangesCache: values['ranges-cache'] ?? null,
    },
    logLevel: logLevel as LevelWithSilent,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
