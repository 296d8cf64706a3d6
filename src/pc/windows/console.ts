// Windows's console tools as g2probe runs them: by full path under %SystemRoot%\System32 (a reg.exe earlier in PATH,
// or in the working folder, is not Windows's), every failure as data, and what they print read back from the
// console's code page (console-text.ts), which is looked up once, and only when some output needs it.
import path from 'node:path';
import { escapeText } from '../../core/escape.js';
import { runSafely, type CommandRunner } from '../command.js';
import { CODE_PAGE_ARGS, consoleText, needsCodePage, parseCodePage } from './console-text.js';

export type ToolOutput = { ok: true; text: string } | { ok: false; why: string };

/** Runs `tool` (reg, netsh, rasdial) with `args`: what it printed, as text; or why it could not run or finish. */
export type ConsoleTool = (tool: string, args: readonly string[]) => Promise<ToolOutput>;

export function consoleTools(run: CommandRunner, systemRoot: string): ConsoleTool {
  const file = (tool: string) => path.win32.join(systemRoot, 'System32', `${tool}.exe`);
  let codePage: Promise<number | null> | null = null;
  const text = async (raw: string): Promise<string> => {
    if (!needsCodePage(raw)) return consoleText(raw, null);
    codePage ??= runSafely(run, file('reg'), CODE_PAGE_ARGS).then((result) => (result.ok ? parseCodePage(result.stdout) : null));
    return consoleText(raw, await codePage);
  };
  return async (tool, args) => {
    const result = await runSafely(run, file(tool), args);
    if (result.ok) return { ok: true, text: await text(result.stdout) };
    return { ok: false, why: `${[`${tool}.exe`, ...args].join(' ')} failed: ${escapeText(await text(result.why))}` };
  };
}
