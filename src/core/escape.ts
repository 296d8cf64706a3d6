// The one escaper for text from the network or this PC (headers, certificate names, rule names, PAC answers, logs):
// whatever reaches a terminal, a log line or a report is printable, shows as what it is, and cannot move the cursor,
// colour the screen, or reorder what follows it.

/**
 * Characters that must not reach a reader raw: C0, DEL and C1 controls (terminal escapes), format characters
 * (bidi overrides and isolates U+202A–U+202E and U+2066–U+2069, marks U+200E/U+200F/U+061C, zero-width U+200B–U+200D,
 * U+2060, U+FEFF, soft hyphen, tag characters), the line and paragraph separators, and lone surrogates.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

function codeOf(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16).toUpperCase()}}`;
}

/**
 * Untrusted text as printable text, cut at `max` characters (with `…`): each unsafe character becomes `\xNN` or
 * `\u{XXXX}`. Idempotent: its output has nothing left to escape, so text escaped where it was read may pass again.
 */
export function escapeText(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(UNSAFE, codeOf);
}

/** A whole text report, line by line: every line escaped, the line breaks kept. */
export function escapeLines(text: string): string {
  return text.split('\n').map((line) => escapeText(line, Number.POSITIVE_INFINITY)).join('\n');
}
