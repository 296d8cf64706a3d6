// The hold engine: every connection held at once for --for, each waiting idle between exchanges as the host
// would, reopened when cut (as the host reconnects), with the names and this PC's addresses watched meanwhile.
// The only place in hold with timing and concurrency; what the sessions mean is judged in judge/hold.ts.
import { networkInterfaces } from 'node:os';
import { splitHostPort } from '../core/host-port.js';
import type { Proxy } from '../core/proxy.js';
import type { HoldEnd, HoldEvent, HoldSession, HoldTarget, PathKind } from '../core/types.js';
import { resolveName, type DnsSettings } from './checks/dns.js';
import { openHeld, type HeldConnection, type HoldSettings } from './checks/held.js';
import { pause, settleOnce } from './checks/settle.js';
import { IdleSearch } from './idle-search.js';

/** A close this soon after an answer is the server ending the exchange, not the path cutting an idle connection. */
const CLOSE_AFTER_ANSWER_MS = 1000;
/** How long a line that was open waits before opening again when a reopen fails. */
const REOPEN_PAUSE_MS = 5000;
/** The names and this PC's addresses are looked at this often (or at every exchange, when --every is shorter). */
const WATCH_MS = 60_000;

export interface HoldPlan {
  target: HoldTarget;
  proxy: Proxy | null;
  path: PathKind;
  route: string;
}

/** What the command shows while it runs, and what the judgement gets at the end. */
export interface LineRecord {
  plan: HoldPlan;
  sessions: HoldSession[];
  /** The connection now open, if any. */
  open: boolean;
}

export interface HoldRun {
  forMs: number;
  everyMs: number | null;
  settings: HoldSettings;
  dns: DnsSettings | null;
  /** Each name's addresses as first resolved: a later answer that differs is a move. */
  resolved: ReadonlyMap<string, readonly string[]>;
  signal: AbortSignal;
}

type Woke = 'time' | 'ended' | 'interrupted';

/** Waits `ms`, unless the connection ends or the run is interrupted first. */
function idle(connection: HeldConnection, ms: number, signal: AbortSignal): Promise<Woke> {
  return settleOnce<Woke, Woke>({ timeoutMs: Math.max(0, ms), signal, expired: () => 'time', interrupted: () => 'interrupted' }, (wake) => {
    const stopListening = connection.onEnd(() => wake('ended'));
    return (why) => {
      stopListening();
      return why;
    };
  });
}

export class HoldEngine {
  readonly lines: LineRecord[];
  readonly events: HoldEvent[] = [];
  private readonly started = performance.now();
  private readonly end: number;
  private readonly connections = new Set<HeldConnection>();
  /** Ends the watch once every line is done, or the run is interrupted. */
  private readonly watchDone = new AbortController();

  constructor(plans: readonly HoldPlan[], private readonly run: HoldRun) {
    this.lines = plans.map((plan) => ({ plan, sessions: [], open: false }));
    this.end = this.started + run.forMs;
  }

  private at(time = performance.now()): number {
    return Math.round(time - this.started);
  }

  /** ms of --for still to go. */
  left(): number {
    return Math.max(0, this.end - performance.now());
  }

  elapsed(): number {
    return this.at();
  }

  async hold(): Promise<void> {
    const watching = this.watch(AbortSignal.any([this.run.signal, this.watchDone.signal]));
    await Promise.all(this.lines.map((line) => this.holdLine(line)));
    this.watchDone.abort();
    await watching;
  }

  private async holdLine(line: LineRecord): Promise<void> {
    const { signal, settings, everyMs } = this.run;
    const search = new IdleSearch(everyMs);
    // Silence proves a cut only on a line whose server is known to answer GoToMyPC's ping.
    let proven = false;
    let opened = false;
    while (!signal.aborted && this.left() > 0) {
      const openedAt = performance.now();
      const result = await openHeld(line.plan.target, line.plan.proxy, settings, signal);
      if (!result.ok) {
        if (signal.aborted) break;
        line.sessions.push({ openedAtMs: this.at(openedAt), endedAtMs: this.at(), openMs: null, local: null, answeredMs: [], idleMs: 0, end: { how: 'not-opened', stage: result.stage, why: result.why } });
        if (!opened) return;
        await pause(Math.min(REOPEN_PAUSE_MS, this.left()), signal).done;
        continue;
      }
      opened = true;
      const connection = result.connection;
      this.connections.add(connection);
      line.open = true;
      const session: HoldSession = { openedAtMs: this.at(openedAt), endedAtMs: 0, openMs: result.openMs, local: connection.local, answeredMs: [], idleMs: 0, end: { how: 'held' } };
      const ending = await this.session(connection, session, search, proven);
      proven ||= session.answeredMs.length > 0;
      connection.close();
      this.connections.delete(connection);
      line.open = false;
      session.end = ending;
      line.sessions.push(session);
      if (ending.how === 'interrupted' || ending.how === 'held') return;
      // Cut at once, before any answer: this server does not answer the ping, and holding it again tells nothing more.
      if (!proven) return;
    }
  }

