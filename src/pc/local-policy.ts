// This PC's own policy on Windows: which GoToMyPC programs are installed, what Windows Defender Firewall's
// rules say about each going out, and the machine-wide WinHTTP proxy. It only reads: PowerShell's NetSecurity
// cmdlets (any language), netsh (English only, the firewall's fallback), the registry and the file system.
import path from 'node:path';
import { escapeText } from '../core/escape.js';
import type { ExecutablePolicy, FirewallProfileState, FirewallRule, FirewallSource, FirewallSources, LocalPolicy, Reading, Role, RuleRef } from '../core/types.js';
import { listing } from '../core/words.js';
import { EXECUTABLES } from '../data/executables.js';
import { BUILTIN_RANGES } from '../data/ranges.js';
import { parseFirewallProfiles, parseFirewallRules } from './windows/advfirewall.js';
import { NETSECURITY_ARGS, parseNetSecurity, unreadableBoth } from './windows/netsecurity.js';
import { runSafely, type CommandRunner } from './command.js';
import { readWinHttp } from './proxy-discovery.js';

export { systemRunner, type CommandResult, type CommandRunner, type RunOptions } from './command.js';

const GOTOMYPC_PORTS = [80, 443, 8200] as const;

// Where GoToMyPC has been installed, under each Program Files folder. Citrix\GoToMyPC is the one GoTo's own
// repair scripts clean (wervnm/g2p GoToMyPC_Installation_FixIt.bat: %ProgramFiles(x86)% on 64-bit Windows,
// %ProgramFiles% on 32-bit); GoToMyPC alone is listed by LOLRMM (magicsword-io/LOLRMM); expertcity\GoToMyPC
// dates from before Citrix; GoTo\GoToMyPC is named by one third-party inventory script only (unverified).
const INSTALL_FOLDERS = ['Citrix\\GoToMyPC', 'GoToMyPC', 'GoTo\\GoToMyPC', 'expertcity\\GoToMyPC'];
const PROGRAM_FILES = ['ProgramFiles(x86)', 'ProgramFiles'];
// The viewer and its launcher are per user: GoTo's shortcut troubleshooter (wervnm/g2p) clears
// %LOCALAPPDATA%\Citrix\GoToMyPC\*.exe.
const USER_FOLDER = ['LOCALAPPDATA', 'Citrix\\GoToMyPC'] as const;

// PowerShell's start and the NetSecurity module's first load take seconds of their own on a cold PC.
const POWERSHELL_TIMEOUT_MS = 20_000;

// By absolute path: a powershell.exe or netsh.exe earlier in PATH, or in the working folder, is not Windows's.
const POWERSHELL = ['System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe'];
const NETSH = ['System32', 'netsh.exe'];
const RULES_ARGS = ['advfirewall', 'firewall', 'show', 'rule', 'name=all', 'verbose'];
const PROFILES_ARGS = ['advfirewall', 'show', 'allprofiles'];

export interface LocalPolicyOptions {
  platform: NodeJS.Platform;
  role: Role | null;
  env: NodeJS.ProcessEnv;
  run: CommandRunner;
  exists: (path: string) => boolean;
}

