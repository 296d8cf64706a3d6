// What a benchmark that runs in a network namespace of its own needs (hold.mjs, serve.mjs): a work folder removed at
// exit, the lab servers it starts killed at exit, a one-line failure, a shell command that must succeed, and a lab
// server (test/lab/*.mjs) started and waited for.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** `name`'s work folder, and the children to kill, both gone at exit. */
export function bench(name) {
  const work = mkdtempSync(join(os.tmpdir(), `g2probe-bench-${name}-`));
  const children = [];
  process.on('exit', () => {
    for (const child of children) child.kill();
    rmSync(work, { recursive: true, force: true });
  });
  /** A lab server (it writes its ready file, its first argument, once it listens), killed at exit. */
  const start = (script, argv, env = {}) => {
    const ready = join(work, `ready-${children.length}`);
    const child = spawn(process.execPath, [script, ready, ...argv], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
    // Killed at exit; until then it must not keep this process waiting.
    child.unref();
    children.push(child);
    for (let i = 0; i < 200 && !existsSync(ready); i++) spawnSync('sleep', ['0.05']);
    if (!existsSync(ready)) die(`${script} did not start`);
    return child;
  };
  return { work, children, start };
}

export function die(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

export function sh(command) {
  const run = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
  if (run.status !== 0) die(`${command}: ${run.stderr.trim()}`);
  return run.stdout;
}
