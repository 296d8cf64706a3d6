// Classification: a pure function from what an attempt saw to what it means. No sockets here. An answer after
// the handshake is GoTo's unless it carries a sign that a middlebox made it; what is unknown is never an alarm.
import { joinHostPort } from '../core/host-port.js';
import { offeredSchemes } from '../core/auth-challenge.js';
import { inspectionProduct } from '../data/inspection-cas.js';
import { readHttpAnswer } from '../data/http-signs.js';
import type {
  ApplicationObservation, ChainVerdict, Classification, Evidence, Exchange, ExchangeRecord, HttpAnswer, HttpObservation, ProxyObservation,
  Reason, ServiceObservation, Stage, Status, TcpObservation, TlsObservation, Trace,
} from '../core/types.js';

/** What the judgement needs to know of the target beside what the attempt saw. */
export interface TargetContext {
  ip: string;
  /** A GoTo server is expected here (Target.expected): a chain no public root vouches for is then inspection. */
  expected: boolean;
}

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
  // A blackhole route (ip route add blackhole …, a VPN client's kill switch) makes connect fail so on Linux.
  EINVAL: { status: 'blocked', reason: 'local-firewall', why: "this computer's own routing drops the connection before it leaves (connect failed with EINVAL, which a blackhole route gives: see ip route, or route print on Windows)" },
};

const UNEXPECTED: Rule = { status: 'error', reason: 'unexpected', why: 'an unexpected local error; says nothing about the network' };

/** Codes for a connection cut after the handshake: a middlebox (or the server) resetting it once it saw our bytes. */
const CUT = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function byCode(code: string): Rule {
  return Object.hasOwn(BY_CODE, code) ? BY_CODE[code]! : UNEXPECTED;
}

function result(status: Status, reason: Reason, stage: Stage, elapsedMs: number, why: string, extra: Partial<Evidence> = {}): Classification {
  return { status, reason, evidence: { stage, code: null, elapsedMs: round(elapsedMs), why, ...extra } };
}

/** A target where a GoTo server is expected, at an address the judgement is not told (tests, and any caller without one). */
const EXPECTED_TARGET: TargetContext = { ip: '', expected: true };

/** The verdict on one attempt from its stages: the first stage that did not succeed decides; else the last one. */
export function classify(trace: Trace, ctx: TargetContext = EXPECTED_TARGET): Classification {
  const connected = classifyConnect(trace.connect, trace.path);
  if (connected.status !== 'ok') return connected;
  const signedIn = trace.proxy?.scheme;
  const note = trace.proxy ? tunnelNote(trace.proxy) : null;
  const withAuth = (c: Classification): Classification => {
    if (!signedIn && !note) return c;
    return { ...c, evidence: { ...c.evidence, ...(signedIn ? { proxyAuth: signedIn } : {}), ...(note && !c.evidence.proxy ? { proxy: note } : {}) } };
  };
  if (trace.proxy) {
    const tunnel = classifyProxy(trace.proxy);
    if (tunnel) return withAuth(tunnel);
  }
  const { app } = trace;
  if (!app) return withAuth(connected);
  // A neutral exchange is the same check without GoToMyPC in it: one of another kind compares with nothing.
  const decided = trace.neutral && (!trace.neutral.app || trace.neutral.app.kind === app.kind) ? compareWithNeutral(trace, app, trace.neutral, ctx) : classifyCheck(app, ctx);
  return withAuth(connected.evidence.local ? { ...decided, evidence: { ...decided.evidence, local: connected.evidence.local } } : decided);
}

/** The check after the handshake (80, 443, 8200) by itself, without the neutral exchange. */
function classifyCheck(app: ApplicationObservation, ctx: TargetContext): Classification {
  switch (app.kind) {
    case 'http': return classifyHttp(app, ctx);
    case 'tls': return classifyTls(app, ctx);
    case 'service': return classifyService(app, ctx);
  }
}

