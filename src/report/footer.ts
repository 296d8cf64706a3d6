// How a run's output ends: a Saved line for each file it wrote, after the text report on stdout (or on stderr when
// stdout holds JSON or metrics, which nothing may follow); a probe run that wrote none says how to keep the evidence.
import { resolve } from 'node:path';
import { escapeText } from '../core/escape.js';
import { writeStdout } from './output.js';
import { commitOutput, type OutputFile } from './output-file.js';

/** A file a command wrote: where, and what it holds, in a few words ("the JSON report"). */
export interface SavedFile {
  path: string;
  what: string;
}

/** What each output flag's file holds, as its Saved line says it. */
export const HOLDS = { '--out': 'the JSON report', '--html': 'the report as a web page', '--bundle': 'the support bundle for the ticket' } as const;

export const TICKET_HINT = 'For a ticket, save the full evidence: g2probe --out g2probe-report.json';

/** One line per file, its whole path (the user's own words, escaped all the same) and what it holds. */
export function savedLines(saved: readonly SavedFile[]): string {
  return saved.map((file) => `Saved: ${escapeText(resolve(file.path), 4096)} (${file.what})\n`).join('');
}

/** The text report's last lines: a blank line, then the files saved, else the hint when `hint` (a probe run's). */
export function footer(saved: readonly SavedFile[], hint: boolean): string {
  if (saved.length > 0) return `\n${savedLines(saved)}`;
  return hint ? `\n${TICKET_HINT}\n` : '';
}

/** The files a run saved, each once it is whole, and at its end their lines where they belong. */
export class Saves {
  private readonly saved: SavedFile[] = [];

  constructor(private readonly textOnStdout: boolean, private readonly hint: boolean) {}

  commit(file: OutputFile, what: string): boolean {
    if (!commitOutput(file)) return false;
    this.saved.push({ path: file.path, what });
    return true;
  }

  end(code: number): number {
    if (this.textOnStdout) writeStdout(footer(this.saved, this.hint));
    else process.stderr.write(savedLines(this.saved));
    return code;
  }
}
