// report/colour.ts: whether to colour (--color, NO_COLOR, a terminal), and the codes round our own words.
import t from 'tap';
import { UsageError } from '../../../src/core/errors.js';
import { ansi, parseColor, plain, toneOf, wantsColor } from '../../../src/report/colour.js';

t.test('--color: auto by default; anything but auto, always and never is one line naming it', async (t) => {
  t.equal(parseColor(undefined), 'auto');
  for (const choice of ['auto', 'always', 'never'] as const) t.equal(parseColor(choice), choice);
  t.throws(() => parseColor('yes'), new UsageError('bad --color value "yes": use auto, always or never'));
  t.throws(() => parseColor('ALWAYS'), { message: 'bad --color value "ALWAYS": use auto, always or never' }, 'the words as written');
});

t.test('auto colours a terminal without NO_COLOR; always wins over NO_COLOR; never never', async (t) => {
  const cases: [choice: 'auto' | 'always' | 'never', tty: boolean, env: NodeJS.ProcessEnv, want: boolean][] = [
    ['auto', true, {}, true],
    ['auto', false, {}, false],
    ['auto', true, { NO_COLOR: '1' }, false],
    ['auto', true, { NO_COLOR: '' }, true],
    ['auto', false, { NO_COLOR: '1' }, false],
    ['always', false, {}, true],
    ['always', true, { NO_COLOR: '1' }, true],
    ['always', false, { NO_COLOR: '1' }, true],
    ['never', true, {}, false],
    ['never', true, { NO_COLOR: '' }, false],
  ];
  for (const [choice, tty, env, want] of cases) t.equal(wantsColor(choice, tty, env), want, `${choice}, ${tty ? 'a terminal' : 'a pipe'}, NO_COLOR=${JSON.stringify(env.NO_COLOR)}`);
});

t.test('the palette: ok green, blocked and intercepted red, timeout and partial yellow, error magenta; bold for the verdict', async (t) => {
  t.equal(ansi('good', 'ok'), '\x1b[32mok\x1b[0m');
  t.equal(ansi('bad', 'BLOCKED:', true), '\x1b[1;31mBLOCKED:\x1b[0m');
  t.equal(ansi('strong', 'UNKNOWN:', true), '\x1b[1mUNKNOWN:\x1b[0m');
  t.equal(ansi('good', ''), '', 'nothing to paint, no codes');
  t.equal(plain('bad', 'blocked', true), 'blocked');
  const tones = Object.fromEntries(['ok', 'reachable', 'held', 'blocked', 'intercepted', 'cut', 'timeout', 'partial', 'possible', 'unconfirmed', 'error', 'unknown', 'refused'].map((w) => [w, toneOf(w)]));
  t.same(tones, { ok: 'good', reachable: 'good', held: 'good', blocked: 'bad', intercepted: 'bad', cut: 'bad', timeout: 'doubtful', partial: 'doubtful', possible: 'doubtful', unconfirmed: 'doubtful', error: 'fault', unknown: 'strong', refused: null });
});