export async function inspectLocalPolicy(opts: LocalPolicyOptions): Promise<LocalPolicy> {
  if (opts.platform !== 'win32') {
    return { applies: false, why: `Windows only: this PC runs ${opts.platform}, and the GoToMyPC programs, Windows Defender Firewall and the WinHTTP proxy are read on Windows.` };
  }
  const root = systemRoot(opts.env);
  const netsh = path.win32.join(root, ...NETSH);
  const [{ rules, profiles, source }, { winhttp }] = await Promise.all([
    readFirewall(opts.run, path.win32.join(root, ...POWERSHELL), netsh),
    readWinHttp(opts.run, root),
  ]);
  const searched = installFolders(opts.env);
  const roles: Role[] = opts.role === null ? ['host', 'client'] : [opts.role];
  const executables: ExecutablePolicy[] = [];
  const missing: string[] = [];
  const outbound = rules.readable
    ? rules.value.filter((rule) => rule.enabled && rule.direction === 'out' && effective(rule, profiles)).map((rule) => ({ rule, scope: scopeOf(rule) }))
    : [];
  const general = outbound.filter(({ rule }) => rule.action === 'block' && rule.program === null && rule.service === null && rule.package === null);
  const generalBlocks = general.filter(({ scope }) => scope.reach === 'goto' && scope.ports.length > 0).map(ref);
  const generalMaybe = general.filter(({ scope }) => scope.reach === 'may' && scope.ports.length > 0);
  // An allow rule for every program lets every program out on the ports it covers, GoToMyPC's too.
  const generalAllows = outbound
    .filter(({ rule, scope }) => rule.action === 'allow' && rule.program === null && rule.service === null && rule.package === null && scope.reach === 'goto' && scope.ports.length > 0)
    .map(ref);
  for (const role of roles) {
    for (const name of [...EXECUTABLES[role].primary, ...EXECUTABLES[role].additional]) {
      const found = searched.map((folder) => path.win32.join(folder, name)).filter((file) => opts.exists(file));
      if (found.length === 0) missing.push(name);
      for (const file of found) executables.push({ name, path: file, role, ...verdictForProgram(file, rules, outbound, profiles, { blocks: generalBlocks, maybe: generalMaybe, allows: generalAllows }, opts.env) });
    }
  }
  return {
    applies: true,
    executables,
    missing,
    searched,
    firewall: { source, profiles, rules: rules.readable ? { readable: true, value: { total: rules.value.length } } : rules, generalBlocks },
    winhttp,
  };
}

interface FirewallReading {
  rules: Reading<FirewallRule[]>;
  profiles: Reading<FirewallProfileState[]>;
  source: FirewallSources;
}

/** PowerShell first, in any language; netsh for each part PowerShell could not give, saying why when it cannot either. */
async function readFirewall(run: CommandRunner, powershell: string, netsh: string): Promise<FirewallReading> {
  const result = await runSafely(run, powershell, NETSECURITY_ARGS, { encoding: 'utf8', timeoutMs: POWERSHELL_TIMEOUT_MS });
  const read = result.ok ? parseNetSecurity(result.stdout) : unreadableBoth(`failed: ${escapeText(result.why)}`);
  const fallback = async <T>(first: Reading<T>, args: string[], parse: (output: string) => Reading<T>): Promise<[Reading<T>, FirewallSource | null]> => {
    if (first.readable) return [first, 'powershell'];
    const second = await readTool(run, netsh, args, parse);
    return second.readable ? [second, 'netsh'] : [{ readable: false, why: `${second.why}; PowerShell's NetSecurity cmdlets, tried first, ${first.why}` }, null];
  };
  const [[rules, rulesFrom], [profiles, profilesFrom]] = await Promise.all([
    fallback(read.rules, RULES_ARGS, parseFirewallRules),
    fallback(read.profiles, PROFILES_ARGS, parseFirewallProfiles),
  ]);
  return { rules, profiles, source: { rules: rulesFrom, profiles: profilesFrom } };
}

async function readTool<T>(run: CommandRunner, netsh: string, args: string[], parse: (output: string) => Reading<T>): Promise<Reading<T>> {
  const result = await runSafely(run, netsh, args);
  return result.ok ? parse(result.stdout) : { readable: false, why: `netsh ${args.join(' ')} failed: ${escapeText(result.why)}` };
}

/** %SystemRoot%, when it names a folder on a drive; anything else (a share, a relative path) is not trusted to hold Windows. */
function systemRoot(env: NodeJS.ProcessEnv): string {
  const root = envValue(env, 'SystemRoot');
  return root !== undefined && /^[A-Za-z]:\\[^\\]/.test(root) ? root : 'C:\\Windows';
}

