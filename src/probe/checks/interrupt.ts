// Waiting on a run's interrupt without one EventTarget listener per attempt.

interface Waiter {
  onAbort: () => void;
  /** Position in its signal's list, or -1 once it stopped waiting. */
  at: number;
}

const waiting = new WeakMap<AbortSignal, Waiter[]>();

function listFor(signal: AbortSignal): Waiter[] {
  let list = waiting.get(signal);
  if (!list) {
    const waiters: Waiter[] = [];
    signal.addEventListener('abort', () => {
      const all = waiters.splice(0);
      for (const waiter of all) waiter.at = -1;
      for (const waiter of all) waiter.onAbort();
    }, { once: true });
    waiting.set(signal, waiters);
    list = waiters;
  }
  return list;
}

/**
 * Calls `onAbort` when `signal` aborts; returns the function that stops waiting. A sweep has
 * thousands of attempts in flight, and adding and removing an 'abort' listener for each cost more
 * than the connect itself: one listener per signal serves a list, left in O(1) by a swap with the last.
 */
export function onInterrupt(signal: AbortSignal, onAbort: () => void): () => void {
  if (signal.aborted) {
    // An aborted signal fires no more events; still answer asynchronously, as a live one would.
    let wanted = true;
    queueMicrotask(() => { if (wanted) onAbort(); });
    return () => { wanted = false; };
  }
  const list = listFor(signal);
  const waiter: Waiter = { onAbort, at: list.length };
  list.push(waiter);
  return () => {
    if (waiter.at < 0) return;
    const last = list.pop() as Waiter;
    if (last !== waiter) {
      list[waiter.at] = last;
      last.at = waiter.at;
    }
    waiter.at = -1;
  };
}
