// Classification: a pure function from what an attempt saw to what it means. No sockets here.
import { inspectionProduct } from './data/inspection-cas.js';
import { interceptionSigns } from './data/proxy-signs.js';
import type {
  Classification, Evidence, HttpObservation, ProxyObservation, Reason, ServiceObservation, Stage, Status, TcpObservation,
  TlsObservation, Trace,
} from './types.js';

/** A status and reason, and the plain sentence that explains them: one row of a code table. */
export interface Rule {
  status: Status;
  reason: Reason;
  why: string;
}

/**
 * errno codes as libuv names them on every OS (Windows WSAE* codes arrive mapped: WSAEACCES → EACCES).
 * Anything not listed is an `error`: an unknown fault is never reported as a network block.
 */
const BY_CODE: Record<string, Rule> = {
  ECONNREFUSED: { status: 'blocked', reason: 'refused', why: 'the connection was refused: a TCP reset answered the SYN (a firewall rejecting it, or nothing listening)' },
  EHOSTUNREACH: { status: 'blocked', reason: 'unreachable', why: 'host unreachable: an ICMP unreachable or administratively-prohibited message, or no route to the host' },
  ENETUNREACH: { status: 'blocked', reason: 'unreachable', why: 'network unreachable: this machine has no route to that network' },
  EHOSTDOWN: { status: 'blocked', reason: 'unreachable', why: 'host down: the network reported the host unreachable' },
  ENONET: { status: 'blocked', reason: 'unreachable', why: 'the network reported the host isolated' },
  EACCES: { status: 'blocked', reason: 'local-firewall', why: 'this computer refused to open the connection (a local firewall or security policy)' },
  EPERM: { status: 'blocked', reason: 'local-firewall', why: 'this computer refused to open the connection (a local firewall or security policy)' },
  ECONNRESET: { status: 'blocked', reason: 'reset', why: 'the connection was reset during the attempt' },
  ECONNABORTED: { status: 'blocked', reason: 'reset', why: 'the connection was aborted during the attempt' },
  EPIPE: { status: 'blocked', reason: 'reset', why: 'the connection was closed by the other side during the attempt' },
  ETIMEDOUT: { status: 'timeout', reason: 'no-answer', why: 'the operating system gave up waiting for an answer' },
  EMFILE: { status: 'error', reason: 'resource-exhausted', why: 'this process ran out of file descriptors (lower --concurrency or raise ulimit -n); says nothing about the network' },
  ENFILE: { status: 'error', reason: 'resource-exhausted', why: 'the system ran out of file descriptors; says nothing about the network' },
  ENOBUFS: { status: 'error', reason: 'resource-exhausted', why: 'the system ran out of network buffers; says nothing about the network' },
  ENOMEM: { status: 'error', reason: 'resource-exhausted', why: 'the system ran out of memory; says nothing about the network' },
  EADDRNOTAVAIL: { status: 'error', reason: 'no-local-address', why: 'no local address or port was free for the connection; says nothing about the network' },
  EADDRINUSE: { status: 'error', reason: 'no-local-address', why: 'no local port was free for the connection; says nothing about the network' },
  EAFNOSUPPORT: { status: 'error', reason: 'unsupported', why: 'this machine does not support that address family (IPv6 disabled?)' },
  EINVAL: { status: 'error', reason: 'unsupported', why: 'the operating system rejected the connect call as invalid' },
};

const UNEXPECTED: Rule = { status: 'error', reason: 'unexpected', why: 'an unexpected local error; says nothing about the network' };

/** Codes for a connection cut after the handshake: a middlebox (or the server) resetting it once it saw our bytes. */
const CUT = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function byCode(code: string | undefined): Rule {
  const key = code ?? 'UNKNOWN';
  return Object.hasOwn(BY_CODE, key) ? BY_CODE[key]! : UNEXPECTED;
}

function result(status: Status, reason: Reason, stage: Stage, elapsedMs: number, why: string, extra: Partial<Evidence> = {}): Classification {
  return { status, reason, evidence: { stage, code: null, elapsedMs: round(elapsedMs), why, ...extra } };
}

/** The verdict on one attempt from its stages: the first stage that did not succeed decides; else the last one. */
export function classify(trace: Trace): Classification {
  const connected = classifyConnect(trace.connect, trace.path);
  if (connected.status !== 'ok') return connected;
  if (trace.proxy) {
    const tunnel = classifyProxy(trace.proxy);
    if (tunnel) return tunnel;
  }
  const { app } = trace;
  const local = connected.evidence.local ? { local: connected.evidence.local } : {};
  if (!app) return connected;
  let decided: Classification;
  switch (app.kind) {
    case 'http': decided = classifyHttp(app); break;
    case 'tls': decided = classifyTls(app); break;
    case 'service': decided = classifyService(app); break;
  }
  return { ...decided, evidence: { ...decided.evidence, ...local } };
}

