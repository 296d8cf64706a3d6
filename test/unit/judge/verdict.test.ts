// Judging: classify.ts, summary.ts, verdict.ts, advice.ts.
// Pure code only: addresses are documentation ranges or loopback, parsed and never connected to.
import t from 'tap';
import { classify, round } from '../../../src/judge/classify.js';

const classifyTcp = (obs: TcpObservation) => classify({ path: 'direct', connect: obs });
import type { TcpObservation, Attempt, Range, Role, Summary, Verdict } from '../../../src/core/types.js';
import { SummaryBuilder, portState } from '../../../src/judge/summary.js';
import { EXIT_CODES, decideVerdict, hasNoRoute } from '../../../src/judge/verdict.js';
import { adviseOn } from '../../../src/judge/advice.js';
import { isCurrentPort, parseRange } from '../../../src/targets/ranges.js';

t.test('classify.ts', async (t) => {
  const failed = (code: string, extra: { syscall?: string; elapsedMs?: number } = {}): TcpObservation =>
    ({ kind: 'tcp', outcome: 'failed', elapsedMs: 12.345, code, ...extra });

  t.test('connected → ok/connected', async (t) => {
    const c = classifyTcp({ kind: 'tcp', outcome: 'connected', elapsedMs: 3.14159, localAddress: '192.0.2.10', localPort: 50123 });
    t.equal(c.status, 'ok');
    t.equal(c.reason, 'connected');
    t.equal(c.evidence.code, null);
    t.equal(c.evidence.local, '192.0.2.10:50123');
    t.equal(c.evidence.elapsedMs, 3.1);
    t.type(c.evidence.why, 'string');
    t.ok(c.evidence.why.length > 0);
  });

  t.test('timeout → timeout/no-answer', async (t) => {
    const c = classifyTcp({ kind: 'tcp', outcome: 'timeout', elapsedMs: 3000.04 });
    t.equal(c.status, 'timeout');
    t.equal(c.reason, 'no-answer');
    t.equal(c.evidence.code, null);
    t.equal(c.evidence.elapsedMs, 3000);
    t.match(c.evidence.why, '3000 ms');
    t.notOk('local' in c.evidence);
  });

  t.test('interrupted → error, never blocked', async (t) => {
    const c = classifyTcp({ kind: 'tcp', outcome: 'interrupted', elapsedMs: 1 });
    t.equal(c.status, 'error');
    t.equal(c.reason, 'unexpected');
    t.equal(c.evidence.code, null);
  });

  const TABLE: [string, string, string][] = [
    ['ECONNREFUSED', 'blocked', 'refused'],
    ['EHOSTUNREACH', 'blocked', 'unreachable'],
    ['ENETUNREACH', 'blocked', 'unreachable'],
    ['EHOSTDOWN', 'blocked', 'unreachable'],
    ['EACCES', 'blocked', 'local-firewall'],
    ['EPERM', 'blocked', 'local-firewall'],
    ['ECONNRESET', 'blocked', 'reset'],
    ['ECONNABORTED', 'blocked', 'reset'],
    ['ETIMEDOUT', 'timeout', 'no-answer'],
    ['EMFILE', 'error', 'resource-exhausted'],
    ['ENFILE', 'error', 'resource-exhausted'],
    ['ENOBUFS', 'error', 'resource-exhausted'],
    ['ENOMEM', 'error', 'resource-exhausted'],
    ['EADDRNOTAVAIL', 'error', 'no-local-address'],
    ['EADDRINUSE', 'error', 'no-local-address'],
    ['EAFNOSUPPORT', 'error', 'unsupported'],
  ];

  t.test('failed: every errno mapping', async (t) => {
    for (const [code, status, reason] of TABLE) {
      const c = classifyTcp(failed(code));
      t.equal(c.status, status, `${code} status`);
      t.equal(c.reason, reason, `${code} reason`);
      t.equal(c.evidence.code, code, `${code} kept as evidence`);
      t.equal(c.evidence.elapsedMs, 12.3, `${code} elapsed rounded`);
      t.ok(c.evidence.why.length > 0, `${code} has a why`);
      t.notOk('local' in c.evidence, `${code} has no local address`);
    }
  });

  t.test('an unknown code is an error/unexpected, never blocked', async (t) => {
    for (const code of ['EWHATEVER', 'ERR_SOMETHING', 'ESHUTDOWN', 'EPROTO']) {
      const c = classifyTcp(failed(code));
      t.equal(c.status, 'error', `${code}`);
      t.equal(c.reason, 'unexpected', `${code}`);
      t.equal(c.evidence.code, code);
    }
    // An error without a code reaches the judgement as UNKNOWN (checks/tcp.ts).
    const none = classifyTcp(failed('UNKNOWN'));
    t.equal(none.status, 'error');
    t.equal(none.reason, 'unexpected');
    t.equal(none.evidence.code, 'UNKNOWN');
  });

  t.test('syscall is carried only when present', async (t) => {
    t.equal(classifyTcp(failed('ECONNREFUSED', { syscall: 'connect' })).evidence.syscall, 'connect');
    t.notOk('syscall' in classifyTcp(failed('ECONNREFUSED')).evidence);
  });

  t.test('evidence always has code and elapsedMs rounded to 0.1 ms', async (t) => {
    const observations: TcpObservation[] = [
      { kind: 'tcp', outcome: 'connected', elapsedMs: 0.04, localAddress: '127.0.0.1', localPort: 1 },
      { kind: 'tcp', outcome: 'timeout', elapsedMs: 2999.96 },
      { kind: 'tcp', outcome: 'interrupted', elapsedMs: 7.25 },
      failed('ECONNREFUSED', { elapsedMs: 0.15 }),
    ];
    const expected = [0, 3000, 7.3, 0.2];
    observations.forEach((obs, i) => {
      const c = classifyTcp(obs);
      t.ok('code' in c.evidence, `${obs.outcome} has code`);
      t.equal(c.evidence.elapsedMs, expected[i], `${obs.outcome} elapsed`);
    });
    t.equal(round(1.26), 1.3);
    t.equal(round(1.24), 1.2);
    t.equal(round(100), 100);
  });
});

