// Interception and proxies, the pure parts: HTTP heads, proxy signs, proxy settings, chain trust,
// classification of every stage, the canary, and the verdict. No sockets; addresses are parsed only.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { canary } from '../../src/canary.js';
import { classify } from '../../src/classify.js';
import { interceptionSigns } from '../../src/data/proxy-signs.js';
import { escapeText, parseResponseHead } from '../../src/http-head.js';
import { parseProxy, proxyRoutes, redactUrl } from '../../src/proxy-settings.js';
import { SummaryBuilder } from '../../src/summary.js';
import { anchorOf, judgeChain, oneLineName, parsePemBundle } from '../../src/trust.js';
import { decideVerdict } from '../../src/verdict.js';
import { parseRange } from '../../src/ranges.js';
import type { Attempt, TcpObservation, Trace } from '../../src/types.js';
import { UsageError } from '../../src/errors.js';
import { makeLabPki } from '../helpers/pki.js';

const CONNECTED: TcpObservation = { kind: 'tcp', outcome: 'connected', elapsedMs: 0.4, localAddress: '127.0.0.1', localPort: 40000 };
const SECRET = 'Unit-S3cret-91b';

t.test('http-head.ts', async (t) => {
  const head = parseResponseHead(Buffer.from('HTTP/1.1 403 Forbidden\r\nServer: squid/5.7\r\nVia: 1.1 a\r\nvia: 1.1 b\r\nX-Evil: \x1b[31mred\r\n\r\nbody'));
  t.ok(head);
  t.equal(head!.status, 403);
  t.equal(head!.statusText, 'Forbidden');
  t.equal(head!.headers.server, 'squid/5.7');
  t.equal(head!.headers.via, '1.1 a, 1.1 b', 'repeated headers are joined');
  t.equal(head!.headers['x-evil'], '\\x1b[31mred', 'terminal escapes from the network are never passed through');
  t.equal(parseResponseHead(Buffer.from('HTTP/1.1 200 OK\r\nServer: x\r\n')), null, 'a head cut short is not a head');
  t.equal(parseResponseHead(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), null);
  t.equal(escapeText('a'.repeat(300), 10), 'aaaaaaaaaa…');
});

t.test('proxy-signs.ts', async (t) => {
  t.same(interceptionSigns(301, { location: 'https://www.gotomypc.com/' }, ''), [], 'GoTo redirecting to its HTTPS site is no sign');
  t.same(interceptionSigns(200, { server: 'nginx' }, 'Privacy policy'), [], "a 200 page that says 'policy' is no sign");
  t.match(interceptionSigns(503, { via: '1.1 lab (squid/5.7)', 'x-squid-error': 'ERR_CONNECT_FAIL 111' }, ''), ['Via: 1.1 lab (squid/5.7)', 'X-Squid-Error: ERR_CONNECT_FAIL 111']);
  t.match(interceptionSigns(200, { server: 'Zscaler/6.2' }, ''), ['Server: Zscaler/6.2']);
  t.match(interceptionSigns(511, {}, ''), [/captive portal/]);
  t.match(interceptionSigns(302, { location: 'http://login.hotel-wifi.example/' }, ''), [/redirect away from GoTo to login.hotel-wifi.example/]);
  t.same(interceptionSigns(302, { location: '/login' }, ''), [], 'a relative redirect stays on the same server');
  t.match(interceptionSigns(403, {}, '<h1>Access Denied</h1> by web filter'), ['403 with a block page']);
  t.match(interceptionSigns(200, { 'proxy-connection': 'close' }, ''), ['Proxy-Connection: close']);
});