/** How an exchange ended, in the words a comparison needs. */
function outcomeOf(exchange: Exchange): ExchangeRecord['outcome'] {
  const { connect, proxy, app } = exchange;
  if (connect.outcome !== 'connected' || (proxy && (proxy.outcome !== 'answered' || proxy.status !== 200)) || !app) return 'failed';
  switch (app.outcome) {
    case 'answered':
    case 'handshake': return 'answered';
    case 'timeout':
    case 'quiet': return 'silent';
    case 'closed': return 'closed';
    case 'failed': return CUT.has(app.code) ? 'reset' : 'failed';
    default: return 'failed';
  }
}

function sentBy(app: ApplicationObservation | undefined): string {
  if (!app) return 'nothing (the connection did not open)';
  if (app.kind === 'tls') return app.servername === null ? 'a TLS ClientHello without SNI' : `a TLS ClientHello with SNI ${app.servername}`;
  return app.request;
}

function answerOf(app: ApplicationObservation | undefined): string | undefined {
  if (!app) return undefined;
  if (app.kind === 'tls') return app.outcome === 'handshake' && app.chain[0] ? `certificate ${app.chain[0].subject}, issued by ${app.chain[0].issuer}` : undefined;
  if (app.outcome !== 'answered') return undefined;
  if (app.kind === 'http') return app.status === 0 ? app.body : `HTTP ${app.status}${app.statusText ? ` ${app.statusText}` : ''}`;
  return app.status === 0 ? app.reply ?? app.unsolicited : `HTTP ${app.status}`;
}

/** The code an exchange failed with: its check's, else its handshake's; none when neither failed. */
function failedCode(exchange: Exchange): string | undefined {
  const { app, connect } = exchange;
  if (app?.outcome === 'failed') return app.code;
  return connect.outcome === 'failed' ? connect.code : undefined;
}

function exchangeRecord(exchange: Exchange, fallbackSent: string): ExchangeRecord {
  const { app, connect } = exchange;
  const outcome = outcomeOf(exchange);
  // A code says how an exchange failed; silence and a clean close have none.
  const code = outcome === 'reset' || outcome === 'failed' ? failedCode(exchange) : undefined;
  const answer = outcome === 'answered' ? answerOf(app) : undefined;
  return {
    sent: app ? sentBy(app) : fallbackSent,
    outcome,
    ...(code ? { code } : {}),
    elapsedMs: round(app?.elapsedMs ?? connect.elapsedMs),
    ...(answer ? { answer } : {}),
  };
}

const NEUTRAL_SENT: Record<ApplicationObservation['kind'], string> = {
  http: 'the same request with the address as Host',
  tls: 'a TLS ClientHello without SNI',
  service: 'a request without GoToMyPC in it',
};

/**
 * The GoToMyPC-shaped check went unanswered (cut, closed, silent); the neutral one, on a fresh connection to
 * the same address and port, tells a filter that recognises GoToMyPC from a path or server that fails anyway.
 * A reset where the neutral exchange was not reset, or silence where it was answered on 80 and 443, is an
 * application-aware filter. On 8200 silence is weaker: what GoTo's service answers to a ping from anyone but
 * its own client is not known, so it is only possible.
 */