  /** One connection from its opening to its end. `proven`: an earlier one had an answer, so no opening exchange is needed. */
  private async session(connection: HeldConnection, session: HoldSession, search: IdleSearch, proven: boolean): Promise<HoldEnd> {
    const { signal } = this.run;
    const { timeoutMs } = this.run.settings;
    if (!proven) {
      // Right after opening: does this server answer the ping at all?
      const sent = performance.now();
      const first = await connection.exchange(timeoutMs, signal);
      if (first.answered) {
        session.answeredMs.push(0);
        if (first.closing) return this.ended(session, 'the server answered the first ping and said it closes');
      } else {
        session.endedAtMs = this.at(sent);
        if (first.kind === 'interrupted') return { how: 'interrupted' };
        return { how: 'cut', kind: first.kind, during: 'exchange', ...(first.code ? { code: first.code } : {}), why: 'the ping sent just after opening got no answer' };
      }
    }
    let lastAnswer = performance.now();
    for (;;) {
      const left = this.left();
      const gap = search.next();
      const woke = await idle(connection, gap === null ? left : Math.min(gap, left), signal);
      if (woke === 'interrupted') {
        session.endedAtMs = this.at();
        return { how: 'interrupted' };
      }
      if (woke === 'ended') {
        const ending = connection.ended!;
        const idleMs = Math.round(ending.atMs - connection.lastTraffic);
        session.endedAtMs = this.at(ending.atMs);
        session.idleMs = idleMs;
        if (ending.kind === 'closed' && ending.atMs - lastAnswer < CLOSE_AFTER_ANSWER_MS) return this.ended(session, 'the server closed the connection right after answering');
        search.cut(idleMs);
        return { how: 'cut', kind: ending.kind, during: 'idle', ...(ending.code ? { code: ending.code } : {}), why: `${ending.kind === 'reset' ? 'a reset' : 'a close'} arrived while idle` };
      }
      const sent = performance.now();
      const idleMs = Math.round(sent - connection.lastTraffic);
      const answer = await connection.exchange(timeoutMs, signal);
      if (answer.answered) {
        search.answered(idleMs);
        session.answeredMs.push(idleMs);
        lastAnswer = performance.now();
        if (answer.closing) return this.ended(session, 'the server answered and said it closes');
        if (this.left() <= 0) {
          session.endedAtMs = this.at();
          return { how: 'held' };
        }
        continue;
      }
      session.endedAtMs = this.at(sent);
      session.idleMs = idleMs;
      if (answer.kind === 'interrupted') return { how: 'interrupted' };
      search.cut(idleMs);
      const why = answer.kind === 'silence' ? `the ping got no answer within ${timeoutMs} ms` : answer.kind === 'reset' ? 'the ping was answered with a reset' : 'the ping was answered with a close';
      return { how: 'cut', kind: answer.kind, during: 'exchange', ...(answer.code ? { code: answer.code } : {}), why };
    }
  }

  private ended(session: HoldSession, why: string): HoldEnd {
    session.endedAtMs = this.at();
    return { how: 'ended', why };
  }

  /** The names' answers and this PC's addresses, looked at while anything is held; each change is an event. */
  private async watch(signal: AbortSignal): Promise<void> {
    const { everyMs, dns } = this.run;
    const every = Math.max(1000, Math.min(everyMs ?? WATCH_MS, WATCH_MS));
    const names = [...new Set(this.lines.flatMap((l) => (l.plan.target.host ? [l.plan.target.host] : [])))];
    const seen = new Map(names.map((name) => [name, [...(this.run.resolved.get(name) ?? [])].sort().join(', ')]));
    const held = new Map(names.map((name) => [name, this.lines.find((l) => l.plan.target.host === name)!.plan.target.ip]));
    const gone = new Set<string>();
    while (!signal.aborted && this.left() > every / 2) {
      await pause(every, signal).done;
      if (signal.aborted) break;
      for (const local of this.localAddresses()) {
        if (gone.has(local) || hasAddress(local)) continue;
        gone.add(local);
        this.events.push({ atMs: this.at(), kind: 'local-address', text: `this PC's address ${local} went away while connections from it were held` });
      }
      if (dns === null) continue;
      await Promise.all(names.map(async (name) => {
        const observation = await resolveName(name, dns, signal);
        const answered = observation.queries.filter((q) => q.outcome === 'answered').flatMap((q) => q.addresses);
        if (answered.length === 0) return;
        const now = [...answered].sort().join(', ');
        const before = seen.get(name);
        seen.set(name, now);
        if (before === now) return;
        this.events.push({ atMs: this.at(), kind: 'dns-change', text: `${name} now resolves to ${now}${before ? ` (was ${before})` : ''}; the connections held stay on ${held.get(name)}` });
      }));
    }
  }

  private localAddresses(): string[] {
    return [...new Set([...this.connections].flatMap((c) => (c.local ? [splitHostPort(c.local)?.host ?? c.local] : [])))];
  }
}

/** Whether an interface still has `ip`; loopback addresses are all of lo's /8. */
function hasAddress(ip: string): boolean {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  if (/^127\./.test(ip)) return all.some((a) => a.internal && a.family === 'IPv4');
  return all.some((a) => a.address === ip);
}