t.test('proxy-settings.ts', async (t) => {
  t.equal(redactUrl(`http://alice:${SECRET}@127.0.0.1:3128`), 'http://alice:***@127.0.0.1:3128');
  t.equal(redactUrl('http://127.0.0.1:3128'), 'http://127.0.0.1:3128');

  const p = parseProxy(`http://alice:${encodeURIComponent(SECRET)}@127.0.0.1:3128`, 'HTTPS_PROXY', null);
  t.equal(p.host, '127.0.0.1');
  t.equal(p.port, 3128);
  t.equal(p.authorization(), `Basic ${Buffer.from(`alice:${SECRET}`).toString('base64')}`);
  t.notMatch(JSON.stringify(p), SECRET, 'a Proxy serialises without its credentials');
  t.notMatch(JSON.stringify(p), Buffer.from(`alice:${SECRET}`).toString('base64'));
  t.equal(p.info.url, 'http://alice:***@127.0.0.1:3128');

  const flagged = parseProxy('127.0.0.1:3130', '--proxy', `bob:${SECRET}:with:colons`);
  t.equal(flagged.authorization(), `Basic ${Buffer.from(`bob:${SECRET}:with:colons`).toString('base64')}`, '--proxy-user splits at the first colon');
  t.equal(flagged.info.url, 'http://bob:***@127.0.0.1:3130', 'no scheme means http://');
  t.equal(parseProxy('http://[::1]:8080', '--proxy', null).host, '::1');
  t.equal(parseProxy('http://localhost', '--proxy', null).port, 80);

  for (const bad of ['https://127.0.0.1:3128', 'socks5://127.0.0.1:1080', 'http://127.0.0.1:3128/path', `http://u:${SECRET}@exa mple:1`]) {
    const err = t.throws(() => parseProxy(bad, 'HTTPS_PROXY', null)) as unknown;
    t.ok(err instanceof UsageError, bad);
    t.notMatch((err as Error).message, SECRET, 'the error never shows the password');
    t.match((err as Error).message, 'HTTPS_PROXY', 'the error names where the value came from');
  }

  const env = { https_proxy: 'http://127.0.0.1:3128', HTTPS_PROXY: 'http://127.0.0.9:1', HTTP_PROXY: 'http://127.0.0.2:3128', NO_PROXY: '127.0.0.5, 127.0.1.0/24, 127.0.0.6:8200, [::1], .example.com' };
  const routes = proxyRoutes({ proxy: null, proxyUser: null }, env);
  t.equal(routes.settings.https?.source, 'https_proxy', 'lower case wins, as in curl');
  t.equal(routes.settings.http?.source, 'HTTP_PROXY');
  t.equal(routes.proxyFor('127.0.0.1', 80)?.port, 3128);
  t.equal(routes.proxyFor('127.0.0.1', 80)?.host, '127.0.0.2', 'port 80 uses the HTTP proxy');
  t.equal(routes.proxyFor('127.0.0.1', 8200)?.host, '127.0.0.1', 'other ports use the HTTPS proxy');
  t.equal(routes.proxyFor('127.0.0.5', 443), null, 'NO_PROXY address');
  t.equal(routes.proxyFor('127.0.1.77', 443), null, 'NO_PROXY CIDR');
  t.equal(routes.proxyFor('127.0.0.6', 8200), null, 'NO_PROXY address:port');
  t.not(routes.proxyFor('127.0.0.6', 443), null, 'only on that port');
  t.equal(routes.proxyFor('::1', 443), null, 'NO_PROXY [IPv6]');
  t.equal(routes.proxies.length, 2);
  // A --ranges-url download goes to a name: NO_PROXY's names apply to it, as curl reads them.
  t.equal(routes.proxyForHost('lists.example.com', 443), null, 'NO_PROXY .example.com covers a subdomain');
  t.equal(routes.proxyForHost('example.com', 443), null, 'and the name itself');
  t.equal(routes.proxyForHost('notexample.com', 443)?.host, '127.0.0.1', 'but not a name that only ends the same');
  t.equal(routes.proxyForHost('127.0.0.5', 443), null, 'an address goes by the address rules');
  t.equal(routes.proxyForHost('[::1]', 443), null, 'a bracketed IPv6 host too');
  t.equal(proxyRoutes({ proxy: null, proxyUser: null }, { HTTPS_PROXY: 'http://127.0.0.1:1', NO_PROXY: '*' }).proxyFor('127.0.0.1', 443), null, 'NO_PROXY=*');
  t.equal(proxyRoutes({ proxy: null, proxyUser: null }, { HTTPS_PROXY: 'http://127.0.0.1:1', NO_PROXY: '*' }).proxyForHost('lists.example.com', 443), null, 'NO_PROXY=* for names');
  const all = proxyRoutes({ proxy: 'http://127.0.0.1:3128', proxyUser: null }, env);
  t.equal(all.proxyFor('127.0.0.1', 80)?.info.source, '--proxy', '--proxy beats the environment');
  t.equal(all.proxies.length, 1);
  t.throws(() => proxyRoutes({ proxy: null, proxyUser: 'a:b' }, {}), { exitCode: 64 }, '--proxy-user without a proxy');
});

