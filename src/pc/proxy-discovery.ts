// The proxy settings GoToMyPC's own programs follow on this PC, per role, read without changing anything: the
// viewer follows the user's settings (WinINet on Windows, the system's on macOS, GNOME's on a Linux desktop),
// the host runs as a service (g2svc.exe) that sees the machine's WinHTTP settings.
import { escapeText } from '../core/escape.js';
import type { ProxyPath, Reading, SystemProxySettings, WinHttpProxy } from '../core/types.js';
import type { CommandRunner, RunOptions } from './command.js';
import { parseGnomeProxy } from './linux/gnome-proxy.js';
import { parseScutilProxy } from './macos/scutil.js';
import { consoleTools, type ConsoleTool } from './windows/console.js';
import {
  CONNECTION_SETTINGS_ARGS,
  INTERNET_SETTINGS_ARGS,
  RASDIAL_ARGS,
  WINHTTP_RULES,
  WININET_RULES,
  parseConnected,
  parseConnectionSettings,
  parseInternetSettings,
  parseNamedConnections,
  winHttpSettings,
  winInetSettings,
  type RouteRules,
} from './windows/wininet.js';
import { NETSH_WINHTTP_ARGS, WINHTTP_SETTINGS_ARGS, parseWinHttpProxy, parseWinHttpSettings } from './windows/winhttp.js';
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

/** A Unix tool's reading: scutil and gsettings write UTF-8. */
async function read<T>(run: CommandRunner, file: string, args: readonly string[], parse: (output: string) => Reading<T>): Promise<Reading<T>> {
  const options: RunOptions = { encoding: 'utf8' };
  const result = await run(file, args, options);
  return result.ok ? parse(result.stdout) : { readable: false, why: `${file.split('/').pop()} ${args.join(' ')} failed: ${escapeText(result.why)}` };
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
  } else if (settings.proxyEnabled) {
    // GNOME's mode 'manual' with no host set, or ProxyEnable with no ProxyServer: switched on, and direct.
    parts.push('a fixed proxy switched on that names no server, so direct');
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
    const root = envValue(env, 'SystemRoot') ?? 'C:\\Windows';
    const tool = consoleTools(run, root);
    const [viewer, machine] = await Promise.all([readWinInet(tool), readWinHttp(run, root, tool)]);
    const host = machine.winhttp.readable ? winHttpSettings(machine.winhttp.value) : machine.winhttp;
    return [
      discovered({ role: 'client', who: "the viewer (this user's Internet Options, WinINet)", source: viewer.source }, viewer.settings, WININET_RULES, viewer.said),
      discovered({ role: 'host', who: 'the host service g2svc.exe (the machine\'s WinHTTP settings)', source: machine.source }, host, WINHTTP_RULES, machine.winhttp.readable ? describeWinHttp(machine.winhttp.value) : `unknown: ${machine.winhttp.why}`),
    ];
  }
  if (platform === 'darwin') {
    const system = await read(run, '/usr/sbin/scutil', ['--proxy'], parseScutilProxy);
    return [discovered({ role: 'both', who: "the viewer and the host (the system's network settings)", source: 'scutil --proxy' }, system, SYSTEM_RULES)];
  }
  const desktop = platform === 'linux' ? gnomeSettingsDesktop(env) : null;
  if (desktop !== null) {
    const gnome = await read(run, 'gsettings', ['list-recursively', 'org.gnome.system.proxy'], parseGnomeProxy);
    const who = desktop === 'GNOME' ? "desktop programs (GNOME's proxy settings)" : `desktop programs (GNOME's proxy settings, which ${desktop} uses)`;
    return [discovered({ role: 'client', who, source: 'gsettings list-recursively org.gnome.system.proxy' }, gnome, GNOME_RULES)];
  }
  return [];
}

/** The machine's WinHTTP proxy: WinHttpSettings as reg lists it, in any language; netsh when that cannot be read. */
export async function readWinHttp(run: CommandRunner, systemRoot: string, tool: ConsoleTool = consoleTools(run, systemRoot)): Promise<{ winhttp: Reading<WinHttpProxy>; source: string }> {
  const stored = await tool('reg', WINHTTP_SETTINGS_ARGS);
  const fromRegistry = stored.ok ? parseWinHttpSettings(stored.text) : { readable: false as const, why: stored.why };
  if (fromRegistry.readable) return { winhttp: fromRegistry, source: `reg query ${WINHTTP_SETTINGS_ARGS[1]} (WinHttpSettings)` };
  const shown = await tool('netsh', NETSH_WINHTTP_ARGS);
  const fromNetsh = shown.ok ? parseWinHttpProxy(shown.text) : { readable: false as const, why: shown.why };
  const source = `netsh ${NETSH_WINHTTP_ARGS.join(' ')}`;
  if (fromNetsh.readable) return { winhttp: fromNetsh, source };
  return { winhttp: { readable: false, why: `${fromNetsh.why}; and WinHttpSettings, read first: ${fromRegistry.why}` }, source };
}

const MAX_SHOWN_CONNECTIONS = 5;

