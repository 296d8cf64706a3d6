// Structured logs on stderr: JSON for machines, short lines for a person at a terminal. Stdout is the report's.
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { escapeText } from '../core/escape.js';
import { writeStderr } from '../report/progress.js';

const LABELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A log line's text may hold what a server or this PC said: the terminal gets it escaped, never raw. */
const LINE_MAX = 64 * 1024;

/** For a terminal: `g2probe warn: message key=value`, without another dependency for pretty-printing. */
export function terminalLine(line: string): string {
  const { level, msg, time: _time, pid: _pid, hostname: _host, ...fields } = JSON.parse(line) as Record<string, unknown>;
  const extra = Object.entries(fields).map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('');
  return `${escapeText(`g2probe ${LABELS[level as number] ?? String(level)}: ${String(msg)}${extra}`, LINE_MAX)}\n`;
}

/** `keep`: also every line at debug level, whatever `level` shows on stderr (the support bundle's log). */
export function createLogger(level: LevelWithSilent, pretty: boolean, keep: ((line: string) => void) | null = null): Logger {
  const stream = pretty
    ? { write: (line: string) => { writeStderr(terminalLine(line)); } }
    : pino.destination({ fd: 2, sync: true });
  const options = { base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (keep === null) return pino({ ...options, level }, stream);
  const streams = [{ level: 'debug' as const, stream: { write: keep } }, ...(level === 'silent' ? [] : [{ level, stream }])];
  const lowest = pino.levels.values[level] !== undefined && pino.levels.values[level]! < pino.levels.values.debug! ? level : 'debug';
  return pino({ ...options, level: lowest }, pino.multistream(streams));
}
