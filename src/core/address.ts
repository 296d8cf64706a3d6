// IP addresses as integers: ranges are sampled by index, never enumerated, so a /8 costs as little as a /32.
import type { Family } from './types.js';

const V4_LOOPBACK_FIRST = 0x7f000000n;
const V4_LOOPBACK_LAST = 0x7fffffffn;

export function formatAddress(value: bigint, family: Family): string {
  return family === 4 ? formatV4(Number(value)) : formatV6(value);
}

export function formatV4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups written as `::`. */
function formatV6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** True when the whole interval lies in 127.0.0.0/8 (IPv4) or is ::1 (IPv6). */
export function isLoopbackInterval(first: bigint, last: bigint, family: Family): boolean {
  if (family === 6) return first === 1n && last === 1n;
  return first >= V4_LOOPBACK_FIRST && last <= V4_LOOPBACK_LAST;
}
