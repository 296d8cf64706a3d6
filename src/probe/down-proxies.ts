// The proxies a run found down: each that took no connection (refused, unreachable, silent at the handshake) is
// remembered for the rest of the run, as a browser keeps its proxy retry list (Chromium's ProxyRetryInfoMap), so a
// PAC's dead entries cost their time once. One per run, made by the engine: nothing carries over to the next run.
import { joinHostPort } from '../core/host-port.js';

export class DownProxies {
  readonly #down = new Map<string, string>();

  /** Why the proxy at host:port is down (as first seen), or null when it is not known to be. */
  why(host: string, port: number): string | null {
    return this.#down.get(joinHostPort(host, port)) ?? null;
  }

  /** Took no connection: kept with the first reason seen. */
  down(host: string, port: number, why: string): void {
    const key = joinHostPort(host, port);
    if (!this.#down.has(key)) this.#down.set(key, why);
  }

  /** Took a connection after all: up again. */
  up(host: string, port: number): void {
    this.#down.delete(joinHostPort(host, port));
  }
}

/**
 * The order a PAC's entries are tried in, as Chromium's ProxyList::DeprioritizeBadProxyChains orders them: the
 * entries not known to be down in their order, then the ones down (tried last, so that when every entry is down
 * they are still tried, rather than a DIRECT the PAC never gave). `down(i)` tells whether entry i is down.
 */
export function tryOrder(count: number, down: (index: number) => boolean): number[] {
  const up: number[] = [];
  const last: number[] = [];
  for (let i = 0; i < count; i++) (down(i) ? last : up).push(i);
  return [...up, ...last];
}
