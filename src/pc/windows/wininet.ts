// The user's WinINet proxy settings, the ones Internet Options sets and the GoToMyPC viewer follows, as `reg query`
// prints them (the LAN's and each named connection's), which connection is up as rasdial lists it, and where WinINet
// sends one connection under them. Pure: text in, data out.
//
// Where each rule comes from (none was checked on a Windows here):
// - DefaultConnectionSettings, little-endian: the structure's size (0x3C, 0x46 since IE7), a change counter, the
//   flags (the ninth byte: 0x01 direct, 0x02 the fixed proxy, 0x04 a PAC URL, 0x08 WPAD), then three strings,
//   each a 32-bit length and its bytes: the proxy, the exceptions, the PAC URL. Microsoft's .NET Framework reads
//   it so (microsoft/referencesource, RegBlobWebProxyDataBuilder in System/net/System/Net/_ProxyRegBlob.cs), the
//   flags are wininet.h's PROXY_TYPE_* (INTERNET_PER_CONN_FLAGS, learn.microsoft.com), and Microsoft's IE support
//   team lists the ninth byte per checkbox ("What is DefaultConnectionSettings key?", blogs.msdn.microsoft.com/
//   askie, 2017). WinINet reads this value; ProxyEnable, ProxyServer, ProxyOverride and AutoConfigURL are a
//   copy the dialog keeps for older programs (vbfox/proxyconf README; .NET reads nothing else).
// - ProxyServer: `host:port` for every scheme, or `scheme=host:port` entries split by `;` or spaces
//   (WINHTTP_PROXY_INFO's grammar, `[<scheme>=][<scheme>://]<server>[:<port>]`); no port is 80, 1080 for socks,
//   and a socks= entry serves the schemes the list leaves out (the proxy-watch crate's proxy_server docs;
//   Chromium's net/docs/proxy.md reads `socks=` as "other proxies" the same way).
// - ProxyOverride: entries split by `;`, `,` or white space (Chromium's ProxyConfigServiceWin). `<local>`: a name
//   with no dot that is not an IP literal (InternetOpen's lpszProxyBypass; Chromium proxy_bypass_rules.cc).
//   A `*` matches any run of characters, dots included, case-insensitively (Chromium, proxy-watch); an entry
//   without one is that host alone, `corp.example` not `www.corp.example`, a leading dot is no suffix rule, and
//   addresses are compared as text, so `10.*` is how a range is written; `:port` restricts an entry to the port
//   (proxy-watch tests/bypass.rs, measured against WinINet and WinHTTP). WinINet always sends localhost, loopback, 127.0.0.1, ::1 and the link-local ranges direct
//   unless the list holds `<-loopback>` (Chromium MatchesImplicitRules, proxy-watch's measured set).
// - Unverified: a `scheme://` prefix restricting an entry to the scheme is Chromium's reading (net/docs/proxy.md);
//   IsHostInProxyBypassList taking the scheme suggests WinINet has it too, and proxy-watch refuses such entries.
//   Where `<-loopback>` sits in the list (which Chromium honours) is not modelled. A `/` in an entry, which
//   proxy-watch measured to send everything direct, is read as an entry that matches nothing (no host holds one).
// - Named connections: Internet Options keeps settings per dial-up and VPN connection (RAS phonebook entry) besides
//   the LAN's, each a value of the Connections key named as the connection, in DefaultConnectionSettings' layout
//   (a reg export published with its reading, soapffz's "修改注册表参数"; INTERNET_PER_CONN_OPTION_LIST's
//   pszConnection names the connection, NULL the LAN). "Different settings can apply to different connections on
//   the same computer" since Internet Explorer 4.01 (Microsoft, "Using automatic proxy configuration", Windows
//   Server 2003 Connection Manager docs), and the settings of the dial-up/VPN connection that is up come before the
//   LAN's (Ricky Gao, "Windows Proxy Settings and Processing Order"). SavedLegacySettings is a copy kept for older
//   programs, not a connection. Which connection is up: `rasdial` alone "displays the status of current
//   connections" (Microsoft's rasdial reference), each entry's name on a line of its own between localized lines
//   (scripts test a connection with `rasdial | findstr "<name>"`); it needs no administrator rights.
// - With WPAD or a PAC URL on, a script decides: WPAD's first, then the one at the URL, the order Internet
//   Options lists them in. That the fixed settings serve only when no script loads is the usual account of
//   WinINet, not a source read here.
import { BlockList, isIP } from 'node:net';
import { escapeText } from '../../core/escape.js';
import type { Reading, StaticProxyRoute, SystemProxyRoute, SystemProxyScheme, SystemProxyServer, SystemProxySettings, WinHttpProxy } from '../../core/types.js';
import { joinHostPort } from '../../core/host-port.js';
import { proxyBlob, regValues, type RegValue } from './registry.js';