function installFolders(env: NodeJS.ProcessEnv): string[] {
  const roots = PROGRAM_FILES.map((name) => envValue(env, name)).filter((root): root is string => root !== undefined);
  const folders = roots.flatMap((root) => INSTALL_FOLDERS.map((folder) => path.win32.join(root, folder)));
  const user = envValue(env, USER_FOLDER[0]);
  if (user !== undefined) folders.push(path.win32.join(user, USER_FOLDER[1]));
  // Without ProgramW6432, a 32-bit Node's ProgramFiles is the (x86) folder once more.
  return folders.filter((folder, i) => folders.findIndex((other) => other.toLowerCase() === folder.toLowerCase()) === i);
}

// The firewall service, a 64-bit process, reads %ProgramFiles% as the 64-bit folder; in a 32-bit Node the
// variable names the x86 one, and only ProgramW6432 names the 64-bit one.
const WIDE: Record<string, string> = { programfiles: 'programw6432', commonprogramfiles: 'commonprogramw6432' };

/** A variable's value, its name compared without case as Windows does. */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const lower = name.toLowerCase();
  const wide = Object.hasOwn(WIDE, lower) ? WIDE[lower] : undefined;
  for (const want of wide === undefined ? [lower] : [wide, lower]) {
    const key = Object.keys(env).find((k) => k.toLowerCase() === want);
    if (key !== undefined && env[key]) return env[key];
  }
  return undefined;
}

/** A path as Windows compares it: variables expanded, quotes and redundant separators gone, case folded. */
function normalize(file: string, env: NodeJS.ProcessEnv): string {
  const expanded = file.replace(/^"(.*)"$/, '$1').replace(/%([^%]+)%/g, (whole, name: string) => envValue(env, name) ?? whole);
  return path.win32.normalize(expanded).toLowerCase();
}

/** A rule in profiles whose firewall is off decides nothing. Unknown profile states count as on. */
function effective(rule: FirewallRule, profiles: Reading<FirewallProfileState[]>): boolean {
  if (!profiles.readable) return true;
  return rule.profiles.some((p) => profiles.value.find((s) => s.profile === p)?.state !== 'off');
}

/**
 * Whether a rule can touch GoToMyPC's connections, by its addresses: `goto` when its remote addresses are Any
 * or hold some of GoTo's published ranges, `may` when a keyword or this PC's own address decides (g2probe
 * knows neither), `none` when they cannot be GoTo's servers. `ports`: GoToMyPC's ports it covers there.
 */
interface Scope {
  reach: 'goto' | 'may' | 'none';
  ports: number[];
  /** Why it may or does not apply, for the verdict's text. */
  note: string;
}

interface Scoped {
  rule: FirewallRule;
  scope: Scope;
}

interface Interval {
  first: number;
  last: number;
}

/** GoTo's published ranges as address intervals, with the ports each serves. */
const GOTO_V4 = BUILTIN_RANGES.flatMap((range) => {
  const interval = v4Interval(range.cidr);
  return interval === null ? [] : [{ ...interval, cidr: range.cidr, ports: range.ports }];
});
const GOTO_HAS_V6 = BUILTIN_RANGES.some((range) => range.cidr.includes(':'));

// The firewall's address keywords (Set-NetFirewallRule -RemoteAddress; INetFwRule::RemoteAddresses), each
// optionally ending in 4 or 6. The first are this PC's own network and its servers, never GoTo's; Internet is
// what is not the intranet, and the intranet is whatever the network isolation policy says: either may hold them.
const NEVER_GOTO = new Set(['localsubnet', 'dns', 'dhcp', 'wins', 'defaultgateway', 'playtodevice', 'captiveportal']);
const MAYBE_GOTO = new Set(['internet', 'intranet', 'intranetremoteaccess']);

