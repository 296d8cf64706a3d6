// Property tests of the classifiers: any well-typed observation gets a status, a reason that belongs to it
// and evidence, and the rules the README promises hold for all of them. Pure code: nothing is sent.
import assert from 'node:assert/strict';
import net from 'node:net';
import fc from 'fast-check';
import t from 'tap';
import { readHttpAnswer } from '../../../src/data/http-signs.js';
import { classify } from '../../../src/judge/classify.js';
import { joinHostPort } from '../../../src/core/host-port.js';
import { classifyDns } from '../../../src/judge/classify-dns.js';
import { formatAddress } from '../../../src/core/address.js';
import { parseRange } from '../../../src/targets/ranges.js';
import {
  type ApplicationObservation, STATUSES, type CertificateSummary, type DnsObservation, type DnsQueryObservation, type HttpObservation, type ProxyObservation,
  type Reason, type ServiceObservation, type Stage, type Status, type TcpObservation, type TlsObservation, type Trace,
} from '../../../src/core/types.js';
import { HOSTILE, property } from '../../helpers/fuzz.js';

/** Every reason, under the one status it may come with (src/types.ts). */
const REASONS: Record<Status, readonly Reason[]> = {
  ok: ['connected', 'resolved'],
  blocked: ['refused', 'unreachable', 'local-firewall', 'reset', 'proxy-denied', 'proxy-auth-required', 'proxy-unreachable', 'tls-failed', 'app-filter',
    'dns-nxdomain', 'dns-refused', 'dns-sinkhole', 'dns-failed', 'dns-no-address'],
  timeout: ['no-answer'],
  intercepted: ['http-proxy', 'tls-inspection'],
  error: ['resource-exhausted', 'no-local-address', 'unsupported', 'unexpected'],
};
const STAGES: readonly Stage[] = ['dns', 'connect', 'proxy', 'http', 'tls', 'service'];

/** Faults of this PC (README: "never counted as a network block"). */
const LOCAL_FAULTS = ['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'EADDRNOTAVAIL', 'EADDRINUSE', 'EAFNOSUPPORT'];
/** What the network (or this PC's firewall or routing: EINVAL is a blackhole route) answers with. */
const NETWORK = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENONET', 'EACCES', 'EPERM', 'EINVAL', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT'];
const TLS_CODES = ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'EPROTO'];
/** Names an object already has: a table lookup must not find them. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

const code = fc.oneof(
  fc.constantFrom(...LOCAL_FAULTS, ...NETWORK, ...TLS_CODES, ...PROTOTYPE_KEYS, 'UNKNOWN', 'ENOTFOUND', ''),
  fc.string(),
  fc.string({ unit: 'binary' }),
);
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), HOSTILE);
/** A body as read: any text, or pieces of real pages' marks in any order. */
const pageText = fc.oneof(text, fc.array(fc.oneof(text, fc.constantFrom('<title>Web Filter Violation</title>', 'fortinet', '<body id=ERR_ACCESS_DENIED>', 'squid', 'blocked in accordance with company policy', '<meta http-equiv="refresh" content="0; url=http://10.0.0.1/login">', 'http://www.fortinet.com/', 'Access Denied')), { maxLength: 6 }).map((parts) => parts.join(' ')));
/** Any number: odd ones (NaN, infinities, -0, negatives) included. */
const ms = fc.oneof(fc.double(), fc.integer({ min: 0, max: 600_000 }));
const headerName = fc.oneof(fc.constantFrom('via', 'server', 'location', 'x-squid-error', 'x-cache', 'proxy-authenticate', 'proxy-agent', ...PROTOTYPE_KEYS), fc.string());
const headerValue = fc.oneof(fc.constantFrom('squid/5.7', 'Zscaler', 'http://portal.example/', 'https://www.gotomypc.com/', 'Basic realm="x"'), text);
const headers = fc.dictionary(headerName, headerValue, { maxKeys: 5 });
const httpStatus = fc.oneof(fc.constantFrom(200, 301, 302, 403, 407, 502, 503, 504, 511), fc.integer({ min: -1, max: 1000 }));