const INTERNET_SETTINGS = 'Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
const CONNECTIONS = `${INTERNET_SETTINGS}\\Connections`;
/** reg.exe's arguments for the two readings: the key's values, and every connection's settings. */
export const INTERNET_SETTINGS_ARGS = ['query', `HKCU\\${INTERNET_SETTINGS}`] as const;
export const CONNECTION_SETTINGS_ARGS = ['query', `HKCU\\${CONNECTIONS}`] as const;
/** rasdial.exe with no argument lists the connections up: one entry name a line, between localized lines. */
export const RASDIAL_ARGS: readonly string[] = [];

const MAX_ENTRIES = 1000;
/** A DNS name is at most 253 characters: a longer entry is kept cut, and matches nothing. */
const MAX_NAME = 255;
/** Connections shown by name: RAS caps entry names at 256 characters. */
const MAX_CONNECTIONS = 100;
const FLAG_PROXY = 0x02;
const FLAG_PAC = 0x04;
const FLAG_AUTO_DETECT = 0x08;
/** Values of the Connections key that are not a connection's: the LAN's, and the copy kept for older programs. */
const NOT_NAMED = new Set(['defaultconnectionsettings', 'savedlegacysettings']);
const SCHEMES: readonly SystemProxyScheme[] = ['http', 'https', 'ftp', 'socks'];
const DEFAULT_PORT = { http: 80, https: 443 } as const;
// Chromium MatchesImplicitRules, Windows's list (link-local: 169.254/16 and fe80::/10).
const IMPLICIT = /^(?:localhost|loopback|127\.0\.0\.1|::1|169\.254\..*|fe[89ab][0-9a-f]:.*)$/i;

/** A named dial-up or VPN connection's own settings, which WinINet follows while that connection is the one up. */
export interface NamedConnection {
  /** Its name as the registry holds it (the RAS phonebook entry's), unescaped: compared with rasdial's lines. */
  name: string;
  settings: Reading<SystemProxySettings>;
}

/** `reg query "HKCU\…\Internet Settings"`: the copy of the settings in the key's values. It cannot say whether WPAD is on. */
export function parseInternetSettings(output: string): Reading<SystemProxySettings> {
  const values = regValues(output, `HKEY_CURRENT_USER\\${INTERNET_SETTINGS}`);
  if (typeof values === 'string') return { readable: false, why: values };
  const enable = values.get('proxyenable');
  if (enable && (enable.type !== 'REG_DWORD' || !/^0x[0-9a-f]{1,8}$/i.test(enable.data))) {
    return { readable: false, why: `ProxyEnable is ${enable.type} "${escapeText(enable.data, 80)}", not the REG_DWORD WinINet keeps` };
  }
  const proxyEnabled = enable !== undefined && Number(enable.data) !== 0;
  const pac = values.get('autoconfigurl')?.data.trim() ?? '';
  return settings(proxyEnabled, values.get('proxyserver')?.data ?? '', values.get('proxyoverride')?.data ?? '', pac === '' ? null : pac, null);
}

/** `reg query "HKCU\…\Internet Settings\Connections"`: DefaultConnectionSettings, the settings of the LAN WinINet reads. */
export function parseConnectionSettings(output: string): Reading<SystemProxySettings> {
  const values = regValues(output, `HKEY_CURRENT_USER\\${CONNECTIONS}`);
  if (typeof values === 'string') return { readable: false, why: values };
  const value = values.get('defaultconnectionsettings');
  return value ? connectionSettings(value) : { readable: false, why: 'reg listed no DefaultConnectionSettings value' };
}

/**
 * The same listing's named connections: a value for each dial-up or VPN connection (RAS phonebook entry) whose
 * settings were ever set, named as the connection, in DefaultConnectionSettings' layout. Empty when the key could
 * not be read (parseConnectionSettings says why).
 */
export function parseNamedConnections(output: string): NamedConnection[] {
  const values = regValues(output, `HKEY_CURRENT_USER\\${CONNECTIONS}`);
  if (typeof values === 'string') return [];
  return [...values.entries()]
    .filter(([key, value]) => !NOT_NAMED.has(key) && value.type === 'REG_BINARY')
    .slice(0, MAX_CONNECTIONS)
    .map(([, value]) => ({ name: value.name, settings: connectionSettings(value) }));
}

