// The engine's scheduling, without sockets: a simulated descriptor budget stands in for ulimit -n.
import t from 'tap';
import type { Attempt, TcpObservation } from '../../../src/core/types.js';
import { classify } from '../../../src/judge/classify.js';
import { TrustStore } from '../../../src/pc/trust-store.js';
import type { Job, ProbeSettings } from '../../../src/probe/attempt.js';
import { runAttempts, type AttemptFn } from '../../../src/probe/engine.js';

const settings: ProbeSettings = { timeoutMs: 1000, connectOnly: true, servername: 'x', trust: TrustStore.fromOptions({}, null) };

function jobs(n: number): Job[] {
  return Array.from({ length: n }, (_, i) => ({ target: { ip: `127.0.${i >> 8}.${i & 255}`, port: 80, range: '127.0.0.0/16', expected: true }, proxy: null, comparison: false }));
}

function attemptOf(job: Job, connect: TcpObservation): Attempt {
  return { ...job.target, path: 'direct', ...classify({ path: 'direct', connect }), ms: connect.elapsedMs, connectMs: connect.outcome === 'connected' ? connect.elapsedMs : null };
}

/** Each attempt holds a descriptor for a few ms; past `budget` open at once it fails with EMFILE at once, as connect(2) does. */
function withBudget(budget: number): { fn: AttemptFn; peak: () => number } {
  let open = 0;
  let peak = 0;
  const fn: AttemptFn = (job) => {
    if (open >= budget) return Promise.resolve(attemptOf(job, { kind: 'tcp', outcome: 'failed', code: 'EMFILE', syscall: 'connect', elapsedMs: 0 }));
    open++;
    peak = Math.max(peak, open);
    return new Promise((resolve) => setTimeout(() => {
      open--;
      resolve(attemptOf(job, { kind: 'tcp', outcome: 'failed', code: 'ECONNREFUSED', syscall: 'connect', elapsedMs: 1 }));
    }, 1 + (job.target.ip.length % 3)));
  };
  return { fn, peak: () => peak };
}

t.test('out of descriptors: the limit drops to what fits, every job is retried, none is reported as EMFILE', async (t) => {
  const { fn, peak } = withBudget(20);
  const seen: Attempt[] = [];
  const throttles: Array<[number, number]> = [];
  await runAttempts(jobs(500), { concurrency: 300, probe: settings, signal: new AbortController().signal, onThrottle: (from, to) => throttles.push([from, to]) }, (a) => seen.push(a), fn);
  t.equal(seen.length, 500, 'every job reported once');
  t.equal(new Set(seen.map((a) => a.ip)).size, 500, 'no job reported twice');
  t.same(seen.filter((a) => a.evidence.code === 'EMFILE'), [], 'no EMFILE result');
  t.ok(seen.every((a) => a.status === 'blocked' && a.reason === 'refused'), 'only the real outcomes');
  t.same(throttles, [[300, 20]], 'lowered once, from 300 to the 20 that fitted');
  t.ok(peak() <= 20, `never more than the budget open (${peak()})`);
});

t.test('no descriptor at all: the fault is reported (error, never blocked), and the run ends', async (t) => {
  const { fn } = withBudget(0);
  const seen: Attempt[] = [];
  await runAttempts(jobs(50), { concurrency: 16, probe: settings, signal: new AbortController().signal }, (a) => seen.push(a), fn);
  t.equal(seen.length, 50);
  t.ok(seen.every((a) => a.evidence.code === 'EMFILE' && a.status === 'error' && a.reason === 'resource-exhausted'), 'error/resource-exhausted with the code');
});

t.test('interrupted while throttled: queued retries are dropped and the run still ends', async (t) => {
  const { fn } = withBudget(5);
  const controller = new AbortController();
  const seen: Attempt[] = [];
  setTimeout(() => controller.abort(), 5);
  await runAttempts(jobs(5000), { concurrency: 100, probe: settings, signal: controller.signal }, (a) => seen.push(a), fn);
  t.ok(seen.length > 0 && seen.length < 5000, `stopped early (${seen.length})`);
  t.same(seen.filter((a) => a.evidence.code === 'EMFILE'), []);
});

t.test('concurrency is a bound, and a failing reporter fails the run', async (t) => {
  let open = 0;
  let peak = 0;
  const fn: AttemptFn = (job) => {
    peak = Math.max(peak, ++open);
    return new Promise((resolve) => setImmediate(() => { open--; resolve(attemptOf(job, { kind: 'tcp', outcome: 'connected', elapsedMs: 1, localAddress: '127.0.0.1', localPort: 1 })); }));
  };
  let n = 0;
  await runAttempts(jobs(1000), { concurrency: 7, probe: settings, signal: new AbortController().signal }, () => { n++; }, fn);
  t.equal(n, 1000);
  t.equal(peak, 7);
  await t.rejects(runAttempts(jobs(10), { concurrency: 3, probe: settings, signal: new AbortController().signal }, () => { throw new Error('disk gone'); }, fn), /disk gone/);
});

t.test('each run has its own list of proxies found down: one run (a serve run) leaves nothing to the next', async (t) => {
  const lists: ProbeSettings['downProxies'][] = [];
  const fn: AttemptFn = (job, probe) => {
    lists.push(probe.downProxies);
    probe.downProxies?.down('127.0.0.1', 9, 'the proxy took no connection (ECONNREFUSED)');
    return Promise.resolve(attemptOf(job, { kind: 'tcp', outcome: 'connected', elapsedMs: 1, localAddress: '127.0.0.1', localPort: 40000 }));
  };
  const signal = new AbortController().signal;
  await runAttempts(jobs(3), { concurrency: 1, probe: settings, signal }, () => undefined, fn);
  await runAttempts(jobs(3), { concurrency: 1, probe: settings, signal }, () => undefined, fn);
  t.ok(lists.every((l) => l !== undefined), 'every attempt gets the run\'s list');
  t.equal(new Set(lists.slice(0, 3)).size, 1, 'one list for the attempts of a run');
  t.not(lists[0], lists[3], 'a new list for the next run');
  t.equal(settings.downProxies, undefined, 'the settings passed in are not changed');
});
