// Public types of g2probe: the data that crosses module boundaries and ends up in reports.
import type { X509Certificate } from 'node:crypto';

export type Family = 4 | 6;

/** Where a range came from: built into g2probe, the user's --ranges file, or a --ranges-url list. */
export type RangeSource = 'builtin' | 'file' | 'url';

/**
 * How current the word is that a range serves a port: `current` when a list still published says so (GoTo's
 * page, or the user's own file), `legacy` when only an old list does (the Citrix Online list). Silence or a
 * refusal where only an old list vouches for a server is shown, never judged: the address may be retired.
 */
export type RangeStatus = 'current' | 'legacy';

export interface RangeSpec {
  cidr: string;
  /** The lists that name it: built in `gotomypc` and `goto-meeting`; from a file, its line's list=NAME or the file's name. */
  lists: string[];
  /** The TCP ports it is documented to serve; null for every port of the run (a file line without ports=). */
  ports: number[] | null;
  /** Those of `ports` that only a legacy list documents. */
  legacyPorts: number[];
  source: RangeSource;
  /** `legacy` when only legacy lists name it (every port it serves is a legacy port). */
  status: RangeStatus;
}

/** One list of ranges a run used, and where it comes from. */
export interface RangeListInfo {
  name: string;
  /** What the list is, in words. */
  title: string;
  status: RangeStatus;
  /** The TCP ports the list documents for its ranges; null when each line says (or the run's ports). */
  ports: number[] | null;
  /** Where it comes from: the vendor page or document, or the file or URL it was read from. */
  source: string;
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
  /** The CIDR of the range the address lies in, or null for a service address outside every range of the run. */
  range: string | null;
  /** Set on GoToMyPC's own servers: the first name that resolved to this address. */
  host?: string;
  /**
   * A GoTo server is expected to answer here: a name's address on a port the name is used on, or a range on a
   * port a current list documents for it. Elsewhere (an old list's address) only an answer counts, never silence.
   */
  expected: boolean;
}

export type Role = 'host' | 'client';

/** The outcomes a report can carry. `intercepted` is produced by later checks (proxies, TLS inspection). */
export type Status = 'ok' | 'blocked' | 'timeout' | 'intercepted' | 'error';

export const STATUSES: readonly Status[] = ['ok', 'blocked', 'timeout', 'intercepted', 'error'];

export type OkReason = 'connected' | 'resolved';
/** `app-filter`: cut once it carried GoToMyPC's bytes, SNI or Host, while a neutral exchange with the same server passed. */
export type BlockedReason =
  | 'refused' | 'unreachable' | 'local-firewall' | 'reset' | 'proxy-denied' | 'proxy-auth-required' | 'proxy-unreachable' | 'tls-failed' | 'app-filter'
  | 'dns-nxdomain' | 'dns-refused' | 'dns-sinkhole' | 'dns-failed' | 'dns-no-address';
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
  /** The handshake completed and the far end reset the connection before it was seen: an answer all the same. */
  resetAfterHandshake?: true;
  /** Set when the deadline was learned and the handshake was tried again: each try's deadline, in order. */
  deadlines?: number[];
}

/** What a CONNECT request to an explicit proxy got back. */
export interface ProxyObservation {
  kind: 'proxy';
  /**
   * `answered`: a final answer's head arrived (any status); the tunnel is open only when status is 200.
   * `not-http`: bytes arrived that are not an HTTP answer (`reply`); `closed`: the proxy closed the connection
   * before any final answer.
   */
  outcome: 'answered' | 'not-http' | 'closed' | 'timeout' | 'failed' | 'interrupted';
  status?: number;
  statusText?: string;
  headers?: Record<string, string>;
  /** How the last answer was read: its framing, HTTP version, line ends, interim answers skipped. */
  read?: HttpReadInfo;
  /** The start of bytes that are not HTTP (`not-http`), escaped. */
  reply?: string;
  /** Whether a Proxy-Authorization header was sent (never its value). */
  credentialsSent: boolean;
  /** The scheme of the last Proxy-Authorization sent, when one was. */
  scheme?: ProxyAuthScheme;
  /** Why an NTLM handshake the proxy offered could not be completed (a bad challenge, a closed connection). */
  authProblem?: string;
  /** Why the proxy was asked again on a new connection, once per new connection (a 407 that left its connection unusable, …). */
  reconnected?: string[];
  /** The last new connection to the proxy did not open: `outcome` and `code` are its handshake's. */
  reconnectFailed?: true;
  code?: string;
  elapsedMs: number;
}

