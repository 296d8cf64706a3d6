// User mistakes are data too: they carry the exit code and the one line the user sees.
import { escapeText } from './escape.js';

/** EX_USAGE from sysexits.h: the command was used incorrectly (bad flag, value or input file). */
export const EXIT_USAGE = 64;
/** EX_SOFTWARE: a fault in g2probe itself. */
export const EXIT_INTERNAL = 70;

export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
}

/** A value from the user, quoted for a one-line message: what a terminal would act on escaped, long values cut. */
export function quote(value: string, max = 80): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return `"${escapeText(cut.replace(/["\\]/g, '\\$&'), Number.POSITIVE_INFINITY)}"`;
}

/**
 * A name from outside (a file path, a flag as typed) inside a line of text: as it is when it is plain, so
 * `ranges.txt:4:` stays readable; quoted and escaped like a value when it holds anything a terminal acts on
 * or is too long for one line.
 */
export function inline(value: string, max = 80): string {
  return value.length > max || escapeText(value, max) !== value ? quote(value, max) : value;
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
