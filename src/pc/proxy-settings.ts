// Which proxy each attempt goes through: --proxy, or the standard HTTP(S)_PROXY / NO_PROXY variables.
import net from 'node:net';
import { UsageError, quote } from '../core/errors.js';
import { Proxy, ProxyCredentials, type ProxyRoutes } from '../core/proxy.js';
import { joinHostPort, splitHostPort } from '../core/host-port.js';

export interface ProxyFlags {
  proxy: string | null;
  proxyUser: string | null;
  /**
   * The password for a --proxy-user without `:password` (G2PROBE_PROXY_PASSWORD, --proxy-password-file),
   * or null: then it is asked for on a terminal, or empty.
   */
  proxyPassword?: string | null;
  /** --pac, when given. */
  pac?: string | null;
  /** Whether this PC's own settings may name a proxy the run follows (so --proxy-user may be for it). */
  systemSettings?: boolean;
}

/**
 * The URL with its password replaced by `***`: what reports, logs and errors may show. The scheme is optional
 * (`alice:pw@proxy:3128` is read as http), and the password runs to the last `@`: one with a raw `@` or `/` is
 * a mistake to report, not to echo.
 */
export function redactUrl(raw: string): string {
  return raw.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?[^/@:]*):.*@/is, '$1:***@');
}

/** `user:password` from --proxy-user, split at the first colon (a password may hold colons); without one, `password`. */
function splitUser(raw: string, password: string | null = null): ProxyCredentials {
  const colon = raw.indexOf(':');
  return colon < 0 ? new ProxyCredentials(raw, password) : new ProxyCredentials(raw.slice(0, colon), raw.slice(colon + 1));
}

