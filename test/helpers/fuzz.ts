// Property tests with fast-check: each property says how many cases it ran, and a failure names its seed.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Test } from 'tap';
import { UsageError } from '../../src/core/errors.js';

/** FUZZ_SCALE=20 runs every property twenty times as long, for a deeper search than CI's. */
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE) || 1);
/** FUZZ_SEED=N replays the run a failure names (`seed: N` in its report). */
const SEED = Number(process.env.FUZZ_SEED) || undefined;

/** Runs `predicate` on `numRuns` values of `arb` (it throws to fail), then records the count in the test's output. */
export function property<T>(t: Test, name: string, arb: fc.Arbitrary<T>, predicate: (value: T) => void, numRuns: number): void {
  let cases = 0;
  fc.assert(
    fc.property(arb, (value) => {
      cases++;
      predicate(value);
    }),
    { numRuns: numRuns * SCALE, ...(SEED === undefined ? {} : { seed: SEED }) },
  );
  t.comment(`${name}: ${cases} cases`);
  t.pass(`${name} (${cases} cases)`);
}

/** What a terminal acts on instead of showing: controls, format characters (bidi, zero-width), line and paragraph separators. */
export const UNSHOWABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** A user mistake as g2probe reports it: one line, nothing in it a terminal would act on, and of bounded length. */
export function assertOneLine(message: string, maxLength: number): void {
  assert.ok(message.length > 0, 'the message says something');
  assert.ok(!UNSHOWABLE.test(message), `no raw control, bidi or separator character: ${JSON.stringify(message)}`);
  assert.ok(message.length <= maxLength, `at most ${maxLength} characters, not ${message.length}`);
}

/** Runs `fn`: it may return, or throw a UsageError with a one-line message; anything else fails the property. */
export function returnsOrRefuses<T>(fn: () => T, maxLength: number): { value: T } | { refused: UsageError } {
  try {
    return { value: fn() };
  } catch (err) {
    if (!(err instanceof UsageError)) throw new Error(`threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}, not a UsageError`);
    assertOneLine(err.message, maxLength);
    return { refused: err };
  }
}

/** Pieces of hostile text: terminal escapes, NUL, lone CR, C1 CSI, bidi overrides and isolates, separators, a BOM, a lone surrogate. */
export const HOSTILE = fc.constantFrom(
  '\u0000', '\u001b[31m', '\u001b]0;title\u0007', '\u001b[2J', '\r', '\t', '\v', '\f', '\u0008', '\u007f', '\u009b31m', '\u0085',
  '\u202e', '\u202a', '\u2066', '\u2069', '\u200e', '\u200b', '\u2028', '\u2029', '\ufeff', '\ud800', '\udfff', '\u{e0001}',
);