function compareWithNeutral(trace: Trace, app: ApplicationObservation, neutral: Exchange, ctx: TargetContext): Classification {
  const alone = classifyCheck(app, ctx);
  const gotomypc = exchangeRecord({ connect: trace.connect, app }, sentBy(app));
  const other = exchangeRecord(neutral, NEUTRAL_SENT[app.kind]);
  const exchanges = { gotomypc, neutral: other };
  if (gotomypc.outcome !== 'reset' && gotomypc.outcome !== 'silent' && gotomypc.outcome !== 'closed') return { ...alone, evidence: { ...alone.evidence, exchanges } };
  // A middlebox that signs the neutral answer is the one in the way (a transparent proxy slow to look up the
  // name in GoToMyPC's Host, say): that is interception, not a filter.
  const neutralApp = other.outcome === 'answered' && neutral.app ? classifyCheck(neutral.app, ctx) : null;
  if (neutralApp?.status === 'intercepted') return { ...neutralApp, evidence: { ...neutralApp.evidence, exchanges } };
  const stage = alone.evidence.stage;
  const what = app.kind === 'tls' ? `GoToMyPC's SNI (${app.servername})` : app.kind === 'http' ? `GoToMyPC's Host (${app.host})` : "GoToMyPC's ping (Jedi)";
  const cutHow = gotomypc.outcome === 'reset' ? 'was reset' : gotomypc.outcome === 'closed' ? 'was closed' : 'went unanswered';
  const neutralHow = other.outcome === 'answered' ? 'was answered' : other.outcome === 'silent' ? 'was left open, not reset' : 'was not reset';
  const unheard = gotomypc.outcome === 'silent' || gotomypc.outcome === 'closed';
  const filtered = gotomypc.outcome === 'reset'
    ? other.outcome === 'answered' || other.outcome === 'silent' || other.outcome === 'closed'
    : unheard && app.kind !== 'service' && other.outcome === 'answered';
  if (filtered) {
    return result('blocked', 'app-filter', stage, app.elapsedMs,
      `the exchange that carried ${what} ${cutHow}, while the same exchange without it ${neutralHow}: an application-aware filter (a next-generation firewall or IPS) recognises GoToMyPC`,
      { ...(gotomypc.code ? { code: gotomypc.code } : {}), exchanges });
  }
  if (unheard && app.kind === 'service' && other.outcome === 'answered') {
    const possible = [...(alone.evidence.possible ?? []), `GoToMyPC's ping went unanswered while a neutral request was answered (${other.answer ?? 'bytes'}): possibly a filter that drops GoToMyPC, or only how GoTo's service treats a ping from anyone but its client`];
    return { ...alone, evidence: { ...alone.evidence, possible, exchanges } };
  }
  return { ...alone, evidence: { ...alone.evidence, exchanges } };
}

/** ", on try 2 of 2": an answer that came only to a retry, a sign of loss on the path. */
function retried(obs: TcpObservation): string {
  const n = obs.deadlines?.length ?? 1;
  return n > 1 ? `, on try ${n} (the earlier ${n === 2 ? 'one' : 'ones'} went unanswered)` : '';
}

/**
 * The proxy itself took no connection: the path GoToMyPC would take is broken at its first hop, whatever lies
 * behind it. Said as that, never as the target's port being blocked. A fault of this PC (EMFILE, …) stays one.
 */
function proxyUnreachable(connected: Classification): Classification {
  if (connected.status !== 'blocked' && connected.status !== 'timeout') return connected;
  return { ...connected, status: 'blocked', reason: 'proxy-unreachable' };
}

/** The handshake as the attempt's first stage: through a proxy, one that took no connection is said as the proxy. */
function classifyConnect(obs: TcpObservation, path: Trace['path']): Classification {
  const judged = classifyHandshake(obs, path);
  return path === 'proxy' && obs.outcome !== 'connected' && obs.outcome !== 'interrupted' ? proxyUnreachable(judged) : judged;
}

function classifyHandshake(obs: TcpObservation, path: Trace['path']): Classification {
  const viaProxy = path === 'proxy';
  const proxyNote = (why: string): string => (viaProxy ? `could not reach the proxy: ${why}` : why);
  switch (obs.outcome) {
    case 'connected': {
      const done = viaProxy ? 'the TCP handshake with the proxy completed' : 'the TCP handshake completed';
      if (obs.resetAfterHandshake) {
        return result('ok', 'connected', 'connect', obs.elapsedMs, `${done}; the far end reset the connection right after it, which leaves the port answering${retried(obs)}`);
      }
      return result('ok', 'connected', 'connect', obs.elapsedMs, `${done}${retried(obs)}`, { local: joinHostPort(obs.localAddress, obs.localPort) });
    }
    case 'timeout': {
      const tries = obs.deadlines && obs.deadlines.length > 1
        ? `no answer to ${obs.deadlines.length} tries, each on a new connection (deadlines ${obs.deadlines.join(', ')} ms, learned from this run's answered handshakes)`
        : `no answer within ${round(obs.elapsedMs)} ms`;
      return result('timeout', 'no-answer', 'connect', obs.elapsedMs, proxyNote(`${tries}: something dropped the packets silently, or nothing is at that address`));
    }
    case 'interrupted':
      return result('error', 'unexpected', 'connect', obs.elapsedMs, 'the run was interrupted before this attempt finished');
    case 'failed': {
      const rule = byCode(obs.code);
      return result(rule.status, rule.reason, 'connect', obs.elapsedMs, proxyNote(rule.why), {
        code: obs.code,
        ...(obs.syscall ? { syscall: obs.syscall } : {}),
      });
    }
  }
}

