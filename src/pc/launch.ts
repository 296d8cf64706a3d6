// How g2probe was started on this PC: from a terminal, or by a double-click in Explorer, whose console window
// closes the moment the program ends, taking the report with it.
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import type { CommandRunner } from './local-policy.js';

export interface Launch {
  platform: NodeJS.Platform;
  /** The arguments given: a double-click gives none. */
  argv: readonly string[];
  /** stdin and stdout are a console: someone can read the report and press Enter. */
  interactive: boolean;
  /** The parent process's image name (`explorer.exe`), or null when it could not be read. */
  parentImage: string | null;
}

/** Only a sure sign counts: a console program run from cmd, PowerShell or a script behaves as it always has. */
export function doubleClicked(launch: Launch): boolean {
  return launch.platform === 'win32' && launch.argv.length === 0 && launch.interactive && launch.parentImage?.toLowerCase() === 'explorer.exe';
}

/**
 * The image name of process `pid`, from `tasklist /FO CSV /NH`: its first column is the file name, which no
 * language changes; anything else (a localized "no tasks" line, a failure) reads as unknown.
 */
export async function processImage(run: CommandRunner, systemRoot: string, pid: number): Promise<string | null> {
  const result = await run(path.win32.join(systemRoot, 'System32', 'tasklist.exe'), ['/FI', `PID eq ${pid}`, '/FO', 'CSV', '/NH']);
  if (!result.ok) return null;
  const first = /^"([^"]+)","(\d+)"/m.exec(result.stdout);
  return first && Number(first[2]) === pid ? first[1]! : null;
}

/**
 * Where a double-clicked run saves its report: beside the program (where the user just clicked), else in their
 * home folder, else the temporary one; the first that takes a file.
 */
export function reportLocation(programDir: string, now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const name = `g2probe-report-${stamp}.json`;
  for (const dir of [programDir, homedir(), tmpdir()]) {
    const trial = path.join(dir, `.g2probe-${randomUUID()}.tmp`);
    try {
      writeFileSync(trial, '');
      rmSync(trial);
      return path.join(dir, name);
    } catch {
      // Not writable (Program Files, a read-only share): the next place.
    }
  }
  return path.join(tmpdir(), name);
}
