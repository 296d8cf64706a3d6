// What the judgement says of one attempt: status, reason, and the evidence that decided.
import type { DnsRecordType, HttpReadInfo, ProxyAuthScheme } from './observation.js';
import type { Reason, Status } from './status.js';
import type { CertificateSummary, ChainTrust, RootRef } from './trust.js';

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
    /** The root added on this machine the chain verified through, when trust is `extra-root`. */
    extraRoot?: RootRef;
    /** The root given with --tls-roots that anchors the chain, when trust is `given-root`. */
    givenRoot?: RootRef;
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
