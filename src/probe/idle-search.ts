// How long a held connection waits idle before its next exchange. First the idle host's own pattern (--every);
// once a connection is found cut after some idle time, each wait halves the span between the longest idle that
// came back and the shortest that was cut, as RFC 5780's binding-lifetime discovery does, until the limit is
// known to a second (or a tenth); then a wait well inside it, which a keep-alive at that interval would also get.

/** Shorter waits tell nothing a round trip does not. */
export const MIN_GAP_MS = 250;

export class IdleSearch {
  /** The longest idle time an exchange came back from. */
  answeredMs = 0;
  /** The shortest idle time after which the connection was found cut; Infinity until one was. */
  cutMs = Infinity;

  /** `everyMs`: the idle host's pattern, or null (--every never) for one wait to the end. */
  constructor(private readonly everyMs: number | null) {}

  answered(idleMs: number): void {
    this.answeredMs = Math.max(this.answeredMs, idleMs);
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
    if (this.settled) return Math.max(MIN_GAP_MS, Math.floor(this.answeredMs / 2));
    return Math.max(MIN_GAP_MS, Math.floor((this.answeredMs + this.cutMs) / 2));
  }
}