/** Negotiate (Kerberos, or NTLM inside SPNEGO) with neither NTLM nor Basic beside it: only the logged-on user's ticket answers it. */
export function negotiateOnly(schemes: ReadonlySet<string>): boolean {
  return schemes.has('negotiate') && !schemes.has('ntlm') && !schemes.has('basic');
}

/** Null when the proxy opened the tunnel (200): the checks through it decide. */
function classifyProxy(obs: ProxyObservation): Classification | null {
  const ms = obs.elapsedMs;
  if (obs.outcome === 'answered' && obs.status === 200) return null;
  if (obs.outcome === 'interrupted') return result('error', 'unexpected', 'proxy', ms, 'the run was interrupted before this attempt finished');
  const reconnected = obs.reconnected ?? [];
  if ((obs.outcome === 'timeout' || obs.outcome === 'failed') && obs.reconnectFailed) {
    // The proxy did answer (a 407); it is the new connection to it, for the next message, that did not open.
    const before = `${reconnected.at(-1) ?? 'the proxy left its connection unusable'}, and a new connection to the proxy`;
    if (obs.outcome === 'timeout') return result('timeout', 'no-answer', 'proxy', ms, `${before} went unanswered`);
    const rule = byCode(obs.code);
    return result(rule.status, rule.reason, 'proxy', ms, `${before} failed: ${rule.why}`, { code: obs.code });
  }
  const again = reconnected.length > 0 ? ` (asked again on a new connection: ${reconnected.join('; ')})` : '';
  if (obs.authProblem && (obs.outcome === 'closed' || (obs.outcome === 'failed' && CUT.has(obs.code)))) {
    return result('blocked', 'proxy-auth-required', 'proxy', ms, `the proxy offers NTLM, but the handshake could not finish: ${obs.authProblem}`, obs.outcome === 'failed' ? { code: obs.code } : {});
  }
  // Only an interim answer, or a head cut short, before the proxy went quiet or away: no final answer.
  const partly = obs.read?.interim ? ` after only an interim answer (${obs.read.interim.join(', ')})` : obs.read ? ' in the middle of its answer' : '';
  if (obs.outcome === 'timeout') {
    return result('timeout', 'no-answer', 'proxy', ms, obs.read ? `the proxy's answer to the CONNECT request stopped${partly} and did not finish within ${round(ms)} ms${again}` : `the proxy did not answer the CONNECT request within ${round(ms)} ms${again}`);
  }
  if (obs.outcome === 'closed') {
    return result('blocked', 'reset', 'proxy', ms, obs.read ? `the proxy closed the connection${partly}, with no final answer to the CONNECT request${again}` : `the proxy closed the connection without answering the CONNECT request${again}`);
  }
  if (obs.outcome === 'failed') {
    const rule = CUT.has(obs.code)
      ? { status: 'blocked' as const, reason: 'reset' as const, why: obs.read ? `the proxy reset the connection${partly}, with no final answer to the CONNECT request${again}` : `the proxy reset the connection instead of answering the CONNECT request${again}` }
      : byCode(obs.code);
    return result(rule.status, rule.reason, 'proxy', ms, rule.why, { code: obs.code });
  }
  const proxy = { proxy: proxyEvidence(obs) };
  if (obs.outcome === 'not-http') {
    // A TLS record (an alert or a handshake) is a proxy that wants TLS from its first byte: an HTTPS proxy. A proxy
    // in this PC's settings is spoken to in plain HTTP, by GoToMyPC as by g2probe, so it is no path either way.
    const tls = /^\\x1[56]\\x03/.test(obs.reply) ? ' (a TLS record: it wants TLS, an HTTPS proxy, and proxy settings are spoken to in plain HTTP)' : '';
    return result('blocked', 'proxy-denied', 'proxy', ms, `what answered at the proxy's address did not answer the CONNECT request in HTTP${tls}: it sent ${obs.reply}`, proxy);
  }
  const { status, headers } = obs;
  const line = `${status}${obs.statusText ? ` ${obs.statusText}` : ''}`;
  const squid = headers['x-squid-error'] ? ` (X-Squid-Error: ${headers['x-squid-error']})` : '';
  if (status === 407) {
    const offered = headers['proxy-authenticate'] ?? 'no scheme offered';
    const schemes = offeredSchemes(headers['proxy-authenticate']);
    const scheme = obs.scheme === 'ntlm' ? 'NTLM' : 'Basic';
    const why = negotiateOnly(schemes)
      ? `the proxy wants Windows sign-in (Negotiate) before it opens a tunnel (${line}; it offers: ${offered}): GoToMyPC will use the user's Windows sign-in through it, which g2probe cannot give, so what lies behind the proxy is untested, not known to be blocked`
      : obs.authProblem
        ? `the proxy offers NTLM, but the handshake could not finish: ${obs.authProblem} (${line}; it offers: ${offered})`
        : obs.credentialsSent
          ? `the proxy rejected the credentials given with ${scheme} (${line}; it offers: ${offered})`
          : `the proxy requires authentication before it opens a tunnel (${line}; it offers: ${offered})`;
    return result('blocked', 'proxy-auth-required', 'proxy', ms, why, proxy);
  }
  if (status === 502 || status === 503) {
    return result('blocked', 'unreachable', 'proxy', ms, `the proxy could not connect to the target (${line}${squid})`, proxy);
  }
  if (status === 504) return result('timeout', 'no-answer', 'proxy', ms, `the proxy got no answer from the target (${line}${squid})`, proxy);
  return result('blocked', 'proxy-denied', 'proxy', ms, `the proxy refused to open a tunnel to this address and port (${line}${squid})`, proxy);
}