t.test('trust.ts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-unit-pki-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const pki = makeLabPki(dir);
  const chainOf = (name: 'goto' | 'inspect' | 'zscaler' | 'extra'): X509Certificate[] => parsePemBundle(readFileSync(pki.chains[name].chain, 'utf8'));
  const rootOf = (name: 'goto' | 'inspect' | 'zscaler' | 'extra') => ({ cert: parsePemBundle(readFileSync(pki.chains[name].root, 'utf8'))[0]!, source: name });

  t.equal(chainOf('zscaler').length, 2, 'leaf and intermediate');
  t.equal(anchorOf(chainOf('zscaler'), [rootOf('zscaler')])?.source, 'zscaler', 'through the intermediate to the root');
  t.equal(anchorOf(chainOf('extra'), [rootOf('goto'), rootOf('extra')])?.source, 'extra');
  t.equal(anchorOf(chainOf('inspect'), [rootOf('goto'), rootOf('extra')]), null, 'no root among these');
  t.equal(anchorOf([chainOf('goto')[0]!, chainOf('zscaler')[1]!], [rootOf('zscaler')]), null, 'a chain whose links do not sign each other anchors nowhere');
  t.equal(anchorOf([rootOf('extra').cert], [rootOf('extra')])?.source, 'extra', 'a presented root that is itself trusted');

  t.same(judgeChain(true, chainOf('inspect'), () => { throw new Error('not consulted'); }), { trust: 'public' }, 'public chains never read local roots');
  t.same(judgeChain(false, chainOf('extra'), () => [rootOf('extra')]), { trust: 'extra-root', extraRoot: { subject: 'CN=Contoso Corporate Root CA, O=Contoso Ltd', source: 'extra' } });
  t.same(judgeChain(false, chainOf('inspect'), () => [rootOf('extra')]), { trust: 'untrusted' });
  t.equal(oneLineName('C=US\nO=DigiCert Inc\nCN=DigiCert Global Root G2'), 'CN=DigiCert Global Root G2, O=DigiCert Inc, C=US');
});

const trace = (extra: Partial<Trace>): Trace => ({ path: 'direct', connect: CONNECTED, ...extra });

t.test('classify: proxy stage', async (t) => {
  const answered = (status: number, headers: Record<string, string> = {}, credentialsSent = false) =>
    classify(trace({ path: 'proxy', proxy: { kind: 'proxy', outcome: 'answered', status, statusText: 'x', headers, credentialsSent, elapsedMs: 1 } }));
  t.match(answered(403, { 'x-squid-error': 'ERR_ACCESS_DENIED 0' }), { status: 'blocked', reason: 'proxy-denied', evidence: { stage: 'proxy', proxy: { status: 403 } } });
  const auth = answered(407, { 'proxy-authenticate': 'Basic realm="lab"' });
  t.match(auth, { status: 'blocked', reason: 'proxy-auth-required' });
  t.match(auth.evidence.why, 'Basic realm="lab"', 'the offered schemes are the evidence');
  t.match(answered(407, {}, true).evidence.why, 'rejected the credentials');
  t.match(answered(503, { 'x-squid-error': 'ERR_CONNECT_FAIL 111' }), { status: 'blocked', reason: 'unreachable' });
  t.match(answered(504), { status: 'timeout', reason: 'no-answer' });
  t.match(answered(405), { status: 'blocked', reason: 'proxy-denied' });
  t.match(answered(200), { status: 'ok', reason: 'connected' }, 'a tunnel with nothing after it is ok');
  t.match(classify(trace({ path: 'proxy', proxy: { kind: 'proxy', outcome: 'closed', credentialsSent: false, elapsedMs: 1 } })), { status: 'blocked', reason: 'reset' });
  t.match(classify(trace({ path: 'proxy', connect: { kind: 'tcp', outcome: 'failed', code: 'ECONNREFUSED', elapsedMs: 1 } })), {
    status: 'blocked', reason: 'refused', evidence: { why: /could not reach the proxy/ },
  });
});