/**
 * Which of `names` rasdial lists as connected. Its other lines are localized ("Connected to", "已连接", "Command
 * completed successfully."), the entry names are not: a line that is exactly a connection's name is that
 * connection, whatever the language. RAS compares entry names without case.
 */
export function parseConnected(output: string, names: readonly string[]): string[] {
  const lines = new Set(output.split(/\r?\n/).map((line) => line.trim().toLowerCase()).filter((line) => line !== ''));
  return names.filter((name) => lines.has(name.trim().toLowerCase()));
}

function connectionSettings(value: RegValue): Reading<SystemProxySettings> {
  const blob = proxyBlob(value, 3);
  if (typeof blob === 'string') return { readable: false, why: blob };
  const [proxy = '', bypass = '', pac = ''] = blob.strings;
  const flags = blob.flags;
  return settings((flags & FLAG_PROXY) !== 0, proxy, bypass, (flags & FLAG_PAC) !== 0 && pac.trim() !== '' ? pac.trim() : null, (flags & FLAG_AUTO_DETECT) !== 0);
}

/** The settings in force: DefaultConnectionSettings, which WinINet reads, and the key's copy only when it cannot be read. */
export function winInetSettings(key: Reading<SystemProxySettings>, connection: Reading<SystemProxySettings>): Reading<SystemProxySettings> {
  if (connection.readable) return connection;
  if (key.readable) return key;
  return { readable: false, why: `${connection.why}; and the key's values: ${key.why}` };
}

/**
 * How a program reads its fixed settings' exceptions. WinINet and WinHTTP send loopback and link-local names
 * direct whatever the list says (unless it holds `<-loopback>`); GNOME and macOS list those themselves, and
 * their entries may be address ranges (`127.0.0.0/8`), which WinINet's are not.
 */
export interface RouteRules {
  /** The program, as the route's sentence names it. */
  program: string;
  implicitLoopback: boolean;
  ranges: boolean;
}

export const WININET_RULES: RouteRules = { program: 'WinINet', implicitLoopback: true, ranges: false };
export const WINHTTP_RULES: RouteRules = { program: 'WinHTTP', implicitLoopback: true, ranges: false };

/** Where WinINet (or `rules`' program) sends a connection to `host` (a name or an address) for a URL of `scheme`, on `port` (the scheme's by default). */
export function winInetRoute(settings: SystemProxySettings, target: { host: string; scheme: 'http' | 'https'; port?: number }, rules: RouteRules = WININET_RULES): SystemProxyRoute {
  const fallback = staticRoute(settings, target.host.replace(/^\[(.*)\]$/, '$1').toLowerCase(), target.scheme, target.port ?? DEFAULT_PORT[target.scheme], rules);
  if (!settings.autoDetect && settings.pacUrl === null) return fallback;
  const scripts = [settings.autoDetect ? 'WPAD looks for a PAC script' : '', settings.pacUrl === null ? '' : `the PAC script at ${settings.pacUrl} decides`].filter(Boolean);
  return {
    via: 'script',
    pacUrl: settings.pacUrl,
    autoDetect: settings.autoDetect === true,
    fallback,
    why: `${scripts.join(', then ')}; the fixed settings apply only when no script loads`,
  };
}

/** The machine's WinHTTP proxy as settings of the same shape: its servers and exceptions share WinINet's grammar. */
export function winHttpSettings(winhttp: WinHttpProxy): Reading<SystemProxySettings> {
  if (winhttp.kind === 'direct') return settings(false, '', '', null, false);
  return settings(true, winhttp.servers.map((s) => (s.scheme === null ? s.address : `${s.scheme}=${s.address}`)).join(';'), winhttp.bypass.join(';'), null, false);
}

function staticRoute(settings: SystemProxySettings, host: string, scheme: 'http' | 'https', port: number, rules: RouteRules): StaticProxyRoute {
  const shown = escapeText(host, MAX_NAME);
  if (!settings.proxyEnabled) return { via: 'direct', why: 'no fixed proxy is switched on' };
  // A scheme with no entry of its own takes the one for every scheme, else the SOCKS proxy.
  const proxy = settings.proxies.find((p) => p.scheme === scheme) ?? settings.proxies.find((p) => p.scheme === null) ?? settings.proxies.find((p) => p.scheme === 'socks');
  if (!proxy) return { via: 'direct', why: `the proxy settings name no proxy for ${scheme}` };
  const entry = settings.bypass.find((e) => matchesEntry(e, host, scheme, port) || (rules.ranges && inRange(e, host)));
  if (entry !== undefined) return { via: 'direct', why: `the exception "${entry}" matches ${shown}` };
  if (settings.bypassLocal && !host.includes('.') && isIP(host) === 0) return { via: 'direct', why: `${shown} has no dot, and <local> sends such names direct` };
  const implicit = rules.implicitLoopback && !settings.bypass.some((e) => e.toLowerCase() === '<-loopback>');
  if (implicit && IMPLICIT.test(host)) return { via: 'direct', why: `${rules.program} sends ${shown} direct whatever the proxy (no <-loopback> in the exceptions)` };
  return { via: 'proxy', proxy, why: `${rules.program} sends ${scheme} to ${shown} through ${joinHostPort(proxy.host, proxy.port)}` };
}

