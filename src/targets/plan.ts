// The target plan: which addresses and ports a run will try, known in full before any packet is sent.
import { formatAddress, formatV4 } from '../core/address.js';
import { UsageError } from '../core/errors.js';
import type { Range, Target } from '../core/types.js';
import { listing, portWord } from '../core/words.js';
import { isCurrentPort, portsOf } from './ranges.js';
import { sampleIndexes } from './sample.js';

export const MAX_ATTEMPTS = 1_000_000;

export interface PlanOptions {
  ports: number[];
  sample: number;
  seed: string;
  all: boolean;
}

export interface Plan {
  ranges: Range[];
  ports: number[];
  count: number;
  /** Targets in order range → address → port (the ports each range serves); generated lazily so `--all` does not hold a million objects. */
  targets(): Generator<Target>;
}

export function buildPlan(ranges: Range[], options: PlanOptions): Plan {
  const { ports } = options;
  // Each range is probed on the ports it serves, of the run's; the others are not served there.
  const cells = ranges.map((range) => {
    const served = portsOf(range, ports);
    return { range, ports: served, expected: served.map((port) => isCurrentPort(range, port)) };
  });
  const perRange = (range: Range): bigint =>
    options.all || BigInt(options.sample) >= range.hostCount ? range.hostCount : BigInt(options.sample);
  const total = cells.reduce((sum, cell) => sum + perRange(cell.range) * BigInt(cell.ports.length), 0n);
  if (total > BigInt(MAX_ATTEMPTS)) {
    throw new UsageError(
      `this plan has ${total} attempts, more than the limit of ${MAX_ATTEMPTS.toLocaleString('en-US')}: use fewer or smaller ranges, fewer ports, or --sample instead of --all`,
    );
  }
  if (total === 0n) {
    const served = [...new Set(ranges.flatMap((range) => range.ports ?? []))].sort((a, b) => a - b);
    throw new UsageError(`no range of the list serves ${portWord(ports)} (they serve ${listing(served)}): to probe other ports, give --ranges FILE without ports=`);
  }
  return {
    ranges,
    ports,
    count: Number(total),
    *targets() {
      for (const { range, ports: served, expected } of cells) {
        if (served.length === 0) continue;
        if (options.all && range.family === 4) {
          // Every address of an IPv4 range fits a double: no BigInt per address on a sweep.
          for (let n = Number(range.hostFirst), end = n + Number(range.hostCount); n < end; n++) {
            const ip = formatV4(n);
            for (let i = 0; i < served.length; i++) yield { ip, port: served[i]!, range: range.cidr, expected: expected[i]! };
          }
          continue;
        }
        const offsets = options.all ? everyIndex(range.hostCount) : sampleIndexes(range.hostCount, options.sample, options.seed, range.cidr);
        for (const offset of offsets) {
          const ip = formatAddress(range.hostFirst + offset, range.family);
          for (let i = 0; i < served.length; i++) yield { ip, port: served[i]!, range: range.cidr, expected: expected[i]! };
        }
      }
    },
  };
}

function* everyIndex(count: bigint): Generator<bigint> {
  for (let i = 0n; i < count; i++) yield i;
}
