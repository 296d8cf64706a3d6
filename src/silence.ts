// Why a GoTo address or range did not answer, judged from the evidence across ports and ranges. Pure.
import type { RangeSummary, Summary } from './types.js';

/**
 * `range-silent`: no address of the range answered on any port, while other ranges did: a firewall that
 * allows GoTo by address misses it, or the range is not in use. `ports-filtered`: the range answers some
 * ports but not these, so something filters those ports for its addresses.
 */
export interface RangeSilence {
  cidr: string;
  kind: 'range-silent' | 'ports-filtered';
  ports: number[];
  reasons: string[];
}

export interface Silence {
  ranges: RangeSilence[];
  /** Addresses that answered on no port inside ranges that did answer: most likely unused, not firewalled. */
  unused: { count: number; examples: string[] };
}

export function silenceOf(summary: Summary): Silence {
  const working = new Set(summary.ports.filter((p) => p.state === 'reachable' || p.state === 'intercepted').map((p) => String(p.port)));
  const ranges: RangeSilence[] = [];
  let count = 0;
  const examples: string[] = [];
  for (const range of summary.ranges.filter((r) => r.status === 'current')) {
    const silent = blockedCells(range).filter(([port]) => working.has(port));
    const answeredSomewhere = Object.values(range.ports).some((cell) => cell.state === 'reachable' || cell.state === 'intercepted');
    if (silent.length > 0) {
      ranges.push({
        cidr: range.cidr,
        kind: answeredSomewhere ? 'ports-filtered' : 'range-silent',
        ports: silent.map(([port]) => Number(port)),
        reasons: silent.map(([, cell]) => cell.reason ?? 'unknown'),
      });
    }
    if (answeredSomewhere && range.addresses.silent > 0) {
      count += range.addresses.silent;
      for (const ip of range.addresses.silentExamples) if (examples.length < 3) examples.push(ip);
    }
  }
  return { ranges, unused: { count, examples } };
}

function blockedCells(range: RangeSummary): [string, RangeSummary['ports'][string]][] {
  return Object.entries(range.ports).filter(([, cell]) => cell.state === 'blocked');
}