/** The proxy's answer as the evidence shows it: how it was read, and why it was asked again, when either is known. */
function proxyEvidence(obs: ProxyObservation & { outcome: 'answered' | 'not-http' }): NonNullable<Evidence['proxy']> {
  const head = obs.outcome === 'answered' ? { status: obs.status, statusText: obs.statusText, headers: obs.headers } : { status: 0, statusText: '', headers: {} };
  return {
    ...head, credentialsSent: obs.credentialsSent,
    ...(obs.read ? { read: obs.read } : {}), ...(obs.outcome === 'not-http' ? { reply: obs.reply } : {}), ...(obs.reconnected ? { reconnected: obs.reconnected } : {}),
  };
}

/**
 * A tunnel that opened after an answer only a tolerant reader takes (interim answers, bare LF, not HTTP/1.1), or on a
 * new connection: worth showing beside the check that decided. Null for the plain `HTTP/1.1 200` most proxies send.
 */
function tunnelNote(obs: ProxyObservation): NonNullable<Evidence['proxy']> | null {
  if (obs.outcome !== 'answered' || obs.status !== 200) return null;
  const read = obs.read;
  const unusual = read !== undefined && (read.interim !== undefined || read.lineEnds === 'lf' || read.version !== 'HTTP/1.1');
  return unusual || obs.reconnected ? proxyEvidence(obs) : null;
}

/** `possible` and `recognised` for an ok answer, left out when there is nothing to say. */
function okNotes(goto: string | null, possible: readonly string[]): Partial<Evidence> {
  return { recognised: goto !== null, ...(possible.length > 0 ? { possible: [...possible] } : {}) };
}