function scopeOf(rule: FirewallRule): Scope {
  const covered = portsCovered(rule);
  const remote = remoteReach(rule.remoteIPs, covered);
  if (remote.reach !== 'goto' || isAny(rule.localIPs)) return remote;
  return { reach: 'may', ports: remote.ports, note: `it applies only while this PC uses the local address ${short(rule.localIPs)}, which g2probe does not check` };
}

function remoteReach(remoteIPs: string, covered: number[]): Scope {
  if (isAny(remoteIPs)) return { reach: 'goto', ports: covered, note: '' };
  const ranges = new Set<(typeof GOTO_V4)[number]>();
  const maybe: string[] = [];
  for (const token of tokens(remoteIPs)) {
    const keyword = /^([a-z]+?)([46]?)$/i.exec(token);
    const word = keyword?.[1]?.toLowerCase() ?? '';
    if (NEVER_GOTO.has(word)) continue;
    if (MAYBE_GOTO.has(word)) {
      if (keyword?.[2] !== '6' || GOTO_HAS_V6) maybe.push(token);
      continue;
    }
    const interval = v4Interval(token);
    if (interval !== null) {
      for (const range of GOTO_V4) if (interval.first <= range.last && range.first <= interval.last) ranges.add(range);
      continue;
    }
    // IPv6 cannot hold a published GoTo range while none is IPv6; a form g2probe does not know may hold anything.
    const v6 = token.includes(':') && /^[0-9a-f:./-]+$/i.test(token);
    if (!v6 || GOTO_HAS_V6) maybe.push(token);
  }
  if (ranges.size > 0) {
    const ports = covered.filter((port) => [...ranges].some((range) => range.ports === null || range.ports.includes(port)));
    if (ports.length > 0) return { reach: 'goto', ports, note: '' };
    return { reach: 'none', ports: [], note: `the GoTo ranges among its remote addresses (${short(listing([...ranges].map((r) => r.cidr)))}) serve none of the ports it covers` };
  }
  if (maybe.length > 0) return { reach: 'may', ports: covered, note: `it applies to the remote addresses ${short(listing(maybe))}, which may hold GoTo's servers` };
  return { reach: 'none', ports: [], note: `its remote addresses (${short(remoteIPs)}) hold none of GoTo's published ranges` };
}

const tokens = (list: string) => list.split(',').map((t) => t.trim()).filter((t) => t !== '');
const isAny = (list: string) => tokens(list).length === 0 || tokens(list).some((t) => t === '*' || t.toLowerCase() === 'any');
const short = (text: string) => escapeText(text, 120);

/** An IPv4 address, subnet (a/24 or a/255.255.255.0) or range (a-b) as an interval; null for any other form. */
function v4Interval(token: string): Interval | null {
  const range = /^([^-/]+)-([^-/]+)$/.exec(token);
  if (range) {
    const first = v4(range[1] ?? '');
    const last = v4(range[2] ?? '');
    return first === null || last === null || first > last ? null : { first, last };
  }
  const [address = '', suffix, ...rest] = token.split('/');
  const base = v4(address);
  if (base === null || rest.length > 0) return null;
  if (suffix === undefined) return { first: base, last: base };
  const prefix = /^\d{1,2}$/.test(suffix) ? Number(suffix) : maskLength(suffix);
  if (prefix === null || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  const first = base - (base % size);
  return { first, last: first + size - 1 };
}

function v4(text: string): number | null {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim())?.slice(1).map(Number);
  return parts === undefined || parts.some((part) => part > 255) ? null : parts.reduce((n, part) => n * 256 + part, 0);
}

/** 255.255.255.0 → 24; a mask whose ones do not come first is no subnet. */
function maskLength(mask: string): number | null {
  const value = v4(mask);
  if (value === null) return null;
  for (let prefix = 0; prefix <= 32; prefix++) if (value === 2 ** 32 - 2 ** (32 - prefix)) return prefix;
  return null;
}

