#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { isOlder, neededNode, pinnedNode, relay } from './node-check.js';

const needed = neededNode();
const running = process.versions.node;
if (!isOlder(running, needed)) {
  // Loading can fail before g2probe's own error handling exists: the module loader opens files in
  // parallel, so a very low open-file limit (ulimit -n) stops it. That is still one line, not a trace.
  import('../dist/cli.js').then(
    ({ run }) => run(),
    (err) => {
      const hint = err?.code === 'EMFILE' ? ' (the open-file limit is too low: raise ulimit -n to at least 64)' : '';
      process.stderr.write(`g2probe: cannot start: ${err instanceof Error ? err.message : String(err)}${hint}\n`);
      process.exitCode = 70;
    },
  );
} else {
  // Too old: the OS trust store and more need the engines' Node. A source checkout has the pinned one
  // (npm ci fetches it on an older Node): the same command runs on it.
  const pinned = pinnedNode();
  if (pinned === null) {
    process.stderr.write(`g2probe: Node ${running} is older than the ${needed} it needs: run it with Node.js ${needed} or newer, or use the single executable, which brings its own\n`);
    process.exitCode = 64;
  } else {
    process.stderr.write(`g2probe: Node ${running} is older than the ${needed} it needs; running on the pinned Node ${pinned.version} in ${pinned.dir}\n`);
    const child = spawn(pinned.path, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
    child.on('error', (err) => {
      process.stderr.write(`g2probe: cannot start the pinned Node ${pinned.path}: ${err.message}\n`);
      process.exitCode = 70;
    });
    relay(child);
  }
}
