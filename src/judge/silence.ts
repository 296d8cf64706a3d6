// Why a GoTo address or range did not answer, judged from the evidence across ports and ranges. Pure.
import type { Reason, RangeSummary, Summary } from '../core/types.js';
import { IN_THE_WAY } from './summary.js';

/**
 * Ranges that did not answer where the same ports work elsewhere:
 * - `ports-filtered`: the range answers some ports it is documented for but not others;
 * - `range-refused`: it answered on no port, and this PC's firewall or the proxy refused it;
 * - `range-silent`: it answered on no port though every address of it was tried;
 * - `range-unsampled`: it answered on no port, but only a sample of it was tried. A sample of a large range
 *   easily finds only unused addresses: a weak sign, never decisive.
 */
export interface RangeSilence {
  cidr: string;
  kind: 'ports-filtered' | 'range-refused' | 'range-silent' | 'range-unsampled';
  ports: number[];
  reasons: string[];
}

export interface Silence {
  /** Evidence: ranges filtered on some ports, refused, or silent on every address. */
  filtered: RangeSilence[];
  /** Possible only: sampled ranges that answered on no port. */
  unsampled: RangeSilence[];
  /** Addresses that answered on no port inside ranges that did answer: most likely unused, not firewalled. */
  unused: { count: number; examples: string[] };
}

function answers(state: string): boolean {
  return state === 'reachable' || state === 'intercepted';
}

export function silenceOf(summary: Summary): Silence {
  const working = new Set(summary.ports.filter((p) => answers(p.state)).map((p) => String(p.port)));
  const filtered: RangeSilence[] = [];
  const unsampled: RangeSilence[] = [];
  let count = 0;
  const examples: string[] = [];
  for (const range of summary.ranges) {
    const answeredSomewhere = Object.values(range.ports).some((cell) => answers(cell.state));
    if (answeredSomewhere) {
      const cells = cellsIn(range, ['blocked']).filter(([port]) => working.has(port));
      if (cells.length > 0) filtered.push(silence(range, 'ports-filtered', cells));
      if (range.addresses.silent > 0) {
        count += range.addresses.silent;
        for (const ip of range.addresses.silentExamples) if (examples.length < 3) examples.push(ip);
      }
      continue;
    }
    if (range.status !== 'current') continue;
    const cells = cellsIn(range, ['blocked', 'unconfirmed']).filter(([port]) => working.has(port));
    if (cells.length === 0) continue;
    const refused = cells.filter(([, cell]) => cell.reason !== null && IN_THE_WAY.has(cell.reason as Reason));
    if (refused.length > 0) filtered.push(silence(range, 'range-refused', refused));
    else if (range.addresses.whole) filtered.push(silence(range, 'range-silent', cells));
    else unsampled.push(silence(range, 'range-unsampled', cells));
  }
  return { filtered, unsampled, unused: { count, examples } };
}

function cellsIn(range: RangeSummary, states: readonly string[]): [string, RangeSummary['ports'][string]][] {
  return Object.entries(range.ports).filter(([, cell]) => states.includes(cell.state));
}

function silence(range: RangeSummary, kind: RangeSilence['kind'], cells: [string, RangeSummary['ports'][string]][]): RangeSilence {
  return { cidr: range.cidr, kind, ports: cells.map(([port]) => Number(port)), reasons: cells.map(([, cell]) => cell.reason ?? 'unknown') };
}