t.test('classify: http, tls and 8200 stages', async (t) => {
  const http = (status: number, headers: Record<string, string>, body = '') =>
    classify(trace({ app: { kind: 'http', outcome: 'answered', status, statusText: '', headers, body, bytes: 100, elapsedMs: 2 } }));
  t.match(http(301, { location: 'https://www.gotomypc.com/' }), { status: 'ok', reason: 'connected', evidence: { stage: 'http', local: '127.0.0.1:40000' } });
  t.match(http(503, { via: '1.1 lab (squid/5.7)' }), { status: 'intercepted', reason: 'http-proxy', evidence: { http: { headers: { via: '1.1 lab (squid/5.7)' } } } });
  t.match(classify(trace({ app: { kind: 'http', outcome: 'timeout', bytes: 0, elapsedMs: 3000 } })), { status: 'timeout', reason: 'no-answer', evidence: { stage: 'http' } });
  t.match(classify(trace({ app: { kind: 'http', outcome: 'failed', code: 'ECONNRESET', bytes: 0, elapsedMs: 1 } })), { status: 'blocked', reason: 'reset' });
  t.match(classify(trace({ app: { kind: 'http', outcome: 'closed', bytes: 0, elapsedMs: 1 } })), { status: 'ok' });

  const chain = [
    { subject: 'CN=www.gotomypc.com', issuer: 'CN=Zscaler Intermediate Root CA (zscaler.net), O=Zscaler Inc.', sha256: 'AA', validFrom: '', validTo: '' },
    { subject: 'CN=Zscaler Intermediate Root CA (zscaler.net), O=Zscaler Inc.', issuer: 'CN=Zscaler Root CA, O=Zscaler Inc.', sha256: 'BB', validFrom: '', validTo: '' },
  ];
  const tls = (trust: 'public' | 'extra-root' | 'untrusted', extra = {}) =>
    classify(trace({ app: { kind: 'tls', outcome: 'handshake', servername: 'www.gotomypc.com', protocol: 'TLSv1.3', chain, trust, elapsedMs: 5, ...extra } }));
  t.match(tls('public'), { status: 'ok', reason: 'connected' });
  const z = tls('untrusted', { verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
  t.match(z, { status: 'intercepted', reason: 'tls-inspection', evidence: { tls: { product: 'Zscaler Internet Access', verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' } } });
  t.match(z.evidence.why, 'issued by CN=Zscaler Intermediate Root CA');
  t.match(tls('extra-root', { extraRoot: { subject: 'CN=Zscaler Root CA', source: 'NODE_EXTRA_CA_CERTS' } }).evidence.why, 'trusted only through a root added on this machine');
  const tlsFail = (outcome: 'failed' | 'closed' | 'timeout', code?: string) =>
    classify(trace({ app: { kind: 'tls', outcome, servername: 'x', ...(code ? { code, message: 'm' } : {}), elapsedMs: 1 } }));
  t.match(tlsFail('failed', 'ECONNRESET'), { status: 'blocked', reason: 'reset', evidence: { stage: 'tls' } });
  t.match(tlsFail('closed'), { status: 'blocked', reason: 'reset' });
  t.match(tlsFail('failed', 'ERR_SSL_WRONG_VERSION_NUMBER'), { status: 'blocked', reason: 'tls-failed' });
  t.match(tlsFail('timeout'), { status: 'timeout', reason: 'no-answer', evidence: { stage: 'tls' } });
  t.match(tlsFail('failed', 'EMFILE'), { status: 'error', reason: 'resource-exhausted' }, 'a local fault in the TLS stage is still a local fault');

  const service = (extra: object) => classify(trace({ app: { kind: 'service', elapsedMs: 1000, ...extra } as never }));
  t.match(service({ outcome: 'quiet' }), { status: 'ok', evidence: { stage: 'service' } });
  t.match(service({ outcome: 'answered', status: 200, headers: { server: 'lab-http' }, reply: 'HTTP/1.1 200 OK' }), { status: 'intercepted', reason: 'http-proxy', evidence: { service: { reply: 'HTTP/1.1 200 OK' } } });
  t.match(service({ outcome: 'answered', unsolicited: 'hello' }), { status: 'ok' });
  t.match(service({ outcome: 'failed', code: 'ECONNRESET' }), { status: 'blocked', reason: 'reset' });
});

t.test('canary.ts', async (t) => {
  t.same(canary(5, 5, [0.2, 0.3, 0.25, 0.4, 0.3], 5, true), { kind: 'canary', addresses: 5, connectMs: { min: 0.2, median: 0.3, max: 0.4 }, otherPortsSilent: true });
  t.equal(canary(5, 5, [0.2, 0.3, 0.25, 0.4, 0.3], 5, null)?.otherPortsSilent, null, 'one port tested: the other-ports test is unknown, not failed');
  t.equal(canary(2, 2, [0.2, 0.3], 2, true), null, 'two addresses are too few');
  t.equal(canary(6, 5, [0.2, 0.3, 0.25, 0.4, 0.3], 5, true), null, 'one address answered: real servers are there');
  t.equal(canary(5, 5, [0.2, 0.3, 0.25, 0.4, 0.3], 5, false), null, 'the addresses answer on another port');
  t.equal(canary(4, 4, [20, 25, 30, 22], 4, true), null, 'internet-far handshakes are not a local middlebox');
  t.equal(canary(4, 4, [11, 25, 30, 22], 4, true), null, 'not even one handshake as fast as the local network');
  t.equal(canary(4, 4, [0.5, 0.6, 80, 0.7], 4, true), null, 'handshake times too different');
  t.not(canary(4, 4, [0.4, 30, 12, 0.9], 4, true), null, 'a busy event loop delays some handshakes; the fastest still shows the middlebox is near');
  t.not(canary(4, 4, [0.3, 6.8, 5.6, 1.1], 4, true), null, 'start-up jitter of a few ms still looks alike');
});

t.test('summary and verdict with interception', async (t) => {
  const range = parseRange('127.0.0.0/24', { source: 'file', status: 'current' })!;
  const attempt = (ip: string, port: number, c: ReturnType<typeof classify>, connectMs: number | null = 0.3): Attempt =>
    ({ ip, port, range: range.cidr, path: 'direct', ms: 1, connectMs, ...c });
  const silentHttp = classify(trace({ app: { kind: 'http', outcome: 'timeout', bytes: 0, elapsedMs: 500 } }));
  const refused = classify(trace({ connect: { kind: 'tcp', outcome: 'failed', code: 'ECONNREFUSED', elapsedMs: 0.1 } }));

  const b = new SummaryBuilder([range], [80, 443]);
  for (const ip of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']) {
    b.add(attempt(ip, 80, silentHttp));
    b.add(attempt(ip, 443, refused, null));
  }
  const s = b.summary();
  t.equal(s.ports[0]!.state, 'intercepted', 'the canary turns silent handshakes into an intercepted port');
  t.equal(s.findings.length, 1);
  t.match(s.findings[0], { port: 80, reason: 'http-proxy', evidence: { kind: 'canary', addresses: 4, otherPortsSilent: true } });
  const v = decideVerdict(s, null);
  t.equal(v.status, 'blocked', '443 refused everywhere still blocks');
  t.match(v.text, 'Also: Something in the path accepts every connection on port 80');
  t.match(v.advice.map((a) => a.text).join('\n'), 'accepts connections on port 80 itself');

  const inspect = classify(trace({ app: { kind: 'tls', outcome: 'handshake', servername: 'x', trust: 'untrusted', chain: [{ subject: 'CN=www.gotomypc.com', issuer: 'CN=Norton Web/Mail Shield Root', sha256: 'AA', validFrom: '', validTo: '' }], elapsedMs: 3 } }));
  const ok = classify(trace({}));
  const b2 = new SummaryBuilder([range], [443, 8200]);
  b2.add(attempt('127.0.0.2', 443, inspect));
  b2.add(attempt('127.0.0.2', 8200, ok));
  const v2 = decideVerdict(b2.summary(), 'host');
  t.equal(v2.status, 'intercepted');
  t.equal(v2.exitCode, 4);
  t.equal(v2.text, "Something on this network inspects HTTPS: the certificate for 443 was issued by CN=Norton Web/Mail Shield Root (Norton 360), not by GoTo's CA.");
  t.match(v2.advice[0]!.text, /^Norton 360 on this PC inspects HTTPS.*Norton Transaction Protection/);

  const b3 = new SummaryBuilder([range], [80, 8200]);
  b3.add(attempt('127.0.0.2', 80, classify(trace({ app: { kind: 'http', outcome: 'answered', status: 503, statusText: '', headers: { via: '1.1 lab (squid/5.7)', 'x-squid-error': 'ERR_CONNECT_FAIL 111' }, bytes: 9, elapsedMs: 1 } }))));
  b3.add(attempt('127.0.0.2', 8200, classify(trace({ app: { kind: 'service', outcome: 'answered', status: 200, headers: { server: 'lab-http' }, reply: 'HTTP/1.1 200 OK', elapsedMs: 1 } }))));
  t.same(b3.summary().findings.map((f) => f.text), [
    'A web proxy or filter answers port 80 in place of the GoTo servers (Via: 1.1 lab (squid/5.7); X-Squid-Error: ERR_CONNECT_FAIL 111).',
    'An HTTP server or proxy answers port 8200 in place of the GoToMyPC service (HTTP 200, Server: lab-http).',
  ], 'findings name the signs, whatever the stage');
});