/** Each outcome with exactly the fields it carries, as the checks make it. */
const tcp: fc.Arbitrary<TcpObservation> = fc.tuple(ms, fc.oneof(
  fc.record({ localAddress: fc.oneof(fc.constantFrom('127.0.0.1', '::1'), fc.string()), localPort: fc.integer({ min: 0, max: 65535 }) }).map((local) => ({ outcome: 'connected' as const, ...local })),
  fc.constant({ outcome: 'connected' as const, resetAfterHandshake: true as const }),
  fc.record({ outcome: fc.constant('failed' as const), code, syscall: maybe(fc.constantFrom('connect', 'write', 'read')) }, { requiredKeys: ['outcome', 'code'] }),
  fc.constantFrom({ outcome: 'timeout' as const }, { outcome: 'interrupted' as const }),
)).map(([elapsedMs, seen]) => ({ kind: 'tcp', elapsedMs, ...seen }) as TcpObservation);

const readInfo = fc.record({
  framing: fc.constantFrom('content-length', 'chunked', 'until-close', 'no-body', 'not-http'),
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', null),
  lineEnds: fc.constantFrom('crlf', 'lf', null),
  bytes: fc.nat(),
  complete: fc.boolean(),
  truncated: fc.boolean(),
  interim: maybe(fc.array(fc.integer({ min: 100, max: 199 }), { minLength: 1, maxLength: 3 })),
}, { requiredKeys: ['framing', 'version', 'lineEnds', 'bytes', 'complete', 'truncated'] });

const proxy: fc.Arbitrary<ProxyObservation> = fc.tuple(
  fc.record({ credentialsSent: fc.boolean(), authProblem: maybe(text), reconnected: maybe(fc.array(text, { minLength: 1, maxLength: 2 })), elapsedMs: ms }, { requiredKeys: ['credentialsSent', 'elapsedMs'] }),
  fc.oneof(
    fc.record({ outcome: fc.constant('answered' as const), status: httpStatus, statusText: text, headers, read: maybe(readInfo) }, { requiredKeys: ['outcome', 'status', 'statusText', 'headers'] }),
    fc.record({ outcome: fc.constant('not-http' as const), reply: fc.oneof(text, fc.constant('\\x15\\x03\\x03\\x00\\x02\\x02(')), read: maybe(readInfo) }, { requiredKeys: ['outcome', 'reply'] }),
    fc.record({ outcome: fc.constant('closed' as const), read: maybe(readInfo) }, { requiredKeys: ['outcome'] }),
    fc.record({ outcome: fc.constant('timeout' as const), read: maybe(readInfo), reconnectFailed: maybe(fc.constant(true as const)) }, { requiredKeys: ['outcome'] }),
    fc.record({ outcome: fc.constant('failed' as const), code, read: maybe(readInfo), reconnectFailed: maybe(fc.constant(true as const)) }, { requiredKeys: ['outcome', 'code'] }),
    fc.constant({ outcome: 'interrupted' as const }),
  ),
).map(([seen, outcome]) => ({ kind: 'proxy', ...seen, ...outcome }) as ProxyObservation);

/** An HTTP answer as the checks keep it: bytes without a status line are status 0 with no headers. */
const answer = fc.record({
  status: fc.oneof(fc.constant(0), httpStatus),
  statusText: text,
  headers,
  body: maybe(fc.oneof(text, fc.constantFrom('Access denied by policy', '<title>Blocked</title>', 'FortiGuard: blocked', '400 Bad Request Cannot parse request'))),
  text: pageText,
  read: maybe(readInfo),
}, { requiredKeys: ['status', 'statusText', 'headers', 'text'] }).map((a) => (a.status === 0 ? { ...a, statusText: '', headers: {} } : a));

const http: fc.Arbitrary<HttpObservation> = fc.tuple(
  fc.record({ request: text, host: fc.oneof(fc.constantFrom('www.gotomypc.com', '192.0.2.7', '[2001:db8::1]'), text), bytes: fc.nat(), elapsedMs: ms }),
  fc.oneof(
    answer.map((a) => ({ outcome: 'answered' as const, ...a })),
    code.map((c) => ({ outcome: 'failed' as const, code: c })),
    fc.constantFrom({ outcome: 'closed' as const }, { outcome: 'timeout' as const }, { outcome: 'interrupted' as const }),
  ),
).map(([sent, outcome]) => ({ kind: 'http', ...sent, ...outcome }) as HttpObservation);

