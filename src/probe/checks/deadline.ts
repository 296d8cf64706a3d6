// A deadline that never fires early: the one timer every stage of an attempt uses.

export interface Deadline {
  readonly started: number;
  elapsed(): number;
  cancel(): void;
}

interface Entry {
  end: number;
  onExpire: () => void;
  /** Position in `live`, or -1 once expired or cancelled. */
  at: number;
}

/**
 * All deadlines share one timer, armed for the earliest. A sweep starts thousands of deadlines a
 * second and cancels nearly all of them within a millisecond or two: a timer object each, or a queue
 * that keeps cancelled entries until their time, would make the garbage collector carry them for the
 * whole timeout. Here an entry leaves as soon as it is cancelled (a swap with the last), so only the
 * attempts in flight are held, and the earliest end is found by a scan of those when the timer fires.
 */
const live: Entry[] = [];
let timer: NodeJS.Timeout | null = null;
let armedFor = Infinity;

function arm(end: number): void {
  if (timer !== null) clearTimeout(timer);
  armedFor = end;
  // Timers count from the event loop's cached clock, which can lag performance.now(): an early fire re-arms.
  timer = setTimeout(fire, Math.max(0, Math.ceil(end - performance.now())));
}

function remove(entry: Entry): void {
  const last = live.pop() as Entry;
  if (last !== entry) {
    live[entry.at] = last;
    last.at = entry.at;
  }
  entry.at = -1;
}

function fire(): void {
  timer = null;
  armedFor = Infinity;
  const now = performance.now();
  const expired: Entry[] = [];
  let earliest = Infinity;
  for (const entry of live) {
    if (entry.end <= now) expired.push(entry);
    else if (entry.end < earliest) earliest = entry.end;
  }
  for (const entry of expired) remove(entry);
  if (earliest !== Infinity) arm(earliest);
  // Callbacks start new attempts, whose deadlines arm the timer themselves if they come first.
  for (const entry of expired) entry.onExpire();
}

/** Calls `onExpire` once `ms` have really passed, unless cancelled first. */
export function startDeadline(ms: number, onExpire: () => void): Deadline {
  const started = performance.now();
  const entry: Entry = { end: started + ms, onExpire, at: live.length };
  live.push(entry);
  if (entry.end < armedFor) arm(entry.end);
  return {
    started,
    elapsed: () => performance.now() - started,
    cancel: () => {
      if (entry.at < 0) return;
      remove(entry);
      // Nothing left to wait for: a finished run must not be held open by a timer for a cancelled deadline.
      if (live.length === 0 && timer !== null) {
        clearTimeout(timer);
        timer = null;
        armedFor = Infinity;
      }
    },
  };
}
