// Flags and reports: args.ts, report/json.ts, report/plan.ts, report/text.ts, words.ts.
// Pure code only: addresses are documentation ranges or loopback, parsed and never connected to.
import t from 'tap';
import { DEFAULT_PORTS, parseCli, parsePorts } from '../../../src/commands/args.js';
import { UsageError } from '../../../src/core/errors.js';
import type { Attempt, ProbeOptions, Range, TcpObservation } from '../../../src/core/types.js';
import type { LocalPolicy, PacStatus, ProxySettings, RangesInfo } from '../../../src/core/types.js';
import { listing, plural, portWord, wrap } from '../../../src/core/words.js';
import { classify } from '../../../src/judge/classify.js';
import { SummaryBuilder } from '../../../src/judge/summary.js';
import { decideVerdict } from '../../../src/judge/verdict.js';
import { JsonReportStream, SCHEMA_VERSION, type ReportHeader } from '../../../src/report/json.js';
import { writePlanJson, writePlanText } from '../../../src/report/plan.js';
import { ansi } from '../../../src/report/colour.js';
import { renderText } from '../../../src/report/text.js';
import { buildPlan } from '../../../src/targets/plan.js';
import { isCurrentPort, parseRange, portsOf } from '../../../src/targets/ranges.js';
import { assertValidReport } from '../../helpers/schema.js';

const classifyTcp = (obs: TcpObservation) => classify({ path: 'direct', connect: obs });
const NO_PROXIES: ProxySettings = { http: null, https: null, noProxy: null, pac: null };
const NOT_WINDOWS: LocalPolicy = { applies: false, why: 'Windows only: this PC runs linux.' };
const LAB_RANGES: RangesInfo = { origin: 'file', location: 'lab.txt', lists: [], version: '0123456789ab', count: 2, update: null };
const BUILTIN_INFO: RangesInfo = { origin: 'builtin', location: null, lists: [], version: 'ba9876543210', count: 19, update: null };

