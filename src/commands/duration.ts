// Durations as people write them on a command line: 500ms, 30s, 5m, 1h.
import { UsageError, quote } from '../core/errors.js';
import { formatDuration } from '../core/words.js';

export { formatDuration };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(raw: string, name: string, minMs: number, maxMs: number): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(raw.trim());
  const ms = match ? Math.round(Number(match[1]) * UNIT_MS[match[2]!]!) : NaN;
  if (!(ms >= minMs && ms <= maxMs)) {
    throw new UsageError(`bad ${name} value ${quote(raw)}: give a duration from ${formatDuration(minMs)} to ${formatDuration(maxMs)} with its unit, such as 30s or 5m`);
  }
  return ms;
}
