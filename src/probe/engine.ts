// The probe engine: runs a plan's attempts in parallel, bounded, and streams each result out.
import type { Attempt } from '../core/types.js';
import { attempt as runAttempt, type Job, type ProbeSettings } from './attempt.js';
import { DownProxies } from './down-proxies.js';
import { HandshakeTimer } from './rtt.js';

export interface EngineOptions {
  concurrency: number;
  probe: ProbeSettings;
  /** Learn the handshakes' deadlines from this run's round trips (one timer for the run), within probe.timeoutMs. */
  learn?: boolean;
  /** Aborting stops new attempts and cuts short the ones in flight; their results are dropped. */
  signal: AbortSignal;
  /** Told when running out of file descriptors lowered the attempts in flight. */
  onThrottle?: (from: number, to: number, code: string) => void;
}

/** Out of file descriptors: this machine's limit, which fewer attempts in flight get under. */
const FD_EXHAUSTED = new Set(['EMFILE', 'ENFILE']);
/** A job is retried this many times before its fault is reported. */
const MAX_RETRIES = 8;

interface Pending {
  job: Job;
  retries: number;
}

/** One attempt, as probe.ts makes it; a parameter so the scheduling can be tested without sockets. */
export type AttemptFn = (job: Job, settings: ProbeSettings, signal: AbortSignal) => Promise<Attempt | null>;

/**
 * Pulls targets lazily and keeps at most `concurrency` attempts running, so memory stays flat however
 * long the plan. Each finished attempt launches the next directly: no queue of pending jobs and no
 * promise per slot. Resolves when every launched attempt has been reported.
 *
 * An attempt that found no free file descriptor says nothing about the network. It is tried again,
 * and once the burst of such failures has settled (the next turn of the event loop) the limit drops to
 * the attempts still in flight: those hold the descriptors there are. Its fault is reported only when it
 * failed alone with the limit already at 1, or after MAX_RETRIES.
 */
export function runAttempts(jobs: Iterable<Job>, options: EngineOptions, onAttempt: (attempt: Attempt) => void, attemptFn: AttemptFn = runAttempt): Promise<void> {
  const { signal } = options;
  // Per run: what one run learns of the handshakes and of the proxies that are down is not the next run's.
  const probe: ProbeSettings = { ...options.probe, downProxies: new DownProxies(), ...(options.learn ? { handshakes: new HandshakeTimer(options.probe.timeoutMs) } : {}) };
  const source = jobs[Symbol.iterator]();
  const retry: Pending[] = [];
  let limit = options.concurrency;
  return new Promise((resolve, reject) => {
    let running = 0;
    let exhausted = false;
    let failed = false;
    let failure: unknown;
    let throttledBy: string | null = null;

    const fail = (err: unknown): void => {
      if (!failed) failure = err;
      failed = true;
    };
    const start = (pending: Pending): void => {
      running++;
      attemptFn(pending.job, probe, signal).then((result) => settle(pending, result), settleFailed);
    };
    const settle = (pending: Pending, result: Attempt | null): void => {
      running--;
      const code = result?.evidence.code;
      if (code && FD_EXHAUSTED.has(code) && pending.retries < MAX_RETRIES && (limit > 1 || running > 0)) {
        retry.push({ job: pending.job, retries: pending.retries + 1 });
        if (throttledBy === null) setImmediate(rebalance);
        throttledBy = code;
        return;
      }
      try {
        if (result && !failed) onAttempt(result);
      } catch (err) {
        fail(err);
      }
      launch();
    };
    const settleFailed = (err: unknown): void => {
      running--;
      fail(err);
      launch();
    };
    const rebalance = (): void => {
      const fits = Math.max(1, running);
      if (fits < limit) {
        options.onThrottle?.(limit, fits, throttledBy as string);
        limit = fits;
      }
      throttledBy = null;
      launch();
    };
    const launch = (): void => {
      try {
        while (throttledBy === null && running < limit && !failed && !signal.aborted) {
          const again = retry.shift();
          if (again) {
            start(again);
            continue;
          }
          if (exhausted) break;
          const next = source.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          start({ job: next.value, retries: 0 });
        }
      } catch (err) {
        fail(err);
      }
      if (running === 0 && throttledBy === null) {
        if (failed) reject(failure);
        else resolve();
      }
    };
    launch();
  });
}