function ref({ rule, scope }: Scoped): RuleRef {
  return { name: rule.name, action: rule.action, profiles: rule.profiles, ports: scope.ports, remoteIPs: escapeText(rule.remoteIPs) };
}

/** GoToMyPC's TCP ports a rule's protocol and remote ports cover. Keywords (IPHTTPS, …) cover none of them. */
function portsCovered(rule: FirewallRule): number[] {
  const protocol = rule.protocol.toLowerCase();
  if (protocol !== 'any' && protocol !== 'tcp' && protocol !== '6') return [];
  if (rule.remotePorts.toLowerCase() === 'any') return [...GOTOMYPC_PORTS];
  const ranges = rule.remotePorts.split(',').map((part) => /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part)).filter((m) => m !== null);
  return GOTOMYPC_PORTS.filter((port) => ranges.some((m) => port >= Number(m[1]) && port <= Number(m[2] ?? m[1])));
}

const portsOf = (refs: RuleRef[]) => GOTOMYPC_PORTS.filter((port) => refs.some((r) => r.ports.includes(port)));
const names = (refs: RuleRef[]) => listing(refs.map((r) => `"${r.name}"`));
const ruleWord = (refs: RuleRef[]) => (refs.length === 1 ? 'rule' : 'rules');

/** What the firewall's rules (and its profiles' defaults) say about one of GoToMyPC's programs going out. */
function verdictForProgram(
  file: string,
  rules: Reading<FirewallRule[]>,
  outbound: Scoped[],
  profiles: Reading<FirewallProfileState[]>,
  general: { blocks: RuleRef[]; maybe: Scoped[]; allows: RuleRef[] },
  env: NodeJS.ProcessEnv,
): Pick<ExecutablePolicy, 'verdict' | 'rules' | 'why'> {
  const { blocks: generalBlocks, maybe: generalMaybe } = general;
  if (!rules.readable) return { verdict: 'unknown', rules: [], why: `The firewall rules could not be read: ${rules.why}. ${withoutRules(profiles)}` };
  const target = normalize(file, env);
  // Bypass rules only admit IPsec-authenticated traffic, which GoTo's servers do not offer.
  const specific = outbound.filter(
    ({ rule }) => rule.program !== null && rule.action !== 'bypass' && normalize(rule.program, env) === target && portsCovered(rule).length > 0,
  );
  const certain = specific.filter(({ scope }) => scope.reach === 'goto' && scope.ports.length > 0);
  const blocks = certain.filter(({ rule }) => rule.action === 'block').map(ref);
  if (blocks.length > 0) {
    return { verdict: 'blocked', rules: blocks, why: `Blocked going out on TCP ${listing(portsOf(blocks))} by the firewall ${ruleWord(blocks)} ${names(blocks)}; a block rule wins over any allow rule.` };
  }
  // A block that may apply is said, never counted; an allow that may apply is counted, with its condition.
  const uncertain = specific.filter((s) => !certain.includes(s)).map(({ rule, scope }) => {
    const how = scope.reach === 'none' ? 'but does not reach GoTo\'s servers' : rule.action === 'block' ? 'and may stop it' : 'but may not apply';
    return ` The ${rule.action} rule "${rule.name}" names it ${how}: ${scope.note}.`;
  });
  const everyMaybe = generalMaybe.map(({ rule, scope }) => ` The block rule "${rule.name}" for every program covers TCP ${listing(scope.ports)} and may stop it: ${scope.note}.`);
  const notes = `${generalBlocks.length === 0 ? '' : ` ${everyProgram(generalBlocks)}`}${[...uncertain, ...everyMaybe].join('')}`;
  const allows = specific.filter(({ rule, scope }) => rule.action === 'allow' && scope.reach !== 'none' && scope.ports.length > 0).map(ref);
  if (allows.length > 0) {
    return { verdict: 'allowed', rules: allows, why: `Allowed going out on TCP ${listing(portsOf(allows))} by the firewall ${ruleWord(allows)} ${names(allows)}.${uncovered(portsOf(allows), profiles)}${notes}` };
  }
  if (general.allows.length > 0) {
    const every = general.allows;
    return { verdict: 'allowed', rules: every, why: `Allowed going out on TCP ${listing(portsOf(every))} by the firewall ${ruleWord(every)} ${names(every)} for every program.${uncovered(portsOf(every), profiles)}${notes}` };
  }
  return { verdict: 'no-rule', rules: [], why: `${noRule(profiles, specific.length > 0)}${notes}` };
}

