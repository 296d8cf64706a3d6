// The proxy settings GoToMyPC's own programs follow on this PC, per role, read without changing anything: the
// viewer follows the user's settings (WinINet on Windows, the system's on macOS, GNOME's on a Linux desktop),
// the host runs as a service (g2svc.exe) that sees the machine's WinHTTP settings.
import path from 'node:path';
import { escapeText } from '../core/http-head.js';
import type { ProxyPath, Reading, SystemProxySettings, WinHttpProxy } from '../core/types.js';
import type { CommandRunner } from './local-policy.js';
import { parseGnomeProxy } from './linux/gnome-proxy.js';
import { parseScutilProxy } from './macos/scutil.js';
import { CONNECTION_SETTINGS_ARGS, INTERNET_SETTINGS_ARGS, parseConnectionSettings, parseInternetSettings, winInetSettings } from './windows/wininet.js';
import { parseWinHttpProxy } from './windows/winhttp.js';

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
    const servers = settings.proxies.map((p) => `${p.scheme === null ? '' : `${p.scheme}=`}${p.host}:${p.port}`).join(', ');
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

/** Each role's settings, where they came from, and what they say; empty where a desktop keeps none g2probe reads. */
export async function discoverProxyPaths(opts: DiscoveryOptions): Promise<ProxyPath[]> {
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
    return [
      { role: 'client', who: "the viewer (this user's Internet Options, WinINet)", source: 'reg query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings', said: user.readable ? describeSettings(user.value) : `unknown: ${user.why}` },
      { role: 'host', who: 'the host service g2svc.exe (the machine\'s WinHTTP settings)', source: 'netsh winhttp show proxy', said: winhttp.readable ? describeWinHttp(winhttp.value) : `unknown: ${winhttp.why}` },
    ];
  }
  if (platform === 'darwin') {
    const system = await read(run, '/usr/sbin/scutil', ['--proxy'], parseScutilProxy);
    return [{ role: 'both', who: "the viewer and the host (the system's network settings)", source: 'scutil --proxy', said: system.readable ? describeSettings(system.value) : `unknown: ${system.why}` }];
  }
  // glib-networking follows these only in a GNOME session.
  if (platform === 'linux' && /gnome/i.test(envValue(env, 'XDG_CURRENT_DESKTOP') ?? '')) {
    const gnome = await read(run, 'gsettings', ['list-recursively', 'org.gnome.system.proxy'], parseGnomeProxy);
    return [{ role: 'client', who: "desktop programs (GNOME's proxy settings)", source: 'gsettings list-recursively org.gnome.system.proxy', said: gnome.readable ? describeSettings(gnome.value) : `unknown: ${gnome.why}` }];
  }
  return [];
}