t.test('args.ts', async (t) => {
  function usage(argv: string[], env: NodeJS.ProcessEnv = {}): UsageError {
    try {
      parseCli(argv, env);
    } catch (err) {
      if (err instanceof UsageError) return err;
      throw err;
    }
    throw new Error(`parseCli accepted ${JSON.stringify(argv)}`);
  }

  t.test('defaults', async (t) => {
    const o = parseCli([], {});
    t.same(o.probe, {
      rangesFile: null,
      ports: [80, 443, 8200],
      sample: 2,
      seed: 'g2probe',
      all: false,
      concurrency: 64,
      timeoutMs: 3000,
      role: null,
      loopbackOnly: false,
      connectOnly: false,
      servername: 'www.gotomypc.com',
      tlsRoots: null,
      proxies: { http: null, https: null, noProxy: null, pac: null },
      compareDirect: false,
      systemProxy: true,
      learnTimeout: true,
      hosts: ['poll.gotomypc.com', 'www.gotomypc.com', 'get.gotomypc.com', 'authentication.logmeininc.com', 'logging.getgo.com', 'launch.getgo.com', 'api-telemetry.servers.getgo.com'],
      dnsServer: null,
      rangesUrl: null,
      rangesCache: null,
    });
    t.equal(o.plan, false);
    t.equal(o.format, 'text');
    t.equal(o.out, null);
    t.equal(o.quiet, false);
    t.equal(o.logLevel, 'warn');
    t.equal(o.help, false);
    t.equal(o.version, false);
    t.same(DEFAULT_PORTS, [80, 443, 8200]);
    o.probe.ports.push(1);
    t.same(DEFAULT_PORTS, [80, 443, 8200], 'the default list is copied, not shared');
  });

  t.test('loopbackOnly from G2PROBE_LOOPBACK_ONLY and --loopback-only', async (t) => {
    t.equal(parseCli([], { G2PROBE_LOOPBACK_ONLY: '1' }).probe.loopbackOnly, true);
    t.equal(parseCli([], { G2PROBE_LOOPBACK_ONLY: 'tru' }).probe.loopbackOnly, true);
    t.equal(parseCli([], { G2PROBE_LOOPBACK_ONLY: '0' }).probe.loopbackOnly, false);
    t.equal(parseCli([], { G2PROBE_LOOPBACK_ONLY: 'off' }).probe.loopbackOnly, false);
    t.equal(parseCli(['--loopback-only'], {}).probe.loopbackOnly, true);
    t.equal(parseCli(['--loopback-only'], { G2PROBE_LOOPBACK_ONLY: '0' }).probe.loopbackOnly, true, 'the flag wins over an off env');
  });

  t.test('values are read', async (t) => {
    const o = parseCli(
      ['--ranges', 'lab.txt', '--ports', '443, 8200', '--sample', '5', '--seed', 'abc', '--concurrency', '16', '--timeout', '250', '--role', 'client', '--log-level', 'debug', '--json', '--plan', '--out', 'r.json', '-q'],
      {},
    );
    t.equal(o.probe.rangesFile, 'lab.txt');
    t.same(o.probe.ports, [443, 8200]);
    t.equal(o.probe.sample, 5);
    t.equal(o.probe.seed, 'abc');
    t.equal(o.probe.concurrency, 16);
    t.equal(o.probe.timeoutMs, 250);
    t.equal(o.probe.role, 'client');
    t.equal(o.logLevel, 'debug');
    t.equal(o.format, 'json');
    t.equal(o.plan, true);
    t.equal(o.out, 'r.json');
    t.equal(o.quiet, true);
    t.equal(parseCli(['--all'], {}).probe.all, true);
    t.equal(parseCli(['--ports=8200'], {}).probe.ports[0], 8200);
    t.equal(parseCli(['-h'], {}).help, true);
    t.equal(parseCli(['-V'], {}).version, true);
  });

  t.test('duplicate ports are de-duplicated, order kept', async (t) => {
    t.same(parseCli(['--ports', '443,80,443,8200,80'], {}).probe.ports, [443, 80, 8200]);
    t.same(parsePorts('1,65535,1'), [1, 65535]);
  });

  t.test('bad --ports values are named', async (t) => {
    const cases: [string, string][] = [['0', '"0"'], ['65536', '"65536"'], ['abc', '"abc"'], ['80,,443', '""'], ['80,-1', '"-1"'], ['443,8.5', '"8.5"'], ['1e3', '"1e3"'], ['0x50', '"0x50"']];
    for (const [raw, named] of cases) {
      const err = usage(['--ports', raw]);
      t.equal(err.exitCode, 64, raw);
      t.match(err.message, '--ports', raw);
      t.match(err.message, named, `${raw} names ${named}`);
    }
  });

  t.test('bad numbers are named', async (t) => {
    const cases: [string[], string, string][] = [
      [['--concurrency', '-5'], '--concurrency', '"-5"'],
      [['--concurrency', '0'], '--concurrency', '"0"'],
      [['--concurrency', '16385'], '--concurrency', '"16385"'],
      [['--timeout', 'x'], '--timeout', '"x"'],
      [['--timeout', '-1'], '--timeout', '"-1"'],
      [['--timeout', '1.5'], '--timeout', '"1.5"'],
      [['--sample', '0'], '--sample', '"0"'],
      [['--sample', '2x'], '--sample', '"2x"'],
      [['--sample', '99999999999999999999'], '--sample', '"99999999999999999999"'],
    ];
    for (const [argv, flag, named] of cases) {
      const err = usage(argv);
      t.equal(err.exitCode, 64, argv.join(' '));
      t.match(err.message, flag, argv.join(' '));
      t.match(err.message, named, argv.join(' '));
    }
  });

  t.test('bad --role and --log-level', async (t) => {
    const role = usage(['--role', 'admin']);
    t.match(role.message, '--role');
    t.match(role.message, '"admin"');
    const level = usage(['--log-level', 'loud']);
    t.match(level.message, '--log-level');
    t.match(level.message, '"loud"');
  });

  t.test('unknown flag, value on a boolean, missing value, positional', async (t) => {
    t.match(usage(['--foo']).message, /unknown option --foo/);
    t.match(usage(['--json=1']).message, /option --json takes no value/);
    t.match(usage(['--ranges']).message, /option --ranges needs a value/);
    t.match(usage(['--ranges', '--json']).message, /option --ranges needs a value/);
    t.match(usage(['--ranges', '']).message, /option --ranges needs a value/);
    t.match(usage(['--seed=']).message, /option --seed needs a value/);
    const pos = usage(['extra']);
    t.match(pos.message, 'unexpected argument');
    t.match(pos.message, '"extra"');
    t.match(usage(['--json', 'extra']).message, '"extra"');
  });

  t.test('--all with --sample', async (t) => {
    const err = usage(['--all', '--sample', '3']);
    t.match(err.message, '--all');
    t.match(err.message, '--sample');
    t.equal(usage(['--sample', '3', '--all']).exitCode, 64, 'in either order');
  });

  t.test('parseCli never throws anything but a UsageError on bad input', async (t) => {
    for (const argv of [['-x'], ['--'], ['--ports'], ['--role'], ['-q=1'], ['--help=yes']]) {
      let err: unknown;
      try {
        parseCli(argv, {});
      } catch (e) {
        err = e;
      }
      if (err !== undefined) t.ok(err instanceof UsageError, `${JSON.stringify(argv)} → UsageError`);
      else t.pass(`${JSON.stringify(argv)} accepted`);
    }
  });
});

