// The proxy settings GoToMyPC's own programs follow on this PC, per role, read without changing anything: the
// viewer follows the user's settings (WinINet on Windows, the system's on macOS, GNOME's on a Linux desktop),
// the host runs as a service (g2svc.exe) that sees the machine's WinHTTP settings.
import path from 'node:path';
import { escapeText } from '../core/escape.js';
import type { ProxyPath, Reading, SystemProxySettings, WinHttpProxy } from '../core/types.js';
import type { CommandRunner } from './local-policy.js';
import { parseGnomeProxy } from './linux/gnome-proxy.js';
import { parseScutilProxy } from './macos/scutil.js';
import { CONNECTION_SETTINGS_ARGS, INTERNET_SETTINGS_ARGS, WINHTTP_RULES, WININET_RULES, parseConnectionSettings, parseInternetSettings, winHttpSettings, winInetSettings, type RouteRules } from './windows/wininet.js';
import { parseWinHttpProxy } from './windows/winhttp.js';
import { joinHostPort } from '../core/host-port.js';

/** One program's settings as read, with what a run needs to follow them. */
export interface DiscoveredPath {
  path: ProxyPath;
  /** The settings, or why they could not be read. */
  settings: Reading<SystemProxySettings>;
  /** How the program reads their exceptions. */
  rules: RouteRules;
}

const SYSTEM_RULES: RouteRules = { program: 'macOS', implicitLoopback: false, ranges: true };
const GNOME_RULES: RouteRules = { program: 'GNOME', implicitLoopback: false, ranges: true };

export interface DiscoveryOptions {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  run: CommandRunner;
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : env[key];
}

async function read<T>(run: CommandRunner, file: string, args: readonly string[], parse: (output: string) => Reading<T>): Promise<Reading<T>> {
  const result = await run(file, args);
  return result.ok ? parse(result.stdout) : { readable: false, why: `${path.win32.basename(file)} ${args.join(' ')} failed: ${escapeText(result.why)}` };
}

/** The settings in one sentence, as the report says them. */
export function describeSettings(settings: SystemProxySettings): string {
  const parts: string[] = [];
  if (settings.pacUrl) parts.push(`the PAC file ${settings.pacUrl}`);
  if (settings.autoDetect) parts.push('automatic detection (WPAD)');
  if (settings.proxyEnabled && settings.proxies.length > 0) {
    const servers = settings.proxies.map((p) => `${p.scheme === null ? '' : `${p.scheme}=`}${joinHostPort(p.host, p.port)}`).join(', ');
    const except = [...(settings.bypassLocal ? ['names without a dot'] : []), ...settings.bypass];
    parts.push(`the proxy ${servers}${except.length > 0 ? ` except ${except.join(', ')}` : ''}`);
  }
  return parts.length === 0 ? 'direct' : parts.join(', then ');
}

export function describeWinHttp(winhttp: WinHttpProxy): string {
  if (winhttp.kind === 'direct') return 'direct';
  const servers = winhttp.servers.map((s) => `${s.scheme === null ? '' : `${s.scheme}=`}${s.address}`).join(', ');
  return `the proxy ${servers}${winhttp.bypass.length > 0 ? ` except ${winhttp.bypass.join(', ')}` : ''}`;
}

function discovered(path: Omit<ProxyPath, 'said'>, settings: Reading<SystemProxySettings>, rules: RouteRules, said?: string): DiscoveredPath {
  return { path: { ...path, said: said ?? (settings.readable ? describeSettings(settings.value) : `unknown: ${settings.why}`) }, settings, rules };
}

/** Each role's settings, where they came from, and what they say; empty where a desktop keeps none g2probe reads. */
export async function discoverProxyPaths(opts: DiscoveryOptions): Promise<DiscoveredPath[]> {
  const { platform, env, run } = opts;
  if (platform === 'win32') {
    const system32 = path.win32.join(envValue(env, 'SystemRoot') ?? 'C:\\Windows', 'System32');
    const reg = path.win32.join(system32, 'reg.exe');
    const [key, connection, winhttp] = await Promise.all([
      read(run, reg, INTERNET_SETTINGS_ARGS, parseInternetSettings),
      read(run, reg, CONNECTION_SETTINGS_ARGS, parseConnectionSettings),
      read(run, path.win32.join(system32, 'netsh.exe'), ['winhttp', 'show', 'proxy'], parseWinHttpProxy),
    ]);
    const user = winInetSettings(key, connection);
    const machine = winhttp.readable ? winHttpSettings(winhttp.value) : winhttp;
    return [
      discovered({ role: 'client', who: "the viewer (this user's Internet Options, WinINet)", source: 'reg query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings' }, user, WININET_RULES),
      discovered({ role: 'host', who: 'the host service g2svc.exe (the machine\'s WinHTTP settings)', source: 'netsh winhttp show proxy' }, machine, WINHTTP_RULES, winhttp.readable ? describeWinHttp(winhttp.value) : `unknown: ${winhttp.why}`),
    ];
  }
  if (platform === 'darwin') {
    const system = await read(run, '/usr/sbin/scutil', ['--proxy'], parseScutilProxy);
    return [discovered({ role: 'both', who: "the viewer and the host (the system's network settings)", source: 'scutil --proxy' }, system, SYSTEM_RULES)];
  }
  // glib-networking follows these only in a GNOME session.
  if (platform === 'linux' && isGnome(env)) {
    const gnome = await read(run, 'gsettings', ['list-recursively', 'org.gnome.system.proxy'], parseGnomeProxy);
    return [discovered({ role: 'client', who: "desktop programs (GNOME's proxy settings)", source: 'gsettings list-recursively org.gnome.system.proxy' }, gnome, GNOME_RULES)];
  }
  return [];
}

export function isGnome(env: NodeJS.ProcessEnv): boolean {
  return /gnome/i.test(envValue(env, 'XDG_CURRENT_DESKTOP') ?? '');
}

/** Whether this desktop keeps proxy settings g2probe reads (and so --proxy-user may be for them). */
export function keepsProxySettings(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  return platform === 'win32' || platform === 'darwin' || (platform === 'linux' && isGnome(env));
}
