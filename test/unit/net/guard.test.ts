// net/guard.ts and net/loopback.ts: the loopback-only guard's start-up checks. Pure code only: addresses are
// documentation ranges or loopback, parsed and never connected to.
import t from 'tap';
import { UsageError } from '../../../src/core/errors.js';
import type { Range } from '../../../src/core/types.js';
import { assertLoopbackOnly } from '../../../src/net/guard.js';
import { guardFromEnv } from '../../../src/net/loopback.js';
import { parseRange } from '../../../src/targets/ranges.js';

t.test('guard.ts', async (t) => {
  const range = (cidr: string): Range => parseRange(cidr, { source: 'file', status: 'current' })!;

  t.test('guardFromEnv', async (t) => {
    for (const on of ['1', 'yes', 'true', 'TRUE', ' on ', 'tru', 'flase', '2', 'y']) t.equal(guardFromEnv(on), true, `${JSON.stringify(on)} is on`);
    for (const off of [undefined, '', '  ', '0', 'false', 'False', 'no', 'NO', 'off', ' off ']) t.equal(guardFromEnv(off), false, `${JSON.stringify(off)} is off`);
  });

  t.test('assertLoopbackOnly passes loopback ranges', async (t) => {
    t.doesNotThrow(() => assertLoopbackOnly([range('127.0.0.1'), range('127.0.0.0/8'), range('127.20.30.0/24'), range('::1')]));
    t.doesNotThrow(() => assertLoopbackOnly([]));
  });

  t.test('assertLoopbackOnly names the first range outside loopback', async (t) => {
    const ranges = [range('127.0.0.1'), range('192.0.2.0/24'), range('2001:db8::/32')];
    try {
      assertLoopbackOnly(ranges);
      t.fail('should throw');
    } catch (err) {
      t.ok(err instanceof UsageError);
      t.equal((err as UsageError).exitCode, 64);
      t.match((err as Error).message, '192.0.2.0/24');
      t.notMatch((err as Error).message, '2001:db8');
    }
    t.throws(() => assertLoopbackOnly([range('::1'), range('2001:db8::1')]), { message: /2001:db8::1\/128/ });
    t.throws(() => assertLoopbackOnly([range('0.0.0.0/0')]), { message: /0\.0\.0\.0\/0/ }, 'a range that contains 127/8 is still outside');
    t.throws(() => assertLoopbackOnly([range('126.0.0.0/7')]), { message: /126\.0\.0\.0\/7/ });
    t.throws(() => assertLoopbackOnly([range('::/127')]), { message: /::\/127/ });
  });
});
