// The npm scripts that need the engines' Node (test, dist, test:exe, bench, and npm ci's prepare) go through
// this, so that a machine with an older Node needs no set-up of its own: there the pinned Node of
// build/package.json (fetched with `npm ci --prefix build` when it is not there yet) runs the command, first
// on PATH, and one line says so. On a Node that engines admits it only runs the command.
// Usage: node build/with-node.mjs 'COMMAND' [ARG ...]   COMMAND run by sh, with the ARGs that npm appends
//                                                        (npm test -- FILE) passed to its last word
//        node build/with-node.mjs                       only make sure such a Node is here (prepare)
import { execFileSync, spawn } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { ROOT, isOlder, neededNode, pinnedNode, relay } from '../bin/node-check.js';

const [command, ...args] = process.argv.slice(2);
const needed = neededNode();
const running = process.versions.node;

function say(line) {
  process.stderr.write(`g2probe: ${line}\n`);
}

/** The pinned Node, fetched first if npm ci has not put it here yet. */
function fetched() {
  const pinned = pinnedNode();
  if (pinned !== null) return pinned;
  say(`Node ${running} is older than the ${needed} it needs: fetching the pinned Node for ${process.platform}-${process.arch} into build/node_modules (npm ci --prefix build)`);
  // npm's own: the one running this script when npm started it.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  try {
    execFileSync(npm[0], [...npm.slice(1), 'ci', '--prefix', 'build', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    say(`npm ci --prefix build failed: ${String(err.stderr || err.message).trim().split('\n').slice(-3).join(' ')}`);
    process.exit(1);
  }
  const now = pinnedNode();
  if (now === null) {
    say(`build/package.json pins no Node for ${process.platform}-${process.arch}: install Node.js ${needed} or newer`);
    process.exit(1);
  }
  return now;
}

let env = process.env;
if (isOlder(running, needed)) {
  const pinned = fetched();
  if (command !== undefined) {
    const script = process.env.npm_lifecycle_event;
    const what = script === undefined ? 'this' : script === 'test' ? 'npm test' : `npm run ${script}`;
    say(`Node ${running} is older than the ${needed} it needs; ${what} runs on the pinned Node ${pinned.version} in ${pinned.dir}`);
    env = { ...process.env, PATH: `${dirname(pinned.path)}${delimiter}${process.env.PATH ?? ''}` };
  }
}
if (command !== undefined) relay(spawn('sh', ['-c', `${command} "$@"`, 'sh', ...args], { cwd: ROOT, stdio: 'inherit', env }));
