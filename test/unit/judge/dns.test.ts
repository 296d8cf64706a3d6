// DNS classification, the resolver flags and the silence diagnosis: pure functions, no sockets.
import t from 'tap';
import { parseDnsServer, parseHosts } from '../../../src/commands/args.js';
import type { DnsObservation, DnsQueryObservation, LocalPolicy } from '../../../src/core/types.js';
import { classifyDns } from '../../../src/judge/classify-dns.js';
import { SummaryBuilder } from '../../../src/judge/summary.js';
import { decideVerdict } from '../../../src/judge/verdict.js';
import { parseRange } from '../../../src/targets/ranges.js';
import { serviceHost, serviceTargets } from '../../../src/targets/services.js';

// Documentation ranges only: these are parsed, never connected to.
const RANGE = parseRange('198.51.100.0/24')!;
const CTX = { ranges: [RANGE], loopbackOnly: false };
const POLL = serviceHost('poll.gotomypc.com', [80, 443, 8200]);

function obs(a: Partial<DnsQueryObservation>, aaaa: Partial<DnsQueryObservation> = { outcome: 'failed', code: 'ENODATA' }): DnsObservation {
  const q = (type: 'A' | 'AAAA', part: Partial<DnsQueryObservation>): DnsQueryObservation => ({ type, outcome: 'answered', addresses: [], elapsedMs: 3, ...part });
  return { kind: 'dns', host: 'poll.gotomypc.com', server: '127.0.0.53:53', queries: [q('A', a), q('AAAA', aaaa)] };
}

t.test('classifyDns: each answer gets its status and reason', async (t) => {
  const cases: [DnsObservation, string, string, string | null][] = [
    [obs({ addresses: ['198.51.100.7'] }), 'ok', 'resolved', null],
    [obs({ outcome: 'failed', code: 'ENOTFOUND' }, { outcome: 'failed', code: 'ENOTFOUND' }), 'blocked', 'dns-nxdomain', 'ENOTFOUND'],
    [obs({ outcome: 'failed', code: 'ENODATA' }), 'blocked', 'dns-no-address', 'ENODATA'],
    [obs({ addresses: [] }), 'blocked', 'dns-no-address', null],
    [obs({ addresses: [] }, { outcome: 'timeout' }), 'blocked', 'dns-no-address', null],
    [obs({ outcome: 'failed', code: 'EREFUSED' }), 'blocked', 'dns-refused', 'EREFUSED'],
    [obs({ outcome: 'failed', code: 'ESERVFAIL' }), 'blocked', 'dns-failed', 'ESERVFAIL'],
    [obs({ outcome: 'failed', code: 'ECONNREFUSED' }, { outcome: 'failed', code: 'ECONNREFUSED' }), 'blocked', 'dns-failed', 'ECONNREFUSED'],
    [obs({ outcome: 'timeout' }, { outcome: 'timeout' }), 'timeout', 'no-answer', null],
    [obs({ outcome: 'timeout' }, { outcome: 'failed', code: 'EREFUSED' }), 'blocked', 'dns-refused', 'EREFUSED'],
    [obs({ addresses: ['0.0.0.0'] }), 'blocked', 'dns-sinkhole', null],
    [obs({ addresses: ['127.0.0.1'] }), 'blocked', 'dns-sinkhole', null],
    [obs({ addresses: ['10.1.2.3'] }), 'blocked', 'dns-sinkhole', null],
    [obs({ addresses: ['146.112.61.106'] }), 'blocked', 'dns-sinkhole', null],
    [obs({ addresses: [] }, { addresses: ['::'] }), 'blocked', 'dns-sinkhole', null],
    [obs({ outcome: 'failed', code: 'EFILE' }, { outcome: 'failed', code: 'EFILE' }), 'error', 'resource-exhausted', 'EFILE'],
    [obs({ outcome: 'failed', code: 'EWHATEVER' }, { outcome: 'failed', code: 'EWHATEVER' }), 'error', 'unexpected', 'EWHATEVER'],
  ];
  for (const [o, status, reason, code] of cases) {
    const r = classifyDns(o, POLL, CTX)!;
    t.same([r.status, r.reason, r.evidence.code, r.evidence.stage], [status, reason, code, 'dns'], JSON.stringify(o.queries.map((q) => q.addresses.join() || q.code || q.outcome)));
  }
  t.equal(classifyDns(obs({ outcome: 'interrupted' }), POLL, CTX), null, 'an interrupted name is no result');
  const umbrella = classifyDns(obs({ addresses: ['146.112.61.106'] }), POLL, CTX)!;
  t.match(umbrella.evidence.why, /Cisco Umbrella/, 'a known block page is named');
  t.same(umbrella.evidence.dns, { server: '127.0.0.53:53', answers: { A: ['146.112.61.106'], AAAA: 'ENODATA' } });
});

