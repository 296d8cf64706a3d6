// One attempt, stage by stage: TCP handshake (with the target or the proxy), CONNECT, then the port's check,
// spoken the way GoToMyPC speaks; when that is cut or unanswered, the same check without GoToMyPC's names.
import type { Socket } from 'node:net';
import type { Proxy } from '../core/proxy.js';
import type { Attempt, Exchange, PacRoute, PathKind, Role, Target, TcpObservation, Trace } from '../core/types.js';
import { classify, round } from '../judge/classify.js';
import { isLoopbackHost } from '../net/loopback.js';
import type { PacAnswer, PacEntry } from '../pc/pac.js';
import type { TrustStore } from '../pc/trust-store.js';
import { type DownProxies, tryOrder } from './down-proxies.js';
import { checkHttp } from './checks/http.js';
import { onInterrupt } from './checks/interrupt.js';
import { pause } from './checks/settle.js';
import { openTunnel } from './checks/proxy.js';
import { checkService } from './checks/service.js';
import { connectTcp, type Connection, type Dial, type HandshakeOptions } from './checks/tcp.js';
import type { HandshakeTimer } from './rtt.js';
import { checkTls } from './checks/tls.js';
import { joinHostPort } from '../core/host-port.js';
import type { Check, CheckContext, Voice } from './checks/check.js';

/**
 * A target and how to reach it: a proxy, or whatever the router answers for it. `comparison` marks the direct
 * attempt --compare-direct adds; `role`, whose path it takes when a run follows two.
 */
export interface Job {
  target: Target;
  proxy: Proxy | null;
  router?: Router;
  comparison: boolean;
  role?: Role;
}

/** The answer for one target, and for fixed settings the rule that gave it. */
export type RouteAnswer = PacAnswer & { rule?: string };

/** What decides each target's path (a PAC file, or this PC's fixed settings), and the proxies it names. */
export interface Router {
  /** What decides, as the attempt's route names it. */
  via: string;
  /** Decides every target's answer before the attempts start (a PAC file), so that find() only reads what was decided. */
  decide?(targets: () => Iterable<Target>): Promise<void>;
  find(target: Target): Promise<RouteAnswer>;
  proxyAt(host: string, port: number): Proxy;
  /** Under the guard an entry outside loopback is passed by, as the start-up checks would refuse it. */
  loopbackOnly: boolean;
}

export interface ProbeSettings {
  /** --timeout: every stage's deadline, and the bound of a learned handshake deadline. */
  timeoutMs: number;
  /** Learns direct handshakes' deadlines from the run's round trips (the engine's, one per run); absent: --timeout. */
  handshakes?: HandshakeTimer;
  connectOnly: boolean;
  /** The name sent as SNI and Host to an address no GoToMyPC name gave (--sni); a name's addresses get their name. */
  servername: string;
  trust: TrustStore;
  /** The proxies this run found down (one per run, made by the engine); absent: every entry is tried every time. */
  downProxies?: DownProxies;
}

/**
 * The check after the handshake on each GoToMyPC port (other ports get the handshake only), and when the neutral
 * check may start: beside the first once it has waited a while (80, 443), or after it (8200, whose windows are short).
 */
interface PortCheck {
  run: Check;
  neutral: 'beside' | 'after';
}

const CHECKS: ReadonlyMap<number, PortCheck> = new Map([
  [80, { run: checkHttp, neutral: 'beside' }],
  [443, { run: checkTls, neutral: 'beside' }],
  [8200, { run: checkService, neutral: 'after' }],
]);

/**
 * How long the GoToMyPC-shaped check on 80 and 443 may stay unanswered, as a share of the timeout, before the
 * neutral one starts beside it. Both then end by the same deadline, so an attempt never takes longer than it
 * did without the comparison, and a slow server that answers late is still heard.
 */
const PATIENCE = 1 / 3;