/** GoToMyPC's ports no allow rule covers, where the profiles block outbound connections by default. */
function uncovered(allowed: readonly number[], profiles: Reading<FirewallProfileState[]>): string {
  const rest = GOTOMYPC_PORTS.filter((port) => !allowed.includes(port));
  if (rest.length === 0 || !profiles.readable) return '';
  const blocking = profiles.value.filter((p) => p.state !== 'off' && p.outbound === 'block').map((p) => p.profile);
  if (blocking.length === 0) return '';
  return ` No rule allows TCP ${listing(rest)}, and outbound connections are blocked by default in ${profileWords(blocking)}: there it cannot connect on ${rest.length === 1 ? 'that port' : 'those ports'}.`;
}

/** Block rules for every program stop GoToMyPC's ports whatever rule names it. */
function everyProgram(blocks: RuleRef[]): string {
  return `The block ${ruleWord(blocks)} ${names(blocks)} for every program ${blocks.length === 1 ? 'covers' : 'cover'} TCP ${listing(portsOf(blocks))} as well, and block wins over allow.`;
}

/** What happens to a program no rule names: the profiles' default for outbound connections. */
function noRule(profiles: Reading<FirewallProfileState[]>, named: boolean): string {
  const none = named ? "No firewall rule that surely reaches GoTo's servers names it" : 'No firewall rule names it';
  if (!profiles.readable) return `${none}, and the default for outbound connections could not be read: ${profiles.why}.`;
  const on = profiles.value.filter((p) => p.state !== 'off');
  if (on.length === 0) return `${none}, and the firewall is off in every profile: nothing here stops it.`;
  const blocking = on.filter((p) => p.outbound === 'block').map((p) => p.profile);
  if (blocking.length > 0) {
    return `No firewall rule allows it, and outbound connections are blocked by default in the ${listing(blocking)} ${blocking.length === 1 ? 'profile' : 'profiles'}: there it cannot connect until an allow rule names it.`;
  }
  return `${none}; outbound connections are allowed by default (${listing(on.map((p) => p.profile))}), so the firewall lets it out.`;
}

/** What the profiles still tell when the rules could not be read. */
function withoutRules(profiles: Reading<FirewallProfileState[]>): string {
  if (!profiles.readable) return 'Nor could the profiles, so nothing is known of the firewall here.';
  const on = profiles.value.filter((p) => p.state !== 'off');
  if (on.length === 0) return 'The firewall is off in every profile, though, so no rule can stop it.';
  const off = profiles.value.filter((p) => p.state === 'off').map((p) => p.profile);
  const by = (outbound: 'block' | 'allow') => on.filter((p) => (p.outbound === 'block') === (outbound === 'block')).map((p) => p.profile);
  const parts = [
    by('allow').length > 0 ? `allowed by default in ${profileWords(by('allow'))}, unless a rule blocks it` : '',
    by('block').length > 0 ? `blocked by default in ${profileWords(by('block'))}, unless a rule allows it` : '',
  ].filter((part) => part !== '');
  return `The profiles were read: outbound connections are ${parts.join('; ')}${off.length > 0 ? `; the firewall is off in ${profileWords(off)}` : ''}.`;
}

const profileWords = (list: string[]) => `the ${listing(list)} ${list.length === 1 ? 'profile' : 'profiles'}`;
