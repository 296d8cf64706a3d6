// How many descriptors this process may hold open: the bound on attempts in flight, each a socket.
import { readFileSync } from 'node:fs';

/**
 * The soft limit, from /proc/self/limits on Linux (Node raises it to the hard one at start-up); null where it
 * cannot be read (Windows has no such limit on sockets; macOS has no /proc).
 */
export function openFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number | null {
  let text: string;
  try {
    text = read();
  } catch {
    return null;
  }
  const soft = /^Max open files\s+(\d+|unlimited)\s/m.exec(text)?.[1];
  if (soft === undefined) return null;
  return soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft);
}
