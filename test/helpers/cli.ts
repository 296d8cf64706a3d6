// Runs the built CLI as a user would, with the loopback-only guard forced on: `node bin/g2probe.js`, or with
// G2PROBE_TEST_EXE=FILE a single executable (npm run dist), so the same suites prove what ships.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/g2probe.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** The executable under test, or null for the built source. */
export const EXE = process.env.G2PROBE_TEST_EXE ? resolve(ROOT, process.env.G2PROBE_TEST_EXE) : null;
/** The words that start g2probe, for spawn: [command, ...its first arguments]. */
export const START: readonly [string, ...string[]] = EXE ? [EXE] : [process.execPath, CLI];
/** The same for a shell script. */
export const START_SH = START.map((word) => JSON.stringify(word)).join(' ');

/** A run's text report without its footer: the Saved lines of the files it wrote, which show and the bundle's
 * report.txt do not repeat (they were not written by show, and the bundle is written before its own line). */
export function reportOnly(printed: string): string {
  return printed.replace(/\n(?:Saved: .*\n)+$/, '');
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A proxy in the environment of whoever runs the tests must not decide what a test sees. */
function withoutProxies(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const name of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY', 'all_proxy', 'ALL_PROXY']) delete clean[name];
  return clean;
}

export function collect(command: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...withoutProxies(process.env), ...env, G2PROBE_LOOPBACK_ONLY: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function g2probe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return collect(START[0], [...START.slice(1), ...args], env);
}

/** A listener on 127.0.0.1, closed with the test, that counts the connections it gets (and closes each). */
export async function countingListener(t: Test): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections };
}