/** Every stage gets the full timeout as its own deadline; the 8200 windows are shorter. */
export function trace(job: Job, settings: ProbeSettings, signal: AbortSignal): Promise<Trace> {
  const { target, proxy } = job;
  const path: PathKind = proxy ? 'proxy' : 'direct';
  const check = settings.connectOnly ? null : CHECKS.get(target.port) ?? null;
  // Through a proxy the tunnel must stay open for the check; a bare CONNECT answer is still evidence.
  const keep = proxy !== null || check !== null;
  const to = dialOf(job);
  // Learned deadlines are for the targets' own round trips: a proxy's handshake keeps --timeout.
  const timer = proxy === null ? settings.handshakes ?? null : null;
  const options = { timeoutMs: settings.timeoutMs, signal, keep };
  // A handshake alone is a sweep's whole attempt: no async frame around it.
  if (!keep) return handshake(to, job.target, timer, options).then(({ observation }) => ({ path, connect: observation }));
  return handshake(to, job.target, timer, options).then(async ({ observation: connect, socket }) => {
    if (!socket) return { path, connect };
    if (check === null) return { path, ...(await stages(socket, connect, job, null, contextOf(job, settings, 'gotomypc', settings.timeoutMs, signal))) };
    return { path, ...(await compared(socket, connect, job, check, settings, signal)) };
  });
}

/** An answer after one round trip: the handshake, a refusal, or a reset that followed the handshake. */
function answeredAfter(observation: TcpObservation): boolean {
  return observation.outcome === 'connected' || (observation.outcome === 'failed' && observation.code === 'ECONNREFUSED');
}

/**
 * The handshake with a learned deadline, each answer teaching the timer; one that went silent is tried again on
 * a fresh connection (a new SYN), with a longer deadline, as often as the timer allows once it has learned.
 */
function handshake(to: Dial, target: Target, timer: HandshakeTimer | null, options: HandshakeOptions): Promise<Connection> {
  if (timer === null) return connectTcp(to, options);
  const first = timer.first(target);
  return connectTcp(to, { ...options, timeoutMs: first.ms }).then((connection) => {
    const { observation } = connection;
    if (answeredAfter(observation)) timer.answered(target, observation.elapsedMs);
    if (observation.outcome !== 'timeout') return connection;
    return retryHandshake(connection, to, target, timer, options);
  });
}

async function retryHandshake(first: Connection, to: Dial, target: Target, timer: HandshakeTimer, options: HandshakeOptions): Promise<Connection> {
  const { signal } = options;
  const deadlines = [Math.round(first.observation.elapsedMs)];
  let waited = first.observation.elapsedMs;
  for (;;) {
    if (signal.aborted) return { observation: { kind: 'tcp', outcome: 'interrupted', elapsedMs: 0 }, socket: null };
    const ms = timer.retry(deadlines.length, target);
    if (ms === null) break;
    deadlines.push(ms);
    const connection = await connectTcp(to, { ...options, timeoutMs: ms });
    const { observation } = connection;
    if (observation.outcome === 'timeout') {
      waited += observation.elapsedMs;
      continue;
    }
    if (answeredAfter(observation)) timer.retryAnswered();
    return { ...connection, observation: { ...observation, deadlines } };
  }
  if (deadlines.length === 1) return first;
  return { observation: { kind: 'tcp', outcome: 'timeout', elapsedMs: waited, deadlines }, socket: null };
}

function dialOf(job: Job): Dial {
  const target = { host: job.target.ip, port: job.target.port };
  return job.proxy ? { to: { host: job.proxy.host, port: job.proxy.port }, tunnelTo: target } : { to: target };
}

/** What a check of `job` is given: the name spoken to its target (its own, or --sni), the voice, the deadline. */
function contextOf(job: Job, settings: ProbeSettings, voice: Voice, timeoutMs: number, signal: AbortSignal): CheckContext {
  const { ip, host } = job.target;
  return { ip, name: host ?? settings.servername, voice, timeoutMs, signal, trust: settings.trust };
}

/** The stages after the handshake on one connection, which they own and close: CONNECT through a proxy, then `check`. */
async function stages(socket: Socket, connect: TcpObservation, job: Job, check: Check | null, context: CheckContext): Promise<Exchange> {
  try {
    if (job.proxy) {
      // An NTLM handshake may need a new connection to the proxy: the tunnel is on the one it returns.
      const tunnel = await openTunnel(socket, job.target, job.proxy, context.timeoutMs, context.signal);
      socket = tunnel.socket;
      const proxy = tunnel.observation;
      if (proxy.outcome !== 'answered' || proxy.status !== 200 || check === null) return { connect, proxy };
      return { connect, proxy, app: await check(socket, context) };
    }
    return { connect, ...(check ? { app: await check(socket, context) } : {}) };
  } finally {
    socket.destroy();
  }
}

