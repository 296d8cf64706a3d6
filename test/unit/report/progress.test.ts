// report/progress.ts: the progress line fits the terminal, drops the least useful parts first, and estimates the time left.
import t from 'tap';
import { attemptParts, duration, fitLine, progressLine, timeLeft, type Part } from '../../../src/report/progress.js';

const SWEEP = { ok: 181_344, blocked: 40_960, timeout: 12_288, intercepted: 256, error: 3 };

t.test('fitLine: the whole line when it fits; else the highest ranks go, later ones first; a tiny width cuts with …', async (t) => {
  const parts: Part[] = [{ text: 'aaaa', rank: 0 }, { text: 'bb', rank: 2 }, { text: 'cc', rank: 1 }, { text: 'dd', rank: 2 }];
  t.equal(fitLine(parts, 100), 'aaaa  bb  cc  dd');
  t.equal(fitLine(parts, 16), 'aaaa  bb  cc  dd', 'exactly the width');
  t.equal(fitLine(parts, 15), 'aaaa  bb  cc', 'the later of two of the highest rank goes first');
  t.equal(fitLine(parts, 10), 'aaaa  cc');
  t.equal(fitLine(parts, 4), 'aaaa', 'rank 0 is kept');
  t.equal(fitLine(parts, 3), 'aa…', 'and cut when even it does not fit');
  t.equal(fitLine(parts, 0), '');
});

t.test('timeLeft: nothing before a few attempts and a second; then the rate so far', async (t) => {
  t.equal(timeLeft(4, 100, 10_000), null, 'four attempts are too few');
  t.equal(timeLeft(50, 100, 900), null, 'under a second is too soon');
  t.equal(timeLeft(100, 100, 5_000), null, 'nothing left');
  t.equal(timeLeft(50, 100, 20_000), 'about 20 s left');
  t.equal(timeLeft(10, 100, 1_000), 'about 9 s left');
  t.equal(timeLeft(1_000, 262_144, 2_000), 'about 9 min left');
  t.same([duration(0), duration(7_400), duration(43_000), duration(59_600), duration(90_000), duration(7_200_000 - 1), duration(10_800_000)], ['1 s', '7 s', '45 s', '1 min', '2 min', '2 h', '3 h']);
});

t.test('a sweep: every part at 120 columns; within 80 the count, the estimate and the worst failures stay', async (t) => {
  const parts = attemptParts(131_072, 262_144, SWEEP, 123_456);
  const wide = progressLine(parts, 119);
  t.equal(wide, '  probing 131072/262144  123.5 s  about 2 min left  ok 181344  blocked 40960  timeout 12288  intercepted 256  error 3');
  t.ok(wide.length > 80, `all of it is ${wide.length} columns`);
  const narrow = progressLine(parts, 79);
  t.ok(narrow.length <= 79, `${narrow.length} columns on an 80-column terminal (one spare: a full last column wraps on some)`);
  t.equal(narrow, '  probing 131072/262144  about 2 min left  blocked 40960  intercepted 256');
  for (const width of [10, 20, 40, 60, 79, 100, 200]) t.ok(progressLine(parts, width).length <= width, `at most ${width}`);
  t.equal(progressLine(attemptParts(3, 10, { ok: 3, blocked: 0, timeout: 0, intercepted: 0, error: 0 }, 500), 79), '  probing 3/10  0.5 s  ok 3  blocked 0  timeout 0  error 0', 'no estimate yet; no intercepted count while there is none');
});
