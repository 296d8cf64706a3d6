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
export type BlockedReason = 'refused' | 'unreachable' | 'local-firewall' | 'reset' | 'proxy-denied' | 'proxy-auth-required' | 'tls-failed';
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

/** What a CONNECT request to an explicit proxy got back. */
export interface ProxyObservation {
  kind: 'proxy';
  /** `answered`: a response head arrived (any status); the tunnel is open only when status is 200. */
  outcome: 'answered' | 'closed' | 'timeout' | 'failed' | 'interrupted';
  status?: number;
  statusText?: string;
  headers?: Record<string, string>;
  /** Whether a Proxy-Authorization header was sent (never its value). */
  credentialsSent: boolean;
  code?: string;
  elapsedMs: number;
}

/** What one small HTTP request (port 80) got back. */
export interface HttpObservation {
  kind: 'http';
  outcome: 'answered' | 'closed' | 'timeout' | 'failed' | 'interrupted';
  status?: number;
  statusText?: string;
  headers?: Record<string, string>;
  /** The start of the body, control characters escaped, for block and captive-portal pages. */
  body?: string;
  bytes: number;
  code?: string;
  elapsedMs: number;
}

/** One certificate of a presented chain, as a reader of the report needs it. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  sha256: string;
  validFrom: string;
  validTo: string;
}

/**
 * How a presented chain is trusted: by a public root bundled with Node (or one given with --tls-roots),
 * only by a root added on this machine (NODE_EXTRA_CA_CERTS, the system store), or by nothing here.
 */
export type ChainTrust = 'public' | 'extra-root' | 'untrusted';

export interface TlsObservation {
  kind: 'tls';
  outcome: 'handshake' | 'closed' | 'timeout' | 'failed' | 'interrupted';
  servername: string;
  protocol?: string;
  chain?: CertificateSummary[];
  trust?: ChainTrust;
  /** OpenSSL's reason when the chain does not verify against the public roots. */
  verifyError?: string;
  /** The local root the chain verified through, when trust is `extra-root`. */
  extraRoot?: { subject: string; source: string };
  code?: string;
  /** The TLS library's message on a failed handshake (alert or protocol error). */
  message?: string;
  elapsedMs: number;
}

/** Port 8200: unsolicited bytes, then the answer to a harmless probe. */
export interface ServiceObservation {
  kind: 'service';
  outcome: 'quiet' | 'answered' | 'closed' | 'failed' | 'interrupted';
  /** Bytes the far end sent before we said anything, escaped. */
  unsolicited?: string;
  /** Bytes sent back after the probe, escaped. */
  reply?: string;
  status?: number;
  headers?: Record<string, string>;
  code?: string;
  elapsedMs: number;
}

export type ApplicationObservation = HttpObservation | TlsObservation | ServiceObservation;
export type Observation = TcpObservation | ProxyObservation | ApplicationObservation;

/** Everything one attempt saw, stage by stage; later stages exist only when earlier ones succeeded. */
export interface Trace {
  path: PathKind;
  /** The TCP handshake: with the target on the direct path, with the proxy on the proxy path. */
  connect: TcpObservation;
  proxy?: ProxyObservation;
  app?: ApplicationObservation;
}

/** How an attempt reached its target: straight out, or through an explicit proxy with CONNECT. */
export type PathKind = 'direct' | 'proxy';

export type Stage = 'connect' | 'proxy' | 'http' | 'tls' | 'service';

export interface Evidence {
  /** The stage that decided: the TCP handshake, the proxy's CONNECT, or the check after the handshake. */
  stage: Stage;
  /** The errno code that decided the outcome, or null when there was none (connected, timed out). */
  code: string | null;
  /** Time spent in the deciding stage. */
  elapsedMs: number;
  syscall?: string;
  /** `address:port` this machine used, on success. */
  local?: string;
  /** One plain sentence on why this status and reason were chosen. */
  why: string;
  /** The proxy's answer to CONNECT: status and the headers that tell who answered (Proxy-Authenticate, Via, …). */
  proxy?: { status: number; statusText: string; headers: Record<string, string>; credentialsSent: boolean };
  /** The HTTP answer on port 80 (or on 8200), with the headers that decided it. */
  http?: { status: number; statusText: string; headers: Record<string, string>; body?: string };
  tls?: {
    servername: string;
    protocol?: string;
    trust?: ChainTrust;
    verifyError?: string;
    extraRoot?: { subject: string; source: string };
    /** The product whose inspection CA issued the chain, when known. */
    product?: string;
    chain?: CertificateSummary[];
    message?: string;
  };
  /** Bytes seen on 8200, escaped: before the probe and after it. */
  service?: { unsolicited?: string; reply?: string };
}

export interface Classification {
  status: Status;
  reason: Reason;
  evidence: Evidence;
}

export interface Attempt extends Target, Classification {
  path: PathKind;
  /** Set on the direct attempts --compare-direct adds beside the configured (proxy) path. */
  comparison?: true;
  /** The whole attempt, handshake and checks. */
  ms: number;
  /** The TCP handshake alone (with the target, or with the proxy), or null when it did not complete. */
  connectMs: number | null;
}

export type StatusCounts = Record<Status, number>;

/** `intercepted` when anything in the path answered in the GoTo servers' place (a proxy, TLS inspection). */
export type PortState = 'reachable' | 'intercepted' | 'blocked' | 'unknown';

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

/** Who was seen in the way: one per port and kind of interception, with the evidence that decided it. */
export interface Finding {
  port: number;
  reason: InterceptedReason;
  /** A named product (from the inspection-CA table), or a proxy's own name from its headers. */
  product: string | null;
  /** Plain words: who answered and how we know. */
  text: string;
  attempts: number;
  /** The first attempt's evidence (or, for the canary, the round-trip times that gave it away). */
  evidence: Evidence | CanaryEvidence;
}

/** Handshakes that completed for addresses that answered nothing else, all equally close: a middlebox accepting. */
export interface CanaryEvidence {
  kind: 'canary';
  addresses: number;
  connectMs: { min: number; median: number; max: number };
  /** True when the same addresses connected on no other port tested. */
  otherPortsSilent: boolean | null;
}

/** Per port, the configured path against the direct one, with --compare-direct. */
export interface PathComparison {
  port: number;
  configured: PortState;
  direct: PortState;
  differs: boolean;
}

export interface Summary {
  total: number;
  counts: StatusCounts;
  ports: PortSummary[];
  ranges: RangeSummary[];
  findings: Finding[];
  /** Null unless --compare-direct tried both paths. The rest of the summary describes the configured path. */
  comparison: PathComparison[] | null;
}

export type VerdictStatus = 'ok' | 'partial' | 'intercepted' | 'blocked' | 'unknown';

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
  /** TCP handshake only: no HTTP, TLS or 8200 check after it. */
  connectOnly: boolean;
  /** The name sent in the TLS ClientHello (SNI) on 443. */
  servername: string;
  /** A PEM file of roots to accept as genuine beside Node's public bundle (a lab's CA). */
  tlsRoots: string | null;
  proxies: ProxySettings;
  compareDirect: boolean;
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
