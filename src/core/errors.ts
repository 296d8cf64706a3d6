// User mistakes are data too: they carry the exit code and the one line the user sees.

/** EX_USAGE from sysexits.h: the command was used incorrectly (bad flag, value or input file). */
export const EXIT_USAGE = 64;
/** EX_SOFTWARE: a fault in g2probe itself. */
export const EXIT_INTERNAL = 70;

export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
}

/**
 * What a terminal would act on instead of showing: controls (C0, DEL, C1: cursor moves, colours, titles),
 * format characters (bidi overrides and isolates reorder the rest of the line; zero-width ones hide text)
 * and the line and paragraph separators. JSON.stringify escapes only C0, `"` and `\`.
 */
const UNSHOWABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const HAS_UNSHOWABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

function escapeUnits(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += `\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/** Text from a file of unknown origin, made safe for a terminal: every character it would act on escaped, line ends kept. */
export function terminalSafe(text: string): string {
  return text.replace(UNSHOWABLE, (c) => (c === '\n' ? c : escapeUnits(c)));
}

/** A value from the user, quoted for a one-line message: control, bidi and separator characters escaped, long values cut. */
export function quote(value: string, max = 80): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(cut).replace(UNSHOWABLE, escapeUnits);
}

/**
 * A name from outside (a file path, a flag as typed) inside a line of text: as it is when it is plain, so
 * `ranges.txt:4:` stays readable; quoted and escaped like a value when it holds anything a terminal acts on
 * (or a lone surrogate) or is too long for one line.
 */
export function inline(value: string, max = 80): string {
  return value.length > max || HAS_UNSHOWABLE.test(value) ? quote(value, max) : value;
}

/** One line on stderr, as every g2probe error is shown. */
export function fail(message: string): void {
  process.stderr.write(`g2probe: ${message}\n`);
}

/** A file system error in a few plain words. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a directory';
    default: return code ?? String(err);
  }
}
