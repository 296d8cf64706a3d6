// Structured logs on stderr: JSON for machines, short lines for a person at a terminal. Stdout is the report's.
import { pino, type Logger, type LevelWithSilent } from 'pino';

const LABELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** For a terminal: `g2probe warn: message key=value`, without another dependency for pretty-printing. */
function terminalLine(line: string): string {
  const { level, msg, time: _time, pid: _pid, hostname: _host, ...fields } = JSON.parse(line) as Record<string, unknown>;
  const extra = Object.entries(fields).map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('');
  return `g2probe ${LABELS[level as number] ?? String(level)}: ${String(msg)}${extra}\n`;
}

export function createLogger(level: LevelWithSilent, pretty: boolean): Logger {
  const stream = pretty
    ? { write: (line: string) => { process.stderr.write(terminalLine(line)); } }
    : pino.destination({ fd: 2, sync: true });
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, stream);
}