t.test('summary.ts, verdict.ts and advice.ts', async (t) => {
  const CURRENT_A = parseRange('192.0.2.0/24', { source: 'file', status: 'current' })!;
  const CURRENT_B = parseRange('198.51.100.0/24', { source: 'file', status: 'current' })!;
  const LEGACY = parseRange('2001:db8::/32', { source: 'builtin', status: 'legacy', lists: ['gotomypc'], ports: [80, 443, 8200], legacyPorts: [80, 443, 8200] })!;
  const PORTS = [80, 443, 8200];

  type Outcome = 'ok' | 'timeout' | 'interrupted' | string; // string: an errno code

  function attempt(range: Range, port: number, outcome: Outcome): Attempt {
    let obs: TcpObservation;
    if (outcome === 'ok') obs = { kind: 'tcp', outcome: 'connected', elapsedMs: 5, localAddress: '192.0.2.200', localPort: 40000 };
    else if (outcome === 'timeout') obs = { kind: 'tcp', outcome: 'timeout', elapsedMs: 3000 };
    else if (outcome === 'interrupted') obs = { kind: 'tcp', outcome: 'interrupted', elapsedMs: 1 };
    else obs = { kind: 'tcp', outcome: 'failed', code: outcome, syscall: 'connect', elapsedMs: 2 };
    const ip = range.family === 4 ? '192.0.2.1' : '2001:db8::1';
    return { ip, port, range: range.cidr, expected: isCurrentPort(range, port), ms: obs.elapsedMs, path: 'direct' as const, connectMs: null, ...classifyTcp(obs) };
  }

  /** A summary from `[range, port, outcome]` rows, added in order. */
  function summarize(ranges: Range[], ports: number[], rows: [Range, number, Outcome][]): Summary {
    const builder = new SummaryBuilder(ranges, ports);
    for (const [range, port, outcome] of rows) builder.add(attempt(range, port, outcome));
    return builder.summary();
  }

  /** One row per (range, port), its outcome chosen by `outcome`. */
  function grid(ranges: Range[], ports: number[], outcome: (range: Range, port: number) => Outcome): [Range, number, Outcome][] {
    return ranges.flatMap((range) => ports.map((port): [Range, number, Outcome] => [range, port, outcome(range, port)]));
  }

  function verdictOf(ranges: Range[], ports: number[], outcome: (range: Range, port: number) => Outcome, role: Role | null = null): Verdict {
    return decideVerdict(summarize(ranges, ports, grid(ranges, ports, outcome)), role);
  }

  const adviceText = (v: Verdict): string => v.advice.map((a) => a.text).join('\n');

  t.test('portState', async (t) => {
    const zero = { ok: 0, blocked: 0, timeout: 0, intercepted: 0, error: 0 };
    t.equal(portState({ ...zero, ok: 1, blocked: 5, error: 5 }), 'reachable');
    t.equal(portState({ ...zero, blocked: 1, error: 9 }), 'blocked');
    t.equal(portState({ ...zero, timeout: 1 }), 'blocked');
    t.equal(portState({ ...zero, intercepted: 1 }), 'intercepted');
    t.equal(portState({ ...zero, ok: 9, intercepted: 1 }), 'intercepted', 'an interceptor on some ranges is still news');
    t.equal(portState({ ...zero, error: 3 }), 'unknown');
    t.equal(portState(zero), 'unknown');
  });

  t.test('SummaryBuilder counts per port, per range and codes', async (t) => {
    const s = summarize([CURRENT_A, CURRENT_B], [80, 443], [
      [CURRENT_A, 80, 'ok'],
      [CURRENT_A, 80, 'ECONNREFUSED'],
      [CURRENT_B, 80, 'ECONNREFUSED'],
      [CURRENT_A, 443, 'timeout'],
      [CURRENT_B, 443, 'EMFILE'],
      [CURRENT_B, 443, 'timeout'],
    ]);
    t.equal(s.total, 6);
    t.same(s.counts, { ok: 1, blocked: 2, timeout: 2, intercepted: 0, error: 1 });
    t.same(s.ports.map((p) => p.port), [80, 443]);
    const [p80, p443] = s.ports;
    t.equal(p80!.state, 'reachable');
    t.same(p80!.reasons, { connected: 1, refused: 2 });
    t.same(p80!.codes, { ECONNREFUSED: 2 });
    t.equal(p443!.state, 'blocked');
    t.same(p443!.reasons, { 'no-answer': 2, 'resource-exhausted': 1 });
    t.same(p443!.codes, { EMFILE: 1 }, 'timeouts carry no code');
    t.same(s.ranges.map((r) => r.cidr), ['192.0.2.0/24', '198.51.100.0/24']);
    t.same(s.ranges[0]!.ports['80'], { state: 'reachable', counts: { ok: 1, blocked: 1, timeout: 0, intercepted: 0, error: 0 }, reason: 'connected' });
    t.equal(s.ranges[1]!.ports['80']!.reason, 'refused');
    t.equal(s.ranges[1]!.ports['443']!.state, 'blocked');
    t.equal(s.ranges[1]!.ports['443']!.reason, 'no-answer', 'a network reason outranks a local fault even when tied');
    t.equal(s.ranges[1]!.source, 'file');
    t.equal(s.ranges[1]!.status, 'current');
  });

  t.test('SummaryBuilder: a cell with no attempts is unknown with reason null', async (t) => {
    const s = summarize([CURRENT_A], [80, 443], [[CURRENT_A, 80, 'ok']]);
    t.same(s.ranges[0]!.ports['443'], { state: 'unknown', counts: { ok: 0, blocked: 0, timeout: 0, intercepted: 0, error: 0 }, reason: null });
  });

  t.test('SummaryBuilder: summary() is a snapshot, not a live view', async (t) => {
    const builder = new SummaryBuilder([CURRENT_A], [80]);
    builder.add(attempt(CURRENT_A, 80, 'ok'));
    const before = builder.summary();
    builder.add(attempt(CURRENT_A, 80, 'ok'));
    t.equal(before.total, 1);
    t.equal(before.counts.ok, 1);
    t.equal(before.ports[0]!.counts.ok, 1);
    t.equal(builder.summary().total, 2);
  });

  t.test('SummaryBuilder: an attempt outside the plan throws', async (t) => {
    const builder = new SummaryBuilder([CURRENT_A], [80]);
    t.throws(() => builder.add(attempt(CURRENT_A, 443, 'ok')), { message: /outside the plan.*443/ });
    t.throws(() => builder.add(attempt(CURRENT_B, 80, 'ok')), { message: /outside the plan.*198\.51\.100\.0\/24/ });
  });

  t.test('all ok → ok, exit 0', async (t) => {
    const v = verdictOf([CURRENT_A, CURRENT_B, LEGACY], PORTS, () => 'ok');
    t.equal(v.status, 'ok');
    t.equal(v.exitCode, 0);
    t.match(v.text, '80, 443 and 8200');
    t.equal(v.advice.length, 1);
    t.match(adviceText(v), 'Nothing to change');
  });

  t.test('one port never ok, blocked or timed out → blocked, exit 2, naming the port', async (t) => {
    const v = verdictOf([CURRENT_A, CURRENT_B], PORTS, (range, port) => (port !== 8200 ? 'ok' : range === CURRENT_A ? 'ECONNREFUSED' : 'timeout'));
    t.equal(v.status, 'blocked');
    t.equal(v.exitCode, 2);
    t.match(v.text, 'port 8200');
    t.notMatch(v.text, /\b443\b/);
    t.notMatch(v.text, /\b80\b/);
  });

  t.test('blocked: the dominant cause is named', async (t) => {
    const dropped = verdictOf([CURRENT_A, CURRENT_B], [443], () => 'timeout');
    t.equal(dropped.status, 'blocked');
    t.match(dropped.text, 'timed out');
    const refused = verdictOf([CURRENT_A, CURRENT_B], [80, 443], () => 'ECONNREFUSED');
    t.match(refused.text, 'ports 80 and 443');
    t.match(refused.text, 'were refused');
  });

  t.test('every port ok somewhere, a current range blocked on a port → partial, exit 1', async (t) => {
    const v = verdictOf([CURRENT_A, CURRENT_B, LEGACY], PORTS, (range, port) => (range === CURRENT_B && port === 443 ? 'timeout' : 'ok'));
    t.equal(v.status, 'partial');
    t.equal(v.exitCode, 1);
    t.match(v.text, 'yet 1 range did not answer where it is documented to: 198.51.100.0/24 not on 443, though it answered its other ports (filtered there)');
    t.match(adviceText(v), '198.51.100.0/24');
    t.notMatch(adviceText(v), '192.0.2.0/24');
  });

  t.test('a legacy range failing does not make it partial', async (t) => {
    const v = verdictOf([CURRENT_A, CURRENT_B, LEGACY], PORTS, (range) => (range === LEGACY ? 'ECONNREFUSED' : 'ok'));
    t.equal(v.status, 'ok');
    t.equal(v.exitCode, 0);
    const timeouts = verdictOf([CURRENT_A, LEGACY], PORTS, (range) => (range === LEGACY ? 'timeout' : 'ok'));
    t.equal(timeouts.status, 'ok');
  });

  // The built-in shapes: GoTo Meeting's ranges on 443 only; six on both lists, where 80 and 8200 are the old list's word.
  const MEETING = parseRange('203.0.113.0/24', { source: 'builtin', lists: ['goto-meeting'], ports: [443] })!;
  const SHARED = parseRange('198.18.0.0/24', { source: 'builtin', lists: ['goto-meeting', 'gotomypc'], ports: [80, 443, 8200], legacyPorts: [80, 8200] })!;
  const served = (ranges: Range[], outcome: (range: Range, port: number) => Outcome): [Range, number, Outcome][] =>
    grid(ranges, PORTS, outcome).filter(([range, port]) => range.ports === null || range.ports.includes(port));

  t.test('a port only an old list vouches for, silent everywhere: unconfirmed, and the verdict stays ok', async (t) => {
    const s = summarize([MEETING, SHARED], PORTS, served([MEETING, SHARED], (_r, port) => (port === 443 ? 'ok' : 'timeout')));
    t.same(s.ports.map((p) => [p.port, p.state, p.unjudged]), [[80, 'unconfirmed', 1], [443, 'reachable', 0], [8200, 'unconfirmed', 1]]);
    t.same(s.ranges.map((r) => r.ports['80']!.state), ['not-served', 'unconfirmed']);
    const v = decideVerdict(s, null);
    t.equal(v.status, 'ok');
    t.match(v.text, /ports 80 and 8200 could not be confirmed: the only addresses tried there are ones an old list alone names .* g2probe cannot tell a firewall from a retired address there/);
    t.notMatch(adviceText(v), /\b(open|allow|exempt)\b/i, 'nobody is asked to change anything on a guess');
    const none = decideVerdict(summarize([SHARED], [80, 8200], served([SHARED], () => 'timeout').filter(([, port]) => port !== 443)), null);
    t.equal(none.status, 'unknown', 'nothing confirmed on any port: unknown, not blocked');
    t.equal(none.exitCode, 3);
  });

  t.test('this PC\'s firewall refusing is evidence wherever it happens, old list or not', async (t) => {
    const s = summarize([LEGACY], PORTS, grid([LEGACY], PORTS, (_r, port) => (port === 8200 ? 'EACCES' : 'ok')));
    t.match(s.ports[2], { state: 'blocked', unjudged: 0 });
    const v = decideVerdict(s, 'host');
    t.equal(v.status, 'blocked');
    t.match(adviceText(v), /A firewall or security suite on this PC .* refuses outbound TCP 8200/);
  });

  t.test('an application filter blocks its port, even where other attempts got through', async (t) => {
    const filtered: Attempt = { ...attempt(CURRENT_A, 443, 'ok'), status: 'blocked', reason: 'app-filter', evidence: { stage: 'tls', code: 'ECONNRESET', elapsedMs: 1, why: 'cut', exchanges: { gotomypc: { sent: 'a TLS ClientHello with SNI www.gotomypc.com', outcome: 'reset', code: 'ECONNRESET', elapsedMs: 1 }, neutral: { sent: 'a TLS ClientHello without SNI', outcome: 'answered', elapsedMs: 2 } } } };
    const builder = new SummaryBuilder([CURRENT_A, CURRENT_B], [443]);
    builder.add(filtered);
    builder.add(attempt(CURRENT_B, 443, 'ok'));
    const s = builder.summary();
    t.equal(s.ports[0]!.state, 'blocked');
    t.same(s.ranges.map((r) => r.ports['443']!.reason), ['app-filter', 'connected']);
    t.match(s.findings, [{ reason: 'app-filter', possible: false, text: /a TLS ClientHello with SNI www\.gotomypc\.com was cut, a TLS ClientHello without SNI to the same server was not/ }]);
    const v = decideVerdict(s, null);
    t.equal(v.status, 'blocked');
    t.match(v.text, /on outbound TCP port 443, an application-aware filter cuts GoToMyPC's traffic: the exchanges that carried GoToMyPC's names or bytes were cut, while the same exchanges without them passed/);
    t.match(v.advice[0]!.text, /^An application-control rule .* allow the GoToMyPC application/);
    t.match(v.advice[0]!.evidence.join(' '), /SNI www\.gotomypc\.com: reset ECONNRESET; a TLS ClientHello without SNI: answered/);
  });

  t.test('a proxy that refuses CONNECT to 8200 while 443 tunnels: partial, saying what is known and what is only reported', async (t) => {
    const proxied = (port: number, status: number): Attempt => ({
      ip: '192.0.2.1', port, range: CURRENT_A.cidr, expected: true, path: 'proxy', ms: 2, connectMs: 1,
      ...classify({ path: 'proxy', connect: { kind: 'tcp', outcome: 'connected', elapsedMs: 1, localAddress: '127.0.0.1', localPort: 1 }, proxy: { kind: 'proxy', outcome: 'answered', status, statusText: status === 200 ? 'Connection established' : 'Forbidden', headers: status === 403 ? { 'x-squid-error': 'ERR_ACCESS_DENIED 0' } : {}, credentialsSent: false, elapsedMs: 1 } }),
    });
    const builder = new SummaryBuilder([CURRENT_A], [443, 8200]);
    builder.add(proxied(443, 200));
    builder.add(proxied(8200, 403));
    const v = decideVerdict(builder.summary(), null);
    t.equal(v.status, 'partial');
    t.match(v.text, /^GoToMyPC may connect through the proxy on 443 only: the proxy refuses to open tunnels \(CONNECT\) to 8200, while 443 is open through it\. That is squid's default .* reported to fall back to 443; g2probe cannot test that fallback\./);
    const denied = new SummaryBuilder([CURRENT_A], [443, 8200]);
    denied.add(proxied(443, 403));
    denied.add(proxied(8200, 403));
    t.equal(decideVerdict(denied.summary(), null).status, 'blocked', 'with 443 refused too, it is blocked');
  });

  t.test('a range that answered nothing: a sample is only possible; a range tried whole is partial', async (t) => {
    const WHOLE = parseRange('198.51.100.7/32')!;
    const sampled = verdictOf([CURRENT_A, CURRENT_B], PORTS, (range) => (range === CURRENT_B ? 'timeout' : 'ok'));
    t.equal(sampled.status, 'ok', 'one address of a /24 silent on every port may just be unused');
    t.match(sampled.text, /1 range answered on no port \(198\.51\.100\.0\/24\): only a sample was tried/);
    t.match(adviceText(sampled), /^Possibly nothing to fix: .*--sample 16/m);
    const whole = verdictOf([CURRENT_A, WHOLE], PORTS, (range) => (range === WHOLE ? 'timeout' : 'ok'));
    t.equal(whole.status, 'partial', 'every address tried and none answered');
    t.match(whole.text, /198\.51\.100\.7\/32 on no port, though every address of it was tried/);
  });

  t.test('possible findings are said, and never change the verdict', async (t) => {
    const weak = { ...attempt(CURRENT_A, 80, 'ok'), evidence: { ...attempt(CURRENT_A, 80, 'ok').evidence, possible: ['Via: 1.1 somebox (an intermediary g2probe does not know)'] } };
    const builder = new SummaryBuilder([CURRENT_A], [80]);
    builder.add(weak);
    const s = builder.summary();
    t.match(s.findings, [{ possible: true, port: 80, text: /^Possibly something in the way on port 80: Via: 1\.1 somebox/ }]);
    t.equal(s.ports[0]!.state, 'reachable');
    const v = decideVerdict(s, null);
    t.equal(v.status, 'ok');
    t.match(v.text, /Possibly something in the way on port 80/);
    t.match(adviceText(v), /^Possibly something in the way, on a sign too weak to judge on/m);
  });

  t.test('only error attempts → unknown, exit 3, never "blocked"', async (t) => {
    const v = verdictOf([CURRENT_A, CURRENT_B], PORTS, () => 'EMFILE');
    t.equal(v.status, 'unknown');
    t.equal(v.exitCode, 3);
    t.notMatch(v.text, /blocked/i);
    t.match(v.text, 'EMFILE');
    t.match(adviceText(v), '--concurrency');
    const mixed = verdictOf([CURRENT_A], [80, 443], (_r, port) => (port === 80 ? 'EADDRNOTAVAIL' : 'ENOBUFS'));
    t.equal(mixed.status, 'unknown');
    t.match(mixed.text, 'EADDRNOTAVAIL');
    t.match(mixed.text, 'ENOBUFS');
  });

  t.test('no attempts at all → unknown, exit 3', async (t) => {
    const v = decideVerdict(summarize([CURRENT_A], PORTS, []), null);
    t.equal(v.status, 'unknown');
    t.equal(v.exitCode, 3);
    t.match(v.text, 'Nothing was tested');
  });

  t.test('every attempt ENETUNREACH → blocked, no route', async (t) => {
    const s = summarize([CURRENT_A, CURRENT_B], PORTS, grid([CURRENT_A, CURRENT_B], PORTS, () => 'ENETUNREACH'));
    t.equal(hasNoRoute(s), true);
    const v = decideVerdict(s, 'host');
    t.equal(v.status, 'blocked');
    t.equal(v.exitCode, 2);
    t.match(v.text, 'no route');
    t.equal(v.advice.length, 1, 'only the network step');
    t.match(v.advice[0]!.text, 'default gateway');
  });

  t.test('ENETUNREACH on most but not all attempts is not "no route"', async (t) => {
    const rows = grid([CURRENT_A, CURRENT_B], PORTS, (range, port) => (range === CURRENT_B && port === 80 ? 'EHOSTUNREACH' : 'ENETUNREACH'));
    const s = summarize([CURRENT_A, CURRENT_B], PORTS, rows);
    t.equal(hasNoRoute(s), false);
    const v = decideVerdict(s, null);
    t.equal(v.status, 'blocked');
    t.notMatch(v.text, 'no route');
    t.match(v.text, "'unreachable'");
    t.equal(hasNoRoute(summarize([CURRENT_A], [80], [])), false, 'no attempts is not no-route');
  });

  t.test('EXIT_CODES', async (t) => {
    t.same(EXIT_CODES, { ok: 0, partial: 1, blocked: 2, unknown: 3, intercepted: 4 });
  });

  t.test('advice: local firewall, role host lists the host programs', async (t) => {
    const v = verdictOf([CURRENT_A], PORTS, (_r, port) => (port === 8200 ? 'EACCES' : 'ok'), 'host');
    t.equal(v.status, 'blocked');
    t.match(v.text, 'firewall on this PC');
    const text = adviceText(v);
    for (const exe of ['g2host.exe', 'g2comm.exe', 'g2svc.exe', 'g2tray.exe', 'gopcsrv.exe', 'g2vistahelper.exe']) t.match(text, exe);
    t.notMatch(text, 'g2viewer.exe');
    t.match(text, 'this host PC');
    t.match(v.advice[0]!.text, 'TCP 8200');
  });

  t.test('advice: local firewall, role client lists g2viewer.exe only', async (t) => {
    const v = verdictOf([CURRENT_A], PORTS, () => 'EPERM', 'client');
    const text = adviceText(v);
    t.match(text, 'g2viewer.exe');
    t.notMatch(text, 'g2host.exe');
    t.match(text, 'this client PC');
    t.equal(text.split('g2viewer.exe').length - 1, 1, 'the programs step appears once, not repeated');
  });

  t.test('advice: local firewall, no role lists both sides', async (t) => {
    const text = adviceText(verdictOf([CURRENT_A], [443], () => 'EACCES', null));
    t.match(text, 'g2host.exe');
    t.match(text, 'g2viewer.exe');
    t.match(text, '--role host');
  });

  t.test('advice: timeouts name the dropped ports', async (t) => {
    const v = verdictOf([CURRENT_A, CURRENT_B], PORTS, (_r, port) => (port === 80 ? 'ok' : 'timeout'));
    const step = v.advice.find((a) => a.text.includes('dropped silently'));
    t.ok(step, 'a dropped-silently step');
    t.match(step!.text, 'TCP 443 and 8200');
    t.notMatch(step!.text, /TCP 80\b/);
  });

  t.test('advice: rejected ports', async (t) => {
    const v = verdictOf([CURRENT_A], [80, 443], (_r, port) => (port === 443 ? 'ECONNRESET' : 'ok'));
    const step = v.advice.find((a) => a.text.includes('rejected'));
    t.ok(step);
    t.match(step!.text, 'TCP 443');
  });

  t.test('advice: errors produce a --concurrency step', async (t) => {
    const rows = grid([CURRENT_A], PORTS, () => 'ok');
    rows.push([CURRENT_A, 443, 'EMFILE'], [CURRENT_A, 443, 'EMFILE']);
    const v = decideVerdict(summarize([CURRENT_A], PORTS, rows), null);
    t.equal(v.status, 'ok', 'errors next to successes do not change an ok verdict');
    const step = v.advice.find((a) => a.text.includes('--concurrency'));
    t.ok(step);
    t.match(step!.text, '2 attempts');
  });

  t.test('advice with a role and a non-ok verdict names the programs even without a local firewall', async (t) => {
    const v = verdictOf([CURRENT_A], PORTS, () => 'timeout', 'client');
    t.match(adviceText(v), 'g2viewer.exe');
    const ok = verdictOf([CURRENT_A], PORTS, () => 'ok', 'client');
    t.notMatch(adviceText(ok), 'g2viewer.exe', 'not when all is well');
  });

  t.test('adviseOn is pure: same summary, same steps', async (t) => {
    const s = summarize([CURRENT_A], PORTS, grid([CURRENT_A], PORTS, () => 'timeout'));
    t.same(adviseOn(s, 'blocked', false, null), adviseOn(s, 'blocked', false, null));
  });
});

t.test('regressions', async (t) => {
  const A = parseRange('192.0.2.0/24', { source: 'file', status: 'current' })!;
  const B = parseRange('198.51.100.0/24', { source: 'file', status: 'current' })!;
  const add = (builder: SummaryBuilder, range: Range, port: number, obs: TcpObservation): void =>
    builder.add({ ip: '192.0.2.1', port, range: range.cidr, expected: true, ms: obs.elapsedMs, path: 'direct' as const, connectMs: null, ...classifyTcp(obs) });

  t.test('the unknown sentence names only local faults of the untested ports', async (t) => {
    const builder = new SummaryBuilder([A], [80, 443]);
    add(builder, A, 80, { kind: 'tcp', outcome: 'connected', elapsedMs: 1, localAddress: '192.0.2.9', localPort: 1 });
    add(builder, A, 80, { kind: 'tcp', outcome: 'failed', code: 'ECONNREFUSED', elapsedMs: 1 });
    add(builder, A, 443, { kind: 'tcp', outcome: 'failed', code: 'EMFILE', elapsedMs: 1 });
    const verdict = decideVerdict(builder.summary(), null);
    t.equal(verdict.status, 'unknown');
    t.match(verdict.text, /local fault \(EMFILE\)/);
    t.notMatch(verdict.text, /ECONNREFUSED/);
  });

  t.test('no empty parentheses when the faults carry no code', async (t) => {
    const builder = new SummaryBuilder([A, B], [80]);
    add(builder, A, 80, { kind: 'tcp', outcome: 'connected', elapsedMs: 1, localAddress: '192.0.2.9', localPort: 1 });
    const verdict = decideVerdict(builder.summary(), null);
    t.equal(verdict.status, 'unknown');
    t.notMatch(verdict.text, /\(\)/);
  });

  t.test('a code named like an Object method is still error/unexpected', async (t) => {
    for (const code of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const c = classifyTcp({ kind: 'tcp', outcome: 'failed', code, elapsedMs: 1 });
      t.same([c.status, c.reason], ['error', 'unexpected'], code);
    }
  });

  t.test('an IPv6 local endpoint is bracketed', async (t) => {
    const c = classifyTcp({ kind: 'tcp', outcome: 'connected', elapsedMs: 1, localAddress: '2001:db8::5', localPort: 50000 });
    t.equal(c.evidence.local, '[2001:db8::5]:50000');
  });
});