/** Cut, closed or unanswered after the handshake: what an application-aware filter does to what it recognises. */
function unanswered(exchange: Exchange): boolean {
  const app = exchange.app;
  if (!app) return false;
  switch (app.outcome) {
    case 'closed':
    case 'timeout':
    case 'quiet':
      return true;
    case 'failed':
      return app.code === 'ECONNRESET' || app.code === 'EPIPE' || app.code === 'ECONNABORTED';
    default:
      return false;
  }
}

/**
 * The GoToMyPC-shaped check, and the neutral one on a fresh connection when the first is cut or unanswered.
 * On 80 and 443 the neutral one starts once the first has waited PATIENCE of the timeout, and is dropped if the
 * first then answers; on 8200, whose windows are short, it follows. Either way it must end by the deadline the
 * first check had, so the attempt keeps its worst-case time.
 */
async function compared(socket: Socket, connect: TcpObservation, job: Job, check: PortCheck, settings: ProbeSettings, signal: AbortSignal): Promise<Exchange & { neutral?: Exchange }> {
  const budgetEnd = performance.now() + settings.timeoutMs;
  const seen: { first: Exchange | null } = { first: null };
  const first = stages(socket, connect, job, check.run, contextOf(job, settings, 'gotomypc', settings.timeoutMs, signal)).then((e) => (seen.first = e));
  if (check.neutral === 'after') {
    await first;
  } else {
    const patience = pause(settings.timeoutMs * PATIENCE, signal);
    await Promise.race([first, patience.done]);
    patience.cancel();
  }
  if (seen.first !== null && !unanswered(seen.first)) return seen.first;
  if (signal.aborted) return first;

  const stop = new AbortController();
  const stopWaiting = onInterrupt(signal, () => stop.abort());
  const neutral = neutralExchange(job, check, budgetEnd, settings, stop.signal);
  // A late answer to the first makes the neutral one moot: stop it rather than wait for it.
  void first.then((e) => { if (!unanswered(e)) stop.abort(); });
  const [primary, other] = await Promise.all([first, neutral]);
  stopWaiting();
  if (!unanswered(primary) || other === null || signal.aborted) return primary;
  return { ...primary, neutral: other };
}

/** The neutral check on a connection of its own, within what is left of the first check's budget; null if there was no time. */
async function neutralExchange(job: Job, check: PortCheck, budgetEnd: number, settings: ProbeSettings, signal: AbortSignal): Promise<Exchange | null> {
  const left = (): number => Math.floor(budgetEnd - performance.now());
  if (left() <= 0) return null;
  const { observation: connect, socket } = await connectTcp(dialOf(job), { timeoutMs: left(), signal, keep: true });
  if (connect.outcome === 'interrupted') return null;
  if (!socket) return { connect };
  return stages(socket, connect, job, check.run, contextOf(job, settings, 'neutral', Math.max(1, left()), signal));
}

function interrupted(t: Trace): boolean {
  return t.connect.outcome === 'interrupted' || t.proxy?.outcome === 'interrupted' || t.app?.outcome === 'interrupted';
}

/** The attempt as reported, or null when the run was interrupted before it finished. */
export function attempt(job: Job, settings: ProbeSettings, signal: AbortSignal): Promise<Attempt | null> {
  if (job.router) return routed(job, job.router, settings, signal);
  const started = performance.now();
  return trace(job, settings, signal).then((seen) => (interrupted(seen) ? null : attemptOf(job, seen, performance.now() - started)));
}

export function entryText(entry: PacEntry): string {
  if (entry.kind === 'direct') return 'DIRECT';
  return `${entry.kind.toUpperCase()} ${joinHostPort(entry.host, entry.port)}`;
}

/** A proxy that took no connection: a browser hands the request to the PAC's next entry. */
function proxyTookNoConnection(seen: Trace): string | null {
  const { connect } = seen;
  if (connect.outcome === 'timeout') return 'the proxy did not answer the connection';
  if (connect.outcome === 'failed') return `the proxy took no connection (${connect.code})`;
  return null;
}

/**
 * The target by the PAC's answer, its entries in order as a browser tries them: a proxy that takes no connection
 * yields to the next; one that answers, whatever it says, is the path. A proxy that took no connection is down for
 * the rest of the run (settings.downProxies): later targets try it after the others, as Chromium does, and their
 * route says so. An answer the PAC could not give, or one with no entry g2probe can try, means DIRECT, and the
 * route says why.
 */