t.test('classifyDns: NOERROR without an address (a CNAME alone, a loop, NODATA) is a block with its chain', async (t) => {
  const cname = classifyDns({ ...obs({ addresses: [] }, { addresses: [] }), chain: { names: ['block.filter.example'], loop: false, end: 'end' } }, POLL, CTX)!;
  t.same([cname.status, cname.reason], ['blocked', 'dns-no-address']);
  t.match(cname.evidence.why, /only a CNAME \(poll\.gotomypc\.com → block\.filter\.example\) and no address: a DNS filter's common answer/);
  t.same(cname.evidence.dns, { server: '127.0.0.53:53', answers: { A: [], AAAA: [] }, chain: ['poll.gotomypc.com', 'block.filter.example'] });
  const loop = classifyDns({ ...obs({ addresses: [] }, { addresses: [] }), chain: { names: ['a.example', 'poll.gotomypc.com'], loop: true, end: 'end' } }, POLL, CTX)!;
  t.match(loop.evidence.why, /CNAMEs that loop \(poll\.gotomypc\.com → a\.example → poll\.gotomypc\.com\)/);
  t.equal(loop.evidence.dns?.loop, true);
  const nodata = classifyDns(obs({ outcome: 'failed', code: 'ENODATA' }), POLL, CTX)!;
  t.match(nodata.evidence.why, /exists but has no address/);
  const report = { server: '127.0.0.53:53', results: [cname] };
  const verdict = decideVerdict(new SummaryBuilder([RANGE], [443], null).summary(), null, report);
  t.equal(verdict.status, 'blocked', 'an essential name without an address: blocked, never "nothing to change"');
  t.match(verdict.text, /no usable address for poll\.gotomypc\.com \(DNS answers it with no address\)/);
  t.match(verdict.advice[0]?.text, /A DNS filter blocks poll\.gotomypc\.com: the resolver 127\.0\.0\.53:53 answers with a CNAME and no address/);
  t.match(verdict.advice[0]?.evidence[0], /chain poll\.gotomypc\.com → block\.filter\.example/);
});

t.test('classifyDns: addresses, their ranges, and which are probed', async (t) => {
  const mixed = classifyDns(obs({ addresses: ['198.51.100.7', '203.0.113.9', '0.0.0.0'] }, { addresses: ['2001:db8::1'] }), POLL, CTX)!;
  t.equal(mixed.status, 'ok', 'one real address is enough');
  t.same(mixed.addresses.map((a) => [a.ip, a.range, a.sinkhole !== null, a.probed]), [
    ['198.51.100.7', '198.51.100.0/24', false, true],
    ['203.0.113.9', null, false, true],
    ['0.0.0.0', null, true, false],
    ['2001:db8::1', null, false, false],
  ], 'in or outside the ranges; a sinkhole never probed; IPv6 not probed when IPv4 answers');
  t.match(mixed.evidence.why, /gave 3 addresses; 2 of them outside the ranges of this run/);
  const v6only = classifyDns(obs({ outcome: 'failed', code: 'ENODATA' }, { addresses: ['2001:db8::1'] }), POLL, CTX)!;
  t.same(v6only.addresses.map((a) => a.probed), [true], 'IPv6 is probed when it is all there is');
  const guarded = classifyDns(obs({ addresses: ['198.51.100.7'] }), POLL, { ...CTX, loopbackOnly: true })!;
  t.same(guarded.addresses.map((a) => a.probed), [false], 'the guard keeps a non-loopback answer from being probed');
  const lab = parseRange('127.0.1.0/30', { source: 'file', status: 'current' })!;
  const inLab = classifyDns(obs({ addresses: ['127.0.1.1'] }), POLL, { ranges: [lab], loopbackOnly: true })!;
  t.same([inLab.status, inLab.addresses[0]!.sinkhole, inLab.addresses[0]!.probed], ['ok', null, true], 'loopback inside the run\'s ranges is a GoTo stand-in, not a sinkhole');

  const report = { server: 'system', results: [mixed, { ...inLab, host: 'www.gotomypc.com' }] };
  t.same(serviceTargets(report).map((x) => `${x.ip}:${x.port} ${x.range} ${x.host} ${x.expected}`), [
    '198.51.100.7:80 198.51.100.0/24 poll.gotomypc.com true', '198.51.100.7:443 198.51.100.0/24 poll.gotomypc.com true',
    '203.0.113.9:80 null poll.gotomypc.com true', '203.0.113.9:443 null poll.gotomypc.com true',
    '127.0.1.1:80 127.0.1.0/30 www.gotomypc.com true', '127.0.1.1:443 127.0.1.0/30 www.gotomypc.com true',
  ], 'each address on the ports its name is used on (poll.gotomypc.com: 80 and 443, not 8200)');
  const logging = classifyDns({ ...obs({ addresses: ['198.51.100.7'] }), host: 'logging.getgo.com' }, serviceHost('logging.getgo.com', [80, 443, 8200]), CTX)!;
  t.same(serviceTargets({ server: 'system', results: [logging, mixed] }).map((x) => `${x.ip}:${x.port} ${x.host}`), [
    '198.51.100.7:80 poll.gotomypc.com', '198.51.100.7:443 logging.getgo.com', '203.0.113.9:80 poll.gotomypc.com', '203.0.113.9:443 poll.gotomypc.com',
  ], 'an address two names share is probed once per port, as the first name used on that port');
});

t.test('--dns-server and --hosts', async (t) => {
  t.equal(parseDnsServer('127.0.0.1'), '127.0.0.1:53');
  t.equal(parseDnsServer('127.0.0.1:5353'), '127.0.0.1:5353');
  t.equal(parseDnsServer('::1'), '[::1]:53');
  t.equal(parseDnsServer('[::1]:5353'), '[::1]:5353');
  for (const bad of ['', 'localhost', '127.0.0.1:', '127.0.0.1:70000', '[::1', '::1:53:x', '300.1.1.1']) t.throws(() => parseDnsServer(bad), { message: /^bad --dns-server value/, exitCode: 64 }, bad);
  t.same(parseHosts('Poll.GoToMyPC.com., www.gotomypc.com,poll.gotomypc.com'), ['poll.gotomypc.com', 'www.gotomypc.com'], 'lower case, no trailing dot, once each');
  t.same(serviceHost('lab.test', [80, 443]), { name: 'lab.test', use: 'given with --hosts', essential: true, ports: [80, 443], source: '--hosts' }, 'a name given is essential, on every port of the run');
  t.match(serviceHost('logging.getgo.com', [80, 443, 8200]), { essential: false, ports: [443] });
  t.match(serviceHost('poll.gotomypc.com', [443, 8200]), { essential: true, ports: [443] }, 'of the run\'s ports, those the name is used on');
  t.equal(serviceHost('goto.com', [443]).use, 'given with --hosts', 'marketing apex names are not among GoToMyPC\'s servers');
});

t.test('a firewall rule that blocks a GoToMyPC program makes the verdict blocked, whatever the network allowed', async (t) => {
  const b = new SummaryBuilder([RANGE], [443]);
  const verdictOk = decideVerdict(b.summary(), null);
  const policy: LocalPolicy = {
    applies: true,
    executables: [{ name: 'g2comm.exe', path: 'C:\\\\Program Files (x86)\\\\Citrix\\\\GoToMyPC\\\\g2comm.exe', role: 'host', verdict: 'blocked', rules: [{ name: 'Block g2comm', action: 'block', profiles: ['public'], ports: [443], remoteIPs: 'Any' }], why: 'Blocked going out.' }],
    missing: [], searched: [],
    firewall: { source: { rules: 'powershell', profiles: 'powershell' }, profiles: { readable: true, value: [] }, rules: { readable: true, value: { total: 1 } }, generalBlocks: [] },
    winhttp: { readable: true, value: { kind: 'direct' } },
  };
  const v = decideVerdict(b.summary(), 'host', null, policy);
  t.not(verdictOk.status, 'blocked');
  t.equal(v.status, 'blocked');
  t.match(v.text, /^Windows Defender Firewall on this PC blocks g2comm\.exe going out/);
  t.match(v.advice[0], { text: /disable or delete the block rule "Block g2comm"/, evidence: [/g2comm\.exe: Blocked going out/] });
});