const certificate: fc.Arbitrary<CertificateSummary> = fc.record({
  subject: fc.oneof(fc.constantFrom('CN=www.gotomypc.com', 'CN=Zscaler Root CA, O=Zscaler Inc.', 'CN=Fortinet, O=Fortinet'), text),
  issuer: fc.oneof(fc.constantFrom('CN=DigiCert Global G2', 'CN=Zscaler Intermediate Root CA, O=Zscaler Inc.', ''), text),
  sha256: fc.string(),
  validFrom: fc.string(),
  validTo: fc.string(),
});
const tls: fc.Arbitrary<TlsObservation> = fc.tuple(
  fc.record({ servername: fc.oneof(fc.string(), fc.constant(null)), elapsedMs: ms }),
  fc.oneof(
    fc.tuple(
      fc.record({
        outcome: fc.constant('handshake' as const),
        protocol: fc.constantFrom('TLSv1.3', 'TLSv1.2'),
        chain: fc.array(certificate, { maxLength: 3 }),
        names: fc.array(text, { maxLength: 3 }),
        nameMatches: maybe(fc.boolean()),
        verifyError: maybe(text),
      }, { requiredKeys: ['outcome', 'protocol', 'chain', 'names'] }),
      fc.oneof(
        fc.constantFrom({ trust: 'public' as const }, { trust: 'untrusted' as const }),
        fc.record({ trust: fc.constantFrom('given-root' as const, 'extra-root' as const), root: fc.record({ subject: text, source: text }) }),
      ),
    ).map(([seen, verdict]) => ({ ...seen, ...verdict })),
    fc.record({ outcome: fc.constant('failed' as const), code, message: text }),
    fc.constantFrom({ outcome: 'closed' as const }, { outcome: 'timeout' as const }, { outcome: 'interrupted' as const }),
  ),
).map(([sent, outcome]) => ({ kind: 'tls', ...sent, ...outcome }) as TlsObservation);

const service: fc.Arbitrary<ServiceObservation> = fc.tuple(
  fc.record({ request: text, elapsedMs: ms }),
  fc.oneof(
    fc.tuple(answer, fc.oneof(text.map((t) => ({ unsolicited: t })), text.map((t) => ({ reply: t })))).map(([a, first]) => ({ outcome: 'answered' as const, ...a, ...first })),
    code.map((c) => ({ outcome: 'failed' as const, code: c })),
    fc.constantFrom({ outcome: 'quiet' as const }, { outcome: 'closed' as const }, { outcome: 'interrupted' as const }),
  ),
).map(([sent, outcome]) => ({ kind: 'service', ...sent, ...outcome }) as ServiceObservation);

/** The same check, failed with `code` at its start. */
function failedApp(app: ApplicationObservation, code: string): ApplicationObservation {
  switch (app.kind) {
    case 'http': return { kind: 'http', request: app.request, host: app.host, bytes: 0, elapsedMs: app.elapsedMs, outcome: 'failed', code };
    case 'tls': return { kind: 'tls', servername: app.servername, elapsedMs: app.elapsedMs, outcome: 'failed', code, message: code };
    case 'service': return { kind: 'service', request: app.request, elapsedMs: app.elapsedMs, outcome: 'failed', code };
  }
}

/** The code an observation failed with, if any. */
const codeOf = (obs: { outcome: string; code?: string }): string | undefined => (obs.outcome === 'failed' ? obs.code : undefined);

const app = fc.oneof(http, tls, service);
const exchange = fc.record({ connect: tcp, proxy: maybe(proxy), app: maybe(app) }, { requiredKeys: ['connect'] });
const trace: fc.Arbitrary<Trace> = fc.record({
  path: fc.constantFrom('direct', 'proxy'),
  connect: tcp,
  proxy: maybe(proxy),
  app: maybe(app),
  neutral: maybe(exchange),
}, { requiredKeys: ['path', 'connect'] });
const target = fc.record({ ip: fc.oneof(fc.constantFrom('192.0.2.7', '2001:db8::1'), fc.string()), expected: fc.boolean() });

