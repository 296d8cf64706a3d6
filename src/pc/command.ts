// Running this PC's own tools (netsh, reg, rasdial, PowerShell, scutil, gsettings): bounded in time and output,
// no console window, every failure returned as data. Tests and the support bundle put their own runner in its place.
import { execFile } from 'node:child_process';

/** `ok: false` when the command could not run or finish; a non-zero exit with output is still output. */
export type CommandResult = { ok: true; stdout: string } | { ok: false; why: string };
/**
 * `encoding`: latin1 (the default) keeps every byte of a Windows console tool's code page, for pc/windows/console-text.ts
 * to decode; PowerShell is made to write UTF-8, and so do scutil and gsettings.
 */
export interface RunOptions {
  encoding?: 'latin1' | 'utf8';
  timeoutMs?: number;
}
export type CommandRunner = (file: string, args: readonly string[], options?: RunOptions) => Promise<CommandResult>;

const TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 16 * 1024 * 1024;

/** Runs commands for real: bounded in time and output, no console window, every failure returned as data. */
export const systemRunner: CommandRunner = (file, args, options = {}) =>
  new Promise((resolve) => {
    const timeout = options.timeoutMs ?? TIMEOUT_MS;
    execFile(file, args, { timeout, windowsHide: true, maxBuffer: MAX_OUTPUT, encoding: options.encoding ?? 'latin1' }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, stdout });
      // netsh exits 1 when no rule matches, and says so on stdout.
      if (typeof error.code === 'number' && !error.killed && stdout.trim() !== '') return resolve({ ok: true, stdout });
      const why = error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER'
        ? `printed more than ${MAX_OUTPUT / 1024 / 1024} MB`
        : error.killed
          ? `did not finish within ${timeout / 1000} s`
          : typeof error.code === 'number'
            ? `exited with code ${error.code}${stderr.trim() ? `: ${stderr.trim().split(/\r?\n/)[0]}` : ''}`
            : error.message;
      resolve({ ok: false, why });
    });
  });


/** A runner that throws is a failure like any other. */
export async function runSafely(run: CommandRunner, file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
  try {
    return await run(file, args, options);
  } catch (error) {
    return { ok: false, why: error instanceof Error ? error.message : String(error) };
  }
}
