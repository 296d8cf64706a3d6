// The CONNECT stage's pure decisions: whether a proxy's answer leaves its connection usable for the next message,
// what the first CONNECT carries, and the order a PAC's entries are tried in once some are known down.
import t from 'tap';
import { readResponse } from '../../../src/core/http-response.js';
import { Proxy, ProxyCredentials } from '../../../src/core/proxy.js';
import { DownProxies, tryOrder } from '../../../src/probe/down-proxies.js';
import { firstAuthorization, unusableAfter } from '../../../src/probe/checks/proxy.js';
import type { ResponseRead } from '../../../src/probe/checks/response.js';

const LIMITS = { headBytes: 16 * 1024, bodyBytes: 64 * 1024 };
const BODY = '<h1>Proxy Authentication Required</h1>';

/** An answer as readHttp would hand it over, read from `text` by the one reader. */
function read(text: string, outcome: ResponseRead['outcome'] = 'enough', code?: string): ResponseRead {
  const data = Buffer.from(text, 'latin1');
  const response = readResponse(data, LIMITS, { ended: outcome === 'closed' || outcome === 'failed', connect: true });
  return { outcome, response, data, elapsedMs: 1, ...(code ? { code } : {}) };
}

t.test('unusableAfter: a 407 whose connection cannot carry the next message, and why', async (t) => {
  const offer = 'Proxy-Authenticate: NTLM\r\n';
  const kept = `HTTP/1.1 407 Proxy Authentication Required\r\n${offer}Content-Length: ${BODY.length}\r\n\r\n${BODY}`;
  t.equal(unusableAfter(read(kept)), null, 'HTTP/1.1 with a length: kept');
  t.equal(unusableAfter(read(`HTTP/1.1 407 x\r\n${offer}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`)), null, 'chunked, read whole: kept');
  t.equal(unusableAfter(read(`HTTP/1.0 407 x\r\n${offer}Proxy-Connection: keep-alive\r\nContent-Length: 0\r\n\r\n`)), null, 'HTTP/1.0 with keep-alive: kept');
  t.equal(unusableAfter(read(`HTTP/1.0 407 x\n${offer.replace('\r', '')}Connection: Keep-Alive\nContent-Length: 0\n\n`)), null, 'bare LF, Keep-Alive in any case');
  t.equal(unusableAfter(read(kept, 'closed')), 'closed the connection', 'closed after the 407');
  t.equal(unusableAfter(read(kept, 'failed', 'ECONNRESET')), 'reset the connection (ECONNRESET)', 'reset after the 407');
  t.equal(unusableAfter(read(`HTTP/1.0 407 x\r\n${offer}Content-Length: 0\r\n\r\n`)), 'answered HTTP/1.0 without keep-alive');
  t.equal(unusableAfter(read(`HTTP/1.1 407 x\r\n${offer}Connection: close\r\nContent-Length: 0\r\n\r\n`)), 'said Connection: close');
  t.equal(unusableAfter(read(`HTTP/1.1 407 x\r\n${offer}Proxy-Connection: close\r\nContent-Length: 0\r\n\r\n`)), 'said Connection: close', 'Proxy-Connection too');
  t.equal(unusableAfter(read(`HTTP/1.1 407 x\r\n${offer}\r\n${BODY}`)), 'sent a body without a length, which runs to the close');
  t.equal(unusableAfter(read(`HTTP/1.1 407 x\r\n${offer}Content-Length: ${LIMITS.bodyBytes + 10}\r\n\r\n${'x'.repeat(LIMITS.bodyBytes + 10)}`)), 'sent a body longer than g2probe reads');
  t.equal(unusableAfter(read(`HTTP/1.1 407 x\r\n${offer}Content-Length: 100\r\n\r\nshort`, 'quiet')), 'did not send its whole answer');
  t.equal(unusableAfter(read('SSH-2.0-OpenSSH_9.6\r\n', 'closed')), 'closed the connection');
  t.equal(unusableAfter(read('SSH-2.0-OpenSSH_9.6\r\n')), 'did not answer in HTTP');
});

t.test('firstAuthorization: Basic on the first CONNECT when credentials are given, unless the proxy asked for NTLM', async (t) => {
  const info = { url: 'http://127.0.0.1:3128', source: '--proxy' };
  const bare = new Proxy(info, '127.0.0.1', 3128, null);
  t.equal(firstAuthorization(bare), null, 'no credentials: nothing sent');
  const proxy = new Proxy(info, '127.0.0.1', 3128, new ProxyCredentials('LAB\\pat', 'pw'));
  t.same(firstAuthorization(proxy), { scheme: 'basic', value: `Basic ${Buffer.from('LAB\\pat:pw').toString('base64')}` }, 'Basic, as curl --proxy-user sends it');
  proxy.scheme = 'ntlm';
  t.same(firstAuthorization(proxy), { scheme: 'ntlm' }, 'NTLM once this proxy asked for it: no password on the wire');
});

t.test('DownProxies and tryOrder: dead entries are tried last, and all are tried when all are down', async (t) => {
  const down = new DownProxies();
  t.equal(down.why('127.0.0.1', 9), null);
  down.down('127.0.0.1', 9, 'the proxy took no connection (ECONNREFUSED)');
  down.down('127.0.0.1', 9, 'the proxy did not answer the connection');
  t.equal(down.why('127.0.0.1', 9), 'the proxy took no connection (ECONNREFUSED)', 'the first reason is kept');
  down.down('::1', 3128, 'the proxy did not answer the connection');
  t.equal(down.why('::1', 3128), 'the proxy did not answer the connection', 'IPv6 keyed like IPv4');
  t.equal(down.why('127.0.0.1', 3128), null, 'per proxy: host and port');
  down.up('127.0.0.1', 9);
  t.equal(down.why('127.0.0.1', 9), null, 'a proxy that takes a connection again is up');

  t.same(tryOrder(4, (i) => i === 0 || i === 2), [1, 3, 0, 2], 'the good in order, then the down in order (Chromium)');
  t.same(tryOrder(3, () => true), [0, 1, 2], 'all down: all tried, in order');
  t.same(tryOrder(0, () => false), []);
});
