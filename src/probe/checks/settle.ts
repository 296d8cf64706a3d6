// A wait settled once: by the first of its own events, its deadline, or the run's interrupt.
import { startDeadline, type Deadline } from './deadline.js';
import { onInterrupt } from './interrupt.js';

export interface SettleLimits<E> {
  timeoutMs: number;
  signal: AbortSignal;
  /** The event the deadline makes, and the one the run's interrupt makes. */
  expired: () => E;
  interrupted: () => E;
}

/** Removes what `start` set up and makes the value, given the event that won and the time since the start. */
export type SettleEnd<E, T> = (event: E, elapsedMs: number) => T;

function ignore(): void {}

/**
 * `start` opens the wait and listens for its events, calling `settle` with each; the first event, the deadline's
 * or the interrupt's included, wins and the rest are ignored. Then the deadline and the wait on the interrupt are
 * dropped, and the SettleEnd `start` returned makes the value. An event while `start` runs (a connect that failed at
 * once) settles as soon as it returns, nothing armed. A throw in `start` (the dialer's refusal) rejects.
 */
export function settleOnce<E, T>(limits: SettleLimits<E>, start: (settle: (event: E) => void) => SettleEnd<E, T>): Promise<T> {
  return new Promise<T>((resolve) => {
    const started = performance.now();
    const state: { won: E | null; settled: boolean; end: SettleEnd<E, T> | null } = { won: null, settled: false, end: null };
    let deadline: Deadline | null = null;
    let stopWaiting = ignore;
    const finish = (event: E, end: SettleEnd<E, T>): void => {
      deadline?.cancel();
      stopWaiting();
      resolve(end(event, performance.now() - started));
    };
    const settle = (event: E): void => {
      if (state.settled) return;
      state.settled = true;
      state.won = event;
      if (state.end !== null) finish(event, state.end);
    };
    const end = start(settle);
    state.end = end;
    if (state.settled) return finish(state.won as E, end);
    deadline = startDeadline(limits.timeoutMs, () => settle(limits.expired()));
    stopWaiting = onInterrupt(limits.signal, () => settle(limits.interrupted()));
  });
}

/** Done after `ms`, or at once when the run is interrupted or the wait cancelled. */
export function pause(ms: number, signal: AbortSignal): { done: Promise<void>; cancel: () => void } {
  let cancel = ignore;
  const done = settleOnce<void, void>({ timeoutMs: Math.max(0, ms), signal, expired: ignore, interrupted: ignore }, (settle) => {
    cancel = () => settle();
    return ignore;
  });
  return { done, cancel };
}