function classifyConnect(obs: TcpObservation, path: Trace['path']): Classification {
  const viaProxy = path === 'proxy';
  const proxyNote = (why: string): string => (viaProxy ? `could not reach the proxy: ${why}` : why);
  switch (obs.outcome) {
    case 'connected':
      return result('ok', 'connected', 'connect', obs.elapsedMs, viaProxy ? 'the TCP handshake with the proxy completed' : 'the TCP handshake completed', {
        local: endpoint(obs.localAddress ?? '', obs.localPort ?? 0),
      });
    case 'timeout':
      return result('timeout', 'no-answer', 'connect', obs.elapsedMs,
        proxyNote(`no answer within ${round(obs.elapsedMs)} ms: something dropped the packets silently, or nothing is at that address`));
    case 'interrupted':
      return result('error', 'unexpected', 'connect', obs.elapsedMs, 'the run was interrupted before this attempt finished');
    case 'failed': {
      const rule = byCode(obs.code);
      return result(rule.status, rule.reason, 'connect', obs.elapsedMs, proxyNote(rule.why), {
        code: obs.code ?? 'UNKNOWN',
        ...(obs.syscall ? { syscall: obs.syscall } : {}),
      });
    }
  }
}

/** Null when the proxy opened the tunnel (200): the checks through it decide. */
function classifyProxy(obs: ProxyObservation): Classification | null {
  const ms = obs.elapsedMs;
  if (obs.outcome === 'answered' && obs.status === 200) return null;
  if (obs.outcome !== 'answered') {
    if (obs.outcome === 'interrupted') return result('error', 'unexpected', 'proxy', ms, 'the run was interrupted before this attempt finished');
    if (obs.outcome === 'timeout') return result('timeout', 'no-answer', 'proxy', ms, `the proxy did not answer the CONNECT request within ${round(ms)} ms`);
    if (obs.outcome === 'closed') return result('blocked', 'reset', 'proxy', ms, 'the proxy closed the connection without answering the CONNECT request');
    const rule = CUT.has(obs.code ?? '') ? { status: 'blocked' as const, reason: 'reset' as const, why: 'the proxy reset the connection instead of answering the CONNECT request' } : byCode(obs.code);
    return result(rule.status, rule.reason, 'proxy', ms, rule.why, { code: obs.code ?? 'UNKNOWN' });
  }
  const status = obs.status ?? 0;
  const headers = obs.headers ?? {};
  const proxy = { proxy: { status, statusText: obs.statusText ?? '', headers, credentialsSent: obs.credentialsSent } };
  const line = `${status}${obs.statusText ? ` ${obs.statusText}` : ''}`;
  const squid = headers['x-squid-error'] ? ` (X-Squid-Error: ${headers['x-squid-error']})` : '';
  if (status === 407) {
    const offered = headers['proxy-authenticate'] ?? 'no scheme offered';
    const why = obs.credentialsSent
      ? `the proxy rejected the credentials given (${line}; it offers: ${offered})`
      : `the proxy requires authentication before it opens a tunnel (${line}; it offers: ${offered})`;
    return result('blocked', 'proxy-auth-required', 'proxy', ms, why, proxy);
  }
  if (status === 502 || status === 503) {
    return result('blocked', 'unreachable', 'proxy', ms, `the proxy could not connect to the target (${line}${squid})`, proxy);
  }
  if (status === 504) return result('timeout', 'no-answer', 'proxy', ms, `the proxy got no answer from the target (${line}${squid})`, proxy);
  return result('blocked', 'proxy-denied', 'proxy', ms, `the proxy refused to open a tunnel to this address and port (${line}${squid})`, proxy);
}

function classifyHttp(obs: HttpObservation): Classification {
  const ms = obs.elapsedMs;
  switch (obs.outcome) {
    case 'answered': {
      const status = obs.status ?? 0;
      const headers = obs.headers ?? {};
      const http = { http: { status, statusText: obs.statusText ?? '', headers, ...(obs.body ? { body: obs.body } : {}) } };
      const signs = interceptionSigns(status, headers, obs.body ?? '');
      if (signs.length > 0) {
        return result('intercepted', 'http-proxy', 'http', ms, `something in the path answered in the server's place: ${signs.join('; ')}`, http);
      }
      return result('ok', 'connected', 'http', ms, `the server answered HTTP ${status} with no sign of a proxy in the path`, http);
    }
    case 'closed':
      return result('ok', 'connected', 'http', ms, 'the handshake completed; the server closed the connection without answering HTTP');
    case 'timeout':
      return result('timeout', 'no-answer', 'http', ms,
        `the handshake completed, but nothing answered the HTTP request within ${round(ms)} ms: something in the path accepts connections without answering them`,
        obs.body ? { http: { status: 0, statusText: '', headers: {}, body: obs.body } } : {});
    case 'interrupted':
      return result('error', 'unexpected', 'http', ms, 'the run was interrupted before this attempt finished');
    case 'failed':
      return cutOrCode(obs.code, 'http', ms, 'the connection was reset after the handshake, once the HTTP request was sent: a middlebox cutting it');
  }
}

