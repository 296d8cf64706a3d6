// The JSON report of a probe run, and the options it records.
import type { Attempt } from './attempt.js';
import type { DnsReport } from './dns.js';
import type { LocalPolicy } from './policy.js';
import type { PacStatus, ProxyPath, ProxySettings } from './routes.js';
import type { Summary } from './summary.js';
import type { RangesInfo, Role } from './targets.js';
import type { Verdict } from './verdict.js';

export interface ProbeOptions {
  rangesFile: string | null;
  ports: number[];
  sample: number;
  seed: string;
  all: boolean;
  concurrency: number;
  timeoutMs: number;
  role: Role | null;
  loopbackOnly: boolean;
  /** TCP handshake only: no HTTP, TLS or 8200 check after it. */
  connectOnly: boolean;
  /** The name sent in the TLS ClientHello (SNI) on 443. */
  servername: string;
  /** A PEM file of roots to accept as genuine beside Node's public bundle (a lab's CA). */
  tlsRoots: string | null;
  proxies: ProxySettings;
  compareDirect: boolean;
  /** Whether the attempts may follow this PC's proxy settings (off with --no-system-proxy). */
  systemProxy: boolean;
  /** Whether a handshake's deadline is learned from the run's round trips (off with --fixed-timeout). */
  learnTimeout: boolean;
  /** Service names resolved and probed first; empty when DNS is off. */
  hosts: string[];
  /** ADDR[:PORT] of the one resolver to ask, or null for the system's. */
  dnsServer: string | null;
  /** HTTPS URL of a range list to fetch before probing, or null. */
  rangesUrl: string | null;
  /** Directory that keeps the last good list fetched from rangesUrl, or null. */
  rangesCache: string | null;
}

export interface Report {
  schemaVersion: 2;
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  /** True when the run was stopped (Ctrl-C, SIGTERM) before every planned attempt finished. */
  interrupted: boolean;
  options: ProbeOptions;
  ranges: RangesInfo;
  /** The service names and their answers, or null when DNS was off. */
  dns: DnsReport | null;
  /** GoToMyPC's programs and the firewall rules for them, the WinHTTP proxy; on other systems, why it does not apply. */
  localPolicy: LocalPolicy;
  /** The PAC file attempts follow, or null without one. */
  pac: PacStatus | null;
  /** The proxy settings GoToMyPC's programs follow on this PC, per role, as read (not what the attempts used). */
  proxyPaths: ProxyPath[];
  attempts: Attempt[];
  summary: Summary;
  verdict: Verdict;
}