/** `shared`: the --proxy-user credentials every proxy of the run uses (so a prompt answers for all of them). */
export function parseProxy(raw: string, source: string, proxyUser: string | null, shared: ProxyCredentials | null = null): Proxy {
  const shown = redactUrl(raw);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`bad proxy ${quote(shown)} in ${source}: use http://[user:password@]host:port`);
  }
  if (url.protocol !== 'http:') {
    throw new UsageError(`unsupported proxy ${quote(shown)} in ${source}: only http:// proxies (which tunnel with CONNECT) are supported`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new UsageError(`bad proxy ${quote(shown)} in ${source}: give only http://[user:password@]host:port, no path`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? 80 : Number(url.port);
  let fromUrl: ProxyCredentials | null;
  try {
    fromUrl = url.username ? new ProxyCredentials(decodeURIComponent(url.username), url.password ? decodeURIComponent(url.password) : null) : null;
  } catch {
    throw new UsageError(`bad proxy ${quote(shown)} in ${source}: a % in the user name or password must start an escape such as %40 (a % itself is %25)`);
  }
  const credentials = proxyUser !== null ? shared ?? splitUser(proxyUser) : fromUrl;
  const display = `http://${credentials ? `${encodeURIComponent(credentials.account)}:***@` : ''}${url.host}`;
  return new Proxy({ url: display, source }, host, port, credentials);
}

/** The first non-empty variable among `names`, lower case first as curl and most tools read them. */
function fromEnv(env: NodeJS.ProcessEnv, names: string[]): { name: string; value: string } | null {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return null;
}

/**
 * NO_PROXY entries that can match an address: `*`, IP addresses and CIDRs, each optionally with
 * `:port`. Host names (`.example.com`) cannot match an address and are kept only in the report.
 */
function noProxyMatcher(raw: string | null): (ip: string, port: number) => boolean {
  if (raw === null) return () => false;
  const rules: { list: net.BlockList; port: number | null }[] = [];
  for (const item of raw.split(/[,\s]+/).filter(Boolean)) {
    if (item === '*') return () => true;
    // An address or a CIDR, with a port or not: `[::1]:80`, `10.0.0.0/8:80`, `fe80::/10`.
    const split = splitHostPort(item);
    const [address, port] = split ? [split.host, split.port ?? undefined] : [item, undefined];
    const [ip, prefix] = address.split('/');
    const type = net.isIPv4(ip ?? '') ? 'ipv4' : net.isIPv6(ip ?? '') ? 'ipv6' : null;
    if (type === null) continue;
    const list = new net.BlockList();
    if (prefix === undefined) list.addAddress(ip!, type);
    else if (/^\d+$/.test(prefix) && Number(prefix) <= (type === 'ipv4' ? 32 : 128)) list.addSubnet(ip!, Number(prefix), type);
    else continue;
    rules.push({ list, port: port === undefined ? null : Number(port) });
  }
  return (ip, port) => {
    const type = ip.includes(':') ? 'ipv6' : 'ipv4';
    return rules.some((rule) => (rule.port === null || rule.port === port) && rule.list.check(ip, type));
  };
}

/** NO_PROXY's host names, as curl reads them: `example.com` and `.example.com` both cover the name and its subdomains. */
function noProxyNames(raw: string | null): (host: string) => boolean {
  const names = (raw ?? '').split(/[,\s]+/).map((item) => splitHostPort(item)?.host ?? item).filter((item) => item !== '' && net.isIP(item) === 0 && !item.includes('/'))
    .map((item) => item.toLowerCase().replace(/^\*?\./, ''));
  return (host) => names.some((name) => name === '*' || host === name || host.endsWith(`.${name}`));
}

/** A --pac value: an absolute http:// or https:// URL, or auto (WPAD). */
function parsePac(raw: string): URL | 'auto' {
  if (raw === 'auto') return 'auto';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`bad --pac value ${quote(redactUrl(raw))}: give the PAC file's URL, such as http://proxy.example/proxy.pac`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`bad --pac value ${quote(redactUrl(raw))}: a PAC file is fetched over http:// or https://`);
  return url;
}

/**
 * --proxy for every port; otherwise http_proxy for port 80 and https_proxy for the rest, as a browser would.
 * With --pac the PAC file decides per target, as it does in a browser: the variables are not used.
 */
export function proxyRoutes(flags: ProxyFlags, env: NodeJS.ProcessEnv): ProxyRoutes {
  let http: Proxy | null = null;
  let https: Proxy | null = null;
  const pac = flags.pac == null ? null : parsePac(flags.pac);
  if (pac !== null && flags.proxy !== null) throw new UsageError('--pac and --proxy cannot be used together: the PAC file names the proxies');
  const shared = flags.proxyUser === null ? null : splitUser(flags.proxyUser, flags.proxyPassword ?? null);
  if (flags.proxy !== null) {
    http = https = parseProxy(flags.proxy, '--proxy', flags.proxyUser, shared);
  } else if (pac === null) {
    const forHttp = fromEnv(env, ['http_proxy', 'HTTP_PROXY']);
    const forHttps = fromEnv(env, ['https_proxy', 'HTTPS_PROXY']);
    if (forHttp) http = parseProxy(forHttp.value, forHttp.name, flags.proxyUser, shared);
    if (forHttps) https = parseProxy(forHttps.value, forHttps.name, flags.proxyUser, shared);
  }
  if (flags.proxyUser !== null && http === null && https === null && pac === null && !flags.systemSettings) {
    throw new UsageError('--proxy-user needs a proxy: give --proxy URL or --pac, or set HTTPS_PROXY / HTTP_PROXY');
  }
  const noProxy = fromEnv(env, ['no_proxy', 'NO_PROXY'])?.value ?? null;
  const bypass = noProxyMatcher(noProxy);
  const bypassName = noProxyNames(noProxy);
  const proxyFor = (ip: string, port: number): Proxy | null => {
    const proxy = port === 80 ? http : https;
    return proxy !== null && !bypass(ip, port) ? proxy : null;
  };
  return {
    settings: { http: http?.info ?? null, https: https?.info ?? null, noProxy, pac: pac === 'auto' ? 'auto' : pac && `${pac.protocol}//${pac.host}${pac.pathname}` },
    pac,
    proxyAt: (host, port, source) => {
      return new Proxy({ url: `http://${shared ? `${encodeURIComponent(shared.account)}:***@` : ''}${joinHostPort(host, port)}`, source }, host, port, shared);
    },
    credentials: shared,
    proxies: [...new Set([http, https].filter((p): p is Proxy => p !== null))],
    proxyFor,
    proxyForHost: (host, port) => {
      const bare = host.replace(/^\[|\]$/g, '');
      if (net.isIP(bare) !== 0) return proxyFor(bare, port);
      const proxy = port === 80 ? http : https;
      return proxy !== null && !bypassName(bare.toLowerCase()) ? proxy : null;
    },
  };
}