function cutOrCode(code: string | undefined, stage: Stage, ms: number, cutWhy: string): Classification {
  if (CUT.has(code ?? '')) return result('blocked', 'reset', stage, ms, cutWhy, { code: code ?? 'UNKNOWN' });
  const rule = byCode(code);
  return result(rule.status, rule.reason, stage, ms, rule.why, { code: code ?? 'UNKNOWN' });
}

function classifyTls(obs: TlsObservation): Classification {
  const ms = obs.elapsedMs;
  const base = { servername: obs.servername, ...(obs.protocol ? { protocol: obs.protocol } : {}) };
  switch (obs.outcome) {
    case 'handshake': {
      const chain = obs.chain ?? [];
      const issuer = chain[0]?.issuer ?? 'an unknown issuer';
      const top = chain.at(-1)?.issuer ?? issuer;
      const product = inspectionProduct(chain.flatMap((c) => [...nameValues(c.subject), ...nameValues(c.issuer)]))?.product;
      const tls = { tls: { ...base, trust: obs.trust ?? 'untrusted', ...(obs.verifyError ? { verifyError: obs.verifyError } : {}), ...(obs.extraRoot ? { extraRoot: obs.extraRoot } : {}), ...(product ? { product } : {}), chain } };
      if (obs.trust === 'public') return result('ok', 'connected', 'tls', ms, `the ${obs.protocol ?? 'TLS'} handshake completed; the certificate chains to a public root (${top})`, tls);
      const who = product ? `${product} (certificate issued by ${issuer})` : `a certificate issued by ${issuer}`;
      const why = obs.trust === 'extra-root'
        ? `something inspects HTTPS: 443 answered with ${who}, trusted only through a root added on this machine (${obs.extraRoot?.subject} from ${obs.extraRoot?.source})`
        : `something inspects HTTPS: 443 answered with ${who}, which no public root vouches for (${obs.verifyError ?? 'unverified'})`;
      return result('intercepted', 'tls-inspection', 'tls', ms, why, tls);
    }
    case 'closed':
      return result('blocked', 'reset', 'tls', ms, 'the connection was closed during the TLS handshake: a middlebox cutting it, or a server refusing TLS', { tls: base });
    case 'timeout':
      return result('timeout', 'no-answer', 'tls', ms, `the handshake completed, but the TLS handshake got no answer within ${round(ms)} ms: something in the path holds HTTPS`, { tls: base });
    case 'interrupted':
      return result('error', 'unexpected', 'tls', ms, 'the run was interrupted before this attempt finished');
    case 'failed': {
      const tls = { tls: { ...base, ...(obs.message ? { message: obs.message } : {}) } };
      if (CUT.has(obs.code ?? '')) return result('blocked', 'reset', 'tls', ms, 'the connection was reset during the TLS handshake: a middlebox cutting it', { code: obs.code ?? 'UNKNOWN', ...tls });
      if (obs.code?.startsWith('ERR_SSL_') || obs.code === 'EPROTO') {
        return result('blocked', 'tls-failed', 'tls', ms, `the TLS handshake failed: ${obs.message ?? obs.code}`, { code: obs.code, ...tls });
      }
      return cutOrCode(obs.code, 'tls', ms, '');
    }
  }
}

function classifyService(obs: ServiceObservation): Classification {
  const ms = obs.elapsedMs;
  const bytes = { ...(obs.unsolicited ? { unsolicited: obs.unsolicited } : {}), ...(obs.reply ? { reply: obs.reply } : {}) };
  const service = Object.keys(bytes).length ? { service: bytes } : {};
  switch (obs.outcome) {
    case 'quiet':
      return result('ok', 'connected', 'service', ms, 'the handshake completed and nothing in the path answered our probe, as expected of the GoToMyPC service');
    case 'closed':
      return result('ok', 'connected', 'service', ms, 'the handshake completed; the far end closed the connection after our probe');
    case 'answered': {
      if (obs.status !== undefined) {
        const headers = obs.headers ?? {};
        const server = headers.server ? `, Server: ${headers.server}` : '';
        return result('intercepted', 'http-proxy', 'service', ms, `an HTTP server or proxy answered on 8200 (HTTP ${obs.status}${server}), not the GoToMyPC service`, {
          http: { status: obs.status, statusText: '', headers },
          ...service,
        });
      }
      return result('ok', 'connected', 'service', ms, 'the handshake completed; the far end answered with bytes that are not HTTP', service);
    }
    case 'interrupted':
      return result('error', 'unexpected', 'service', ms, 'the run was interrupted before this attempt finished');
    case 'failed':
      return cutOrCode(obs.code, 'service', ms, 'the connection was reset after the first bytes: a middlebox cutting it');
  }
}

/** "CN=Zscaler Root CA, O=Zscaler Inc." → ["Zscaler Root CA", "Zscaler Inc."]: the values the product table matches. */
function nameValues(name: string): string[] {
  return name.split(/, (?=[A-Za-z.0-9]+=)/).map((part) => part.slice(part.indexOf('=') + 1));
}

/** Milliseconds to 0.1 ms: finer than that is scheduler noise. */
export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** `address:port`, with IPv6 addresses in brackets so the port cannot be read as part of the address. */
export function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