t.test('report/json.ts and report/plan.ts', async (t) => {
  const RANGE = parseRange('192.0.2.0/24', { lists: ['lab.txt'] })!;
  const V6 = parseRange('2001:db8::/126', { status: 'legacy', lists: ['old'], ports: [80, 443], legacyPorts: [80, 443] })!;

  const OPTIONS: ProbeOptions = {
    rangesFile: 'lab.txt', ports: [80, 443], sample: 2, seed: 'g2probe', all: false, concurrency: 64, timeoutMs: 3000, role: null, loopbackOnly: true,
    connectOnly: false, servername: 'www.gotomypc.com', tlsRoots: null, proxies: { http: null, https: null, noProxy: null, pac: null }, compareDirect: false, systemProxy: true, learnTimeout: true,
    hosts: [], dnsServer: null, rangesUrl: null, rangesCache: null,
  };
  const HEADER: ReportHeader = {
    schemaVersion: SCHEMA_VERSION, tool: { name: 'g2probe', version: '0.0.0-test' }, startedAt: '2024-01-01T00:00:00.000Z', options: OPTIONS,
    ranges: LAB_RANGES, dns: null, localPolicy: NOT_WINDOWS, pac: null, proxyPaths: [],
  };

  function collect(attempts: Attempt[]): { text: string; chunks: string[] } {
    const chunks: string[] = [];
    const stream = new JsonReportStream((chunk) => chunks.push(chunk));
    const builder = new SummaryBuilder([RANGE], [80, 443]);
    stream.begin(HEADER);
    for (const a of attempts) {
      builder.add(a);
      stream.attempt(a);
    }
    const summary = builder.summary();
    stream.end({ finishedAt: '2024-01-01T00:00:05.000Z', interrupted: false, summary, verdict: decideVerdict(summary, null) });
    return { text: chunks.join(''), chunks };
  }

  function make(port: number, ip: string, obs: TcpObservation): Attempt {
    return { ip, port, range: RANGE.cidr, expected: true, ms: obs.elapsedMs, path: 'direct' as const, connectMs: null, ...classifyTcp(obs) };
  }

  t.test('0 attempts: valid JSON with an empty attempts array and the footer', async (t) => {
    const { text } = collect([]);
    const report = JSON.parse(text);
    assertValidReport(t, report);
    t.equal(report.schemaVersion, 2);
    t.same(report.tool, HEADER.tool);
    t.equal(report.startedAt, HEADER.startedAt);
    t.same(report.options, OPTIONS);
    t.same(report.attempts, []);
    t.equal(report.finishedAt, '2024-01-01T00:00:05.000Z');
    t.equal(report.summary.total, 0);
    t.equal(report.verdict.status, 'unknown');
    t.equal(report.verdict.exitCode, 3);
    t.equal(report.interrupted, false);
    t.same(Object.keys(report), ['schemaVersion', 'tool', 'startedAt', 'options', 'ranges', 'dns', 'localPolicy', 'pac', 'proxyPaths', 'attempts', 'finishedAt', 'interrupted', 'summary', 'verdict'], 'fields in reading order');
    t.ok(text.endsWith('}\n'), 'ends with a newline');
  });

  t.test('3 attempts: valid JSON, attempts in order, one per line', async (t) => {
    const attempts = [
      make(80, '192.0.2.7', { kind: 'tcp', outcome: 'connected', elapsedMs: 4.44, localAddress: '192.0.2.200', localPort: 50000 }),
      make(443, '192.0.2.7', { kind: 'tcp', outcome: 'failed', code: 'ECONNREFUSED', syscall: 'connect', elapsedMs: 1 }),
      make(80, '192.0.2.99', { kind: 'tcp', outcome: 'timeout', elapsedMs: 3000 }),
    ];
    const { text, chunks } = collect(attempts);
    const report = JSON.parse(text);
    assertValidReport(t, report);
    t.equal(report.attempts.length, 3);
    t.same(report.attempts, attempts, 'attempts round-trip in order');
    t.same(report.attempts.map((a: Attempt) => a.status), ['ok', 'blocked', 'timeout']);
    t.equal(report.summary.total, 3);
    t.same(report.summary.counts, { ok: 1, blocked: 1, timeout: 1, intercepted: 0, error: 0 });
    t.equal(report.verdict.status, 'blocked', 'port 443 never answered');
    t.type(report.verdict.text, 'string');
    t.ok(Array.isArray(report.verdict.advice));
    t.equal(report.finishedAt, '2024-01-01T00:00:05.000Z');
    t.equal(chunks.length, 5, 'header, one chunk per attempt, footer');
    for (const [i, a] of attempts.entries()) t.ok(text.includes(`\n    ${JSON.stringify(a)}`), `attempt ${i} on its own line`);
  });

  t.test('1 attempt: valid JSON', async (t) => {
    const one = make(80, '192.0.2.1', { kind: 'tcp', outcome: 'failed', code: 'EMFILE', elapsedMs: 0.3 });
    const report = JSON.parse(collect([one]).text);
    assertValidReport(t, report);
    t.same(report.attempts, [one]);
    t.equal(report.verdict.status, 'unknown');
  });

  t.test('plan JSON is valid and matches the plan', async (t) => {
    const plan = buildPlan([RANGE, V6], { ports: [80, 443], sample: 2, seed: 'g2probe', all: false });
    let out = '';
    writePlanJson(plan, HEADER.tool, OPTIONS, LAB_RANGES, (chunk) => { out += chunk; });
    const doc = JSON.parse(out);
    t.equal(doc.kind, 'plan');
    t.same(doc.rangeList, LAB_RANGES, 'where the list came from');
    t.equal(doc.count, plan.count);
    t.same(doc.targets, [...plan.targets()]);
    t.same(doc.ranges, [
      { cidr: '192.0.2.0/24', lists: ['lab.txt'], ports: null, legacyPorts: [], source: 'file', status: 'current', hosts: 254 },
      { cidr: '2001:db8::/126', lists: ['old'], ports: [80, 443], legacyPorts: [80, 443], source: 'file', status: 'legacy', hosts: 4 },
    ]);
    t.same(doc.targets.map((x: { expected: boolean }) => x.expected), [true, true, true, true, false, false, false, false], 'an old list\'s ports are not expected to answer');
  });

  t.test('plan JSON for a huge range writes its host count as a string', async (t) => {
    const big = parseRange('2001:db8::/64', { source: 'file', status: 'current' })!;
    const plan = buildPlan([big], { ports: [443], sample: 1, seed: 'g2probe', all: false });
    let out = '';
    writePlanJson(plan, HEADER.tool, OPTIONS, LAB_RANGES, (chunk) => { out += chunk; });
    const doc = JSON.parse(out);
    t.equal(doc.ranges[0].hosts, '18446744073709551616');
    t.equal(doc.targets.length, 1);
  });

  t.test('plan text lists every target with its list', async (t) => {
    const plan = buildPlan([RANGE, V6], { ports: [80], sample: 1, seed: 'g2probe', all: false });
    let out = '';
    writePlanText(plan, [], LAB_RANGES, (chunk) => { out += chunk; });
    const lines = out.trimEnd().split('\n');
    t.match(lines[0], /^# 2 attempts: 2 ranges \(from lab\.txt, version 0123456789ab\), ports? 80\. /);
    const rows = lines.filter((l) => !l.startsWith('#'));
    t.equal(rows.length, 2);
    t.match(rows[0], / 80 192\.0\.2\.0\/24 lab\.txt$/);
    t.match(rows[1], / 80 2001:db8::\/126 old \(old list\)$/);
  });
});

t.test('report/text.ts and words.ts', async (t) => {
  const A = parseRange('192.0.2.0/24', { lists: ['lab.txt'] })!;
  const B = parseRange('198.51.100.0/24', { lists: ['lab.txt'] })!;
  const L = parseRange('2001:db8::/32', { source: 'builtin', status: 'legacy', lists: ['gotomypc'], ports: [80, 443, 8200], legacyPorts: [80, 443, 8200] })!;
  const M = parseRange('203.0.113.0/24', { source: 'builtin', lists: ['goto-meeting'], ports: [443] })!;
  const PORTS = [80, 443, 8200];

  function report(outcome: (range: Range, port: number) => TcpObservation, ranges: Range[] = [A, B, L]) {
    const builder = new SummaryBuilder(ranges, PORTS);
    for (const range of ranges) {
      for (const port of PORTS) {
        const obs = outcome(range, port);
        if (!portsOf(range, PORTS).includes(port)) continue;
        builder.add({ ip: '192.0.2.1', port, range: range.cidr, expected: isCurrentPort(range, port), ms: obs.elapsedMs, path: 'direct' as const, connectMs: null, ...classifyTcp(obs) });
      }
    }
    const summary = builder.summary();
    const verdict = decideVerdict(summary, 'host');
    return { summary, verdict, text: renderText({ version: '9.9.9', summary, verdict, elapsedMs: 1234, ranges: LAB_RANGES, planned: null, proxies: NO_PROXIES, dns: null, localPolicy: NOT_WINDOWS }) };
  }

  const ok: TcpObservation = { kind: 'tcp', outcome: 'connected', elapsedMs: 2, localAddress: '192.0.2.200', localPort: 4000 };
  const timeout: TcpObservation = { kind: 'tcp', outcome: 'timeout', elapsedMs: 3000 };
  const refused: TcpObservation = { kind: 'tcp', outcome: 'failed', code: 'ECONNREFUSED', elapsedMs: 1 };

  t.test('renderText: header, verdict on the third line in upper case', async (t) => {
    const { text } = report(() => ok);
    const lines = text.split('\n');
    t.match(lines[0], 'g2probe 9.9.9');
    t.match(lines[0], '9 attempts to 3 ranges (from lab.txt) in 1.2 s');
    t.equal(lines[1], '');
    t.match(lines[2], /^OK: GoToMyPC should connect/);
    t.ok(text.endsWith('\n'));
  });

  t.test('renderText: retried handshakes, and whether a retry got answers', async (t) => {
    const { summary, verdict } = report(() => ok);
    const render = (retried: { attempts: number; answered: number }) =>
      renderText({ version: '1', summary: { ...summary, retried }, verdict, elapsedMs: 0, ranges: LAB_RANGES, planned: null, proxies: NO_PROXIES, dns: null, localPolicy: NOT_WINDOWS }).replace(/\s+/g, ' ');
    t.match(render({ attempts: 9822, answered: 0 }), 'Tried again on a new connection: 9822 silent handshakes; none answered a retry.');
    t.match(render({ attempts: 40, answered: 1 }), '40 silent handshakes; 1 retry got an answer the first try did not, a sign the path loses packets.');
    t.notMatch(report(() => ok).text, /Tried again/, 'nothing retried: no line');
  });

  t.test('renderText: a PAC that ran out of its budget says what it decided, on the Path line', async (t) => {
    const { summary, verdict } = report(() => ok);
    const work = { budgetMs: 10_000, elapsedMs: 10_004, questions: 9, undecided: 7, names: 10, silentNames: 10, restarts: 20 };
    const ranOut = "the PAC file's 10 s budget ran out: 2 of 9 targets' routes decided; the other 7 go DIRECT, as Windows does when a PAC fails";
    const render = (pac: PacStatus) => renderText({ version: '1', summary, verdict, elapsedMs: 0, ranges: LAB_RANGES, planned: null, proxies: NO_PROXIES, dns: null, localPolicy: NOT_WINDOWS, pac }).replace(/\s+/g, ' ');
    const pac: PacStatus = { url: 'http://127.0.0.1/x.pac', source: '--pac', usable: true, why: null };
    t.match(render({ ...pac, work: { ...work, ranOut } }), `Path: as the PAC file http://127.0.0.1/x.pac answers for each target (--pac); ${ranOut}`);
    t.notMatch(render({ ...pac, work: { ...work, undecided: 0 } }), /budget/, 'within its budget: nothing said');
  });

  t.test('renderText: a failed --ranges-url update is the second line, and names the list probed', async (t) => {
    const summary = new SummaryBuilder([A], PORTS).summary();
    const warning = 'Could not update the range list from https://lists.example/goto.txt: the server answered 500. Using the copy fetched 2026-01-01T00:00:00.000Z.';
    const ranges: RangesInfo = { origin: 'cache', location: 'https://lists.example/goto.txt', lists: [], version: '0123456789ab', count: 1, update: { url: 'https://lists.example/goto.txt', ok: false, fetchedAt: '2026-01-01T00:00:00.000Z', warning } };
    const lines = renderText({ version: '1', summary, verdict: decideVerdict(summary, null), elapsedMs: 0, ranges, planned: null, proxies: NO_PROXIES, dns: null, localPolicy: NOT_WINDOWS }).split('\n');
    t.match(lines[0], '(cached copy of https://lists.example/goto.txt)');
    t.equal(lines.slice(1, 3).join(' ').replace(/\s+/g, ' '), `Warning: ${warning}`, 'the whole warning, wrapped');
  });

  t.test('renderText: an interrupted run says so before the verdict', async (t) => {
    const builder = new SummaryBuilder([A], PORTS);
    builder.add({ ip: '192.0.2.1', port: 80, range: A.cidr, expected: true, ms: 2, path: 'direct' as const, connectMs: null, ...classifyTcp(ok) });
    const summary = builder.summary();
    const verdict = decideVerdict(summary, null);
    const lines = renderText({ version: '1', summary, verdict, elapsedMs: 10, ranges: LAB_RANGES, planned: 3, proxies: NO_PROXIES, dns: null, localPolicy: NOT_WINDOWS }).split('\n');
    t.match(lines[2], /^INTERRUPTED after 1 of 3 attempts/);
    t.equal(lines[3], '');
    t.match(lines[4], new RegExp(`^${verdict.status.toUpperCase()}: `));
  });

  t.test('renderText: a blocked run', async (t) => {
    const { text, verdict } = report((_r, port) => (port === 8200 ? timeout : ok));
    t.equal(verdict.status, 'blocked');
    t.match(text.split('\n')[2], /^BLOCKED: /);
  });

  t.test('renderText in colour: our own words painted after escaping, and nothing else changed', async (t) => {
    const { summary, verdict } = report((r, port) => (port === 8200 ? timeout : r === B && port === 443 ? refused : ok));
    const input = { version: '9.9.9', summary, verdict: { ...verdict, text: 'evil \x1b[2J\u202e text' }, elapsedMs: 1234, ranges: LAB_RANGES, planned: 4, proxies: NO_PROXIES, dns: null, localPolicy: NOT_WINDOWS };
    const plainText = renderText(input);
    const coloured = renderText(input, ansi);
    t.equal(coloured.replace(/\x1b\[[0-9;]*m/g, ''), plainText, 'without its colour codes, the very same text');
    t.notMatch(coloured.replace(/\x1b\[[0-9;]*m/g, ''), '\x1b', 'the untrusted escape shown escaped, never raw');
    t.match(coloured, '\x1b[1;33mINTERRUPTED\x1b[0m after');
    t.match(coloured, `\n\x1b[1;31m${verdict.status.toUpperCase()}:\x1b[0m evil \\x1b[2J\\u{202E} text`, 'the verdict bold and red, its sentence escaped and uncoloured');
    t.match(coloured, /\n {2}8200 {2}\x1b\[31mblocked\x1b\[0m {3}/, "a port's result in its tone, padded outside the codes");
    t.match(coloured, /\x1b\[32mok\x1b\[0m {2}\x1b\[31mrefused\x1b\[0m {2}\x1b\[33mno-answer \(old list\)\x1b\[0m|\x1b\[31mno-answer\x1b\[0m/, "a range's cells in their state's tone");
    t.notMatch(plainText, '\x1b[', 'no colour unless asked');
  });

  t.test('renderText: a partial run', async (t) => {
    const { text } = report((r, port) => (r === B && port === 443 ? refused : ok));
    t.match(text.split('\n')[2], /^PARTIAL: /);
  });

  t.test('renderText: one row per port and per range', async (t) => {
    const { text } = report((r, port) => (port === 8200 ? timeout : r === B && port === 443 ? refused : ok));
    const lines = text.split('\n');
    const portsAt = lines.indexOf('Ports');
    const rangesAt = lines.indexOf('Ranges (what each port saw)');
    const todoAt = lines.indexOf('What to do');
    t.ok(portsAt > 2 && rangesAt > portsAt && todoAt > rangesAt, 'sections in order');
    const portRows = lines.slice(portsAt + 2, rangesAt - 1);
    t.equal(portRows.length, 3, 'one row per port');
    t.match(portRows[0], /^\s+80\s+reachable\b/);
    t.match(portRows[1], /^\s+443\s+reachable\b.*refused ×1/);
    t.match(portRows[2], /^\s+8200\s+blocked\b.*no-answer ×3/);
    t.match(lines[portsAt + 1], /PORT\s+RESULT\s+OK\s+BLOCKED\s+TIMEOUT\s+SEEN/, 'only statuses seen, plus OK');
    t.notMatch(lines[portsAt + 1], 'ERROR');
    const rangeRows = lines.slice(rangesAt + 2, todoAt - 3);
    t.equal(lines[todoAt - 2], 'This PC: not checked (Windows only: this PC runs linux)', 'off Windows, the local policy section is one line saying it does not apply');
    t.equal(lines[todoAt - 3], '', 'and only that line');
    t.equal(rangeRows.length, 3, 'one row per range');
    t.match(rangeRows[0], /^\s+192\.0\.2\.0\/24\s+lab\.txt\s+ok\s+ok\s+no-answer$/);
    t.match(rangeRows[1], /^\s+198\.51\.100\.0\/24\s+lab\.txt\s+ok\s+refused\s+no-answer$/);
    t.match(rangeRows[2], /^\s+2001:db8::\/32\s+gotomypc\s+ok\s+ok\s+no-answer \(old list\)$/, 'a failure only an old list vouches against is marked');
    t.match(lines[rangesAt + 1], /RANGE\s+LIST\s+80\s+443\s+8200/);
    t.same(lines.filter((line) => line !== line.trimEnd()), [], 'no trailing spaces');
  });

  t.test('renderText: a range is shown on every port, "not served" where it is not documented', async (t) => {
    const { text, summary } = report(() => ok, [A, M]);
    t.match(text, /^\s+203\.0\.113\.0\/24\s+goto-meeting\s+not served\s+ok\s+not served$/m);
    t.same(summary.ranges[1]!.ports['80'], { state: 'not-served', counts: { ok: 0, blocked: 0, timeout: 0, intercepted: 0, error: 0 }, reason: null });
    t.same(summary.ranges[1]!.serves, [443]);
  });

  t.test('renderText: numbers the advice steps', async (t) => {
    const { text, verdict } = report((_r, port) => (port === 443 ? timeout : port === 8200 ? { kind: 'tcp', outcome: 'failed', code: 'EACCES', elapsedMs: 1 } : ok));
    t.ok(verdict.advice.length >= 2, 'several steps');
    const lines = text.split('\n');
    const todoAt = lines.indexOf('What to do');
    const numbered = lines.slice(todoAt + 1).filter((l) => /^ {2}\d+\. /.test(l));
    t.same(numbered.map((l) => Number(/^ {2}(\d+)\./.exec(l)![1])), verdict.advice.map((_, i) => i + 1));
    const body = lines.slice(todoAt + 1, lines.length - 1);
    t.ok(body.length > numbered.length, 'long steps wrap onto more lines');
    t.same(body.filter((line) => line.length > 78), [], 'advice wrapped at 78 columns');
    t.same(body.filter((line) => line !== '' && !/^ {2}\d+\. \S/.test(line) && !/^ {5}\S/.test(line) && !/^ {7}\S/.test(line)), [], 'continuation lines indented under the text');
    t.equal(body.filter((line) => /^ {5}Seen: /.test(line)).length, verdict.advice.filter((s) => s.evidence.length > 0).length, 'each step with evidence cites it');
    t.match(text, /Seen: 192\.0\.2\.\d+:8200 local-firewall/, 'the local-firewall step cites the attempt');
    t.match(text, 'g2host.exe');
  });

  t.test('renderText: a range cell with no attempts shows a dash', async (t) => {
    const builder = new SummaryBuilder([A], [80]);
    const summary = builder.summary();
    const text = renderText({ version: '1', summary, verdict: decideVerdict(summary, null), elapsedMs: 0, ranges: BUILTIN_INFO, planned: null, proxies: NO_PROXIES, dns: null, localPolicy: NOT_WINDOWS });
    t.match(text, /192\.0\.2\.0\/24\s+lab\.txt\s+-$/m);
    t.match(text.split('\n')[2], /^UNKNOWN: /);
    t.match(text.split('\n')[0], '0 attempts to 1 range (built-in GoTo list) in 0.0 s');
  });

  t.test('wrap keeps lines within width and keeps the leading indent', async (t) => {
    const prose = 'Outbound TCP 443 and 8200 is dropped silently, usually by a firewall between this PC and the internet. Ask the network administrator to allow it.';
    for (const width of [20, 40, 78]) {
      const out = wrap(`   ${prose}`, width, '      ');
      const lines = out.split('\n');
      t.ok(lines.length > 1, `wraps at ${width}`);
      for (const line of lines) t.ok(line.length <= width, `${JSON.stringify(line)} <= ${width}`);
      t.match(lines[0], /^ {3}Outbound/, 'leading indent kept');
      for (const line of lines.slice(1)) t.match(line, /^ {6}\S/, 'later lines indented');
      t.equal(out.replace(/\s+/g, ' ').trim(), prose, 'no word lost or changed');
    }
    t.equal(wrap('short text', 78), 'short text');
    t.equal(wrap('  a b', 78), '  a b');
    t.equal(wrap('one two three', 7), 'one two\nthree');
    t.equal(wrap('one two three', 7, '  '), 'one two\n  three');
  });

  t.test('listing, plural, portWord', async (t) => {
    t.equal(listing([]), '');
    t.equal(listing(['a']), 'a');
    t.equal(listing(['a', 'b']), 'a and b');
    t.equal(listing(['a', 'b', 'c']), 'a, b and c');
    t.equal(listing([80, 443, 8200, 1]), '80, 443, 8200 and 1');
    t.equal(plural(1, 'range'), '1 range');
    t.equal(plural(0, 'range'), '0 ranges');
    t.equal(plural(2, 'range'), '2 ranges');
    t.equal(plural(3, 'child', 'children'), '3 children');
    t.equal(portWord([443]), 'port 443');
    t.equal(portWord([80, 443]), 'ports 80 and 443');
  });
});
