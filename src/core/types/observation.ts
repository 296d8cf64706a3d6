// What the checks saw, before any interpretation: one observation per stage, and the trace of one attempt.
import type { CertificateSummary, ChainTrust } from './trust.js';

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
