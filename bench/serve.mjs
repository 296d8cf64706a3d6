// g2probe serve under load, for bench/run.mjs: serve with a low open-file limit and a run a second, against
// silent clients, slowloris clients and scrapers (test/lab/serve-load.mjs), phase by phase: what each client
// saw, the scrapes' latencies, the runs that finished, and the most descriptors serve held.
// Run in a fresh network namespace (run.mjs starts it with unshare -n); prints one JSON line.
// Usage: node serve.mjs CLI quick|full
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, bench, die, sh } from './namespace.mjs';

const LOAD = join(ROOT, 'test', 'lab', 'serve-load.mjs');
const [CLI, mode] = process.argv.slice(2);
const SECONDS = mode === 'quick' ? 6 : 15;
/** serve's open-file limit: low, so that a few hundred sockets reach it. */
const LIMIT = 256;
const { work, children, start } = bench('serve');

sh('ip link set lo up');
start(join(ROOT, 'test', 'lab', 'listen.mjs'), ['http', '127.0.0.1', '80', '443', '8200']);
writeFileSync(join(work, 'ranges.txt'), '127.0.0.1/32\n127.0.0.2/32\n');

const log = join(work, 'serve.log');
const serve = spawn('sh', ['-c', `ulimit -n ${LIMIT}; exec "$0" "$@" 2>${log}`, process.execPath, CLI, 'serve', '--listen', '127.0.0.1:9815', '--every', '1s', '--jitter', '0s',
  '--ranges', join(work, 'ranges.txt'), '--no-dns', '--connect-only', '--timeout', '1000'], { stdio: 'ignore', env: { ...process.env, G2PROBE_LOOPBACK_ONLY: '1' } });
children.push(serve);

async function up() {
  for (let i = 0; i < 200; i++) {
    const ok = await fetch('http://127.0.0.1:9815/healthz').then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  die(`serve did not start: ${readFileSync(log, 'utf8').slice(0, 600)}`);
}

const finishedRuns = () => readFileSync(log, 'utf8').split('\n').filter((line) => line.includes('"msg":"probe finished"')).length;

/** One phase: the load for SECONDS, serve's descriptors sampled every 100 ms. */
async function phase(name, silent, slow, scrapers, floodFrom) {
  let fds = 0;
  const sampler = setInterval(() => {
    try {
      fds = Math.max(fds, readdirSync(`/proc/${serve.pid}/fd`).length);
    } catch {
      // serve gone: the phase says so below
    }
  }, 100);
  const runsBefore = finishedRuns();
  const child = spawn(process.execPath, [LOAD, '127.0.0.1', '9815', String(SECONDS), String(silent), String(slow), String(scrapers), ...(floodFrom ? [floodFrom] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  if (code !== 0) die(`serve-load ${name} exited ${code}`);
  if (serve.exitCode !== null) die(`serve exited ${serve.exitCode} during ${name}: ${readFileSync(log, 'utf8').slice(-600)}`);
  return { name, silent, slow, scrapers, floodFrom: floodFrom ?? null, seconds: SECONDS, fdsMax: fds, runs: finishedRuns() - runsBefore, load: JSON.parse(out) };
}

await up();
const phases = [
  await phase('scrapes only', 0, 0, 16),
  await phase('silent clients under the cap', 48, 0, 16),
  await phase('a flood past the cap, from another address', 600, 100, 16, '127.0.0.2'),
  await phase("a flood past the cap, from the scrapers' own address", 600, 100, 16),
  await phase('scrapes past the cap (128 at once)', 0, 0, 128),
];
const text = readFileSync(log, 'utf8');
const started = JSON.parse(text.split('\n').find((line) => line.includes('"msg":"serving')) ?? '{}');
process.stdout.write(`${JSON.stringify({ limit: LIMIT, maxConnections: started.maxConnections ?? null, emfile: /EMFILE|ENFILE|resource-exhausted/.test(text), phases })}\n`);
process.exit(0);
