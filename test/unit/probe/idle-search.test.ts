// probe/idle-search.ts: the idle host's pattern first, then halving the span between what came back and what
// was cut, until the limit is known to a second; a cut by age never narrows it. Pure.
import fc from 'fast-check';
import t from 'tap';
import { IdleSearch, MIN_GAP_MS } from '../../../src/probe/idle-search.js';

t.test('the idle host pattern until a cut; --every never waits to the end', async (t) => {
  const search = new IdleSearch(60_000);
  t.equal(search.next(), 60_000);
  search.answered(60_000);
  t.equal(search.next(), 60_000, 'answered: the same pattern');
  t.equal(new IdleSearch(null).next(), null);
});

t.test('after an idle cut, the waits halve the span, then settle well inside the limit', async (t) => {
  const search = new IdleSearch(5000);
  search.cut(5000);
  t.equal(search.next(), 2500, 'nothing came back yet: half the cut');
  search.answered(2500);
  t.equal(search.next(), 3750);
  search.cut(3750);
  t.equal(search.next(), 3125);
  search.cut(3125);
  t.ok(search.settled, 'within a second');
  t.equal(search.next(), 3125, 'settled: once more the shortest cut, to see it again');
  search.cut(3125);
  t.equal(search.next(), 1250, 'seen again: half of what came back, as a keep-alive would be set');
  t.equal(search.next(), 1250);
});

t.test('a cut the same wait does not bring back was no limit: the search starts over', async (t) => {
  const search = new IdleSearch(60_000);
  search.cut(60_000);
  for (const gap of [30_000, 45_000, 52_500, 56_250]) {
    t.equal(search.next(), gap);
    search.answered(gap);
  }
  t.equal(search.next(), 60_000, 'settled: the cut once more');
  search.answered(60_000);
  t.equal(search.cutMs, Infinity);
  t.equal(search.next(), 60_000, 'back to the idle host pattern');
});

t.test('a cut after no more idle than came back is the age at work: the span is kept', async (t) => {
  const search = new IdleSearch(1000);
  search.answered(1000);
  search.cut(500);
  t.equal(search.cutMs, Infinity);
  t.equal(search.next(), 1000);
});

t.test('a limit, wherever it lies, is always between what came back and what was cut, and found to a second or a tenth', async () => {
  fc.assert(fc.property(fc.integer({ min: 300, max: 900_000 }), fc.integer({ min: 1000, max: 900_000 }), (limit, every) => {
    const search = new IdleSearch(every);
    for (let i = 0; i < 60; i++) {
      const gap = search.next()!;
      if (gap < limit) search.answered(gap);
      else search.cut(gap);
    }
    if (search.cutMs === Infinity) return every < limit;
    return search.answeredMs < limit && limit <= search.cutMs && (search.settled || search.next() === MIN_GAP_MS) && search.next()! < limit;
  }), { numRuns: 500 });
});
