// Strict flag parsing for every g2probe command: node:util parseArgs, with mistakes explained in one line.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, inline, quote } from '../core/errors.js';

type Spec = NonNullable<ParseArgsConfig['options']>;
export type FlagValues<S extends Spec> = ReturnType<typeof parseArgs<{ options: S; strict: true; allowPositionals: false }>>['values'];

export interface FlagContext {
  /** How the help is reached, for the hints: `g2probe` or `g2probe rules`. */
  command: string;
  /** A flag whose value is secret (and the value's form): a stray word after it is likely the rest of it, and is not echoed. */
  secret?: { flag: string; form: string };
}

/** `--timeout -5` becomes `--timeout=-5`, so a negative number is reported as a bad value, not a missing one. */
function joinValues(argv: readonly string[], spec: Spec): string[] {
  const takesValue = new Set(Object.entries(spec).filter(([, s]) => s.type === 'string').map(([name]) => `--${name}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (takesValue.has(arg) && next !== undefined && !(next.startsWith('--') && next.length > 2)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** The argument node:util quotes in its message, whole: it may itself hold quotes and spaces (`'--a'b'`). */
function quoted(message: string, pattern: RegExp): string | null {
  return pattern.exec(message)?.[1] ?? null;
}

/** Whether argv[at] is likely the rest of the secret flag's value. */
function followsSecret(argv: readonly string[], at: number, flag: string): boolean {
  return (at >= 2 && argv[at - 2] === flag) || (at >= 1 && argv[at - 1]!.startsWith(`${flag}=`));
}

function explain(err: Error & { code?: string }, argv: readonly string[], context: FlagContext): string {
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const option = quoted(err.message, /^Unknown option '([\s\S]*)'$/) ?? err.message;
      return `unknown option ${inline(option)} (${context.command} --help lists them)`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      // Only the spec's own names appear here (`'-h, --help'`, `'--ranges <value>'`): the long one is shown.
      const option = quoted(err.message, /'(?:-[^-\s], )?(-{1,2}[^' ]+)/) ?? 'an option';
      return err.message.includes('does not take') ? `option ${option} takes no value` : `option ${option} needs a value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const stray = quoted(err.message, /^Unexpected argument '([\s\S]*)'\. This command does not take positional arguments$/) ?? '';
      // `--proxy-user alice s3cret` is a likely slip: the stray word is a password, so it is not echoed.
      const secret = context.secret;
      if (secret && argv.some((arg, at) => arg === stray && followsSecret(argv, at, secret.flag))) {
        return `unexpected argument after ${secret.flag}: give ${secret.form} as one value (not shown here)`;
      }
      return `unexpected argument ${quote(stray)} (${context.command} --help shows the usage)`;
    }
    default:
      return inline(err.message, 200);
  }
}

export function parseFlags<S extends Spec>(argv: readonly string[], spec: S, context: FlagContext): FlagValues<S> {
  try {
    return parseArgs({ args: joinValues(argv, spec), options: spec, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(explain(err as Error & { code?: string }, argv, context));
  }
}
