// A proxy as a run uses it: where CONNECT goes, with the credentials kept out of every report and log.
import type { ProxyAuthScheme, ProxyInfo, ProxySettings } from './types.js';

/** Who signs in at the proxy, split as NTLM wants it: `DOMAIN\user` gives both, `user@domain` and `user` a user alone. */
export interface ProxyIdentity {
  user: string;
  domain: string;
  password: string;
}

/**
 * The --proxy-user account and its password, shared by every proxy of a run. The password may come later
 * (a prompt on the terminal, before anything is sent). It lives in a private field: JSON and logs see `user:***`.
 */
export class ProxyCredentials {
  #password: string | null;

  constructor(readonly account: string, password: string | null) {
    this.#password = password;
  }

  get hasPassword(): boolean {
    return this.#password !== null;
  }

  supply(password: string): void {
    this.#password = password;
  }

  /** The Basic header value: the account as given (`DOMAIN\user` is how Windows proxies take it). */
  basic(): string {
    return `Basic ${Buffer.from(`${this.account}:${this.#password ?? ''}`).toString('base64')}`;
  }

  identity(): ProxyIdentity {
    const slash = this.account.indexOf('\\');
    const [domain, user] = slash >= 0 ? [this.account.slice(0, slash), this.account.slice(slash + 1)] : ['', this.account];
    return { user, domain, password: this.#password ?? '' };
  }

  /** What the support bundle must scrub: the password, when there is one. Never for a report or a log. */
  secrets(): string[] {
    return this.#password ? [this.#password] : [];
  }

  toJSON(): string {
    return `${this.account}:***`;
  }
}

/** A proxy to send CONNECT to. The credentials live in a private field: JSON and logs never see them. */
export class Proxy {
  readonly #credentials: ProxyCredentials | null;
  /** The scheme this proxy answered to before: once it asked for NTLM, later attempts skip the Basic try. */
  scheme: ProxyAuthScheme | null = null;

  constructor(readonly info: ProxyInfo, readonly host: string, readonly port: number, credentials: ProxyCredentials | null) {
    this.#credentials = credentials;
  }

  get hasCredentials(): boolean {
    return this.#credentials !== null;
  }

  /** The Basic Proxy-Authorization header value, or null when no credentials were given. */
  authorization(): string | null {
    return this.#credentials?.basic() ?? null;
  }

  /** The account and password for NTLM, or null when no credentials were given. */
  identity(): ProxyIdentity | null {
    return this.#credentials?.identity() ?? null;
  }

  /** What the support bundle must scrub. */
  secrets(): string[] {
    return this.#credentials?.secrets() ?? [];
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
  /** A proxy a PAC file or this PC's settings named (`source`), with the --proxy-user credentials when given. */
  proxyAt(host: string, port: number, source: string): Proxy;
  /** The --proxy-user credentials, or null: a password still missing is asked for before the run. */
  credentials: ProxyCredentials | null;
}