/** How g2probe signed in at a proxy: Basic, or the NTLM handshake on the CONNECT's connection. */
export type ProxyAuthScheme = 'basic' | 'ntlm';

/**
 * What framed an HTTP answer (RFC 9112 §6.3): its Content-Length, chunked coding, the connection's close, none (a 204,
 * a 304, a CONNECT's 200), or nothing at all: bytes without a status line (HTTP/0.9, a banner, another protocol).
 */
export type HttpFraming = 'content-length' | 'chunked' | 'until-close' | 'no-body' | 'not-http';

/** How an HTTP answer was read: what framed it, how much came, and whether g2probe's cap or a close cut it short. */
export interface HttpReadInfo {
  framing: HttpFraming;
  /** `HTTP/1.1` as sent; null without a status line. */
  version: string | null;
  /** `lf` when any line of the head ended in a bare LF; null without a head. */
  lineEnds: 'crlf' | 'lf' | null;
  /** Bytes of the answer read from the connection. */
  bytes: number;
  /** The whole answer arrived, by its own framing (until the close, for `until-close` and `not-http`). */
  complete: boolean;
  /** Cut at g2probe's cap: what was read is judged, the rest was not read. */
  truncated: boolean;
  /** 1xx interim answers (100 Continue, 102, 103) skipped before the final one. */
  interim?: number[];
}

