// The runtime's floor: a bare net.connect loop, the same targets and concurrency as g2probe, nothing else.
// Usage: node bare-loop.mjs TARGETS_FILE CONCURRENCY   (TARGETS_FILE: "ip port" per line)
// Prints JSON: { attempts, ok, refused, other, ms }.
import { readFileSync } from 'node:fs';
import net from 'node:net';

const [file, c] = process.argv.slice(2);
const targets = readFileSync(file, 'utf8').trim().split('\n').map((line) => line.split(' '));
const concurrency = Number(c);
const tally = { attempts: 0, ok: 0, refused: 0, other: 0 };
let next = 0;
const started = performance.now();

function one() {
  if (next >= targets.length) return Promise.resolve();
  const [host, port] = targets[next++];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    socket.once('connect', () => { tally.ok++; socket.destroy(); resolve(); });
    socket.once('error', (err) => { if (err.code === 'ECONNREFUSED') tally.refused++; else tally.other++; resolve(); });
  }).then(() => { tally.attempts++; return one(); });
}

await Promise.all(Array.from({ length: concurrency }, one));
process.stdout.write(`${JSON.stringify({ ...tally, ms: performance.now() - started })}\n`);
