// The CONNECT stage judged: each outcome in words that say only what happened ("closed without answering" only when
// nothing came), the way the answer was read kept as evidence, a proxy asked again on a new connection said so.
import t from 'tap';
import type { HttpReadInfo, ProxyObservation, Trace } from '../../../src/core/types.js';
import { classify } from '../../../src/judge/classify.js';

const CONNECTED: Trace['connect'] = { kind: 'tcp', outcome: 'connected', elapsedMs: 1, localAddress: '127.0.0.1', localPort: 40000 };
/** A CONNECT's answer: a 200 unless `proxy` says otherwise; the fields of another outcome replace the answer's. */
const classifyTunnel = (proxy: object, app?: Trace['app']) =>
  classify({ path: 'proxy', connect: CONNECTED, proxy: { kind: 'proxy', outcome: 'answered', status: 200, statusText: '', headers: {}, credentialsSent: false, elapsedMs: 12, ...proxy } as ProxyObservation, ...(app ? { app } : {}) });
const READ: HttpReadInfo = { framing: 'no-body', version: 'HTTP/1.1', lineEnds: 'crlf', bytes: 39, complete: true, truncated: false };
const HTTP_OK: Trace['app'] = { kind: 'http', outcome: 'answered', request: 'GET / (Host: www.gotomypc.com)', host: 'www.gotomypc.com', status: 301, statusText: 'Moved Permanently', headers: { location: 'https://www.gotomypc.com/' }, text: '', bytes: 80, elapsedMs: 3 };

t.test('a tunnel opened: the ordinary 200 adds nothing; an unusual one is shown beside the check that decided', async (t) => {
  const plain = classifyTunnel({ status: 200, statusText: 'Connection established', headers: {}, read: READ }, HTTP_OK);
  t.match(plain, { status: 'ok', evidence: { stage: 'http' } });
  t.notOk(plain.evidence.proxy, 'HTTP/1.1 200 with CRLF: nothing to say');
  const interim = classifyTunnel({ status: 200, statusText: 'Connection established', headers: {}, read: { ...READ, interim: [100] } }, HTTP_OK);
  t.match(interim, { status: 'ok', evidence: { stage: 'http', proxy: { status: 200, read: { interim: [100] } } } }, '100 Continue before the 200: ok, and shown');
  const lf = classifyTunnel({ status: 200, statusText: 'Connection established', headers: {}, read: { ...READ, version: 'HTTP/1.0', lineEnds: 'lf' } }, HTTP_OK);
  t.match(lf, { status: 'ok', evidence: { proxy: { read: { version: 'HTTP/1.0', lineEnds: 'lf' } } } }, 'a bare-LF HTTP/1.0 200: ok, and shown');
  const again = classifyTunnel({ status: 200, statusText: 'Connection established', headers: {}, read: READ, scheme: 'ntlm', credentialsSent: true, reconnected: ['its 407 left the connection unusable (it answered HTTP/1.0 without keep-alive)'] }, HTTP_OK);
  t.match(again, { status: 'ok', evidence: { proxyAuth: 'ntlm', proxy: { reconnected: [/HTTP\/1\.0 without keep-alive/] } } }, 'signed in on a new connection: ok, and said how');
});

t.test('no final answer: each way the proxy failed to answer, in its own words', async (t) => {
  t.match(classifyTunnel({ outcome: 'closed' }), { status: 'blocked', reason: 'reset', evidence: { stage: 'proxy', why: 'the proxy closed the connection without answering the CONNECT request' } });
  t.match(classifyTunnel({ outcome: 'closed', read: { ...READ, framing: 'no-body', complete: false, interim: [100] } }).evidence.why,
    'the proxy closed the connection after only an interim answer (100), with no final answer to the CONNECT request', 'an interim answer is not called a refusal, nor silence');
  t.match(classifyTunnel({ outcome: 'timeout', read: { ...READ, complete: false } }), { status: 'timeout', reason: 'no-answer', evidence: { why: /the proxy's answer to the CONNECT request stopped in the middle of its answer and did not finish within 12 ms/ } });
  t.match(classifyTunnel({ outcome: 'timeout' }).evidence.why, 'the proxy did not answer the CONNECT request within 12 ms');
  t.match(classifyTunnel({ outcome: 'failed', code: 'ECONNRESET', reconnected: ['the connection kept open after its 407 was reset (ECONNRESET) before the next answer'] }), {
    status: 'blocked', reason: 'reset', evidence: { code: 'ECONNRESET', why: /reset the connection instead of answering the CONNECT request \(asked again on a new connection: the connection kept open after its 407 was reset/ },
  }, 'a reset on the new connection too: said that it was asked again');
  t.match(classifyTunnel({ outcome: 'failed', code: 'ECONNREFUSED', reconnectFailed: true, reconnected: ['its 407 left the connection unusable (it closed the connection)'] }), {
    status: 'blocked', reason: 'refused', evidence: { code: 'ECONNREFUSED', why: /^its 407 left the connection unusable \(it closed the connection\), and a new connection to the proxy failed: the connection was refused/ },
  }, 'the proxy answered; the new connection to it is what failed');
  t.match(classifyTunnel({ outcome: 'timeout', reconnectFailed: true, reconnected: ['its 407 left the connection unusable (it closed the connection)'] }), { status: 'timeout', reason: 'no-answer', evidence: { why: /and a new connection to the proxy went unanswered$/ } });
  t.match(classifyTunnel({ outcome: 'closed', scheme: 'ntlm', credentialsSent: true, authProblem: 'the proxy closed the connection after its NTLM challenge, without answering the Authenticate message: NTLM needs the whole handshake on one connection' }), {
    status: 'blocked', reason: 'proxy-auth-required', evidence: { proxyAuth: 'ntlm', why: /^the proxy offers NTLM, but the handshake could not finish: the proxy closed the connection after its NTLM challenge/ },
  }, 'NTLM broken across connections: an authentication problem, said plainly');
});

t.test('an answer that is not HTTP is no path: its bytes shown, a TLS record named', async (t) => {
  const tls = classifyTunnel({ outcome: 'not-http', reply: '\\x15\\x03\\x03\\x00\\x02\\x02(', read: { framing: 'not-http', version: null, lineEnds: null, bytes: 7, complete: true, truncated: false } });
  t.match(tls, { status: 'blocked', reason: 'proxy-denied', evidence: { stage: 'proxy', why: /in HTTP \(a TLS record: it wants TLS, an HTTPS proxy/, proxy: { status: 0, reply: '\\x15\\x03\\x03\\x00\\x02\\x02(' } } });
  const ssh = classifyTunnel({ outcome: 'not-http', reply: 'SSH-2.0-OpenSSH_9.6\\x0d' });
  t.match(ssh, { status: 'blocked', reason: 'proxy-denied', evidence: { why: /did not answer the CONNECT request in HTTP: it sent SSH-2\.0-OpenSSH_9\.6/ } });
  t.notMatch(ssh.evidence.why, /TLS/);
});

t.test('answers keep their meaning, with how they were read', async (t) => {
  const denied = classifyTunnel({ status: 403, statusText: 'Forbidden', headers: {}, read: { ...READ, framing: 'until-close', version: 'HTTP/1.0', lineEnds: 'lf', complete: false } });
  t.match(denied, { status: 'blocked', reason: 'proxy-denied', evidence: { proxy: { status: 403, read: { framing: 'until-close', lineEnds: 'lf' } } } });
  t.match(classifyTunnel({ status: 407, headers: { 'proxy-authenticate': 'Basic realm="x"' }, credentialsSent: true, scheme: 'basic' }).evidence.why, /rejected the credentials given with Basic/);
});
