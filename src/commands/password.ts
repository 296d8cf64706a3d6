// The proxy password asked for on a terminal, when --proxy-user came without one: typed without echo.
import type { ProxyRoutes } from '../core/proxy.js';

/** Reads one line from a TTY stdin in raw mode, echoing nothing; Ctrl-C or Ctrl-D give up (null). */
function readHidden(prompt: string): Promise<string | null> {
  const input = process.stdin;
  // Raw before the prompt shows: what is typed as soon as it appears must not be echoed by the terminal.
  input.setRawMode(true);
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let typed = '';
    const done = (value: string | null): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(typed);
        if (ch === '\u0003' || ch === '\u0004') return done(null);
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (ch >= ' ') typed += ch;
      }
    };
    input.on('data', onData).resume();
  });
}

/**
 * With --proxy-user and no password from anywhere else, asks on the terminal (stdin and stderr both one);
 * without a terminal the password stays empty, as before. Returns false when the user gave up.
 */
export async function askProxyPassword(routes: ProxyRoutes): Promise<boolean> {
  const credentials = routes.credentials;
  if (credentials === null || credentials.hasPassword) return true;
  if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) return true;
  const password = await readHidden(`Password for ${credentials.account} at the proxy: `);
  if (password === null) return false;
  credentials.supply(password);
  return true;
}