/** An `address/prefix` entry (GNOME's and macOS's lists hold them) covering an address. */
function inRange(entry: string, host: string): boolean {
  const range = /^([0-9a-f.:]+)\/(\d{1,3})$/i.exec(entry);
  const type = isIP(host);
  if (!range || type === 0 || isIP(range[1] ?? '') !== type) return false;
  const family = type === 4 ? 'ipv4' : 'ipv6';
  const prefix = Number(range[2]);
  if (prefix > (type === 4 ? 32 : 128)) return false;
  const list = new BlockList();
  list.addSubnet(range[1] ?? '', prefix, family);
  return list.check(host, family);
}

/** `[scheme://]pattern[:port]`, or `[address]:port`; an unbracketed IPv6 address has no port. */
function matchesEntry(entry: string, host: string, scheme: string, port: number): boolean {
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(entry);
  if (withScheme && withScheme[1]?.toLowerCase() !== scheme) return false;
  const rest = withScheme?.[2] ?? entry;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(rest);
  const colon = rest.split(':');
  const [pattern, entryPort] = bracketed ? [bracketed[1] ?? '', bracketed[2]] : colon.length === 2 ? [colon[0] ?? '', colon[1]] : [rest, undefined];
  if (entryPort !== undefined && (!/^\d{1,5}$/.test(entryPort) || Number(entryPort) !== port)) return false;
  return glob(pattern.toLowerCase(), host);
}

/** Linear in the pattern times the name, whatever the stars: an entry cannot stall the match. */
function glob(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.length && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

function settings(proxyEnabled: boolean, proxy: string, bypass: string, pacUrl: string | null, autoDetect: boolean | null): Reading<SystemProxySettings> {
  const servers = proxyEnabled ? parseServers(proxy) : [];
  if (typeof servers === 'string') return { readable: false, why: servers };
  const entries = split(bypass);
  const local = (e: string) => e.toLowerCase() === '<local>';
  return {
    readable: true,
    value: {
      proxyEnabled,
      proxies: servers,
      bypass: entries.filter((e) => !local(e)).map((e) => escapeText(e, MAX_NAME)),
      bypassLocal: entries.some(local),
      pacUrl: pacUrl === null ? null : escapeText(withoutCredentials(pacUrl)),
      autoDetect,
    },
  };
}

function parseServers(text: string): SystemProxyServer[] | string {
  const servers: SystemProxyServer[] = [];
  for (const entry of split(text)) {
    const per = /^([a-z]+)=(.*)$/i.exec(entry);
    const name = per?.[1]?.toLowerCase();
    const scheme = SCHEMES.find((s) => s === name) ?? null;
    // gopher= and the like serve no scheme GoToMyPC uses; `https=` alone names no server.
    if ((per && scheme === null) || per?.[2] === '') continue;
    const address = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?(\[[^\]]+\]|[^:/@[\]]+)(?::(\d{1,5}))?\/?$/i.exec(per?.[2] ?? entry);
    const port = address?.[2] === undefined ? (scheme === 'socks' ? 1080 : 80) : Number(address[2]);
    if (!address?.[1] || port < 1 || port > 65535) return `the proxy entry "${escapeText(withoutCredentials(entry), 80)}" is not host:port`;
    servers.push({ scheme, host: escapeText(address[1].replace(/^\[(.*)\]$/, '$1'), MAX_NAME), port });
  }
  return servers;
}

function split(text: string): string[] {
  return text.split(/[;,\s]+/).filter((e) => e !== '').slice(0, MAX_ENTRIES);
}

function withoutCredentials(text: string): string {
  return text.replace(/^((?:[a-z][a-z0-9+.-]*=)?(?:[a-z][a-z0-9+.-]*:\/\/)?)[^@/]*@/i, '$1***@');
}
