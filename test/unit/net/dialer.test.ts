// net/dialer.ts refuses before any socket exists: these cases open none (the lab test, test/lab/dialer.test.ts,
// drives every real path and counts packets).
import t from 'tap';
import { breachCount, isLockedToLoopback, lockToLoopback, openResolver, openSocket } from '../../../src/net/dialer.js';
import { isLoopbackAddress, isLoopbackHost } from '../../../src/net/loopback.js';

t.test('loopback is 127.0.0.0/8 and ::1, however written; nothing else', async (t) => {
  for (const ip of ['127.0.0.1', '127.255.255.255', '127.0.0.0', '::1', '0:0:0:0:0:0:0:1', '0000::0001', '::ffff:127.0.0.1']) t.ok(isLoopbackAddress(ip), ip);
  for (const ip of ['128.0.0.1', '126.255.255.255', '0.0.0.0', '::', '::2', '::ffff:192.0.2.1', '192.0.2.1', '2001:db8::1', 'localhost', '127.0.0.1.example', '']) {
    t.notOk(isLoopbackAddress(ip), JSON.stringify(ip));
  }
  t.ok(isLoopbackHost('localhost') && isLoopbackHost('LocalHost'), 'localhost, to be looked up and checked');
  t.notOk(isLoopbackHost('localhost.example.com'));
});

t.test('locked, the dialer refuses an outside address before a socket exists, and counts it', async (t) => {
  // The suite runs with G2PROBE_LOOPBACK_ONLY=1 (package.json), which locks the dialer when it loads.
  t.ok(isLockedToLoopback(), 'locked by the environment');
  lockToLoopback();
  const before = breachCount();
  t.throws(() => openSocket({ host: '192.0.2.1', port: 443 }), { name: 'GuardBreach' });
  t.throws(() => openSocket({ host: '2001:db8::1', port: 443 }), { message: /a connection to \[2001:db8::1\]:443, which lies outside/ });
  t.throws(() => openSocket({ host: 'poll.gotomypc.com', port: 443 }), { message: /poll\.gotomypc\.com:443/ }, 'a name other than localhost is never looked up');
  t.throws(() => openSocket({ host: '127.0.0.1', port: 3128 }, { host: '192.0.2.1', port: 443 }), { message: /a tunnel to 192\.0\.2\.1:443/ }, 'a tunnel through a loopback proxy to outside');
  t.throws(() => openResolver(null, {}), { message: /this PC's resolver, which may forward it anywhere/ });
  for (const server of ['192.0.2.53', '192.0.2.53:53', '[2001:db8::53]:53', '2001:db8::53']) t.throws(() => openResolver(server, {}), { name: 'GuardBreach' }, server);
  t.equal(breachCount() - before, 9, 'each refusal counted');
  for (const server of ['127.0.0.1', '127.0.0.1:5353', '[::1]:5353', '::1']) t.doesNotThrow(() => openResolver(server, {}), server);
});
