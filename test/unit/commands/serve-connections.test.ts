// serve's share of the open files and the runs' share: the two must add up to the limit, never past it.
import t from 'tap';
import { connectionCap } from '../../../src/commands/serve-connections.js';
import { fitConcurrency, fitsOpenFiles } from '../../../src/probe/concurrency.js';

/** What a run may hold at once: two descriptors per attempt in flight, and the spare 64 fitConcurrency keeps. */
const runsNeed = (concurrency: number): number => 2 * concurrency + 64;

t.test('connectionCap: a quarter of the limit, from 8 to 1024; 1024 where there is no limit', async (t) => {
  t.equal(connectionCap(256), 64);
  t.equal(connectionCap(1024), 256);
  t.equal(connectionCap(1_048_576), 1024);
  t.equal(connectionCap(20), 8);
  t.equal(connectionCap(null), 1024);
});

t.test('the connections and the largest run fitted to the rest stay within the limit', async (t) => {
  for (const limit of [128, 256, 1024, 4096, 65_536, 1_048_576]) {
    const cap = connectionCap(limit);
    const concurrency = fitConcurrency(Number.MAX_SAFE_INTEGER, limit - cap);
    t.ok(cap + runsNeed(concurrency) <= limit, `limit ${limit}: ${cap} connections + ${concurrency} attempts (${runsNeed(concurrency)} descriptors)`);
    t.ok(fitsOpenFiles(concurrency, limit - cap), 'fitsOpenFiles agrees');
  }
  t.equal(fitConcurrency(Number.MAX_SAFE_INTEGER, 1024 - connectionCap(1024)), 352, 'the README\'s example: (1024 − 256 − 64) / 2');
  t.notOk(fitsOpenFiles(400, 1024 - 256), '--concurrency 400 by hand does not fit beside 256 connections');
  t.ok(fitsOpenFiles(400, null), 'nothing to fit without a limit');
});
