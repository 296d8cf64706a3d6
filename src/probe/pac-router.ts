// The PAC file a run follows (--pac): loaded once, then asked for every target the way a browser asks it, one
// question at a time (its sandbox is one engine, and each call has its own deadline).
import { readFileSync } from 'node:fs';
import type { ProxyRoutes } from '../core/proxy.js';
import type { PacStatus, ProbeOptions, Target } from '../core/types.js';
import { isLoopbackAddress } from '../net/loopback.js';
import { loadPac } from '../pc/pac-file.js';
import type { PacAnswer } from '../pc/pac.js';
import { dnsSuffixes, wpadNames } from '../pc/wpad.js';
import type { PacRouter } from './attempt.js';
import { resolveName } from './checks/dns.js';

/** The URL FindProxyForURL is asked for: what GoToMyPC fetches on 80 and 443; on another port, that port over http. */
export function pacUrl(target: Target): { url: string; host: string } {
  const host = target.host ?? target.ip;
  const authority = host.includes(':') ? `[${host}]` : host;
  if (target.port === 80) return { url: `http://${authority}/`, host };
  if (target.port === 443) return { url: `https://${authority}/`, host };
  return { url: `http://${authority}:${target.port}/`, host };
}

/**
 * The first WPAD name that resolves, as Windows tries them by DNS. Only DNS: DHCP's option 252 would need a
 * DHCP exchange g2probe cannot make.
 */
async function wpad(env: NodeJS.ProcessEnv, resolve: (host: string) => Promise<string | null>): Promise<{ name: string; address: string } | { why: string }> {
  let resolvConf: string | null = null;
  try {
    resolvConf = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    // Windows, or no resolver configuration: USERDNSDOMAIN may still name the suffix.
  }
  const names = wpadNames(dnsSuffixes(resolvConf, env));
  if (names.length === 0) return { why: 'no WPAD: this PC names no DNS suffix to look for wpad in (DHCP option 252 is out of g2probe\'s reach)' };
  for (const name of names) {
    const address = await resolve(name);
    if (address !== null) return { name, address };
  }
  return { why: `no WPAD: ${names.join(', ')} ${names.length === 1 ? 'does' : 'do'} not resolve (DHCP option 252 is out of g2probe's reach)` };
}

export async function pacRouter(routes: ProxyRoutes, probe: ProbeOptions, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<{ status: PacStatus; router: PacRouter | null } | null> {
  if (routes.pac === null) return null;
  const { dnsServer, timeoutMs, loopbackOnly } = probe;
  const address = dnsServer?.replace(/^\[([^\]]+)\](?::\d+)?$/, '$1').replace(/^([^:]+):\d+$/, '$1') ?? null;
  // The PAC's dnsResolve asks the run's resolver; under the guard only one on loopback, else no name resolves.
  const mayAsk = !loopbackOnly || (address !== null && isLoopbackAddress(address));
  const resolve = async (host: string): Promise<string | null> => {
    if (!mayAsk) return null;
    const answer = await resolveName(host, { server: dnsServer, timeoutMs }, signal);
    return answer.queries.find((q) => q.type === 'A')?.addresses[0] ?? null;
  };
  let where: { url: URL; shown: string; source: string; hostHeader?: string };
  if (routes.pac === 'auto') {
    const found = await wpad(env, resolve);
    if ('why' in found) return { status: { url: 'auto', source: 'WPAD', usable: false, why: `${found.why}: every attempt goes DIRECT, as Windows does` }, router: null };
    where = { url: new URL(`http://${found.address}/wpad.dat`), shown: `http://${found.name}/wpad.dat`, source: `WPAD (${found.name}, found by DNS)`, hostHeader: found.name };
  } else {
    where = { url: routes.pac, shown: probe.proxies.pac ?? routes.pac.href, source: '--pac' };
  }
  const { shown: url, source } = where;
  const pac = await loadPac({ url: where.url, ...(where.hostHeader ? { hostHeader: where.hostHeader } : {}), timeoutMs, loopbackOnly, proxyFor: () => null, signal }, resolve);
  if (!pac.readable) return { status: { url, source, usable: false, why: `${pac.why}: every attempt goes DIRECT, as Windows does` }, router: null };
  let queue: Promise<unknown> = Promise.resolve();
  const script = pac.value;
  const router: PacRouter = {
    find(target) {
      const { url: asked, host } = pacUrl(target);
      const answer: Promise<PacAnswer> = queue.then(() => script.find(asked, host));
      queue = answer;
      return answer;
    },
    proxyAt: routes.proxyAt,
    loopbackOnly,
  };
  return { status: { url, source, usable: true, why: null }, router };
}
