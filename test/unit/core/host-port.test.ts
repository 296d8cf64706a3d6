import fc from 'fast-check';
import t from 'tap';
import { bracketHost, joinHostPort, splitHostPort, unbracketHost } from '../../../src/core/host-port.js';

t.test('joined with IPv6 in brackets', async (t) => {
  t.equal(joinHostPort('::1', 3128), '[::1]:3128');
  t.equal(joinHostPort('[::1]', 3128), '[::1]:3128', 'brackets are not doubled');
  t.equal(joinHostPort('127.0.0.1', 80), '127.0.0.1:80');
  t.equal(joinHostPort('proxy.example', 8080), 'proxy.example:8080');
  t.equal(bracketHost('fe80::1'), '[fe80::1]');
  t.equal(unbracketHost('[fe80::1]'), 'fe80::1');
  t.equal(unbracketHost('example'), 'example');
});

t.test('split: each form, and what is refused', async (t) => {
  t.same(splitHostPort('[::1]:3128'), { host: '::1', port: 3128 });
  t.same(splitHostPort('[::1]'), { host: '::1', port: null });
  t.same(splitHostPort('::1'), { host: '::1', port: null }, 'a bare IPv6 address has no port');
  t.same(splitHostPort('2001:db8::1:53'), { host: '2001:db8::1:53', port: null }, 'and its last group is not one');
  t.same(splitHostPort('127.0.0.1:53'), { host: '127.0.0.1', port: 53 });
  t.same(splitHostPort('proxy'), { host: 'proxy', port: null });
  for (const bad of ['', ':80', 'a:70000', '[x]:80', '[::1]x', 'a:b:c', 'a b:1', '[::1]:']) t.equal(splitHostPort(bad), null, JSON.stringify(bad));
});

t.test('split undoes join (property)', async (t) => {
  const host = fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain());
  fc.assert(fc.property(host, fc.integer({ min: 0, max: 65535 }), (h, p) => {
    const back = splitHostPort(joinHostPort(h, p));
    return back !== null && back.host === h && back.port === p;
  }), { numRuns: 1000 });
  t.pass('1,000 hosts and ports');
});

t.test('the places that split: a PAC entry and NO_PROXY read IPv6 as IPv6', async (t) => {
  const { parsePacAnswer } = await import('../../../src/pc/pac.js');
  t.same(parsePacAnswer('PROXY [::1]:3128; PROXY proxy.example; DIRECT'), [{ kind: 'proxy', host: '::1', port: 3128 }, { kind: 'proxy', host: 'proxy.example', port: 80 }, { kind: 'direct' }]);
});
