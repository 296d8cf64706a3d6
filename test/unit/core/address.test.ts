// core/address.ts: addresses as integers and their text. Pure code only.
import t from 'tap';
import { formatAddress, isLoopbackInterval } from '../../../src/core/address.js';

t.test('address.ts', async (t) => {
  /** Builds a 128-bit value from eight 16-bit groups. */
  function v6(...groups: number[]): bigint {
    if (groups.length !== 8) throw new Error('eight groups');
    return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
  }

  t.test('formatAddress v4', async (t) => {
    t.equal(formatAddress(0n, 4), '0.0.0.0');
    t.equal(formatAddress(0xffffffffn, 4), '255.255.255.255');
    t.equal(formatAddress(0xc0000201n, 4), '192.0.2.1');
    t.equal(formatAddress(0x7f000001n, 4), '127.0.0.1');
    t.equal(formatAddress(0xc6336480n, 4), '198.51.100.128', 'high bit set does not go negative');
  });

  t.test('formatAddress v6 (RFC 5952)', async (t) => {
    t.equal(formatAddress(1n, 6), '::1');
    t.equal(formatAddress(0n, 6), '::');
    t.equal(formatAddress(v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 6), '2001:db8::1');
    t.equal(formatAddress(v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 6), '2001:db8::', 'trailing run');
    t.equal(formatAddress(v6(0x2001, 0xdb8, 0, 1, 0, 0, 0, 1), 6), '2001:db8:0:1::1', 'longest run compressed, not the first');
    t.equal(formatAddress(v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1), 6), '2001:db8::1:0:0:1', 'equal runs: the first is compressed');
    t.equal(formatAddress(v6(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1), 6), '2001:db8:0:1:1:1:1:1', 'a single zero group is not compressed');
    t.equal(formatAddress(v6(0x2001, 0, 0x2, 0x3, 0x4, 0x5, 0x6, 0), 6), '2001:0:2:3:4:5:6:0', 'single zeros at both ends stay');
    t.equal(formatAddress(v6(0xABCD, 0xEF01, 0, 0, 0, 0, 0, 0x00ff), 6), 'abcd:ef01::ff', 'lower case, no leading zeros');
    t.equal(formatAddress(v6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff), 6), 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
    t.equal(formatAddress(v6(0, 0, 0, 0, 0, 0, 0, 0x10), 6), '::10');
    t.equal(formatAddress(v6(1, 0, 0, 0, 0, 0, 0, 0), 6), '1::');
  });

  t.test('isLoopbackInterval', async (t) => {
    t.ok(isLoopbackInterval(0x7f000000n, 0x7fffffffn, 4), '127.0.0.0/8');
    t.ok(isLoopbackInterval(0x7f000001n, 0x7f000001n, 4), '127.0.0.1');
    t.ok(isLoopbackInterval(0x7f0a0000n, 0x7f0a00ffn, 4), '127.10.0.0/24');
    t.notOk(isLoopbackInterval(0x7e000000n, 0x7fffffffn, 4), 'starts below 127/8');
    t.notOk(isLoopbackInterval(0x7f000000n, 0x80000000n, 4), 'ends above 127/8');
    t.notOk(isLoopbackInterval(0x00000000n, 0xffffffffn, 4), '0.0.0.0/0');
    t.notOk(isLoopbackInterval(0xc0000201n, 0xc0000201n, 4), '192.0.2.1');
    t.ok(isLoopbackInterval(1n, 1n, 6), '::1');
    t.notOk(isLoopbackInterval(0n, 1n, 6), '::/127');
    t.notOk(isLoopbackInterval(0n, 0n, 6), '::');
    t.notOk(isLoopbackInterval(0x7f000001n, 0x7f000001n, 6), '::7f00:1 is not loopback in IPv6');
  });
});
