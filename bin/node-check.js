// Which Node g2probe needs and, in a source checkout, the pinned one npm fetched for this system. The bound is
// package.json's engines, read here at run time, so the check and engines cannot disagree. Plain JavaScript
// that parses on old Node: it is what runs there to say what is missing.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** engines.node's lower bound (">=22.23.2" gives "22.23.2"). */
export function neededNode() {
  return readJson(join(ROOT, 'package.json')).engines.node.replace(/^>=\s*/, '');
}

/** Whether version a (e.g. "20.20.2") comes before b. */
export function isOlder(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i];
  return false;
}

/**
 * The pinned Node of build/package.json's optional dependencies that npm installed here (it installs only the
 * one whose os and cpu are this system's): { path, version, dir }, or null outside a source checkout, before
 * `npm ci`, or on a system without one.
 */
export function pinnedNode() {
  let names;
  try {
    names = Object.keys(readJson(join(ROOT, 'build', 'package.json')).optionalDependencies);
  } catch {
    return null;
  }
  for (const name of names) {
    const dir = join(ROOT, 'build', 'node_modules', name);
    let pkg;
    try {
      pkg = readJson(join(dir, 'package.json'));
    } catch {
      continue;
    }
    if (![].concat(pkg.os).includes(process.platform) || ![].concat(pkg.cpu).includes(process.arch)) continue;
    const path = join(dir, pkg.bin.node);
    if (existsSync(path)) return { path, version: pkg.version, dir: relative(ROOT, dir) };
  }
  return null;
}

/**
 * Waits for a child that shares this process's terminal and ends as it did: its exit code, or the signal that
 * killed it. Ctrl-C and a closed terminal signal the whole process group, the child too, so SIGINT and SIGHUP
 * are only kept from killing this process (passed on, the child would get two: g2probe's second stop is at
 * once); SIGTERM, usually sent to this process alone, is passed on.
 */
export function relay(child) {
  const ignore = () => {};
  const forward = () => child.kill('SIGTERM');
  process.on('SIGINT', ignore);
  process.on('SIGHUP', ignore);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    process.removeListener('SIGINT', ignore);
    process.removeListener('SIGHUP', ignore);
    process.removeListener('SIGTERM', forward);
    if (signal) process.kill(process.pid, signal);
    else process.exitCode = code;
  });
}
