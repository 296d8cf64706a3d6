// What the checks saw, before any interpretation: one observation per stage, and the trace of one attempt.
import type { CertificateSummary, RootRef } from './trust.js';

/**
 * What a TCP connect attempt saw, before any interpretation; each outcome carries exactly what it always has.
 * `deadlines` is set when the deadline was learned and the handshake was tried again: each try's, in order.
 */
export type TcpObservation = { kind: 'tcp'; elapsedMs: number; deadlines?: number[] } & (
  | { outcome: 'connected'; localAddress: string; localPort: number; resetAfterHandshake?: undefined }
  /** The handshake completed and the far end reset the connection before it was seen: an answer all the same. */
  | { outcome: 'connected'; resetAfterHandshake: true }
  /** `code`: errno-style, from the OS (ECONNREFUSED, EHOSTUNREACH, …), `UNKNOWN` when it gave none. */
  | { outcome: 'failed'; code: string; syscall?: string }
  | { outcome: 'timeout' | 'interrupted' }
);

/** How an HTTP answer's head reads: a status line and headers, or, for bytes that are not HTTP, status 0 and none. */
export interface HttpHead {
  /** 0 for bytes without a status line. */
  status: number;
  statusText: string;
  headers: Record<string, string>;
}

/** An HTTP answer as the checks keep it (80, 8200): its head, the start of its body, the body as text, how it was read. */
export interface HttpAnswer extends HttpHead {
  /** The start of the body (or of bytes without a status line), escaped, as the report shows it; absent when empty. */
  body?: string;
  /**
   * The body as read (all the bytes when there is no status line), decoded but not escaped: what the judgement
   * reads signs in. Never reported as it is: the report keeps `body`.
   */
  text: string;
  /** How the answer was read: its framing, its bytes, whether the cap cut it. */
  read?: HttpReadInfo;
}

/** What a CONNECT request to an explicit proxy got back. */
export type ProxyObservation = {
  kind: 'proxy';
  /** Whether a Proxy-Authorization header was sent (never its value). */
  credentialsSent: boolean;
  /** The scheme of the last Proxy-Authorization sent, when one was. */
  scheme?: ProxyAuthScheme;
  /** Why an NTLM handshake the proxy offered could not be completed (a bad challenge, a closed connection). */
  authProblem?: string;
  /** Why the proxy was asked again on a new connection, once per new connection (a 407 that left its connection unusable, …). */
  reconnected?: string[];
  elapsedMs: number;
} & (
  /** A final answer's head arrived (any status); the tunnel is open only when status is 200. */
  | ({ outcome: 'answered'; read?: HttpReadInfo } & HttpHead)
  /** Bytes arrived that are not an HTTP answer: `reply`, their start, escaped. */
  | { outcome: 'not-http'; reply: string; read?: HttpReadInfo }
  /**
   * No final answer: `read` when part of one came (an interim answer, a head cut short). `reconnectFailed`: the last
   * new connection to the proxy did not open, and the outcome (and code) are its handshake's.
   */
  | { outcome: 'closed'; read?: HttpReadInfo }
  | { outcome: 'timeout'; read?: HttpReadInfo; reconnectFailed?: true }
  | { outcome: 'failed'; code: string; read?: HttpReadInfo; reconnectFailed?: true }
  | { outcome: 'interrupted' }
);

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
export type HttpObservation = {
  kind: 'http';
  /** What was sent: the request line and the Host header. */
  request: string;
  /** The Host header sent: a name GoToMyPC uses, or (the neutral request) the address itself. */
  host: string;
  bytes: number;
  elapsedMs: number;
} & (
  | ({ outcome: 'answered' } & HttpAnswer)
  | { outcome: 'failed'; code: string }
  | { outcome: 'closed' | 'timeout' | 'interrupted' }
);

/** A presented chain and how it is trusted: `root` names the root a user gave or this machine added that anchors it. */
export type ChainVerdict =
  | { trust: 'public' | 'untrusted' }
  | { trust: 'given-root' | 'extra-root'; root: RootRef };

/** The handshake with 443 (SNI `servername`, or none for the neutral one). */
export type TlsObservation = {
  kind: 'tls';
  /** The name sent as SNI, or null for none (the neutral handshake). */
  servername: string | null;
  elapsedMs: number;
} & (
  | ({
      outcome: 'handshake';
      protocol: string;
      chain: CertificateSummary[];
      /** The names the leaf certificate is for (subjectAltName, else its CN), escaped. */
      names: string[];
      /** Whether the leaf covers `servername`; absent without SNI. A public chain for another name is a server's own. */
      nameMatches?: boolean;
      /** OpenSSL's reason when the chain does not verify against the public roots. */
      verifyError?: string;
    } & ChainVerdict)
  /** `message`: the TLS library's own on a failed handshake (an alert, a protocol error). */
  | { outcome: 'failed'; code: string; message: string }
  | { outcome: 'closed' | 'timeout' | 'interrupted' }
);

/** Port 8200: unsolicited bytes, then the answer to a request. */
export type ServiceObservation = {
  kind: 'service';
  /** What was sent: GoToMyPC's own ping, or the neutral request. */
  request: string;
  elapsedMs: number;
} & (
  /**
   * Bytes came, escaped as their first line: `unsolicited` before anything was sent, else `reply`, the answer
   * to the request; either way judged as an HTTP answer.
   */
  | ({ outcome: 'answered' } & ({ unsolicited: string; reply?: undefined } | { reply: string; unsolicited?: undefined }) & HttpAnswer)
  | { outcome: 'failed'; code: string }
  | { outcome: 'quiet' | 'closed' | 'interrupted' }
);

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
