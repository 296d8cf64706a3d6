// Aggregates attempts as they stream in: memory grows with ranges × ports, never with attempts.
import type { Attempt, PortState, PortSummary, Range, RangeSummary, Reason, Status, StatusCounts, Summary } from './types.js';

function zeroCounts(): StatusCounts {
  return { ok: 0, blocked: 0, timeout: 0, intercepted: 0, error: 0 };
}

/** Reachable when anything answered; blocked when only the network said no; unknown when only local faults (or nothing) were seen. */
export function portState(counts: StatusCounts): PortState {
  if (counts.ok > 0) return 'reachable';
  if (counts.blocked + counts.timeout + counts.intercepted > 0) return 'blocked';
  return 'unknown';
}

interface Cell {
  counts: StatusCounts;
  reasons: Map<Reason, number>;
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export class SummaryBuilder {
  readonly counts = zeroCounts();
  total = 0;
  private readonly ports = new Map<number, { cell: Cell; codes: Map<string, number>; faultCodes: Map<string, number> }>();
  private readonly cells = new Map<string, Cell>();

  constructor(private readonly ranges: Range[], private readonly portList: number[]) {
    for (const port of portList) this.ports.set(port, { cell: newCell(), codes: new Map(), faultCodes: new Map() });
    for (const range of ranges) for (const port of portList) this.cells.set(cellKey(range.cidr, port), newCell());
  }

  add(attempt: Attempt): void {
    this.total++;
    this.counts[attempt.status]++;
    const port = this.ports.get(attempt.port);
    const cell = this.cells.get(cellKey(attempt.range, attempt.port));
    if (!port || !cell) throw new Error(`attempt outside the plan: ${attempt.range} port ${attempt.port}`);
    record(port.cell, attempt.status, attempt.reason);
    record(cell, attempt.status, attempt.reason);
    const { code } = attempt.evidence;
    if (code) {
      bump(port.codes, code);
      if (attempt.status === 'error') bump(port.faultCodes, code);
    }
  }

  summary(): Summary {
    const ports: PortSummary[] = this.portList.map((port) => {
      const { cell, codes, faultCodes } = this.ports.get(port)!;
      return {
        port,
        state: portState(cell.counts),
        counts: { ...cell.counts },
        reasons: Object.fromEntries(cell.reasons),
        codes: Object.fromEntries(codes),
        faultCodes: Object.fromEntries(faultCodes),
      };
    });
    const ranges: RangeSummary[] = this.ranges.map((range) => ({
      cidr: range.cidr,
      source: range.source,
      status: range.status,
      ports: Object.fromEntries(
        this.portList.map((port) => {
          const cell = this.cells.get(cellKey(range.cidr, port))!;
          return [String(port), { state: portState(cell.counts), counts: { ...cell.counts }, reason: leadingReason(cell) }];
        }),
      ),
    }));
    return { total: this.total, counts: { ...this.counts }, ports, ranges };
  }
}

function newCell(): Cell {
  return { counts: zeroCounts(), reasons: new Map() };
}

function cellKey(cidr: string, port: number): string {
  return `${cidr} ${port}`;
}

function record(cell: Cell, status: Status, reason: Reason): void {
  cell.counts[status]++;
  bump(cell.reasons, reason);
}

/** `connected` if anything answered, else the most frequent reason (network answers before local faults). */
function leadingReason(cell: Cell): Reason | null {
  if (cell.counts.ok > 0) return 'connected';
  let best: Reason | null = null;
  let bestRank = -1;
  for (const [reason, count] of cell.reasons) {
    const rank = count + (reasonIsLocalFault(reason) ? 0 : 1e9);
    if (rank > bestRank) { best = reason; bestRank = rank; }
  }
  return best;
}

const LOCAL_FAULTS: ReadonlySet<Reason> = new Set(['resource-exhausted', 'no-local-address', 'unsupported', 'unexpected']);

function reasonIsLocalFault(reason: Reason): boolean {
  return LOCAL_FAULTS.has(reason);
}
