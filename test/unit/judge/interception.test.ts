// Interception and proxies, the pure parts: HTTP heads, proxy signs, proxy settings, chain trust,
// classification of every stage, the canary, and the verdict. No sockets; addresses are parsed only.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { UsageError } from '../../../src/core/errors.js';
import { escapeText } from '../../../src/core/escape.js';
import { readResponse } from '../../../src/core/http-response.js';
import type { Attempt, ChainTrust, TcpObservation, TlsObservation, Trace } from '../../../src/core/types.js';
import { isGotoHost, readHttpAnswer } from '../../../src/data/http-signs.js';
import { canary } from '../../../src/judge/canary.js';
import { classify } from '../../../src/judge/classify.js';
import { SummaryBuilder } from '../../../src/judge/summary.js';
import { anchorOf, oneLineName, trustOfChain } from '../../../src/judge/trust.js';
import { decideVerdict } from '../../../src/judge/verdict.js';
import { parseProxy, proxyRoutes, redactUrl } from '../../../src/pc/proxy-settings.js';
import { parsePemBundle } from '../../../src/pc/trust-store.js';
import { parseRange } from '../../../src/targets/ranges.js';
import { makeLabPki } from '../../helpers/pki.js';

const CONNECTED: TcpObservation = { kind: 'tcp', outcome: 'connected', elapsedMs: 0.4, localAddress: '127.0.0.1', localPort: 40000 };
const SECRET = 'Unit-S3cret-91b';

t.test('the reader keeps escapes from the network out of headers', async (t) => {
  const head = readResponse(Buffer.from('HTTP/1.1 403 Forbidden\r\nServer: squid/5.7\r\nVia: 1.1 a\r\nvia: 1.1 b\r\nX-Evil: \x1b[31mred\r\n\r\nbody'), { headBytes: 4096, bodyBytes: 4096 }, { ended: true });
  t.equal(head?.status, 403);
  t.equal(head?.statusText, 'Forbidden');
  t.equal(head?.headers.via, '1.1 a, 1.1 b', 'repeated headers are joined');
  t.equal(head?.headers['x-evil'], '\\x1b[31mred', 'terminal escapes from the network are never passed through');
  t.equal(escapeText('a'.repeat(300), 10), 'aaaaaaaaaa…');
});

