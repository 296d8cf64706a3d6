// Proxies and the path each connection takes: the run's proxies, a PAC file, this PC's settings.
import type { Role } from './targets.js';

/**
 * What FindProxyForURL answered for one target, or what this PC's fixed proxy settings say for it, and which
 * entry the attempt went through.
 */
export interface PacRoute {
  /** What decided: --pac, WPAD, or the settings a program of GoToMyPC follows (the viewer's WinINet, WinHTTP). */
  via?: string;
  /** Which of the fixed settings sent it there (the proxy for https, an exception, <local>), when they decided. */
  rule?: string;
  /** The answer as the PAC gave it (`PROXY a:3128; DIRECT`), escaped; null when it gave none (it threw, ran too long). */
  answer: string | null;
  /** The entry used (`PROXY 127.0.0.1:3128`, `DIRECT`), or null when none could be. */
  entry: string | null;
  /** Entries passed over, each with why: a proxy that took no connection, a kind g2probe cannot speak, the guard. */
  skipped: { entry: string; why: string }[];
  /** Why the PAC gave no usable answer, and the attempt went DIRECT as Windows does. */
  why?: string;
}

/** The PAC file a run follows (--pac): where from, and whether it could be used. */
export interface PacStatus {
  url: string;
  source: string;
  /** Fetched and loaded: it decides every attempt's path. Otherwise every attempt goes DIRECT, as Windows does. */
  usable: boolean;
  why: string | null;
  /** What deciding the routes took: done before the attempts start, so that no evaluation delays one. */
  work?: PacWork;
}

/** A PAC's work for one run: every target's route decided before the attempts, within one budget. */
export interface PacWork {
  /** The run's PAC budget (ms), and how much of it loading and deciding took. */
  budgetMs: number;
  elapsedMs: number;
  /** Distinct questions FindProxyForURL was asked (a URL and a host): targets that share both share the answer. */
  questions: number;
  /** Targets whose route was not decided when the budget ran out: they go DIRECT, as Windows does when a PAC fails. */
  undecided: number;
  /** Names the helpers asked for (resolved through the run's resolver, each with a deadline), and those that went unanswered. */
  names: number;
  silentNames: number;
  /** Evaluations abandoned for a name not yet resolved, and run again once it was. */
  restarts: number;
  /** Set when the budget ran out: what was decided, and what the rest do. */
  ranOut?: string;
}

/** A proxy as reports show it: credentials are never kept here, the password is shown as `***`. */
export interface ProxyInfo {
  url: string;
  /** Where it came from: `--proxy`, `HTTPS_PROXY`, `http_proxy`, … */
  source: string;
}

export interface ProxySettings {
  /** For port 80. */
  http: ProxyInfo | null;
  /** For every other port. */
  https: ProxyInfo | null;
  /** NO_PROXY as given, or null. */
  noProxy: string | null;
  /** The PAC file's URL (--pac), credentials and query left out, `auto` for WPAD, or null. */
  pac: string | null;
}

/** The schemes a system's proxy settings name a server for. */
export type SystemProxyScheme = 'http' | 'https' | 'ftp' | 'socks';

/** One proxy server from a system's settings. Credentials are never kept. */
export interface SystemProxyServer {
  /** null: the server for every scheme without one of its own (WinINet's `host:port` alone). */
  scheme: SystemProxyScheme | null;
  /** Escaped. */
  host: string;
  port: number;
}

/**
 * The proxy settings the programs of a desktop follow, as the system stores them: WinINet's on Windows (the
 * GoToMyPC viewer's), scutil's on macOS, GNOME's gsettings on Linux. A PAC script or WPAD, when on, decides
 * before the fixed servers.
 */
export interface SystemProxySettings {
  /** Whether the fixed servers are in force. */
  proxyEnabled: boolean;
  /** The fixed servers in force, in the order the settings list them; empty when none is. */
  proxies: SystemProxyServer[];
  /** The exceptions as written, escaped, without `<local>` (that is `bypassLocal`). */
  bypass: string[];
  /** Names without a dot go direct: WinINet's `<local>`, macOS's ExcludeSimpleHostnames. */
  bypassLocal: boolean;
  /** The PAC script's address when one is in force. */
  pacUrl: string | null;
  /** Whether WPAD looks for a script; null when the output read does not say. */
  autoDetect: boolean | null;
}

/** The proxy settings one of GoToMyPC's programs follows on this PC, as read: who, from where, and what they say. */
export interface ProxyPath {
  /** The viewer (client), the host service (host), or both where they share the settings. */
  role: Role | 'both';
  who: string;
  /** The command that read them. */
  source: string;
  /** What they say in one sentence: direct, a PAC file, WPAD, a proxy and its exceptions; or why unknown. */
  said: string;
  /** Whether this run's attempts follow them; absent in reports that only read them. */
  followed?: boolean;
  /** Why they are followed or not: --proxy or --pac decides, the *_PROXY variables, --role picks the other path. */
  why?: string;
  /** The PAC script they name (or WPAD finds), as this run loaded it; absent when they name none or are not followed. */
  pac?: PacStatus;
}

/** Where the fixed settings send one connection, and the sentence that says why. */
export type StaticProxyRoute = { via: 'direct'; why: string } | { via: 'proxy'; proxy: SystemProxyServer; why: string };

/** A script decides first when one is on (WPAD, or the PAC at `pacUrl`); `fallback` applies when none loads. */
export type SystemProxyRoute = StaticProxyRoute | { via: 'script'; pacUrl: string | null; autoDetect: boolean; fallback: StaticProxyRoute; why: string };
