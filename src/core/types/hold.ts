// g2probe hold: does a long connection to GoToMyPC stay open, the way the host keeps one to the poll server?
import type { DnsReport } from './dns.js';
import type { PathKind } from './observation.js';
import type { ProxyPath, ProxySettings } from './routes.js';
import type { Role } from './targets.js';
import type { AdviceStep } from './verdict.js';

/** One connection hold keeps open: a GoToMyPC name's address, or a range address for a port no name is used on. */
export interface HoldTarget {
  ip: string;
  port: number;
  /** The name it was resolved from (sent as SNI and Host), or null for a range address. */
  host: string | null;
  range: string | null;
  /** Why this address: the name's answer, or the range documented for the port. */
  source: string;
}

/** How a connection ended without being asked to: a reset, silence where an answer was due, or a close (FIN). */
export type HoldCutKind = 'reset' | 'silence' | 'closed';

export type HoldEnd =
  /** Still open when --for ended, its last exchange answered. */
  | { how: 'held' }
  | { how: 'interrupted' }
  /** The server answered and said it closes (Connection: close, HTTP/1.0): its own choice, reopened at once. */
  | { how: 'ended'; why: string }
  /** Reset, silence or a close that came unasked: `during` an idle wait, or in place of an exchange's answer. */
  | { how: 'cut'; kind: HoldCutKind; during: 'idle' | 'exchange'; code?: string; why: string }
  | { how: 'not-opened'; stage: 'connect' | 'proxy' | 'tls'; why: string };

export interface HoldSession {
  /** When it was opened and ended, in ms from the hold's start. */
  openedAtMs: number;
  endedAtMs: number;
  /** The handshake, tunnel and TLS together; null when it did not open. */
  openMs: number | null;
  /** This side's address and port, to tell one session from another in a capture. */
  local: string | null;
  /** The idle time before each exchange that was answered, in ms, in order. */
  answeredMs: number[];
  /** How long it had been idle when the cut was seen (or the exchange that found it was sent). */
  idleMs: number;
  end: HoldEnd;
}

/**
 * held: open to the end, every exchange answered (servers that close after answering included); idle-cut: cut
 * after more idle time than ever came back; lifetime-cut: cut after less idle than had come back, so by age;
 * cut-once: one reset or silence that the same wait did not bring again (a passing fault, a slow answer); closed:
 * closed (FIN) unasked, by the server or a proxy; down: it ended and could not be opened again, so the path (or the
 * server) went down; unanswered: GoTo's ping got no answer even just after opening, so silence proves nothing;
 * not-opened: no connection could be opened. A cut is a limit only when seen twice; a path that went down is a cut.
 */
export type HoldLineState = 'held' | 'idle-cut' | 'lifetime-cut' | 'cut-once' | 'closed' | 'down' | 'unanswered' | 'not-opened' | 'interrupted';

/** When a held connection ended and opening it again failed: the path went down, and whether it came back. */
export interface HoldOutage {
  /** When the last connection that was open ended, in ms from the hold's start. */
  downAtMs: number;
  /** How it ended, in words: a reset, silence, a close. */
  ended: string;
  /** Why the first reopen failed (the handshake refused, no answer, the proxy's answer, TLS). */
  reopen: string;
  /** Reopens that failed before it came back (or until the end). */
  failures: number;
  /** When a connection opened again, or null when none did before the hold ended. */
  backAtMs: number | null;
}

export interface HoldLine {
  target: HoldTarget;
  path: PathKind;
  /** The proxy tunnelled through, host:port, or null. */
  proxy: string | null;
  /** What chose the path: a flag, a variable, this PC's settings. */
  route: string;
  state: HoldLineState;
  /** The line's judgement in one sentence, with its numbers. */
  why: string;
  /** The longest idle an exchange came back from, and the shortest after which the connection was found cut. */
  idle: { answeredMs: number | null; cutMs: number | null };
  /** The ages (ms from opening) at which sessions were cut. */
  cutAgesMs: number[];
  /** Set when a connection ended and could not be opened again. */
  outage?: HoldOutage;
  sessions: HoldSession[];
}

/** Something that changed while connections were held: a name's addresses, or this PC's own address. */
export interface HoldEvent {
  atMs: number;
  kind: 'dns-change' | 'local-address';
  text: string;
}

export type HoldStatus = 'held' | 'cut' | 'unknown';

export interface HoldVerdict {
  status: HoldStatus;
  exitCode: number;
  text: string;
  advice: AdviceStep[];
}

export interface HoldOptions {
  forMs: number;
  /** The idle time between exchanges, or null (--every never): one exchange at the end. */
  everyMs: number | null;
  timeoutMs: number;
  ports: number[];
  hosts: string[];
  role: Role;
  servername: string;
  dnsServer: string | null;
  loopbackOnly: boolean;
  proxies: ProxySettings;
  systemProxy: boolean;
}

export interface HoldReport {
  schemaVersion: 1;
  kind: 'hold';
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  interrupted: boolean;
  options: HoldOptions;
  dns: DnsReport | null;
  proxyPaths: ProxyPath[];
  lines: HoldLine[];
  events: HoldEvent[];
  verdict: HoldVerdict;
}
