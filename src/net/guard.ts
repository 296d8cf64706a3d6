// The loopback-only guard's start-up checks: a run that would reach outside loopback is refused before any
// packet, naming the value (exit 64). The dialer (dialer.ts) is the last line behind them.
import { isLoopbackInterval } from '../core/address.js';
import { UsageError } from '../core/errors.js';
import type { Proxy } from '../core/proxy.js';
import type { RunOptions } from '../core/run-options.js';
import type { Range } from '../core/types.js';
import { isLoopbackHost } from './loopback.js';

/** Refuses, before any socket is opened, a run that would reach outside loopback. */
export function assertLoopbackOnly(ranges: Range[]): void {
  const outside = ranges.find((range) => !isLoopbackInterval(range.first, range.last, range.family));
  if (outside) {
    throw new UsageError(`loopback-only guard: refusing to probe ${outside.cidr}, which lies outside 127.0.0.0/8 and ::1`);
  }
}

/** A proxy is a destination too. Only literal loopback addresses (or localhost) pass: a name would need DNS. */
export function assertLoopbackProxies(proxies: readonly Proxy[]): void {
  for (const proxy of proxies) {
    if (!isLoopbackHost(proxy.host)) {
      throw new UsageError(`loopback-only guard: refusing to use the proxy ${proxy.info.url}, which lies outside 127.0.0.0/8 and ::1`);
    }
  }
}

/**
 * A resolver is a destination too, and the system's may forward anywhere (even one on 127.0.0.53 does):
 * with the guard on, names are resolved only by a --dns-server on loopback.
 */
export function assertLoopbackResolver(hosts: readonly string[], dnsServer: string | null): void {
  if (hosts.length === 0) return;
  if (dnsServer === null) {
    throw new UsageError("loopback-only guard: refusing to ask this PC's resolver, which may forward anywhere; give --dns-server on loopback (e.g. 127.0.0.1:5353) or --no-dns");
  }
  const address = dnsServer.replace(/^\[|\]?:\d+$/g, '');
  if (!isLoopbackHost(address)) {
    throw new UsageError(`loopback-only guard: refusing to ask the resolver ${dnsServer}, which lies outside 127.0.0.0/8 and ::1`);
  }
}

/** Under the guard a --ranges-url or --pac server is a destination too: only a literal loopback address or localhost. */
export function assertLoopbackUrl(url: URL, flag = '--ranges-url'): void {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!isLoopbackHost(host)) {
    throw new UsageError(`loopback-only guard: refusing to fetch ${flag} from ${host}, which lies outside 127.0.0.0/8 and ::1`);
  }
}

/** For a local check (health): the address asked must be this machine's loopback. */
export function assertLoopbackHost(host: string, what: string): void {
  if (!isLoopbackHost(host)) throw new UsageError(`loopback-only guard: refusing to ask ${what} at ${host}, which lies outside 127.0.0.0/8 and ::1`);
}

/**
 * Everything a run sends to: the range list's server, the ranges (once known; null before), the proxies and
 * the resolver, in the order a user reads about them.
 */
export function assertRunTargets(options: RunOptions, ranges: Range[] | null): void {
  if (options.rangesUrl) assertLoopbackUrl(options.rangesUrl);
  if (options.routes.pac instanceof URL) assertLoopbackUrl(options.routes.pac, '--pac');
  if (ranges) assertLoopbackOnly(ranges);
  assertLoopbackProxies(options.routes.proxies);
  assertLoopbackResolver(options.probe.hosts, options.probe.dnsServer);
}