/** The answer as evidence: status (0 without a status line), headers, the short sample, how it was read, whose page it is. */
function httpEvidence(obs: HttpAnswer, product: string | null): NonNullable<Evidence['http']> {
  return {
    status: obs.status, statusText: obs.statusText, headers: obs.headers,
    ...(obs.body ? { body: obs.body } : {}),
    ...(obs.read ? { read: obs.read } : {}),
    ...(product ? { product } : {}),
  };
}

/** ", judged on its first 16384 bytes (the rest was past g2probe's cap)" when the cap cut the answer. */
function cutNote(obs: HttpAnswer): string {
  return obs.read?.truncated ? `, judged on its first ${obs.read.bytes} bytes (the rest was past g2probe's cap)` : '';
}

function classifyHttp(obs: HttpObservation, ctx: TargetContext): Classification {
  const ms = obs.elapsedMs;
  switch (obs.outcome) {
    case 'answered': {
      const { status } = obs;
      const reading = readHttpAnswer(obs, { host: obs.host, ip: ctx.ip });
      const http = { http: httpEvidence(obs, reading.product) };
      const what = status === 0 ? 'bytes that are not HTTP' : `HTTP ${status}`;
      if (reading.signs.length > 0) {
        return result('intercepted', 'http-proxy', 'http', ms, `something in the path answered in the server's place (${what}${cutNote(obs)}): ${reading.signs.join('; ')}`, { ...http, signs: reading.signs });
      }
      if (status === 0) {
        const possible = [...reading.possible, `bytes that are not HTTP answered ${obs.request} on port 80 (${sampleOf(obs.body)}): not a web server's answer; another service, or something in the path`];
        return result('ok', 'connected', 'http', ms, `the far end answered ${obs.request} with bytes that are not HTTP${cutNote(obs)}: answered, not recognised`, { ...http, ...okNotes(null, possible) });
      }
      const why = reading.goto
        ? `the server answered ${obs.request} with HTTP ${status}, ${reading.goto}; no sign of a middlebox`
        : `the server answered ${obs.request} with HTTP ${status}${cutNote(obs)}: answered, not recognised (not a shape GoTo is known to answer with, and no sign of a middlebox)`;
      return result('ok', 'connected', 'http', ms, why, { ...http, ...okNotes(reading.goto, reading.possible) });
    }
    case 'closed':
      return result('ok', 'connected', 'http', ms, `the handshake completed; the server closed the connection without answering ${obs.request}`, { recognised: false });
    case 'timeout':
      return result('timeout', 'no-answer', 'http', ms,
        `the handshake completed, but nothing answered ${obs.request} within ${round(ms)} ms: something in the path accepts connections without answering them`);
    case 'interrupted':
      return result('error', 'unexpected', 'http', ms, 'the run was interrupted before this attempt finished');
    case 'failed':
      return cutOrCode(obs.code, 'http', ms, `the connection was reset after the handshake, once ${obs.request} was sent: a middlebox cutting it`);
  }
}

/** The start of bytes, short enough for a finding's sentence (already escaped); `text` is empty when none came. */
function sampleOf(text = ''): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function cutOrCode(code: string, stage: Stage, ms: number, cutWhy: string): Classification {
  if (CUT.has(code)) return result('blocked', 'reset', stage, ms, cutWhy, { code });
  const rule = byCode(code);
  return result(rule.status, rule.reason, stage, ms, rule.why, { code });
}

/** Where the chain's trust comes from, in words; null for a chain nothing here vouches for. */
function anchorText(verdict: ChainVerdict, top: string): string | null {
  switch (verdict.trust) {
    case 'public': return `a public root (${top})`;
    case 'given-root': return `a root you gave (${verdict.root.source}: ${verdict.root.subject})`;
    case 'extra-root': return `a root added on this machine (${verdict.root.subject} from ${verdict.root.source})`;
    case 'untrusted': return null;
  }
}

/**
 * The chain's trust decides, apart from its names: a chain a public root vouches for is not inspection, whatever
 * name it is for (a CDN edge, a media server); nor is one a root the user gave vouches for (--tls-roots: they
 * vouched for it), though it is said as theirs, never as public. Inspection is a chain trusted only through a root
 * added on this PC, one issued by a known inspection CA, or (where a GoTo server is expected) one no public root
 * vouches for.
 */
