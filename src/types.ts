// Public types of g2probe: the data that crosses module boundaries and ends up in reports.

export type Family = 4 | 6;

/** Where a range came from: GoTo's current firewall page, the Citrix Online era list, or the user's file. */
export type RangeSource = 'goto-firewall-page' | 'citrix-online-legacy' | 'file';

/** Legacy ranges may be retired: they are probed and reported, but do not by themselves make a run `partial`. */
export type RangeStatus = 'current' | 'legacy';

export interface RangeSpec {
  cidr: string;
  source: RangeSource;
  status: RangeStatus;
}

/** A parsed range: the spec plus its bounds as integers, so sampling never enumerates it. */
export interface Range extends RangeSpec {
  family: Family;
  first: bigint;
  last: bigint;
  /** Host addresses that may be probed (an IPv4 network's own and broadcast addresses are excluded). */
  hostFirst: bigint;
  hostCount: bigint;
}

export interface Target {
  ip: string;
  port: number;
  /** The CIDR of the range the address was drawn from. */
  range: string;
}

export type Role = 'host' | 'client';

/** The outcomes a report can carry. `intercepted` is produced by later checks (proxies, TLS inspection). */
export type Status = 'ok' | 'blocked' | 'timeout' | 'intercepted' | 'error';

export const STATUSES: readonly Status[] = ['ok', 'blocked', 'timeout', 'intercepted', 'error'];

export type OkReason = 'connected';
export type BlockedReason = 'refused' | 'unreachable' | 'local-firewall' | 'reset' | 'proxy-denied';
export type TimeoutReason = 'no-answer';
export type InterceptedReason = 'http-proxy' | 'tls-inspection';
export type ErrorReason = 'resource-exhausted' | 'no-local-address' | 'unsupported' | 'unexpected';
export type Reason = OkReason | BlockedReason | TimeoutReason | InterceptedReason | ErrorReason;

/** What a TCP connect attempt saw, before any interpretation. */
export interface TcpObservation {
  kind: 'tcp';
  outcome: 'connected' | 'failed' | 'timeout' | 'interrupted';
  /** errno-style code from the OS (ECONNREFUSED, EHOSTUNREACH, …); absent when connected or timed out. */
  code?: string;
  syscall?: string;
  elapsedMs: number;
  localAddress?: string;
  localPort?: number;
}

export type Observation = TcpObservation;

export interface Evidence {
  /** The errno code that decided the outcome, or null when there was none (connected, timed out). */
  code: string | null;
  elapsedMs: number;
  syscall?: string;
  /** `address:port` this machine used, on success. */
  local?: string;
  /** One plain sentence on why this status and reason were chosen. */
  why: string;
}

export interface Classification {
  status: Status;
  reason: Reason;
  evidence: Evidence;
}

export interface Attempt extends Target, Classification {
  ms: number;
}

export type StatusCounts = Record<Status, number>;

export type PortState = 'reachable' | 'blocked' | 'unknown';

export interface PortSummary {
  port: number;
  state: PortState;
  counts: StatusCounts;
  /** Attempts per reason, e.g. { refused: 3, 'no-answer': 1 }. */
  reasons: Partial<Record<Reason, number>>;
  /** errno codes seen on failed attempts, with counts. */
  codes: Record<string, number>;
  /** The subset of `codes` from `error` attempts: faults of this machine, not answers from the network. */
  faultCodes: Record<string, number>;
}

export interface RangePortSummary {
  state: PortState;
  counts: StatusCounts;
  /** The most frequent non-ok reason, or `connected` when any attempt succeeded. */
  reason: Reason | null;
}

export interface RangeSummary extends RangeSpec {
  ports: Record<string, RangePortSummary>;
}

export interface Summary {
  total: number;
  counts: StatusCounts;
  ports: PortSummary[];
  ranges: RangeSummary[];
}

export type VerdictStatus = 'ok' | 'partial' | 'blocked' | 'unknown';

export interface AdviceStep {
  text: string;
}

export interface Verdict {
  status: VerdictStatus;
  exitCode: number;
  /** The verdict as one plain sentence. */
  text: string;
  /** Numbered steps for whoever runs the tool, most useful first. */
  advice: AdviceStep[];
}

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
}

export interface Report {
  schemaVersion: 1;
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  /** True when the run was stopped (Ctrl-C, SIGTERM) before every planned attempt finished. */
  interrupted: boolean;
  options: ProbeOptions;
  attempts: Attempt[];
  summary: Summary;
  verdict: Verdict;
}
