// User mistakes are data too: they carry the exit code and the one line the user sees.

/** EX_USAGE from sysexits.h: the command was used incorrectly (bad flag, value or input file). */
export const EXIT_USAGE = 64;
/** EX_SOFTWARE: a fault in g2probe itself. */
export const EXIT_INTERNAL = 70;

export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
}

/** A value from the user, quoted for a one-line message: control characters escaped, long values cut. */
export function quote(value: string, max = 80): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(cut).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
