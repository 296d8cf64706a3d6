#!/usr/bin/env node
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
