// A proxy as a run uses it: where CONNECT goes, with the credentials kept out of every report and log.
import type { ProxyInfo, ProxySettings } from './types.js';

/** A proxy to send CONNECT to. The credentials live in a private field: JSON and logs never see them. */
export class Proxy {
  readonly #authorization: string | null;

  constructor(readonly info: ProxyInfo, readonly host: string, readonly port: number, user: string | null, password: string | null) {
    this.#authorization = user === null ? null : `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
  }

  /** The Proxy-Authorization header value, or null when no credentials were given. */
  authorization(): string | null {
    return this.#authorization;
  }

  toJSON(): ProxyInfo {
    return this.info;
  }
}

export interface ProxyRoutes {
  settings: ProxySettings;
  /** The proxy for an attempt to `ip`:`port`, or null for a direct attempt. */
  proxyFor(ip: string, port: number): Proxy | null;
  /** The proxy for a download from `host` (a name or an address), or null for a direct one. */
  proxyForHost(host: string, port: number): Proxy | null;
  /** Every proxy in use, to check against the loopback guard. */
  proxies: Proxy[];
  /** The PAC file that picks a proxy per target (--pac URL, or auto: WPAD), or null; with it, proxyFor answers null. */
  pac: URL | 'auto' | null;
  /** A proxy a PAC file named, with the --proxy-user credentials when given. */
  proxyAt(host: string, port: number): Proxy;
}
