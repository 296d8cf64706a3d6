// probe/rtt.ts, probe/concurrency.ts and pc/open-files.ts: learned handshake deadlines, the default in-flight
// count and the open-file limit it respects. Pure: no socket.
import fc from 'fast-check';
import t from 'tap';
import type { Target } from '../../../src/core/types.js';
import { openFileLimit } from '../../../src/pc/open-files.js';
import { DEFAULT_CONCURRENCY, MAX_DEFAULT_CONCURRENCY, fitConcurrency } from '../../../src/probe/concurrency.js';
import { FLOOR_MS, HandshakeTimer, MAX_RETRIES, RETRY_FLOOR_MS } from '../../../src/probe/rtt.js';

const target = (range: string | null): Target => ({ ip: '127.0.0.1', port: 443, range, expected: true });
const A = target('127.1.0.0/16');
const B = target('127.2.0.0/16');

t.test('before enough answers, every deadline is --timeout and no retry is due', async (t) => {
  const timer = new HandshakeTimer(3000);
  for (let i = 0; i < 7; i++) timer.answered(A, 20);
  t.same(timer.first(A), { ms: 3000, learned: false });
  t.equal(timer.retry(1, A), null, 'nothing learned: the first try already waited --timeout');
  timer.answered(A, 20);
  t.same(timer.first(A), { ms: FLOOR_MS, learned: true }, 'eight answers of 20 ms: the floor, 100 ms');
});

t.test('the estimate follows the round trips: a few times the mean plus its variation', async (t) => {
  const timer = new HandshakeTimer(3000);
  for (let i = 0; i < 50; i++) timer.answered(A, i % 2 === 0 ? 200 : 300);
  const { ms, learned } = timer.first(A);
  t.ok(learned);
  t.ok(ms > 300 && ms < 800, `between the slowest answer and a few times it (${ms} ms)`);
  t.equal(timer.retry(1, A), Math.max(RETRY_FLOOR_MS, 4 * ms), 'the first retry: four learned deadlines, at least a second');
  t.equal(new HandshakeTimer(500).first(A).ms <= 500, true);
});

t.test('--timeout bounds every deadline', async () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 600_000 }), fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 8, maxLength: 60 }), (timeout, samples) => {
    const timer = new HandshakeTimer(timeout);
    for (const ms of samples) timer.answered(A, ms);
    const first = timer.first(A);
    const retry = timer.retry(1, A);
    return first.ms <= timeout && first.ms >= Math.min(timeout, FLOOR_MS) && (retry === null || retry <= timeout) && first.learned === first.ms < timeout;
  }));
});

t.test("a range's own estimate once it has one; the run's before", async (t) => {
  const timer = new HandshakeTimer(3000);
  for (let i = 0; i < 8; i++) timer.answered(A, 1);
  t.same(timer.first(B), { ms: FLOOR_MS, learned: true }, "B has no answers yet: the run's estimate");
  for (let i = 0; i < 8; i++) timer.answered(B, 400);
  t.ok(timer.first(B).ms >= 400, `B answers slowly: its own, longer deadline (${timer.first(B).ms} ms)`);
  t.equal(timer.first(A).ms, FLOOR_MS, 'A keeps its own');
  t.same(timer.first(target(null)), timer.first(target(null)), 'names without a range share one scope');
});

t.test('one retry, until retries get answers: then the path loses packets, and up to fifteen short ones', async (t) => {
  const timer = new HandshakeTimer(3000);
  for (let i = 0; i < 8; i++) timer.answered(A, 1);
  t.equal(timer.retry(1, A), RETRY_FLOOR_MS);
  t.equal(timer.retry(2, A), null, 'no loss seen: one retry');
  timer.retryAnswered();
  t.equal(timer.retry(2, A), null, 'one answered retry is not yet loss');
  timer.retryAnswered();
  t.equal(timer.retry(2, A), 2 * FLOOR_MS, 'loss seen: more retries, each twice the learned deadline');
  t.equal(timer.retry(MAX_RETRIES, A), 2 * FLOOR_MS);
  t.equal(timer.retry(MAX_RETRIES + 1, A), null, 'and no more than fifteen');
  t.ok(Math.pow(0.3, MAX_RETRIES + 1) < 1e-8, 'at 30% loss, all sixteen tries lost: under one in a hundred million');
});

t.test('fitConcurrency: the helpdesk run as before, a sweep as wide as the machine holds', async (t) => {
  t.equal(fitConcurrency(107, 1024), DEFAULT_CONCURRENCY, 'the default run: 64');
  t.equal(fitConcurrency(12_282, 1_048_576), MAX_DEFAULT_CONCURRENCY, 'a /20 on three ports: 1024');
  t.equal(fitConcurrency(4000, null), 500, 'an eighth of the plan');
  t.equal(fitConcurrency(12_282, 1024), 480, 'half the open-file limit, less a reserve');
  t.equal(fitConcurrency(12_282, 10), 1, 'never below one');
});

t.test('openFileLimit reads the soft limit from /proc/self/limits', async (t) => {
  const limits = 'Limit                     Soft Limit           Hard Limit           Units     \nMax open files            20000                1048576              files     \n';
  t.equal(openFileLimit(() => limits), 20_000);
  t.equal(openFileLimit(() => limits.replace('20000 ', 'unlimited ')), Number.MAX_SAFE_INTEGER);
  t.equal(openFileLimit(() => 'nothing here'), null);
  t.equal(openFileLimit(() => { throw new Error('ENOENT'); }), null, 'no /proc (Windows, macOS)');
  t.type(openFileLimit(), 'number', 'this machine has one');
});