/** What one small HTTP request (port 80) got back. */
export interface HttpObservation {
  kind: 'http';
  outcome: 'answered' | 'closed' | 'timeout' | 'failed' | 'interrupted';
  /** What was sent: the request line and the Host header. */
  request: string;
  /** The Host header sent: a name GoToMyPC uses, or (the neutral request) the address itself. */
  host: string;
  status?: number;
  statusText?: string;
  headers?: Record<string, string>;
  /** The start of the body (or of bytes without a status line), escaped, as the report shows it. */
  body?: string;
  /**
   * The body as read (all the bytes when there is no status line), decoded but not escaped: what the judgement
   * reads signs in. Never reported as it is: the report keeps `body`.
   */
  text?: string;
  /** How the answer was read: its framing, its bytes, whether the cap cut it. */
  read?: HttpReadInfo;
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

export interface Root {
  cert: X509Certificate;
  /** Where it is trusted from: `NODE_EXTRA_CA_CERTS`, `system store (/etc/ssl/…)`, `--tls-roots`. */
  source: string;
}

/** The roots a chain is judged against: the public ones (with --tls-roots) and those added on this machine. */
export interface RootSource {
  publicRoots(): Root[];
  extraRoots(): Root[];
}

/**
 * How a presented chain is trusted: by a public root bundled with Node (or one given with --tls-roots),
 * only by a root added on this machine (NODE_EXTRA_CA_CERTS, the system store), or by nothing here.
 */
export type ChainTrust = 'public' | 'extra-root' | 'untrusted';

export interface TlsObservation {
  kind: 'tls';
  outcome: 'handshake' | 'closed' | 'timeout' | 'failed' | 'interrupted';
  /** The name sent as SNI, or null for none (the neutral handshake). */
  servername: string | null;
  protocol?: string;
  chain?: CertificateSummary[];
  /** The names the leaf certificate is for (subjectAltName, else its CN), escaped. */
  names?: string[];
  /** Whether the leaf covers `servername`; absent without SNI. A public chain for another name is a server's own. */
  nameMatches?: boolean;
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

/** Port 8200: unsolicited bytes, then the answer to a request. */
export interface ServiceObservation {
  kind: 'service';
  outcome: 'quiet' | 'answered' | 'closed' | 'failed' | 'interrupted';
  /** What was sent: GoToMyPC's own ping, or the neutral request. */
  request: string;
  /** Bytes the far end sent before we said anything, escaped. */
  unsolicited?: string;
  /** Bytes sent back after the probe, escaped. */
  reply?: string;
  status?: number;
  statusText?: string;
  headers?: Record<string, string>;
  /** The start of an HTTP answer's body (or of bytes without a status line), escaped. */
  body?: string;
  /** The body as read (all the bytes when there is no status line), decoded but not escaped: the judgement's, never reported. */
  text?: string;
  /** How the answer (or the unsolicited bytes) was read. */
  read?: HttpReadInfo;
  code?: string;
  elapsedMs: number;
}

export type ApplicationObservation = HttpObservation | TlsObservation | ServiceObservation;

export type DnsRecordType = 'A' | 'AAAA';

/** What one DNS query (A or AAAA for one name) got back, before any interpretation. */
export interface DnsQueryObservation {
  type: DnsRecordType;
  outcome: 'answered' | 'failed' | 'timeout' | 'interrupted';
  addresses: string[];
  /** c-ares' code: ENOTFOUND (NXDOMAIN), ENODATA, EREFUSED, ESERVFAIL, ECONNREFUSED, …; none on a timeout (our deadline decides). */
  code?: string;
  elapsedMs: number;
}

/** The CNAMEs followed from a name whose answer held no address: each hop's target, in order. */
export interface CnameChain {
  names: string[];
  /** The chain came back to a name already in it. */
  loop: boolean;
  /** How following it ended when it did not loop: no CNAME further (`end`), too many hops, or a query that failed. */
  end: 'end' | 'too-long' | 'failed';
}

export interface DnsObservation {
  kind: 'dns';
  host: string;
  /** The resolver asked: `system` or the --dns-server address. */
  server: string;
  /** Never empty: a name is judged by at least one answer (or silence). */
  queries: [DnsQueryObservation, ...DnsQueryObservation[]];
  /** Followed when the answers were NOERROR with no address (a CNAME alone, a loop): where the name leads. */
  chain?: CnameChain;
}

/** One resolved address, and what it means for this run. */
export interface DnsAddress {
  ip: string;
  /** The range of this run it lies in, or null. */
  range: string | null;
  /** Why the address is a filter's answer and not a server (0.0.0.0, loopback, a block page), or null. */
  sinkhole: string | null;
  /** Whether it is probed: not when a sinkhole, nor when the loopback-only guard refuses it. */
  probed: boolean;
}

/** A service name, resolved and classified like an attempt. */
export interface DnsResult {
  host: string;
  /** What GoToMyPC uses the name for. */
  use: string;
  /** The TCP ports GoToMyPC uses the name on: its addresses are probed on these (of the run's ports) only. */
  ports: number[];
  /** GoToMyPC cannot work when this name does not resolve. */
  essential: boolean;
  status: Status;
  reason: Reason;
  addresses: DnsAddress[];
  evidence: Evidence;
}

/** The names of a run's resolved servers: which names each probed address stands for, and where each is used. */
export interface ServiceIndex {
  byAddress: ReadonlyMap<string, readonly string[]>;
  hosts: readonly { host: string; essential: boolean; ports: readonly number[] }[];
}

export interface DnsReport {
  /** `system` (this PC's resolver configuration) or the --dns-server address. */
  server: string;
  results: DnsResult[];
}
export type Observation = TcpObservation | ProxyObservation | ApplicationObservation;

/** A connection's stages: the TCP handshake (with the target, or with the proxy), CONNECT, then the port's check. */
export interface Exchange {
  connect: TcpObservation;
  proxy?: ProxyObservation;
  app?: ApplicationObservation;
}

/** Everything one attempt saw, stage by stage; later stages exist only when earlier ones succeeded. */
export interface Trace extends Exchange {
  path: PathKind;
  /**
   * When the check that speaks like GoToMyPC was cut or went unanswered: the same check on a fresh connection
   * to the same address and port, without GoToMyPC's names or bytes. Telling the two apart is what shows an
   * application-aware filter.
   */
  neutral?: Exchange;
}

/** How an attempt reached its target: straight out, or through an explicit proxy with CONNECT. */
export type PathKind = 'direct' | 'proxy';

export type Stage = 'dns' | 'connect' | 'proxy' | 'http' | 'tls' | 'service';

export interface Evidence {
  /** The stage that decided: DNS, the TCP handshake, the proxy's CONNECT, or the check after the handshake. */
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
  /** How g2probe signed in at the proxy on this attempt, when it sent credentials (never the credentials). */
  proxyAuth?: ProxyAuthScheme;
  /** The proxy's answer to CONNECT: status and the headers that tell who answered (Proxy-Authenticate, Via, …). */
  proxy?: {
    status: number;
    statusText: string;
    headers: Record<string, string>;
    credentialsSent: boolean;
    /** How the answer was read (framing, version, line ends, interim answers skipped). */
    read?: HttpReadInfo;
    /** The start of an answer that is not HTTP (status 0), escaped. */
    reply?: string;
    /** Why the proxy was asked again on a new connection during this attempt. */
    reconnected?: string[];
  };
  /**
   * The HTTP answer on port 80 (or on 8200), with the headers that decided it; status 0 for bytes without a status
   * line. `read`: how it was read; `product`: whose page it is, when a block or error page names one.
   */
  http?: { status: number; statusText: string; headers: Record<string, string>; body?: string; read?: HttpReadInfo; product?: string };
  tls?: {
    servername: string | null;
    protocol?: string;
    trust?: ChainTrust;
    verifyError?: string;
    extraRoot?: { subject: string; source: string };
    /** The product whose inspection CA issued the chain, when known. */
    product?: string;
    chain?: CertificateSummary[];
    names?: string[];
    nameMatches?: boolean;
    message?: string;
  };
  /** Bytes seen on 8200, escaped: before the probe and after it. */
  service?: { unsolicited?: string; reply?: string };
  /** The DNS answers, per record type: addresses or the resolver's code. */
  dns?: {
    server: string;
    answers: Partial<Record<DnsRecordType, string[] | string>>;
    /** The CNAMEs an answer without an address led through, from the name asked on; `loop` when they came back round. */
    chain?: string[];
    loop?: boolean;
  };
  /** On an answer after the handshake that is not a middlebox's: whether it has a shape GoTo's servers are known to answer with. */
  recognised?: boolean;
  /** The signs that a middlebox made the answer (a proxy's Via, a block page, …), each enough on its own. */
  signs?: string[];
  /** Signs too weak to judge on (an unknown Via, a redirect to an unknown host): reported as possible, never decisive. */
  possible?: string[];
  /** The GoToMyPC-shaped exchange and the neutral one, when both were tried (an application-aware filter shows here). */
  exchanges?: { gotomypc: ExchangeRecord; neutral: ExchangeRecord };
}

/** One exchange of a comparison, in plain words. */
export interface ExchangeRecord {
  /** What was sent: the HTTP request and Host, the TLS SNI, or the 8200 request. */
  sent: string;
  /**
   * answered: bytes came back (a handshake, a response); reset, closed, silent; failed: it did not get that far
   * (the connection or the proxy's tunnel did not open) or ended with another error.
   */
  outcome: 'answered' | 'reset' | 'closed' | 'silent' | 'failed';
  code?: string;
  elapsedMs: number;
  /** The start of the answer (a status line, a certificate's subject), escaped. */
  answer?: string;
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
  /** Handshakes tried, when a learned deadline went unanswered and the target was tried again (2 or more). */
  tries?: number;
  /** How a PAC file or this PC's proxy settings routed it, when either decides the path. */
  route?: PacRoute;
  /** Whose path it took, when the run follows both the viewer's and the host service's and they differ. */
  role?: Role;
}

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

export type StatusCounts = Record<Status, number>;

/**
 * `intercepted` when anything in the path answered in the GoTo servers' place (a proxy, TLS inspection);
 * `blocked` on evidence that something stops the port; `unconfirmed` when no server answered, but the only
 * addresses tried are ones an old list alone names (no evidence either way); `unknown` when only local faults
 * were seen.
 */
export type PortState = 'reachable' | 'intercepted' | 'blocked' | 'unconfirmed' | 'unknown';

/** A range's port: as a port, or `not-served` when the range is not documented for it (and so not probed there). */
export type CellState = PortState | 'not-served';

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
  /** Failed attempts at addresses only an old list names for this port: shown, not evidence of a block. */
  unjudged: number;
  /** Up to three `address:port` per non-ok reason: the attempts advice cites. */
  examples: Partial<Record<Reason, string[]>>;
}

export interface RangePortSummary {
  state: CellState;
  counts: StatusCounts;
  /** The most frequent non-ok reason, or `connected` when any attempt succeeded. */
  reason: Reason | null;
}

export interface RangeSummary extends Omit<RangeSpec, 'ports'> {
  /** The ports it is documented to serve (RangeSpec.ports); null for every port of the run. */
  serves: number[] | null;
  /** Every port of the run: what the range's addresses saw there, or `not-served`. */
  ports: Record<string, RangePortSummary>;
  /**
   * Addresses tried on every port, and those of them that answered on none (configured path only).
   * A silent address beside ones that answer is most likely unused, not firewalled.
   */
  addresses: {
    tried: number;
    silent: number;
    silentExamples: string[];
    /** Every address of the range was tried: a range that answers nothing then is no accident of sampling. */
    whole: boolean;
  };
}

/** GoToMyPC's own servers, per port and per name: what the resolved service addresses saw. */
export interface ServicesSummary {
  /** Addresses probed. */
  addresses: number;
  /** Per port the essential names are used on: what their addresses saw. */
  ports: { port: number; state: PortState; counts: StatusCounts; examples: string[] }[];
  /** Every name, on the ports it is used on (the others are not probed for it). */
  hosts: { host: string; essential: boolean; ports: Record<string, PortState> }[];
}

/** Who was seen in the way: one per port and kind of interference, with the evidence that decided it. */
export interface Finding {
  port: number;
  reason: InterceptedReason | 'app-filter';
  /** A weak sign (the canary, an unknown Via, an unanswered ping): reported as possible, never changes the verdict. */
  possible: boolean;
  /** A named product (from the inspection-CA table, or a block or error page's own marks), or a proxy's own name from its headers. */
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
  /** Null when no service name was resolved (DNS off, or no name gave a probed address). */
  services: ServicesSummary | null;
  /** The schemes (lower case) the proxy offered in its 407 answers, when any attempt got one. */
  proxySchemes?: string[];
  /** Each path's ports, when the run followed both the viewer's and the host service's; the rest covers both. */
  paths?: PathSummary[];
  /** Attempts whose handshake went unanswered under a learned deadline and was tried again; absent when none was. */
  retried?: { attempts: number; answered: number };
}

export type VerdictStatus = 'ok' | 'partial' | 'intercepted' | 'blocked' | 'unknown';

export interface AdviceStep {
  text: string;
  /** What led to the step: attempts as `address:port reason`, DNS names, ranges or findings. */
  evidence: string[];
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

/** One followed path's ports, when a run follows two (the viewer's and the host service's) that differ. */
export interface PathSummary {
  role: Role;
  /** The settings in one sentence, as ProxyPath.said. */
  said: string;
  total: number;
  counts: StatusCounts;
  ports: { port: number; state: PortState }[];
}

/** Where the fixed settings send one connection, and the sentence that says why. */
export type StaticProxyRoute = { via: 'direct'; why: string } | { via: 'proxy'; proxy: SystemProxyServer; why: string };

/** A script decides first when one is on (WPAD, or the PAC at `pacUrl`); `fallback` applies when none loads. */
export type SystemProxyRoute = StaticProxyRoute | { via: 'script'; pacUrl: string | null; autoDetect: boolean; fallback: StaticProxyRoute; why: string };

// This PC's own policy (Windows): src/pc/local-policy.ts reads it, the reports show it.

/** What a tool printed, read; or why it could not be (it failed to run, or printed a language g2probe does not read). */
export type Reading<T> = { readable: true; value: T } | { readable: false; why: string };

export type FirewallProfile = 'domain' | 'private' | 'public';
/** PowerShell's NetSecurity cmdlets, which answer in numbers whatever Windows's language; netsh, read in English only. */
export type FirewallSource = 'powershell' | 'netsh';
/** Which tool read each part of the firewall; null where neither could. */
export interface FirewallSources {
  rules: FirewallSource | null;
  profiles: FirewallSource | null;
}
export type FirewallAction = 'allow' | 'block' | 'bypass';

/** One Windows Defender Firewall rule as netsh or PowerShell gives it. Every text is escaped: rule names are anyone's. */
export interface FirewallRule {
  name: string;
  enabled: boolean;
  direction: 'in' | 'out';
  profiles: FirewallProfile[];
  action: FirewallAction;
  /** As stored (environment variables unexpanded), or null for Any. */
  program: string | null;
  /** A Microsoft Store app's package SID, or null for Any (netsh does not print it). */
  package: string | null;
  /** A service's short name, or null for Any. */
  service: string | null;
  /** As printed: Any, TCP, UDP, ICMPv6, a protocol number, … */
  protocol: string;
  /** As printed: Any, or a list such as 80,443,8000-8100. */
  remotePorts: string;
  /** Any, or a list of addresses, subnets (10.0.0.0/8 or 10.0.0.0/255.0.0.0), ranges (a-b) and keywords (LocalSubnet, DNS, Internet, …). */
  remoteIPs: string;
  /** This PC's own addresses, in the same syntax: the rule applies only while the PC uses one of them. */
  localIPs: string;
  grouping: string;
}

export interface FirewallProfileState {
  profile: FirewallProfile;
  /** `not-configured` appears in policy stores; Windows then keeps the firewall on. */
  state: 'on' | 'off' | 'not-configured';
  /** What happens to an outbound connection no rule matches; `not-configured` is Windows's default, allow. */
  outbound: 'allow' | 'block' | 'not-configured';
}

export type WinHttpProxy =
  | { kind: 'direct' }
  | {
      kind: 'proxy';
      /** scheme null: the proxy for every scheme; otherwise one per scheme (`http=…;https=…`). Credentials masked. */
      servers: { scheme: string | null; address: string }[];
      bypass: string[];
    };

/** A rule that decided a verdict, as reports show it. */
export interface RuleRef {
  name: string;
  action: FirewallAction;
  profiles: FirewallProfile[];
  /** Which of GoToMyPC's TCP ports (80, 443, 8200) the rule covers. */
  ports: number[];
  remoteIPs: string;
}

/** `unknown`: the rules could not be read. */
export type ExecutableVerdict = 'blocked' | 'allowed' | 'no-rule' | 'unknown';

export interface ExecutablePolicy {
  name: string;
  path: string;
  role: Role;
  verdict: ExecutableVerdict;
  /** The rules that decided: the block rules when blocked, the allow rules when allowed. */
  rules: RuleRef[];
  /** One or two plain sentences: the verdict and what it means here. */
  why: string;
}

export type LocalPolicy =
  | { applies: false; why: string }
  | {
      applies: true;
      /** Every GoToMyPC program found, with what the firewall's rules say about it going out. */
      executables: ExecutablePolicy[];
      /** Programs of the role found in none of the folders searched. */
      missing: string[];
      searched: string[];
      firewall: {
        /** Which tool each part was read with (the schema keeps it optional: reports of versions that read netsh only lack it). */
        source: FirewallSources;
        profiles: Reading<FirewallProfileState[]>;
        rules: Reading<{ total: number }>;
        /** Enabled outbound block rules for every program that cover a GoToMyPC port and reach GoTo's addresses: they stop it too. */
        generalBlocks: RuleRef[];
      };
      winhttp: Reading<WinHttpProxy>;
    };

/** Where the ranges of a run came from: built into g2probe, a --ranges file, a --ranges-url download, or its cache. */
export type RangesOrigin = 'builtin' | 'file' | 'url' | 'cache';

/** What --ranges-url did. */
export interface RangesUpdate {
  url: string;
  /** True when the list in use came from the URL in this run (a 304 that confirmed the cached copy counts). */
  ok: boolean;
  /** When the list in use was fetched from the URL, or null when none ever was. */
  fetchedAt: string | null;
  /** One plain sentence on why the update failed and what was used instead; null when ok. */
  warning: string | null;
}

/** The range list a run probed, and where it came from. */
export interface RangesInfo {
  origin: RangesOrigin;
  /** The lists the ranges come from, with their sources. */
  lists: RangeListInfo[];
  /** The --ranges file or the URL; null for the built-in list. */
  location: string | null;
  /** First 12 hex digits of the SHA-256 of the list as probed (one line per range, with its ports and lists, in order): equal lists, equal versions. */
  version: string;
  count: number;
  /** Null unless --ranges-url was given. */
  update: RangesUpdate | null;
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

// g2probe hold: does a long connection to GoToMyPC stay open, the way the host keeps one to the poll server?

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