const sayReading = (reading: Reading<SystemProxySettings>): string => (reading.readable ? describeSettings(reading.value) : `unknown: ${reading.why}`);
const connectionName = (name: string): string => `"${escapeText(name, 80)}"`;

/**
 * The viewer's WinINet settings: the LAN's, or those of the named dial-up or VPN connection that is up, which
 * WinINet follows instead. rasdial says which is up, and is asked only when a named connection's settings differ
 * from the LAN's; when it cannot say, the LAN's are followed and each differing connection's are said beside them.
 */
async function readWinInet(tool: ConsoleTool): Promise<{ settings: Reading<SystemProxySettings>; said: string; source: string }> {
  const [keyOutput, connectionsOutput] = await Promise.all([tool('reg', INTERNET_SETTINGS_ARGS), tool('reg', CONNECTION_SETTINGS_ARGS)]);
  const key = keyOutput.ok ? parseInternetSettings(keyOutput.text) : { readable: false as const, why: keyOutput.why };
  const lan = winInetSettings(key, connectionsOutput.ok ? parseConnectionSettings(connectionsOutput.text) : { readable: false, why: connectionsOutput.why });
  const named = connectionsOutput.ok ? parseNamedConnections(connectionsOutput.text) : [];
  const source = `reg query ${INTERNET_SETTINGS_ARGS[1]}`;
  const lanSaid = sayReading(lan);
  const differing = named.filter((connection) => sayReading(connection.settings) !== lanSaid);
  if (differing.length === 0) return { settings: lan, said: lanSaid, source };
  const listed = await tool('rasdial', RASDIAL_ARGS);
  const withRasdial = `${source}; rasdial`;
  if (listed.ok && listed.text.trim() !== '') {
    const up = parseConnected(listed.text, named.map((connection) => connection.name));
    const active = named.find((connection) => connection.name === up[0]);
    if (active === undefined) return { settings: lan, said: lanSaid, source: withRasdial };
    const others = up.length > 1 ? `; ${up.slice(1).map(connectionName).join(', ')} ${up.length > 2 ? 'are' : 'is'} up too` : '';
    return { settings: active.settings, said: `${sayReading(active.settings)} (the settings of the connection ${connectionName(active.name)}, which is up${others})`, source: withRasdial };
  }
  const why = listed.ok ? 'rasdial printed nothing' : listed.why;
  const each = differing.slice(0, MAX_SHOWN_CONNECTIONS).map((c) => `when connected through ${connectionName(c.name)}, the viewer follows its settings: ${sayReading(c.settings)}`);
  const more = differing.length > MAX_SHOWN_CONNECTIONS ? `; and ${differing.length - MAX_SHOWN_CONNECTIONS} more connections` : '';
  return { settings: lan, said: `${lanSaid} on the LAN; ${each.join('; ')}${more} (which connection is up is unknown: ${why})`, source: withRasdial };
}

/**
 * The desktop whose programs follow GNOME's proxy settings (org.gnome.system.proxy), or null. As Chromium picks it
 * (base/nix/xdg_util.cc GetDesktopEnvironment, net/proxy_resolution/proxy_config_service_linux.cc): the first
 * XDG_CURRENT_DESKTOP entry it knows decides, GSettings for GNOME, X-Cinnamon, Unity and Pantheon, none for KDE,
 * Deepin, XFCE, UKUI and LXQt; without one, DESKTOP_SESSION gnome or mate (MATE) is GNOME's. An entry naming GNOME
 * (ubuntu:GNOME, Budgie:GNOME, GNOME-Flashback) is GNOME's wherever it stands: GLib's resolver (glib-networking) and
 * libproxy follow GNOME's settings whenever XDG_CURRENT_DESKTOP holds "GNOME".
 */
export function gnomeSettingsDesktop(env: NodeJS.ProcessEnv): string | null {
  const entries = (envValue(env, 'XDG_CURRENT_DESKTOP') ?? '').split(':').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.some((entry) => /gnome/i.test(entry))) return 'GNOME';
  for (const entry of entries) {
    const known = Object.hasOwn(DESKTOPS, entry) ? DESKTOPS[entry] : undefined;
    if (known !== undefined) return known;
  }
  const session = envValue(env, 'DESKTOP_SESSION');
  return session === 'gnome' ? 'GNOME' : session === 'mate' ? 'MATE' : null;
}

/** XDG_CURRENT_DESKTOP's entries Chromium knows: the desktop's name when it reads GSettings, null when it does not. */
const DESKTOPS: Readonly<Record<string, string | null>> = {
  'X-Cinnamon': 'Cinnamon',
  Unity: 'Unity',
  Pantheon: 'Pantheon',
  KDE: null,
  Deepin: null,
  XFCE: null,
  UKUI: null,
  LXQt: null,
};

/** Whether this desktop keeps proxy settings g2probe reads (and so --proxy-user may be for them). */
export function keepsProxySettings(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  return platform === 'win32' || platform === 'darwin' || (platform === 'linux' && gnomeSettingsDesktop(env) !== null);
}
