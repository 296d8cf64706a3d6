// Failures before successes in every table of a page: a reader looks for what went wrong, and 14 `ok` rows
// above 4 blocked ones hide them. Within one rank the run's own order is kept (Array.prototype.sort is stable).
import type { CellState, HoldLineState, Status } from '../core/types.js';

/** Worst first: a block, then a stand-in answering, then silence, then local faults, then the unproven, then success. */
const RANK: Record<Status | CellState, number> = {
  blocked: 0, intercepted: 1, timeout: 2, error: 3, unconfirmed: 4, unknown: 5, ok: 6, reachable: 6, 'not-served': 7,
};

/** A held connection: cut ones first, then ones that never got going, then the held. */
const HOLD_RANK: Record<HoldLineState, number> = {
  'idle-cut': 0, 'lifetime-cut': 0, down: 0, 'cut-once': 1, unanswered: 2, 'not-opened': 3, closed: 4, interrupted: 5, held: 6,
};

export function rank(state: Status | CellState): number {
  return RANK[state];
}

export function holdRank(state: HoldLineState): number {
  return HOLD_RANK[state];
}

/** A copy of `items`, lowest rank first, the given order kept within a rank. */
export function failuresFirst<T>(items: readonly T[], rankOf: (item: T) => number): T[] {
  return items.map((item, i) => ({ item, r: rankOf(item), i })).sort((a, b) => a.r - b.r || a.i - b.i).map(({ item }) => item);
}
