// Loads each lab PAC through the real fetch and sandbox (dist/pc/pac-file.js) and asks it for a few targets.
// Prints one JSON object: per path, the reason it could not be used, or the answers and the ms per answer.
// Usage: G2PROBE_LOOPBACK_ONLY=1 node pac-load.mjs DIST_DIR BASE_URL
import { pathToFileURL } from 'node:url';

const [dist, base] = process.argv.slice(2);
const { loadPac } = await import(pathToFileURL(`${dist}/pc/pac-file.js`).href);
const { PacBudget } = await import(pathToFileURL(`${dist}/pc/pac.js`).href);
const TARGETS = [['https://poll.gotomypc.com/', 'poll.gotomypc.com'], ['http://127.0.0.5:8200/', '127.0.0.5'], ['https://127.0.0.5/', '127.0.0.5'], ['https://10.0.0.1/', '10.0.0.1']];
const names = { 'poll.gotomypc.com': '127.0.0.20' };
const resolve = async (host) => ({ v4: names[host] ? [names[host]] : [], v6: [], silent: false });
const out = {};
for (const path of ['/per-target.pac', '/lf.pac', '/chunked-lf.pac', '/continue.pac', '/http09.pac', '/dead-first.pac', '/syntax.pac', '/throws.pac', '/loop.pac', '/huge.pac', '/login', '/to-outside', '/missing.pac']) {
  const started = performance.now();
  const env = { resolve, lookupMs: 1000, budget: new PacBudget() };
  const pac = await loadPac({ url: new URL(path, base), timeoutMs: 1000, loopbackOnly: true, proxyFor: () => null, signal: new AbortController().signal }, env);
  const loadMs = performance.now() - started;
  if (!pac.readable) {
    out[path] = { why: pac.why, loadMs };
    continue;
  }
  const answers = [];
  const asked = performance.now();
  for (const [url, host] of TARGETS) answers.push(await pac.value.find(url, host));
  out[path] = { answers, loadMs, findMs: (performance.now() - asked) / TARGETS.length };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