t.test('http-signs.ts: an answer is the server\'s unless a middlebox signed it', async (t) => {
  const asked = { host: 'www.gotomypc.com', ip: '192.0.2.7' };
  const read = (status: number, headers: Record<string, string>, text = '', to = asked) => readHttpAnswer({ status, headers, text }, to);
  t.match(read(301, { location: 'https://www.gotomypc.com/' }), { signs: [], possible: [], goto: 'a redirect to https on www.gotomypc.com' }, 'GoTo redirecting to its HTTPS site');
  t.match(read(301, { location: 'https://192.0.2.7/' }, '', { host: '192.0.2.7', ip: '192.0.2.7' }), { signs: [], goto: /on 192\.0\.2\.7/ }, 'a redirect to the address asked for');
  t.match(read(302, { location: 'https://www.logmein.eu/x' }), { signs: [], goto: /logmein\.eu/ }, 'any GoTo brand');
  t.match(read(302, { location: 'https://gotomeet.me/' }), { signs: [], goto: /gotomeet\.me/ });
  t.match(read(302, { location: 'https://d111.cloudfront.net/a' }), { signs: [], goto: /CDN host/ });
  t.same(read(302, { location: '/login' }).signs, [], 'a relative redirect stays on the same server');
  t.match(read(301, { location: 'https://www.gotomypc.com/', via: '1.1 5f3a.cloudfront.net (CloudFront)', 'x-cache': 'Miss from cloudfront', 'x-amz-cf-pop': 'FRA56-P1' }), { signs: [], possible: [] }, "CloudFront's headers belong to the server");
  t.match(read(302, { location: 'https://www.gotomypc.com/', via: '1.1 varnish', 'x-served-by': 'cache-fra', 'x-cache': 'HIT' }), { signs: [], possible: [] }, "Fastly's too");
  t.match(read(200, { server: 'AkamaiGHost' }, '<html>'), { signs: [], possible: [], goto: null }, "and Akamai's: answered, not recognised");
  t.match(read(403, { server: 'cloudflare', 'cf-ray': '8d2f' }, 'Direct IP access not allowed | Cloudflare'), { signs: [], possible: [] }, "Cloudflare's 403 for a request by address is the CDN's, not a filter's");
  t.same(read(200, { server: 'nginx' }, 'Privacy policy').signs, [], "a 200 page that says 'policy' is no sign");

  t.same(read(503, { via: '1.1 lab (squid/5.7)', 'x-squid-error': 'ERR_CONNECT_FAIL 111' }).signs, ['X-Squid-Error: ERR_CONNECT_FAIL 111', 'Via: 1.1 lab (squid/5.7)']);
  t.same(read(200, { server: 'Zscaler/6.2' }).signs, ['Server: Zscaler/6.2']);
  t.same(read(200, { 'x-cache-lookup': 'MISS from proxy:3128' }).signs, ['X-Cache-Lookup: MISS from proxy:3128'], "squid's own cache header");
  t.same(read(200, { 'proxy-connection': 'close' }).signs, ['Proxy-Connection: close']);
  t.match(read(511, {}).signs, [/captive portal/]);
  t.match(read(302, { location: 'http://portal.hotel-wifi.example/login?u=1' }).signs, [/portal\.hotel-wifi\.example\/login.*portal or filter page/]);
  t.match(read(200, {}, '<h1>FortiGuard Web Filtering</h1> This page is blocked by policy').signs, [/^FortiGate block page \("FortiGuard Web Filtering"\)$/], "a vendor's block page, whatever the status");
  t.same(read(403, { server: 'Varnish' }, 'x').signs, [], 'a reverse proxy in front of the server is the server');

  const weak = read(302, { location: 'https://elsewhere.example/' });
  t.match(weak, { signs: [], possible: [/redirect to elsewhere\.example, neither GoTo nor a CDN/], goto: null }, 'a redirect to an unknown host is only possible');
  t.match(read(200, { via: '1.1 somebox' }).possible, [/Via: 1\.1 somebox \(an intermediary g2probe does not know\)/], 'an unknown Via is only possible');
  t.match(read(403, {}, '<h1>Access Denied</h1> by web filter'), { signs: [], possible: [/403 with a page that speaks of blocking/] }, 'a block page naming no vendor is only possible');
  t.match(read(400, {}, '400 Bad Request Cannot parse request\r\n'), { signs: [], goto: /Cannot parse request/ }, "GoTo's own 400 (nmap: GotoMeeting httpd)");
  t.ok(isGotoHost('poll.gotomypc.com') && isGotoHost('gotomypc.com') && !isGotoHost('notgotomypc.com') && !isGotoHost('gotomypc.com.evil.example'));
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
  const refused = ((): unknown => {
    try {
      proxyRoutes({ proxy: null, proxyUser: 'a:b' }, {});
    } catch (err) {
      return err;
    }
    return null;
  })();
  t.equal((refused as UsageError | null)?.exitCode, 64, '--proxy-user without a proxy');
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

  const roots = (publics: string[], extras: string[], givens: string[] = []) => ({
    publicRoots: () => publics.map((n) => rootOf(n as 'goto')),
    givenRoots: () => givens.map((n) => ({ ...rootOf(n as 'goto'), source: `--tls-roots ${n}.pem` })),
    extraRoots: () => extras.map((n) => rootOf(n as 'goto')),
  });
  const notConsulted = (): never => { throw new Error('not consulted'); };
  const never = { publicRoots: notConsulted, givenRoots: () => [], extraRoots: notConsulted };
  t.same(trustOfChain(true, chainOf('inspect'), never), { trust: 'public' }, "public chains never read this PC's roots");
  t.same(trustOfChain(false, chainOf('extra'), roots(['goto'], ['extra'])), { trust: 'extra-root', root: { subject: 'CN=Contoso Corporate Root CA, O=Contoso Ltd', source: 'extra' } });
  t.same(trustOfChain(false, chainOf('inspect'), roots(['goto'], ['extra'])), { trust: 'untrusted' });
  const expired = parsePemBundle(readFileSync(pki.chains.expired.chain, 'utf8'));
  t.same(trustOfChain(false, expired, { publicRoots: () => [rootOf('goto')], givenRoots: () => [], extraRoots: notConsulted }), { trust: 'public' }, 'an expired leaf under a public root is still publicly issued: not inspection');
  // OpenSSL verifies with the public roots and --tls-roots together: a chain under the user's root is said as theirs.
  const given = trustOfChain(true, chainOf('goto'), { publicRoots: notConsulted, givenRoots: () => roots([], [], ['goto']).givenRoots(), extraRoots: notConsulted });
  t.match(given, { trust: 'given-root', root: { source: '--tls-roots goto.pem' } }, 'a chain under a root given with --tls-roots is the user\'s, not public');
  t.same(trustOfChain(true, chainOf('inspect'), roots([], [], ['goto'])), { trust: 'public' }, 'a chain the given roots do not anchor stays OpenSSL\'s: public');
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
    status: 'blocked', reason: 'proxy-unreachable', evidence: { why: /could not reach the proxy: the connection was refused/, code: 'ECONNREFUSED' },
  }, 'a proxy that is not there: said as the proxy, never as the port');
  t.match(classify(trace({ path: 'proxy', connect: { kind: 'tcp', outcome: 'timeout', elapsedMs: 1000 } })), { status: 'blocked', reason: 'proxy-unreachable', evidence: { why: /could not reach the proxy: no answer/ } });
  t.match(classify(trace({ path: 'proxy', connect: { kind: 'tcp', outcome: 'failed', code: 'EMFILE', elapsedMs: 1 } })), { status: 'error', reason: 'resource-exhausted' }, 'a fault of this PC stays one');
});