/** The stage whose observation decides, by the rule "the first stage that did not succeed decides; else the last one". */
function decidingStage(tr: Trace): { stage: Stage; outcome: string; code: string | undefined } {
  if (tr.connect.outcome !== 'connected' || (!tr.proxy && !tr.app)) return { stage: 'connect', outcome: tr.connect.outcome, code: codeOf(tr.connect) };
  if (tr.proxy && !(tr.proxy.outcome === 'answered' && tr.proxy.status === 200)) return { stage: 'proxy', outcome: tr.proxy.outcome, code: codeOf(tr.proxy) };
  if (!tr.app) return { stage: 'connect', outcome: 'connected', code: undefined };
  return { stage: tr.app.kind, outcome: tr.app.outcome, code: codeOf(tr.app) };
}

t.test('classify: every trace gets a status, a reason of that status, and evidence', async (t) => {
  property(t, 'classify on arbitrary traces', fc.tuple(trace, target), ([tr, ctx]) => {
    const before = JSON.stringify(tr);
    const c = classify(tr, ctx);
    assert.equal(JSON.stringify(tr), before, 'the trace is not changed');
    assert.deepEqual(classify(tr, ctx), c, 'the same trace, the same answer');
    assert.ok(STATUSES.includes(c.status), `status ${c.status}`);
    assert.ok(REASONS[c.status].includes(c.reason), `${c.reason} belongs to ${c.status}`);
    assert.ok(STAGES.includes(c.evidence.stage), `stage ${c.evidence.stage}`);
    assert.ok(typeof c.evidence.why === 'string' && c.evidence.why.length > 0, 'a sentence says why');
    assert.ok(c.evidence.code === null || typeof c.evidence.code === 'string', 'code is text or null');
    assert.doesNotThrow(() => JSON.stringify(c), 'the evidence goes into a JSON report');

    const decides = decidingStage(tr);
    assert.equal(c.evidence.stage, decides.stage, 'the first stage that did not succeed decides, else the last');
    if (decides.outcome === 'interrupted') assert.deepEqual([c.status, c.reason], ['error', 'unexpected'], 'an interrupted attempt says nothing about the network');
    const throughProxy = tr.path === 'proxy';
    if (decides.stage === 'connect' && decides.outcome === 'timeout') assert.deepEqual([c.status, c.reason], throughProxy ? ['blocked', 'proxy-unreachable'] : ['timeout', 'no-answer'], 'silence: of the target, or of the proxy itself');
    if (decides.stage === 'connect' && decides.outcome === 'connected') {
      assert.deepEqual([c.status, c.reason], ['ok', 'connected'], 'connected and nothing after: ok');
      if (tr.connect.outcome === 'connected') assert.equal(c.evidence.local, tr.connect.resetAfterHandshake ? undefined : joinHostPort(tr.connect.localAddress, tr.connect.localPort));
    }
    if (decides.stage === 'connect' && decides.outcome === 'failed' && decides.code === 'ECONNREFUSED') {
      assert.deepEqual([c.status, c.reason], throughProxy ? ['blocked', 'proxy-unreachable'] : ['blocked', 'refused'], 'ECONNREFUSED: refused, by the target or the proxy itself');
    }
    if (c.evidence.local !== undefined) assert.equal(tr.connect.outcome, 'connected', 'a local address only after a handshake');
    if (decides.stage === 'tls' && tr.app?.kind === 'tls' && tr.app.outcome === 'handshake') {
      const trust = tr.app.trust;
      if (trust === 'public' || trust === 'given-root') assert.deepEqual([c.status, c.reason], ['ok', 'connected'], 'a chain a public root (or one the user gave) vouches for is never inspection, whatever its names');
      if (trust === 'extra-root') assert.deepEqual([c.status, c.reason], ['intercepted', 'tls-inspection'], 'a root added on this PC is inspection');
      if (trust === 'untrusted' && ctx.expected) assert.deepEqual([c.status, c.reason], ['intercepted', 'tls-inspection'], 'no public root where GoTo is expected');
    }
    if (decides.stage === 'service' && decides.outcome === 'answered' && tr.app?.kind === 'service' && tr.app.outcome === 'answered' && tr.app.status === 0) {
      const own = readHttpAnswer({ status: 0, headers: {}, text: tr.app.text }, { host: '', ip: ctx.ip }).signs;
      assert.equal(c.status, own.length > 0 ? 'intercepted' : 'ok', 'bytes that are not HTTP are judged by themselves: a block page in them, or nothing');
    }
    // Every alarm states its evidence: an interception names its signs or its chain, a filter both exchanges.
    if (c.status === 'intercepted') assert.ok((c.evidence.signs?.length ?? 0) > 0 || (c.evidence.tls?.trust !== undefined && c.evidence.tls.trust !== 'public' && c.evidence.tls.trust !== 'given-root'), 'intercepted on a sign or a chain');
    if (c.reason === 'app-filter') {
      const { gotomypc, neutral } = c.evidence.exchanges!;
      assert.ok(['reset', 'silent', 'closed'].includes(gotomypc.outcome), 'the GoToMyPC-shaped exchange was cut or unanswered');
      assert.ok(['answered', 'silent', 'closed'].includes(neutral.outcome), 'and the neutral one was not cut');
      assert.ok(tr.neutral !== undefined);
    }
    if (tr.neutral !== undefined && c.reason !== 'app-filter') {
      const without = classify({ ...tr, neutral: undefined }, ctx);
      const middlebox = c.status === 'intercepted' && ['reset', 'silent', 'closed'].includes(c.evidence.exchanges?.gotomypc.outcome ?? '');
      if (!middlebox) assert.deepEqual([c.status, c.reason], [without.status, without.reason], 'a neutral exchange changes the outcome only to name a filter, or the middlebox that answered it');
    }
    if (decides.stage === 'proxy' && decides.outcome === 'answered' && tr.proxy?.outcome === 'answered' && tr.proxy.status === 407) assert.equal(c.reason, 'proxy-auth-required');
  }, 10_000);
});

