// Colour on a terminal: whether to use it (--color, NO_COLOR, a TTY), and the few tones the text reports use.
// Only our own words are painted, after escaping: no colour code ever comes from, or reaches into, untrusted text.
import { UsageError, quote } from '../core/errors.js';

export const COLOR_CHOICES = ['auto', 'always', 'never'] as const;
export type ColorChoice = (typeof COLOR_CHOICES)[number];

/** --color's value (auto when absent), or a UsageError naming it. */
export function parseColor(raw: string | undefined): ColorChoice {
  if (raw === undefined) return 'auto';
  if ((COLOR_CHOICES as readonly string[]).includes(raw)) return raw as ColorChoice;
  throw new UsageError(`bad --color value ${quote(raw)}: use auto, always or never`);
}

/** always wins over NO_COLOR; auto colours a terminal only, and only when NO_COLOR is unset or empty (no-color.org). */
export function wantsColor(choice: ColorChoice, isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (choice !== 'auto') return choice === 'always';
  return isTTY && (env.NO_COLOR ?? '') === '';
}

/** What a word says: good (green), bad (red), doubtful (yellow), a fault here (magenta), or just strong. */
export type Tone = 'good' | 'bad' | 'doubtful' | 'fault' | 'strong';

/** Paints already-escaped text; `bold` for the verdict. */
export type Paint = (tone: Tone, text: string, bold?: boolean) => string;

const CODES: Record<Tone, string> = { good: '32', bad: '31', doubtful: '33', fault: '35', strong: '' };

export const plain: Paint = (_tone, text) => text;

export const ansi: Paint = (tone, text, bold = false) => {
  const codes = [...(bold || tone === 'strong' ? ['1'] : []), ...(CODES[tone] ? [CODES[tone]] : [])];
  return text === '' ? text : `\x1b[${codes.join(';')}m${text}\x1b[0m`;
};

export function painter(color: boolean): Paint {
  return color ? ansi : plain;
}

/** The tone of a status, a port's or a verdict's, by its name; null for a word that is not one. */
export function toneOf(word: string): Tone | null {
  switch (word) {
    case 'ok':
    case 'reachable':
    case 'held':
      return 'good';
    case 'blocked':
    case 'intercepted':
    case 'cut':
      return 'bad';
    case 'timeout':
    case 'partial':
    case 'possible':
    case 'unconfirmed':
      return 'doubtful';
    case 'error':
      return 'fault';
    case 'unknown':
      return 'strong';
    default:
      return null;
  }
}
