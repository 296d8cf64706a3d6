// Deterministic sampling: the same seed and range always give the same addresses, so two runs compare.

/** FNV-1a, 32 bits: a stable seed from text. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, and good enough to spread samples over a range. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function below(next: () => number, bound: bigint): bigint {
  let value = 0n;
  for (let bits = 0n; 1n << bits < bound * 2n ** 32n && bits < 192n; bits += 32n) value = (value << 32n) | BigInt(next());
  return value % bound;
}

/** `n` distinct indexes in [0, count), ascending; every index when `n >= count`. */
export function sampleIndexes(count: bigint, n: number, seed: string, key: string): bigint[] {
  if (BigInt(n) >= count) return Array.from({ length: Number(count) }, (_, i) => BigInt(i));
  const next = generator(hash32(`${seed}\u0000${key}`));
  const chosen = new Set<bigint>();
  while (chosen.size < n) chosen.add(below(next, count));
  return [...chosen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