t.test('classify: a fault of this PC or an unknown code is never a network block', async (t) => {
  const faulty = fc.tuple(trace, fc.oneof(fc.constantFrom(...LOCAL_FAULTS, ...PROTOTYPE_KEYS), fc.string().filter((s) => !/^(E[A-Z]+|ERR_SSL_.*)$/.test(s))))
    .map(([tr, fault]): Trace => {
      // The fault at the stage that decides: the handshake, or (after one) the proxy or the check after it.
      if (tr.connect.outcome !== 'connected' || (!tr.proxy && !tr.app)) return { ...tr, connect: { ...tr.connect, outcome: 'failed', code: fault } };
      if (tr.proxy) return { ...tr, proxy: { ...tr.proxy, outcome: 'failed', code: fault } };
      return { ...tr, app: failedApp(tr.app!, fault) };
    });
  property(t, 'local-fault and unknown codes at the deciding stage', faulty, (tr) => {
    const c = classify(tr);
    assert.equal(c.status, 'error', `${JSON.stringify(c.evidence.code)}: ${c.status}/${c.reason}`);
  }, 5000);
  property(t, 'blocked only on a code the network answers with, or none', fc.tuple(trace, target), ([tr, ctx]) => {
    const c = classify(tr, ctx);
    if (c.status !== 'blocked' || c.evidence.code === null) return;
    const known = NETWORK.includes(c.evidence.code) || c.evidence.code.startsWith('ERR_SSL_') || c.evidence.code === 'EPROTO';
    assert.ok(known, `blocked on ${JSON.stringify(c.evidence.code)}`);
    assert.ok(!LOCAL_FAULTS.includes(c.evidence.code), 'a local fault is an error');
  }, 5000);
});

