// What a port's attempts saw besides a connection, most frequent first: the text report and the page say it alike.
import type { PortSummary } from '../core/types.js';

/** "refused ×3, no-answer ×1"; empty when every attempt connected. */
export function seenReasons(port: Pick<PortSummary, 'reasons'>): string {
  return Object.entries(port.reasons)
    .filter(([reason]) => reason !== 'connected')
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([reason, count]) => `${reason} ×${count}`)
    .join(', ');
}
