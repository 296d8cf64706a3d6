// How long a held connection waits idle before its next exchange. First the idle host's own pattern (--every);
// once a connection is found cut after some idle time, each wait halves the span between the longest idle that
// came back and the shortest that was cut, as RFC 5780's binding-lifetime discovery does, until the limit is
// known to a second (or a tenth). Then one wait as long as the shortest cut, to see the cut again: a single slow
// answer or a passing fault must not pass for a limit. Then a wait well inside it, as a keep-alive would be set.

/** Shorter waits tell nothing a round trip does not. */
export const MIN_GAP_MS = 250;

export class IdleSearch {
  /** The longest idle time an exchange came back from. */
  answeredMs = 0;
  /** The shortest idle time after which the connection was found cut; Infinity until one was. */
  cutMs = Infinity;
  /** Whether the wait that repeats the shortest cut is still to come. */
  private check: 'due' | 'asked' = 'due';

  /** `everyMs`: the idle host's pattern, or null (--every never) for one wait to the end. */
  constructor(private readonly everyMs: number | null) {}

  answered(idleMs: number): void {
    this.answeredMs = Math.max(this.answeredMs, idleMs);
    // As long an idle time came back after all: the cut was no limit, and the search starts over.
    if (idleMs >= this.cutMs) {
      this.cutMs = Infinity;
      this.check = 'due';
    }
  }

  /** An idle cut; a cut after no more idle than already came back is the connection's age, not its idleness. */
  cut(idleMs: number): void {
    if (idleMs > this.answeredMs) this.cutMs = Math.min(this.cutMs, idleMs);
  }

  /** Known closely enough: a second, or a tenth of the limit for long ones. */
  get settled(): boolean {
    return this.cutMs - this.answeredMs <= Math.max(1000, this.cutMs / 10);
  }

  /** The next idle wait in ms, or null for a wait to the end. */
  next(): number | null {
    if (this.cutMs === Infinity) return this.everyMs;
    if (this.settled && this.check === 'due') {
      this.check = 'asked';
      return this.cutMs;
    }
    if (this.settled) return Math.max(MIN_GAP_MS, Math.floor(this.answeredMs / 2));
    return Math.max(MIN_GAP_MS, Math.floor((this.answeredMs + this.cutMs) / 2));
  }
}