// Any address, as text (random ones, private ones, a DNS sinkhole's): classifyDns is pure, nothing is connected to.
const SPEC = { source: 'file', status: 'current' } as const;
const v4 = fc.integer({ min: 0, max: 0xffffffff }).map((n) => formatAddress(BigInt(n), 4));
const v6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((n) => formatAddress(n, 6));
const address = fc.oneof(
  v4, v6,
  fc.constantFrom('0.0.0.0', '::', '127.0.0.1', '127.0.1.1', '::1', '10.1.2.3', '192.168.0.1', '146.112.61.106', 'fe80::1', '198.51.100.7', '2001:db8::1'),
  fc.constantFrom('127.0.0.1/8', '::1/64', '0.0.0.0/0', ' 127.0.0.1', '127.1', ''),
  text,
);
const query: fc.Arbitrary<DnsQueryObservation> = fc.record({
  type: fc.constantFrom('A', 'AAAA'),
  outcome: fc.constantFrom('answered', 'failed', 'timeout', 'interrupted'),
  addresses: fc.array(address, { maxLength: 4 }),
  code: maybe(fc.oneof(fc.constantFrom('ENOTFOUND', 'ENODATA', 'EREFUSED', 'ESERVFAIL', 'EBADRESP', 'EFORMERR', 'ENOTIMP', 'ECONNREFUSED', 'ENOMEM', 'EFILE', 'ETIMEOUT'), code)),
  elapsedMs: ms,
}, { requiredKeys: ['type', 'outcome', 'addresses', 'elapsedMs'] });
const dns: fc.Arbitrary<DnsObservation> = fc.record({
  kind: fc.constant('dns' as const),
  host: fc.string(),
  server: fc.oneof(fc.constant('system'), fc.string()),
  queries: fc.tuple(query, fc.array(query, { maxLength: 2 })).map(([first, rest]): DnsObservation['queries'] => [first, ...rest]),
});
const context = fc.record({
  ranges: fc.array(fc.constantFrom('127.0.0.0/8', '127.0.1.0/24', '::1/128', '198.51.100.0/24', '2001:db8::/32', '10.0.0.0/8'), { maxLength: 3 })
    .map((cidrs) => cidrs.map((c) => parseRange(c, SPEC)!)),
  loopbackOnly: fc.boolean(),
});
const host = fc.record({ name: fc.string(), use: fc.string(), essential: fc.boolean(), ports: fc.array(fc.constantFrom(80, 443, 8200), { maxLength: 3 }), source: fc.string() });
const BLOCKING_DNS = ['ENOTFOUND', 'ENODATA', 'EREFUSED', 'ESERVFAIL', 'EBADRESP', 'EFORMERR', 'ENOTIMP', 'ECONNREFUSED'];

/** The A query (or every query, without one) came back NOERROR with no address: empty, or NODATA. */
function noAddress(obs: DnsObservation): boolean {
  const empty = (q: DnsQueryObservation): boolean => q.addresses.length === 0 && ((q.outcome === 'answered') || (q.outcome === 'failed' && q.code === 'ENODATA'));
  const a = obs.queries.find((q) => q.type === 'A');
  return a ? empty(a) : obs.queries.every(empty);
}

/** Loopback by Node's own reckoning: what the guard allows a packet to. */
const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

t.test('classifyDns: every answer gets a status, a reason of that status, and DNS evidence', async (t) => {
  property(t, 'classifyDns on arbitrary answers', fc.tuple(dns, host, context), ([obs, h, ctx]) => {
    const r = classifyDns(obs, h, ctx);
    if (obs.queries.some((q) => q.outcome === 'interrupted')) {
      assert.equal(r, null, 'an interrupted name is left out');
      return;
    }
    assert.ok(r !== null);
    assert.ok(STATUSES.includes(r.status));
    assert.ok(REASONS[r.status].includes(r.reason), `${r.reason} belongs to ${r.status}`);
    assert.equal(r.evidence.stage, 'dns');
    assert.ok(r.evidence.why.length > 0);
    assert.doesNotThrow(() => JSON.stringify(r));
    const real = r.addresses.filter((a) => a.sinkhole === null);
    if (real.length > 0) assert.deepEqual([r.status, r.reason], ['ok', 'resolved'], 'a real address: resolved');
    else if (r.addresses.length > 0) assert.deepEqual([r.status, r.reason], ['blocked', 'dns-sinkhole'], 'only a filter\'s answers: sinkhole');
    else if (noAddress(obs)) assert.deepEqual([r.status, r.reason], ['blocked', 'dns-no-address'], 'NOERROR without an address for A: never "nothing to change"');
    else if (obs.queries.some((q) => q.outcome !== 'timeout' && q.code !== undefined && BLOCKING_DNS.includes(q.code))) assert.equal(r.status, 'blocked', 'a resolver\'s answer beats silence and faults');
    else if (!obs.queries.some((q) => q.outcome === 'timeout')) assert.equal(r.status, 'error', 'no answer and no silence: a fault of this PC, never a block');
    for (const a of r.addresses) {
      if (a.probed) assert.equal(a.sinkhole, null, 'a sinkhole is never probed');
      if (a.probed && ctx.loopbackOnly) {
        assert.ok(net.isIP(a.ip) !== 0 && LOOPBACK.check(a.ip, net.isIPv6(a.ip) ? 'ipv6' : 'ipv4'), `under the guard only loopback is probed: ${JSON.stringify(a.ip)}`);
      }
    }
  }, 3000);
});