t.test('classify: http, tls and 8200 stages', async (t) => {
  const REQ = { request: 'GET / (Host: www.gotomypc.com)', host: 'www.gotomypc.com' };
  const http = (status: number, headers: Record<string, string>, body = '') =>
    classify(trace({ app: { kind: 'http', outcome: 'answered', ...REQ, status, statusText: '', headers, body, text: '', bytes: 100, elapsedMs: 2 } }));
  t.match(http(301, { location: 'https://www.gotomypc.com/' }), { status: 'ok', reason: 'connected', evidence: { stage: 'http', local: '127.0.0.1:40000', recognised: true } });
  t.match(http(200, { server: 'AkamaiGHost' }), { status: 'ok', evidence: { recognised: false, why: /answered, not recognised/ } }, 'neither GoTo\'s shape nor a middlebox\'s: ok, and said so');
  t.match(http(503, { via: '1.1 lab (squid/5.7)' }), { status: 'intercepted', reason: 'http-proxy', evidence: { http: { headers: { via: '1.1 lab (squid/5.7)' } }, signs: ['Via: 1.1 lab (squid/5.7)'] } });
  t.match(http(302, { location: 'https://elsewhere.example/' }), { status: 'ok', evidence: { possible: [/elsewhere\.example/] } }, 'a weak sign is reported, never decisive');
  t.match(classify(trace({ app: { kind: 'http', outcome: 'timeout', ...REQ, bytes: 0, elapsedMs: 3000 } })), { status: 'timeout', reason: 'no-answer', evidence: { stage: 'http' } });
  t.match(classify(trace({ app: { kind: 'http', outcome: 'failed', ...REQ, code: 'ECONNRESET', bytes: 0, elapsedMs: 1 } })), { status: 'blocked', reason: 'reset' });
  t.match(classify(trace({ app: { kind: 'http', outcome: 'closed', ...REQ, bytes: 0, elapsedMs: 1 } })), { status: 'ok' });

  const chain = [
    { subject: 'CN=www.gotomypc.com', issuer: 'CN=Zscaler Intermediate Root CA (zscaler.net), O=Zscaler Inc.', sha256: 'AA', validFrom: '', validTo: '' },
    { subject: 'CN=Zscaler Intermediate Root CA (zscaler.net), O=Zscaler Inc.', issuer: 'CN=Zscaler Root CA, O=Zscaler Inc.', sha256: 'BB', validFrom: '', validTo: '' },
  ];
  const tls = (trust: ChainTrust, extra = {}, expected = true) =>
    classify(trace({ app: { kind: 'tls', outcome: 'handshake', servername: 'www.gotomypc.com', protocol: 'TLSv1.3', chain, names: [], trust, elapsedMs: 5, ...extra } as TlsObservation }), { ip: '192.0.2.7', expected });
  t.match(tls('public', { nameMatches: true }), { status: 'ok', reason: 'connected', evidence: { recognised: true } });
  const other = tls('public', { names: ['*.cloudfront.net'], nameMatches: false, verifyError: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  t.match(other, { status: 'ok', evidence: { recognised: false, tls: { names: ['*.cloudfront.net'], nameMatches: false } } }, 'a public chain for another name is the server\'s own');
  t.match(other.evidence.why, /for \*\.cloudfront\.net, not www\.gotomypc\.com: a publicly issued certificate for another name is the server's own/);
  t.notMatch(other.evidence.why, /OpenSSL noted/, 'the name mismatch is said once, in words');
  t.match(tls('public', { verifyError: 'CERT_HAS_EXPIRED', nameMatches: true }).evidence.why, /OpenSSL noted CERT_HAS_EXPIRED/);
  const z = tls('untrusted', { verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
  t.match(z, { status: 'intercepted', reason: 'tls-inspection', evidence: { tls: { product: 'Zscaler Internet Access', verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' } } });
  t.match(z.evidence.why, 'issued by CN=Zscaler Intermediate Root CA');
  t.match(tls('untrusted', {}, false), { status: 'intercepted', evidence: { tls: { product: 'Zscaler Internet Access' } } }, 'a known inspection CA is inspection wherever it answers');
  const added = tls('extra-root', { root: { subject: 'CN=Zscaler Root CA', source: 'NODE_EXTRA_CA_CERTS' } });
  t.match(added.evidence.why, 'trusted only through a root added on this machine (CN=Zscaler Root CA from NODE_EXTRA_CA_CERTS)');
  t.same(added.evidence.tls?.extraRoot, { subject: 'CN=Zscaler Root CA', source: 'NODE_EXTRA_CA_CERTS' });
  const given = tls('given-root', { root: { subject: 'CN=Lab Root', source: '--tls-roots lab/root.pem' }, nameMatches: true });
  t.match(given, { status: 'ok', reason: 'connected', evidence: { recognised: true, tls: { trust: 'given-root', givenRoot: { subject: 'CN=Lab Root', source: '--tls-roots lab/root.pem' } } } }, 'a root the user gave vouches as a public one does');
  t.match(given.evidence.why, 'the chain leads to a root you gave (--tls-roots lab/root.pem: CN=Lab Root)');
  t.notMatch(given.evidence.why, /public/, 'and is never said to be public');
  t.notOk(given.evidence.tls?.product, 'nor looked up as an inspection product');
  const givenOther = tls('given-root', { root: { subject: 'CN=Lab Root', source: '--tls-roots lab/root.pem' }, names: ['other.example'], nameMatches: false });
  t.match(givenOther.evidence.why, /a certificate under a root you gave for another name is the server's own/);
  const selfSigned = [{ subject: 'CN=someone.example', issuer: 'CN=Someone Private CA', sha256: 'CC', validFrom: '', validTo: '' }];
  const private_ = (expected: boolean) => classify(trace({ app: { kind: 'tls', outcome: 'handshake', servername: 'www.gotomypc.com', protocol: 'TLSv1.3', chain: selfSigned, names: [], trust: 'untrusted', elapsedMs: 5 } }), { ip: '192.0.2.7', expected });
  t.match(private_(true), { status: 'intercepted', reason: 'tls-inspection' }, 'no public root where a GoTo server is expected: inspection');
  t.match(private_(false), { status: 'ok', evidence: { recognised: false, possible: [/possibly inspection/] } }, 'at an address only an old list names: possible, not judged');
  const tlsFail = (outcome: 'failed' | 'closed' | 'timeout', code?: string) =>
    classify(trace({ app: { kind: 'tls', outcome, servername: 'x', ...(code ? { code, message: 'm' } : {}), elapsedMs: 1 } as TlsObservation }));
  t.match(tlsFail('failed', 'ECONNRESET'), { status: 'blocked', reason: 'reset', evidence: { stage: 'tls' } });
  t.match(tlsFail('closed'), { status: 'blocked', reason: 'reset' });
  t.match(tlsFail('failed', 'ERR_SSL_WRONG_VERSION_NUMBER'), { status: 'blocked', reason: 'tls-failed' });
  t.match(tlsFail('timeout'), { status: 'timeout', reason: 'no-answer', evidence: { stage: 'tls' } });
  t.match(tlsFail('failed', 'EMFILE'), { status: 'error', reason: 'resource-exhausted' }, 'a local fault in the TLS stage is still a local fault');

  // An answer without a status line is status 0, with no headers, as checks/answer.ts makes it.
  const service = (extra: object) => classify(trace({ app: { kind: 'service', request: 'GET /Jedi?request=ping&jedi=100 (Host: www.gotomypc.com)', elapsedMs: 1000, status: 0, statusText: '', headers: {}, text: '', ...extra } as never }));
  t.match(service({ outcome: 'quiet' }), { status: 'ok', evidence: { stage: 'service', recognised: false } });
  t.match(service({ outcome: 'answered', status: 400, headers: { 'content-type': 'text/plain' }, body: '400 Bad Request Cannot parse request\\r\\n', text: '400 Bad Request Cannot parse request\r\n', reply: 'HTTP/1.0 400 Bad Request' }),
    { status: 'ok', evidence: { recognised: true, why: /^GoTo's service answered/ } }, "GoTo's 8200 service answers HTTP: that is no interception");
  t.match(service({ outcome: 'answered', status: 200, headers: { server: 'lab-http' }, reply: 'HTTP/1.1 200 OK' }), { status: 'ok', evidence: { recognised: false, why: /answered, not recognised/ } }, 'any HTTP answer without a middlebox sign is GoTo answering');
  t.match(service({ outcome: 'answered', status: 403, headers: {}, text: 'FortiGuard Intrusion Prevention - Access Blocked' }), { status: 'intercepted', reason: 'http-proxy', evidence: { signs: [/^FortiGate block page/], http: { product: 'FortiGate' } } }, "a firewall's block page on 8200");
  t.match(service({ outcome: 'answered', reply: '<title>Web Filter Violation</title>', text: '<title>Web Filter Violation</title><p>fortinet</p>' }), { status: 'intercepted', evidence: { http: { status: 0 }, signs: [/^FortiGate block page/] } }, 'a block page without a status line (HTTP/0.9)');
  t.match(service({ outcome: 'answered', status: 403, headers: { via: '1.1 gw (squid/6.1)' } }), { status: 'intercepted', reason: 'http-proxy' }, "a proxy's headers on 8200");
  t.match(service({ outcome: 'answered', unsolicited: 'SSH-2.0-x', text: 'SSH-2.0-x\r\n' }), { status: 'ok', evidence: { recognised: false, possible: [/^another service answered on 8200: it spoke before GoToMyPC's client had \(SSH-2\.0-x\)/], service: { unsolicited: 'SSH-2.0-x' } } }, 'bytes before GoToMyPC spoke: another service, possible');
  t.match(service({ outcome: 'answered', reply: '\\x15\\x03\\x01\\x00\\x02\\x02F', text: '\x15\x03\x01\x00\x02\x02F' }), { status: 'ok', evidence: { possible: [/^another service answered on 8200: it answered GET \/Jedi.* with bytes that are not HTTP/] } }, 'a TLS alert to the ping: another service');
  t.match(service({ outcome: 'answered', unsolicited: 'HTTP/1.1 200 OK', status: 200, headers: {}, text: 'hi' }), { status: 'ok', evidence: { recognised: false, possible: [/spoke before GoToMyPC's client had/] } }, 'HTTP before anything was sent is not GoTo\'s either');
  t.match(service({ outcome: 'failed', code: 'ECONNRESET' }), { status: 'blocked', reason: 'reset' });
});

t.test('classify: GoToMyPC-shaped exchange against a neutral one', async (t) => {
  const connect = CONNECTED;
  const neutralHttp = (extra: object): Trace['neutral'] => ({ connect, app: { kind: 'http', request: 'GET / (Host: 192.0.2.7)', host: '192.0.2.7', bytes: 10, elapsedMs: 2, text: '', ...extra } as never });
  const named = (extra: object): Trace['app'] => ({ kind: 'http', request: 'GET / (Host: poll.gotomypc.com)', host: 'poll.gotomypc.com', bytes: 0, elapsedMs: 1, ...extra } as never);
  const answered = { outcome: 'answered', status: 301, statusText: 'Moved', headers: { location: 'https://192.0.2.7/' } };

  const cut = classify(trace({ app: named({ outcome: 'failed', code: 'ECONNRESET' }), neutral: neutralHttp(answered) }), { ip: '192.0.2.7', expected: true });
  t.match(cut, {
    status: 'blocked', reason: 'app-filter', evidence: {
      stage: 'http', code: 'ECONNRESET',
      exchanges: { gotomypc: { sent: 'GET / (Host: poll.gotomypc.com)', outcome: 'reset', code: 'ECONNRESET' }, neutral: { sent: 'GET / (Host: 192.0.2.7)', outcome: 'answered', answer: 'HTTP 301 Moved' } },
    },
  }, 'reset with the name, answered without it: an application-aware filter, with both exchanges as evidence');
  t.match(cut.evidence.why, /carried GoToMyPC's Host \(poll\.gotomypc\.com\) was reset, while the same exchange without it was answered/);
  t.match(classify(trace({ app: named({ outcome: 'timeout' }), neutral: neutralHttp(answered) })), { reason: 'app-filter' }, 'on 80, unanswered with the name, answered without it: a filter that drops');
  t.match(classify(trace({ app: named({ outcome: 'failed', code: 'ECONNRESET' }), neutral: neutralHttp({ outcome: 'failed', code: 'ECONNRESET' }) })),
    { status: 'blocked', reason: 'reset', evidence: { exchanges: { neutral: { outcome: 'reset' } } } }, 'both cut: something cuts any request, not GoToMyPC\'s in particular');
  const squidAnswered = neutralHttp({ outcome: 'answered', status: 301, statusText: 'Moved', headers: { location: 'https://192.0.2.7/', via: '1.1 gw (squid/6.1)' } });
  t.match(classify(trace({ app: named({ outcome: 'timeout' }), neutral: squidAnswered }), { ip: '192.0.2.7', expected: true }),
    { status: 'intercepted', reason: 'http-proxy', evidence: { signs: ['Via: 1.1 gw (squid/6.1)'], exchanges: { gotomypc: { outcome: 'silent' } } } },
    'a transparent proxy slow to look up the name in Host, quick with an address, is the proxy, not a filter');
  t.match(classify(trace({ app: named({ outcome: 'timeout' }), neutral: { connect: { kind: 'tcp', outcome: 'timeout', elapsedMs: 900 } } })),
    { status: 'timeout', reason: 'no-answer', evidence: { exchanges: { neutral: { outcome: 'failed' } } } }, 'the neutral connection did not open: nothing to compare');

  const tlsNamed = { kind: 'tls', servername: 'www.gotomypc.com', outcome: 'failed', code: 'ECONNRESET', message: 'socket hang up', elapsedMs: 1 } as const;
  const tlsNeutral: Trace['neutral'] = { connect, app: { kind: 'tls', servername: null, outcome: 'handshake', protocol: 'TLSv1.3', names: [], trust: 'public', chain: [{ subject: 'CN=a', issuer: 'CN=b', sha256: 'AA', validFrom: '', validTo: '' }], elapsedMs: 3 } };
  t.match(classify(trace({ app: tlsNamed, neutral: tlsNeutral })), {
    reason: 'app-filter', evidence: { stage: 'tls', exchanges: { gotomypc: { sent: 'a TLS ClientHello with SNI www.gotomypc.com' }, neutral: { sent: 'a TLS ClientHello without SNI', answer: 'certificate CN=a, issued by CN=b' } } },
  }, 'an SNI filter');

  const jedi = { kind: 'service', request: 'GET /Jedi?request=ping&jedi=100 (Host: www.gotomypc.com)', elapsedMs: 1 } as const;
  const neutral8200 = (extra: object): Trace['neutral'] => ({ connect, app: { kind: 'service', request: 'GET / (HTTP/1.0, no Host)', elapsedMs: 1, statusText: '', text: '', ...extra } as never });
  const answered400 = { outcome: 'answered', status: 400, headers: {}, reply: 'HTTP/1.0 400 Bad Request' };
  t.match(classify(trace({ app: { ...jedi, outcome: 'failed', code: 'ECONNRESET' }, neutral: neutral8200(answered400) })), { status: 'blocked', reason: 'app-filter', evidence: { why: /GoToMyPC's ping \(Jedi\) was reset/ } }, 'a signature filter on the ping');
  t.match(classify(trace({ app: { ...jedi, outcome: 'failed', code: 'ECONNRESET' }, neutral: neutral8200({ outcome: 'quiet' }) })), { reason: 'app-filter' }, 'reset where the neutral request was left open');
  const quiet = classify(trace({ app: { ...jedi, outcome: 'quiet' }, neutral: neutral8200(answered400) }));
  t.match(quiet, { status: 'ok', evidence: { possible: [/ping went unanswered while a neutral request was answered/] } }, 'on 8200 silence is only possible: what GoTo answers a stranger\'s ping is not known');
  t.match(classify(trace({ app: { ...jedi, outcome: 'quiet' }, neutral: neutral8200({ outcome: 'quiet' }) })), { status: 'ok' });
  t.notOk(classify(trace({ app: { ...jedi, outcome: 'quiet' }, neutral: neutral8200({ outcome: 'quiet' }) })).evidence.possible, 'both quiet: nothing to say');
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
  const range = parseRange('127.0.0.0/24')!;
  const attempt = (ip: string, port: number, c: ReturnType<typeof classify>, connectMs: number | null = 0.3): Attempt =>
    ({ ip, port, range: range.cidr, expected: true, path: 'direct', ms: 1, connectMs, ...c });
  const silentHttp = classify(trace({ app: { kind: 'http', outcome: 'timeout', request: 'GET / (Host: www.gotomypc.com)', host: 'www.gotomypc.com', bytes: 0, elapsedMs: 500 } }));
  const refused = classify(trace({ connect: { kind: 'tcp', outcome: 'failed', code: 'ECONNREFUSED', elapsedMs: 0.1 } }));

  const b = new SummaryBuilder([range], [80, 443]);
  for (const ip of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']) {
    b.add(attempt(ip, 80, silentHttp));
    b.add(attempt(ip, 443, refused, null));
  }
  const s = b.summary();
  t.equal(s.ports[0]!.state, 'blocked', 'the canary is a weak sign: the silent handshakes stay what they are');
  t.equal(s.findings.length, 1);
  t.match(s.findings[0], { port: 80, reason: 'http-proxy', possible: true, evidence: { kind: 'canary', addresses: 4, otherPortsSilent: true } });
  const v = decideVerdict(s, null);
  t.equal(v.status, 'blocked', '443 refused everywhere still blocks');
  t.match(v.text, 'Possibly something in the path accepts every connection on port 80');

  const inspect = classify(trace({ app: { kind: 'tls', outcome: 'handshake', servername: 'x', protocol: 'TLSv1.3', names: [], trust: 'untrusted', chain: [{ subject: 'CN=www.gotomypc.com', issuer: 'CN=Norton Web/Mail Shield Root', sha256: 'AA', validFrom: '', validTo: '' }], elapsedMs: 3 } }));
  const ok = classify(trace({}));
  const b2 = new SummaryBuilder([range], [443, 8200]);
  b2.add(attempt('127.0.0.2', 443, inspect));
  b2.add(attempt('127.0.0.2', 8200, ok));
  const v2 = decideVerdict(b2.summary(), 'host');
  t.equal(v2.status, 'intercepted');
  t.equal(v2.exitCode, 4);
  t.equal(v2.text, 'Something on this network inspects HTTPS: the certificate for 443 was issued by CN=Norton Web/Mail Shield Root (Norton 360), which no public root vouches for.');
  t.match(v2.advice[0]!.text, /^Norton 360 on this PC inspects HTTPS.*Norton Transaction Protection/);

  const b3 = new SummaryBuilder([range], [80, 8200]);
  b3.add(attempt('127.0.0.2', 80, classify(trace({ app: { kind: 'http', outcome: 'answered', request: 'GET / (Host: x)', host: 'x', status: 503, statusText: '', headers: { via: '1.1 lab (squid/5.7)', 'x-squid-error': 'ERR_CONNECT_FAIL 111' }, text: '', bytes: 9, elapsedMs: 1 } }))));
  b3.add(attempt('127.0.0.2', 8200, classify(trace({ app: { kind: 'service', outcome: 'answered', request: 'GET /Jedi', status: 403, statusText: 'Forbidden', headers: { server: 'FortiGate' }, text: '', reply: 'HTTP/1.1 403 Forbidden', elapsedMs: 1 } }))));
  t.same(b3.summary().findings.map((f) => f.text), [
    'A web proxy or filter answers port 80 in place of the GoTo servers (X-Squid-Error: ERR_CONNECT_FAIL 111; Via: 1.1 lab (squid/5.7)).',
    'A proxy or firewall answers port 8200 in place of the GoToMyPC service (HTTP 403: Server: FortiGate).',
  ], 'findings name the signs, whatever the stage');
});
