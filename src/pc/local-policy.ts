// This PC's own policy on Windows: which GoToMyPC programs are installed, what Windows Defender Firewall's
// rules say about each going out, and the machine-wide WinHTTP proxy. It only reads: netsh and the file system.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { escapeText } from '../core/http-head.js';
import type { ExecutablePolicy, FirewallProfileState, FirewallRule, LocalPolicy, Reading, Role, RuleRef } from '../core/types.js';
import { listing } from '../core/words.js';
import { EXECUTABLES } from '../data/executables.js';
import { parseFirewallProfiles, parseFirewallRules } from './windows/advfirewall.js';
import { parseWinHttpProxy } from './windows/winhttp.js';

/** `ok: false` when the command could not run or finish; a non-zero exit with output is still output. */
export type CommandResult = { ok: true; stdout: string } | { ok: false; why: string };
export type CommandRunner = (file: string, args: readonly string[]) => Promise<CommandResult>;

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

const TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 16 * 1024 * 1024;

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
  const [rules, profiles, winhttp] = await Promise.all([
    readTool(opts.run, ['advfirewall', 'firewall', 'show', 'rule', 'name=all', 'verbose'], parseFirewallRules),
    readTool(opts.run, ['advfirewall', 'show', 'allprofiles'], parseFirewallProfiles),
    readTool(opts.run, ['winhttp', 'show', 'proxy'], parseWinHttpProxy),
  ]);
  const searched = installFolders(opts.env);
  const roles: Role[] = opts.role === null ? ['host', 'client'] : [opts.role];
  const executables: ExecutablePolicy[] = [];
  const missing: string[] = [];
  const outbound = rules.readable ? rules.value.filter((rule) => rule.enabled && rule.direction === 'out' && effective(rule, profiles)) : [];
  const generalBlocks = outbound
    .filter((rule) => rule.action === 'block' && rule.program === null && rule.service === null)
    .map(ref)
    .filter((r) => r.ports.length > 0);
  for (const role of roles) {
    for (const name of [...EXECUTABLES[role].primary, ...EXECUTABLES[role].additional]) {
      const found = searched.map((folder) => path.win32.join(folder, name)).filter((file) => opts.exists(file));
      if (found.length === 0) missing.push(name);
      for (const file of found) executables.push({ name, path: file, role, ...judge(file, rules, outbound, profiles, generalBlocks, opts.env) });
    }
  }
  return {
    applies: true,
    executables,
    missing,
    searched,
    firewall: { profiles, rules: rules.readable ? { readable: true, value: { total: rules.value.length } } : rules, generalBlocks },
    winhttp,
  };
}

/** Runs commands for real: bounded in time and output, no console window, every failure returned as data. */
export const systemRunner: CommandRunner = (file, args) =>
  new Promise((resolve) => {
    // latin1 keeps every byte of the console code page: names in other scripts come out escaped, never lost.
    execFile(file, args, { timeout: TIMEOUT_MS, windowsHide: true, maxBuffer: MAX_OUTPUT, encoding: 'latin1' }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, stdout });
      // netsh exits 1 when no rule matches, and says so on stdout.
      if (typeof error.code === 'number' && !error.killed && stdout.trim() !== '') return resolve({ ok: true, stdout });
      const why = error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER'
        ? `printed more than ${MAX_OUTPUT / 1024 / 1024} MB`
        : error.killed
          ? `did not finish within ${TIMEOUT_MS / 1000} s`
          : typeof error.code === 'number'
            ? `exited with code ${error.code}${stderr.trim() ? `: ${stderr.trim().split(/\r?\n/)[0]}` : ''}`
            : error.message;
      resolve({ ok: false, why });
    });
  });

async function readTool<T>(run: CommandRunner, args: string[], parse: (output: string) => Reading<T>): Promise<Reading<T>> {
  const command = `netsh ${args.join(' ')}`;
  let result: CommandResult;
  try {
    result = await run('netsh', args);
  } catch (error) {
    result = { ok: false, why: error instanceof Error ? error.message : String(error) };
  }
  return result.ok ? parse(result.stdout) : { readable: false, why: `${command} failed: ${escapeText(result.why)}` };
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

function ref(rule: FirewallRule): RuleRef {
  return { name: rule.name, action: rule.action, profiles: rule.profiles, ports: portsCovered(rule), remoteIPs: rule.remoteIPs };
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

function judge(
  file: string,
  rules: Reading<FirewallRule[]>,
  outbound: FirewallRule[],
  profiles: Reading<FirewallProfileState[]>,
  generalBlocks: RuleRef[],
  env: NodeJS.ProcessEnv,
): Pick<ExecutablePolicy, 'verdict' | 'rules' | 'why'> {
  if (!rules.readable) return { verdict: 'unknown', rules: [], why: `The firewall rules could not be read: ${rules.why}.` };
  const target = normalize(file, env);
  // Bypass rules only admit IPsec-authenticated traffic, which GoTo's servers do not offer.
  const specific = outbound
    .filter((rule) => rule.program !== null && rule.action !== 'bypass' && normalize(rule.program, env) === target)
    .map(ref)
    .filter((r) => r.ports.length > 0);
  const blocks = specific.filter((r) => r.action === 'block');
  if (blocks.length > 0) {
    return { verdict: 'blocked', rules: blocks, why: `Blocked going out on TCP ${listing(portsOf(blocks))} by the firewall ${ruleWord(blocks)} ${names(blocks)}; a block rule wins over any allow rule.` };
  }
  const general = generalBlocks.length === 0 ? '' : ` ${everyProgram(generalBlocks)}`;
  const allows = specific.filter((r) => r.action === 'allow');
  if (allows.length > 0) {
    return { verdict: 'allowed', rules: allows, why: `Allowed going out on TCP ${listing(portsOf(allows))} by the firewall ${ruleWord(allows)} ${names(allows)}.${general}` };
  }
  return { verdict: 'no-rule', rules: [], why: `${noRule(profiles)}${general}` };
}

/** Block rules for every program stop GoToMyPC's ports whatever rule names it. */
function everyProgram(blocks: RuleRef[]): string {
  return `The block ${ruleWord(blocks)} ${names(blocks)} for every program ${blocks.length === 1 ? 'covers' : 'cover'} TCP ${listing(portsOf(blocks))} as well, and block wins over allow.`;
}

/** What happens to a program no rule names: the profiles' default for outbound connections. */
function noRule(profiles: Reading<FirewallProfileState[]>): string {
  if (!profiles.readable) return `No firewall rule names it, and the default for outbound connections could not be read: ${profiles.why}.`;
  const on = profiles.value.filter((p) => p.state !== 'off');
  if (on.length === 0) return 'No firewall rule names it, and the firewall is off in every profile: nothing here stops it.';
  const blocking = on.filter((p) => p.outbound === 'block').map((p) => p.profile);
  if (blocking.length > 0) {
    return `No firewall rule allows it, and outbound connections are blocked by default in the ${listing(blocking)} ${blocking.length === 1 ? 'profile' : 'profiles'}: there it cannot connect until an allow rule names it.`;
  }
  return `No firewall rule names it; outbound connections are allowed by default (${listing(on.map((p) => p.profile))}), so the firewall lets it out.`;
}
