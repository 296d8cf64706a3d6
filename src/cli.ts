// The g2probe command line: which command, then flags; each command is loaded only when it runs.
import { dirname } from 'node:path';
import { parseCli, HELP } from './commands/args.js';
import { EXIT_INTERNAL, UsageError, fail } from './core/errors.js';
import { VERSION } from './core/version.js';
import { breachCount, lockToLoopback } from './net/dialer.js';
import { guardFromEnv } from './net/loopback.js';
import { writeStdout } from './report/output.js';

type Command = (argv: readonly string[], env: NodeJS.ProcessEnv) => number | Promise<number>;

// Loaded on use: --version and --help should not pay for the HTTP server, the rule renderers or the schema.
const COMMANDS = new Map<string, () => Promise<Command>>([
  ['rules', async () => (await import('./commands/rules.js')).rulesCommand],
  ['schema', async () => (await import('./commands/schema.js')).schemaCommand],
  ['show', async () => (await import('./commands/show.js')).showCommand],
  ['serve', async () => (await import('./commands/serve.js')).serveCommand],
  ['health', async () => (await import('./commands/health.js')).healthCommand],
  ['hold', async () => (await import('./commands/hold.js')).holdCommand],
]);

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (guardFromEnv(env.G2PROBE_LOOPBACK_ONLY)) lockToLoopback();
  const code = await command(await launched(argv, env), env);
  // A refusal that some path caught and carried on from is still the fault it is.
  if (breachCount() > 0) {
    fail(`internal error: the loopback-only guard stopped ${breachCount()} connection${breachCount() === 1 ? '' : 's'} at the dialer (please report it)`);
    return EXIT_INTERNAL;
  }
  return code;
}

/**
 * A double-click in Explorer gives no arguments and a console window that closes with the program: that run
 * pauses at the end and saves its report beside the program. Any other start behaves as typed.
 */
async function launched(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<readonly string[]> {
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  if (argv.length > 0 || process.platform !== 'win32' || !interactive) return argv;
  const { doubleClicked, processImage, reportLocation } = await import('./pc/launch.js');
  const { systemRunner } = await import('./pc/local-policy.js');
  const parentImage = await processImage(systemRunner, env.SystemRoot ?? 'C:\\Windows', process.ppid);
  if (!doubleClicked({ platform: process.platform, argv, interactive, parentImage })) return argv;
  return ['--pause', '--out', reportLocation(dirname(process.execPath), new Date())];
}

async function command(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const load = argv[0] === undefined ? undefined : COMMANDS.get(argv[0]);
  try {
    if (load) return await (await load())(argv.slice(1), env);
    const options = parseCli(argv, env);
    if (options.help) {
      writeStdout(HELP);
      return 0;
    }
    if (options.version) {
      writeStdout(`${VERSION}\n`);
      return 0;
    }
    const { probeCommand } = await import('./commands/probe.js');
    return await probeCommand(options, env);
  } catch (err) {
    if (err instanceof UsageError) {
      fail(err.message);
      return err.exitCode;
    }
    throw err;
  }
}

/** Entry point for bin/g2probe.js: usage errors are one line, anything else is a bug and says so. */
export function run(): void {
  const argv = process.argv.slice(2);
  main(argv, process.env).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      fail(`internal error: ${err instanceof Error ? err.message : String(err)} (please report it; with --log-level debug the trace follows)`);
      if (wantsTrace(argv) && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      process.exitCode = EXIT_INTERNAL;
    },
  );
}

function wantsTrace(argv: readonly string[]): boolean {
  return argv.some((arg, i) => /^--log-level=(debug|trace)$/.test(arg) || (arg === '--log-level' && /^(debug|trace)$/.test(argv[i + 1] ?? '')));
}