async function routed(job: Job, router: Router, settings: ProbeSettings, signal: AbortSignal): Promise<Attempt | null> {
  const started = performance.now();
  const answer = await router.find(job.target);
  const route: PacRoute = {
    via: router.via,
    ...(answer.rule === undefined ? {} : { rule: answer.rule }),
    answer: answer.ok ? answer.text : null,
    entry: null,
    skipped: [],
    ...(answer.ok ? {} : { why: `${answer.why}: DIRECT, as Windows does` }),
  };
  const entries: PacEntry[] = answer.ok ? answer.entries : [{ kind: 'direct' }];
  const passed: (string | null)[] = entries.map((entry) => untried(entry, router));
  const tryable = entries.flatMap((_, i) => (passed[i] === null ? [i] : []));
  const down = settings.downProxies;
  const downWhy = (i: number): string | null => {
    const entry = entries[i]!;
    return entry.kind === 'proxy' && down ? down.why(entry.host, entry.port) : null;
  };
  const order = tryOrder(tryable.length, (k) => downWhy(tryable[k]!) !== null).map((k) => tryable[k]!);
  let last: { job: Job; seen: Trace; index: number } | null = null;
  for (const [n, i] of order.entries()) {
    const entry = entries[i]!;
    const proxy = entry.kind === 'proxy' ? router.proxyAt(entry.host, entry.port) : null;
    const next: Job = { target: job.target, proxy, comparison: false, ...(job.role ? { role: job.role } : {}) };
    const seen = await trace(next, settings, signal);
    if (interrupted(seen)) return null;
    last = { job: next, seen, index: i };
    const refused = proxy ? proxyTookNoConnection(seen) : null;
    if (proxy && down) {
      if (refused !== null) down.down(proxy.host, proxy.port, refused);
      else if (seen.connect.outcome === 'connected') down.up(proxy.host, proxy.port);
    }
    // The last entry that can be tried is the path's end, whatever it did.
    if (refused === null || n === order.length - 1) break;
    passed[i] = refused;
  }
  if (last !== null) {
    const used = last.index;
    route.entry = entryText(entries[used]!);
    // Down entries before the one used were passed over without a try: say since when.
    for (const i of tryable) {
      const why = i < used && passed[i] === null ? downWhy(i) : null;
      if (why !== null) passed[i] = `down since an earlier attempt: ${why}`;
    }
  }
  route.skipped = entries.flatMap((entry, i) => (passed[i] === null ? [] : [{ entry: entryText(entry), why: passed[i]! }]));
  if (last === null) {
    const direct: Job = { target: job.target, proxy: null, comparison: false, ...(job.role ? { role: job.role } : {}) };
    const seen = await trace(direct, settings, signal);
    if (interrupted(seen)) return null;
    last = { job: direct, seen, index: -1 };
    route.why ??= `no entry g2probe can try (${route.skipped.map((s) => s.entry).join('; ')}): tried DIRECT, which is not the path ${router.via} gives`;
  }
  return { ...attemptOf(last.job, last.seen, performance.now() - started), route };
}

/** Why an entry is passed over without a try (a kind g2probe cannot speak, the guard), or null when it can be tried. */
function untried(entry: PacEntry, router: Router): string | null {
  if (entry.kind === 'https' || entry.kind === 'socks') return entry.kind === 'socks' ? 'g2probe does not speak SOCKS' : 'g2probe does not speak TLS to a proxy';
  if (entry.kind === 'proxy' && router.loopbackOnly && !isLoopbackHost(entry.host)) return 'outside 127.0.0.0/8 and ::1: the loopback-only guard passes it by';
  return null;
}

/** What a finished trace reports; `ms` is the whole attempt. */
function attemptOf(job: Job, seen: Trace, ms: number): Attempt {
  const { ip, port, range, host, expected } = job.target;
  const { status, reason, evidence } = classify(seen, { ip, expected });
  const connectMs = seen.connect.outcome === 'connected' ? round(seen.connect.elapsedMs) : null;
  const { path } = seen;
  // The common shape is built without spreads, which copy; the report keeps its field order either way.
  const tries = seen.connect.deadlines?.length ?? 1;
  if (host === undefined && !job.comparison && job.role === undefined && tries === 1) return { ip, port, range, expected, path, status, reason, ms: round(ms), connectMs, evidence };
  return {
    ip, port, range, ...(host === undefined ? {} : { host }), expected, path, ...(job.comparison ? { comparison: true } : {}), ...(job.role ? { role: job.role } : {}),
    status, reason, ms: round(ms), connectMs, ...(tries > 1 ? { tries } : {}), evidence,
  };
}
