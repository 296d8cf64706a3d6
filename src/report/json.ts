// The JSON report, written as a stream: header, then one attempt per line as each finishes, then the summary.
import type { Attempt, Report } from '../core/types.js';

export const SCHEMA_VERSION: Report['schemaVersion'] = 2;

/** The report is `Report` (src/types.ts), written in two halves around the streamed attempts. */
export type ReportHeader = Pick<Report, 'schemaVersion' | 'tool' | 'startedAt' | 'options' | 'ranges' | 'dns' | 'localPolicy' | 'pac' | 'proxyPaths'>;
export type ReportFooter = Pick<Report, 'finishedAt' | 'interrupted' | 'summary' | 'verdict'>;

export type Write = (chunk: string) => void;

/** Fields in the order a reader meets them; the whole output is one valid JSON document once `end` is written. */
export class JsonReportStream {
  private first = true;

  constructor(private readonly write: Write) {}

  begin(header: ReportHeader): void {
    const head = JSON.stringify(header, null, 2);
    this.write(`${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "attempts": [`);
  }

  attempt(attempt: Attempt): void {
    this.write(`${this.first ? '' : ','}\n    ${JSON.stringify(attempt)}`);
    this.first = false;
  }

  end(footer: ReportFooter): void {
    const tail = JSON.stringify(footer, null, 2);
    this.write(`${this.first ? '' : '\n  '}],\n${tail.slice(tail.indexOf('{') + 1).replace(/^\n/, '')}\n`);
  }
}