function classifyTls(obs: TlsObservation, ctx: TargetContext): Classification {
  const ms = obs.elapsedMs;
  const sni = obs.servername === null ? 'no SNI' : `SNI ${obs.servername}`;
  const base = { servername: obs.servername };
  switch (obs.outcome) {
    case 'handshake': {
      const { chain, names, trust } = obs;
      const issuer = chain[0]?.issuer ?? 'an unknown issuer';
      const top = chain.at(-1)?.issuer ?? issuer;
      const vouched = trust === 'public' || trust === 'given-root';
      const product = vouched ? undefined : inspectionProduct(chain.flatMap((c) => [...nameValues(c.subject), ...nameValues(c.issuer)]))?.product;
      const tls = {
        tls: {
          ...base, protocol: obs.protocol, trust,
          ...(obs.verifyError ? { verifyError: obs.verifyError } : {}),
          ...(obs.trust === 'extra-root' ? { extraRoot: obs.root } : obs.trust === 'given-root' ? { givenRoot: obs.root } : {}),
          ...(product ? { product } : {}),
          chain, names,
          ...(obs.nameMatches === undefined ? {} : { nameMatches: obs.nameMatches }),
        },
      };
      const anchor = anchorText(obs, top);
      if (vouched) {
        const other = obs.nameMatches === false
          ? `; the certificate is for ${names.slice(0, 3).join(', ') || 'other names'}, not ${obs.servername}: a ${trust === 'public' ? 'publicly issued certificate' : 'certificate under a root you gave'} for another name is the server's own (a CDN edge, another GoTo service), not inspection`
          : '';
        const expired = obs.verifyError && obs.verifyError !== 'ERR_TLS_CERT_ALTNAME_INVALID' ? ` (OpenSSL noted ${obs.verifyError})` : '';
        return result('ok', 'connected', 'tls', ms, `the ${obs.protocol} handshake (${sni}) completed; the chain leads to ${anchor}${expired}${other}`, { ...tls, recognised: obs.nameMatches === true });
      }
      const who = product ? `${product} (certificate issued by ${issuer})` : `a certificate issued by ${issuer}`;
      if (obs.trust === 'extra-root') {
        return result('intercepted', 'tls-inspection', 'tls', ms, `something inspects HTTPS: 443 answered with ${who}, trusted only through ${anchor}`, tls);
      }
      if (product || ctx.expected) {
        return result('intercepted', 'tls-inspection', 'tls', ms, `something inspects HTTPS: 443 answered with ${who}, which no public root vouches for (${obs.verifyError ?? 'unverified'})`, tls);
      }
      return result('ok', 'connected', 'tls', ms,
        `the handshake completed with ${who}, which no public root vouches for; this address is only on an old list, so it is not judged: answered, not recognised`,
        { ...tls, recognised: false, possible: [`a certificate no public root vouches for (issued by ${issuer}) at an address only an old list names: possibly inspection, as likely that server's own`] });
    }
    case 'closed':
      return result('blocked', 'reset', 'tls', ms, `the connection was closed during the TLS handshake (${sni}): a middlebox cutting it, or a server refusing TLS`, { tls: base });
    case 'timeout':
      return result('timeout', 'no-answer', 'tls', ms, `the handshake completed, but the TLS handshake (${sni}) got no answer within ${round(ms)} ms: something in the path holds HTTPS`, { tls: base });
    case 'interrupted':
      return result('error', 'unexpected', 'tls', ms, 'the run was interrupted before this attempt finished');
    case 'failed': {
      const tls = { tls: { ...base, message: obs.message } };
      if (CUT.has(obs.code)) return result('blocked', 'reset', 'tls', ms, `the connection was reset during the TLS handshake (${sni}): a middlebox cutting it`, { code: obs.code, ...tls });
      if (obs.code.startsWith('ERR_SSL_') || obs.code === 'EPROTO') {
        return result('blocked', 'tls-failed', 'tls', ms, `the TLS handshake failed: ${obs.message}`, { code: obs.code, ...tls });
      }
      return cutOrCode(obs.code, 'tls', ms, '');
    }
  }
}

