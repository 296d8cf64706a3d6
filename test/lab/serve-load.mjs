// Load on g2probe serve, bounded in count and time: clients that connect and send nothing, clients that send a
// request head one byte every few seconds (slowloris), and scrapers that GET /metrics on a new connection each
// time. A closed silent or slow client is opened again, so they keep their pressure for the whole time.
// Usage: node serve-load.mjs HOST PORT SECONDS SILENT SLOW SCRAPERS [FLOOD_FROM]
// FLOOD_FROM: the local address the silent and slow clients connect from (the scrapes use the default one).
// Prints one JSON line: what each kind of client saw, the scrapes' latencies and g2probe_runs_total as scraped.
import http from 'node:http';
import net from 'node:net';

const [host, port, seconds, silentCount, slowCount, scraperCount, floodFrom] = process.argv.slice(2);
const PORT = Number(port);
const END = Date.now() + Number(seconds) * 1000;
/** Every kind opens at most this many connections per client it keeps: the loop is bounded whatever serve does. */
const MAX_OPENS_PER_CLIENT = 2000;
const SLOW_BYTE_EVERY_MS = 2000;
const SCRAPE_TIMEOUT_MS = 5000;
const SLOW_LINE = 'GET /metrics HTTP/1.1\r\n';
const SLOW_HEADER = `X-Slow: ${'x'.repeat(200)}`;

const held = { silent: 0, slow: 0 };
const stats = {
  silent: { opened: 0, cut: 0, heldMsMin: null, heldMsMax: 0, peak: 0 },
  slow: { opened: 0, cut: 0, heldMsMin: null, heldMsMax: 0, peak: 0, bytesSent: 0 },
  scrapes: { total: 0, ok: 0, failed: {}, latencyMs: [], runsTotal: [] },
};

/** One client of `kind` that reconnects when cut, until the end. */
async function keep(kind, talk) {
  for (let opens = 0; opens < MAX_OPENS_PER_CLIENT && Date.now() < END; opens++) {
    const started = Date.now();
    await new Promise((resolve) => {
      const socket = net.connect({ port: PORT, host, ...(floodFrom ? { localAddress: floodFrom } : {}) });
      const s = stats[kind];
      let counted = false;
      socket.on('connect', () => {
        counted = true;
        s.opened++;
        held[kind]++;
        s.peak = Math.max(s.peak, held[kind]);
        talk(socket, s);
      });
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      const end = setTimeout(() => socket.destroy(), Math.max(0, END - Date.now()));
      socket.on('close', () => {
        clearTimeout(end);
        if (counted) {
          held[kind]--;
          if (Date.now() < END) {
            s.cut++;
            const ms = Date.now() - started;
            s.heldMsMax = Math.max(s.heldMsMax, ms);
            s.heldMsMin = Math.min(s.heldMsMin ?? ms, ms);
          }
        }
        resolve();
      });
    });
    // A refused or cut client comes back a moment later, as a flood would.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The request line at once, then a header a byte at a time. */
function slowly(socket, s) {
  socket.write(SLOW_LINE);
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    socket.write(SLOW_HEADER[i++ % SLOW_HEADER.length]);
    s.bytesSent++;
  }, SLOW_BYTE_EVERY_MS);
  socket.on('close', () => clearInterval(timer));
}

function scrape() {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.get({ host, port: PORT, path: '/metrics', agent: false, timeout: SCRAPE_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => { body += d; });
      res.on('end', () => {
        const ms = performance.now() - started;
        stats.scrapes.total++;
        if (res.statusCode === 200) {
          stats.scrapes.ok++;
          stats.scrapes.latencyMs.push(ms);
          const runs = /^g2probe_runs_total (\d+)$/m.exec(body);
          if (runs) stats.scrapes.runsTotal.push(Number(runs[1]));
        } else {
          failed(`status ${res.statusCode}`);
        }
        resolve();
      });
      res.on('error', () => { failed('aborted'); resolve(); });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err) => { stats.scrapes.total++; failed(err.code ?? err.message); resolve(); });
  });
}

function failed(why) {
  stats.scrapes.failed[why] = (stats.scrapes.failed[why] ?? 0) + 1;
}

async function scraper() {
  for (let n = 0; n < 100_000 && Date.now() < END; n++) {
    await scrape();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
}

await Promise.all([
  ...Array.from({ length: Number(silentCount) }, () => keep('silent', () => undefined)),
  ...Array.from({ length: Number(slowCount) }, () => keep('slow', slowly)),
  ...Array.from({ length: Number(scraperCount) }, scraper),
]);
const sorted = stats.scrapes.latencyMs.sort((a, b) => a - b);
const runs = stats.scrapes.runsTotal;
process.stdout.write(`${JSON.stringify({
  silent: stats.silent,
  slow: stats.slow,
  scrapes: {
    total: stats.scrapes.total, ok: stats.scrapes.ok, failed: stats.scrapes.failed,
    p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: percentile(sorted, 100),
    runsTotalFirst: runs[0] ?? null, runsTotalLast: runs.at(-1) ?? null,
  },
})}\n`);