/**
 * GoTo's 8200 service is silent until its client speaks, then answers in HTTP (nmap knows its 400 "Cannot parse
 * request"). So an HTTP answer is GoTo's unless a middlebox's signs are on it; bytes before GoToMyPC's client has
 * spoken, or bytes that are not HTTP, are another service's (possible: the port answers, but not as GoTo's does).
 */
function classifyService(obs: ServiceObservation, ctx: TargetContext): Classification {
  const ms = obs.elapsedMs;
  switch (obs.outcome) {
    case 'quiet':
      return result('ok', 'connected', 'service', ms, `the handshake completed and ${obs.request} got no answer within the window: GoToMyPC's service may wait for more; no sign of a middlebox`, { recognised: false });
    case 'closed':
      return result('ok', 'connected', 'service', ms, `the handshake completed; the far end closed the connection after ${obs.request}`, { recognised: false });
    case 'answered': {
      const service = { service: obs.unsolicited === undefined ? { reply: obs.reply } : { unsolicited: obs.unsolicited } };
      const first = obs.unsolicited === undefined ? obs.request : 'before anything was sent';
      const reading = readHttpAnswer(obs, { host: '', ip: ctx.ip });
      const http = { http: httpEvidence(obs, reading.product) };
      const what = obs.status === 0 ? 'bytes that are not HTTP' : `HTTP ${obs.status}`;
      if (reading.signs.length > 0) {
        return result('intercepted', 'http-proxy', 'service', ms, `a proxy or firewall answered on 8200 in GoTo's place (${what} ${first}${cutNote(obs)}): ${reading.signs.join('; ')}`, { ...http, ...service, signs: reading.signs });
      }
      const other = anotherService(obs);
      const possible = other === null ? reading.possible : [other, ...reading.possible];
      if (obs.status !== 0) {
        const why = reading.goto && obs.unsolicited === undefined
          ? `GoTo's service answered ${first} with HTTP ${obs.status}: ${reading.goto}`
          : `the far end answered ${first} with HTTP ${obs.status}, with no sign of a middlebox${cutNote(obs)}: answered, not recognised`;
        return result('ok', 'connected', 'service', ms, why, { ...http, ...service, ...okNotes(obs.unsolicited === undefined ? reading.goto : null, possible) });
      }
      return result('ok', 'connected', 'service', ms, `the far end answered ${first} with bytes that are not HTTP: another service answered, not GoTo's`, { ...http, ...service, ...okNotes(null, possible) });
    }
    case 'interrupted':
      return result('error', 'unexpected', 'service', ms, 'the run was interrupted before this attempt finished');
    case 'failed':
      return cutOrCode(obs.code, 'service', ms, `the connection was reset after ${obs.request}: a middlebox cutting it`);
  }
}

/**
 * Bytes before GoToMyPC's client has spoken, or bytes that are not HTTP, are not GoTo's service (it waits for its
 * client, then answers in HTTP): another service holds the port at this address, or something in the path does.
 */
function anotherService(obs: ServiceObservation & { outcome: 'answered' }): string | null {
  if (obs.unsolicited !== undefined) return `another service answered on 8200: it spoke before GoToMyPC's client had (${sampleOf(obs.unsolicited)}), while GoTo's service waits for its client to speak first`;
  if (obs.status === 0) return `another service answered on 8200: it answered ${obs.request} with bytes that are not HTTP (${sampleOf(obs.reply)}), while GoTo's service answers in HTTP`;
  return null;
}

/** "CN=Zscaler Root CA, O=Zscaler Inc." → ["Zscaler Root CA", "Zscaler Inc."]: the values the product table matches. */
function nameValues(name: string): string[] {
  return name.split(/, (?=[A-Za-z.0-9]+=)/).map((part) => part.slice(part.indexOf('=') + 1));
}

/** Milliseconds to 0.1 ms: finer than that is scheduler noise. */
export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
