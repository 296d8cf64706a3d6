// schema/report-v2.json: it compiles strictly, `g2probe schema` prints it, its enums are the code's, reports
// built by the real modules pass, and the changes that would break an old reader fail.
// Pure code only (and the built CLI for `g2probe schema`, which sends nothing).
import t from 'tap';
import { parseCli } from '../../../src/commands/args.js';
import { STATUSES, type Attempt, type DnsReport, type LocalPolicy, type ProbeOptions, type RangesInfo, type Trace } from '../../../src/core/types.js';
import { EXECUTABLES } from '../../../src/data/executables.js';
import { BUILTIN_RANGES } from '../../../src/data/ranges.js';
import { SERVICE_HOSTS } from '../../../src/data/service-hosts.js';
import { canary } from '../../../src/judge/canary.js';
import { classifyDns } from '../../../src/judge/classify-dns.js';
import { classify } from '../../../src/judge/classify.js';
import { SummaryBuilder } from '../../../src/judge/summary.js';
import { EXIT_CODES, decideVerdict } from '../../../src/judge/verdict.js';
import { inspectLocalPolicy, type CommandRunner } from '../../../src/pc/local-policy.js';
import { JsonReportStream, SCHEMA_VERSION, type ReportHeader } from '../../../src/report/json.js';
import { parseRange } from '../../../src/targets/ranges.js';
import { serviceIndex } from '../../../src/targets/services.js';
import { g2probe } from '../../helpers/cli.js';
import { SCHEMA, SCHEMA_TEXT, compileSchema, validateReport } from '../../helpers/schema.js';
import { windowsFixture } from '../../helpers/windows.js';

interface Node {
  $ref?: string;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Node>;
  required?: string[];
  description?: string;
  [keyword: string]: unknown;
}
const DEFS = SCHEMA.$defs as Record<string, Node>;
const def = (name: string): Node => {
  const found = DEFS[name];
  if (!found) throw new Error(`no $defs/${name} in the schema`);
  return found;
};
const sorted = (values: Iterable<unknown>): unknown[] => [...values].map(String).sort();

// ---- reports built by the real modules

const A = parseRange('192.0.2.0/24', { source: 'file', status: 'current' })!;
const L = parseRange('198.51.100.0/24', { source: 'builtin', status: 'legacy', lists: ['gotomypc'], ports: [80, 443, 8200], legacyPorts: [80, 443, 8200] })!;
const MEDIA = parseRange('203.0.113.0/24', { source: 'builtin', status: 'current', lists: ['goto-meeting'], ports: [443], legacyPorts: [] })!;
const PORTS = [80, 443, 8200];
const POLL = SERVICE_HOSTS.find((h) => h.name === 'poll.gotomypc.com')!;
const HTTP = (host: string) => ({ request: `GET / (Host: ${host})`, host });

const OPTIONS: ProbeOptions = {
  rangesFile: 'lab.txt', ports: PORTS, sample: 2, seed: 'g2probe', all: false, concurrency: 64, timeoutMs: 3000, role: 'host',
  loopbackOnly: false, connectOnly: false, servername: 'www.gotomypc.com', tlsRoots: null,
  proxies: { http: null, https: { url: 'http://pat:***@192.0.2.250:3128', source: 'HTTPS_PROXY' }, noProxy: 'localhost', pac: null },
  compareDirect: true, systemProxy: true, learnTimeout: true, hosts: ['poll.gotomypc.com'], dnsServer: null, rangesUrl: null, rangesCache: null,
};
const FROM_FILE: RangesInfo = { origin: 'file', location: 'lab.txt', lists: [{ name: 'lab.txt', title: 'ranges from lab.txt', status: 'current', ports: null, source: 'lab.txt' }], version: '0123456789ab', count: 3, update: null };
const NOT_WINDOWS: LocalPolicy = { applies: false, why: 'Windows only: this PC runs linux.' };

const connected = (ms = 1.5): Trace['connect'] => ({ kind: 'tcp', outcome: 'connected', elapsedMs: ms, localAddress: '192.0.2.200', localPort: 50000 });
const CERT = { subject: 'CN=www.gotomypc.com', issuer: 'CN=Zscaler Intermediate Root CA, O=Zscaler Inc.', sha256: Array(32).fill('AB').join(':'), validFrom: '2024-01-01T00:00:00.000Z', validTo: '2025-01-01T00:00:00.000Z' };

function attempt(ip: string, port: number, range: string | null, trace: Trace, extra: Partial<Attempt> = {}): Attempt {
  const expected = range === L.cidr ? false : (extra.expected ?? true);
  return { ip, port, range, expected, path: trace.path, ...classify(trace, { ip, expected }), ms: 12.3, connectMs: trace.connect.outcome === 'connected' ? trace.connect.elapsedMs : null, ...extra };
}

function dnsReport(): DnsReport {
  const result = classifyDns(
    { kind: 'dns', host: POLL.name, server: 'system', queries: [
      { type: 'A', outcome: 'answered', addresses: ['192.0.2.10'], elapsedMs: 4 },
      { type: 'AAAA', outcome: 'failed', addresses: [], code: 'ENODATA', elapsedMs: 4 },
    ] },
    POLL,
    { ranges: [A, L, MEDIA], loopbackOnly: false },
  )!;
  return { server: 'system', results: [result] };
}

/** Every kind of attempt the classifier makes: HTTP, TLS inspection, 8200, a proxy's 407, a service address, a comparison. */
function richAttempts(): Attempt[] {
  const http = (ip: string) => attempt(ip, 80, A.cidr, { path: 'direct', connect: connected(), app: { kind: 'http', outcome: 'answered', ...HTTP('www.gotomypc.com'), status: 200, statusText: 'OK', headers: { server: 'nginx', via: '1.1 box' }, bytes: 120, body: 'hello', text: 'hello', elapsedMs: 3 } });
  const reset = { kind: 'http', outcome: 'failed', ...HTTP('poll.gotomypc.com'), code: 'ECONNRESET', bytes: 0, elapsedMs: 1 } as const;
  const moved = { kind: 'http', outcome: 'answered', ...HTTP('192.0.2.8'), status: 301, statusText: 'Moved', headers: { location: 'https://192.0.2.8/' }, text: '', bytes: 60, elapsedMs: 2 } as const;
  return [
    attempt('192.0.2.10', 443, A.cidr, { path: 'direct', connect: connected(), app: { kind: 'tls', outcome: 'handshake', servername: 'www.gotomypc.com', protocol: 'TLSv1.3', chain: [CERT], names: [], trust: 'extra-root', root: { subject: 'CN=Zscaler Root CA', source: 'NODE_EXTRA_CA_CERTS' }, verifyError: 'unable to get local issuer certificate', elapsedMs: 9 } }, { host: POLL.name }),
    http('192.0.2.7'),
    attempt('192.0.2.7', 443, A.cidr, { path: 'proxy', connect: connected(), proxy: { kind: 'proxy', outcome: 'answered', status: 407, statusText: 'Proxy Authentication Required', headers: { 'proxy-authenticate': 'Basic realm="lab"', via: '1.1 squid' }, credentialsSent: false, elapsedMs: 2 } }),
    attempt('192.0.2.7', 8200, A.cidr, { path: 'direct', connect: connected(), app: { kind: 'service', outcome: 'answered', request: 'GET /Jedi', unsolicited: 'HTTP/1.1 400 Bad Request\\r\\n', status: 400, statusText: 'Bad Request', headers: { server: 'squid' }, body: 'Bad', text: 'Bad', elapsedMs: 5 } }),
    attempt('192.0.2.8', 80, A.cidr, { path: 'direct', connect: connected(), app: reset, neutral: { connect: connected(), app: moved } }),
    attempt('192.0.2.8', 443, A.cidr, { path: 'direct', connect: connected(), app: { kind: 'tls', outcome: 'handshake', servername: 'www.gotomypc.com', protocol: 'TLSv1.3', chain: [{ ...CERT, issuer: 'CN=Lab Public Root' }], names: ['*.cloudfront.net'], nameMatches: false, trust: 'public', verifyError: 'ERR_TLS_CERT_ALTNAME_INVALID', elapsedMs: 4 } }),
    attempt('203.0.113.5', 443, MEDIA.cidr, { path: 'direct', connect: connected(), app: { kind: 'tls', outcome: 'handshake', servername: null, protocol: 'TLSv1.3', chain: [], names: [], trust: 'public', elapsedMs: 4 } }),
    attempt('192.0.2.11', 443, A.cidr, { path: 'direct', connect: connected(), app: { kind: 'tls', outcome: 'handshake', servername: 'www.gotomypc.com', protocol: 'TLSv1.3', chain: [{ ...CERT, issuer: 'CN=Lab Root' }], names: ['www.gotomypc.com'], nameMatches: true, trust: 'given-root', root: { subject: 'CN=Lab Root', source: '--tls-roots lab/root.pem' }, elapsedMs: 4 } }),
    attempt('198.51.100.9', 80, L.cidr, { path: 'direct', connect: { kind: 'tcp', outcome: 'failed', code: 'ECONNREFUSED', syscall: 'connect', elapsedMs: 0.4 } }),
    attempt('198.51.100.9', 443, L.cidr, { path: 'direct', connect: { kind: 'tcp', outcome: 'timeout', elapsedMs: 3000 } }),
    attempt('198.51.100.9', 8200, L.cidr, { path: 'direct', connect: { kind: 'tcp', outcome: 'failed', code: 'EMFILE', elapsedMs: 0.1 } }),
    attempt('2001:db8::1', 443, null, { path: 'direct', connect: { kind: 'tcp', outcome: 'failed', code: 'ENETUNREACH', syscall: 'connect', elapsedMs: 0.2 } }, { host: POLL.name }),
    { ...http('192.0.2.7'), comparison: true },
  ];
}

/** A whole report as JsonReportStream writes it, parsed back. */
function report(attempts: Attempt[], header: Partial<ReportHeader> = {}): unknown {
  const head: ReportHeader = {
    schemaVersion: SCHEMA_VERSION, tool: { name: 'g2probe', version: '0.0.0-test' }, startedAt: '2024-01-01T00:00:00.000Z',
    options: OPTIONS, ranges: FROM_FILE, dns: null, localPolicy: NOT_WINDOWS, pac: null, proxyPaths: [], ...header,
  };
  let text = '';
  const stream = new JsonReportStream((chunk) => { text += chunk; });
  const summary = new SummaryBuilder([A, L, MEDIA], PORTS, head.dns ? serviceIndex(head.dns) : null);
  const direct = new SummaryBuilder([A, L, MEDIA], PORTS, null);
  stream.begin(head);
  for (const a of attempts) {
    (a.comparison ? direct : summary).add(a);
    stream.attempt(a);
  }
  const result = summary.summary(attempts.some((a) => a.comparison) ? direct : null);
  stream.end({ finishedAt: '2024-01-01T00:00:05.000Z', interrupted: false, summary: result, verdict: decideVerdict(result, head.options.role, head.dns, head.localPolicy) });
  return JSON.parse(text);
}

const minimal = () => report([], { options: { ...OPTIONS, role: null, proxies: { http: null, https: null, noProxy: null, pac: null }, compareDirect: false, systemProxy: true, learnTimeout: true, hosts: [] } });
const rich = () => report(richAttempts(), { dns: dnsReport() });

const WINDOWS_ENV: NodeJS.ProcessEnv = { 'ProgramFiles(x86)': 'C:\\Program Files (x86)', ProgramFiles: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\pat\\AppData\\Local' };

/** The Windows section, read from netsh fixtures (or from a netsh that fails), with a host and a client program installed. */
async function windowsPolicy(netsh: 'fixtures' | 'failing', proxy = 'netsh-winhttp-proxy.txt'): Promise<LocalPolicy> {
  const outputs: Record<string, string> = {
    'advfirewall firewall show rule name=all verbose': windowsFixture('netsh-advfirewall-rules.txt'),
    'advfirewall show allprofiles': windowsFixture('netsh-advfirewall-allprofiles.txt'),
    'winhttp show proxy': windowsFixture(proxy),
  };
  const run: CommandRunner = async (_file, args) => {
    const stdout = outputs[args.join(' ')];
    return netsh === 'fixtures' && stdout !== undefined ? { ok: true, stdout } : { ok: false, why: 'exited with code 1' };
  };
  const installed = new Set(['C:\\Program Files (x86)\\Citrix\\GoToMyPC\\g2svc.exe', 'C:\\Users\\pat\\AppData\\Local\\Citrix\\GoToMyPC\\g2viewer.exe']);
  const policy = await inspectLocalPolicy({ platform: 'win32', role: null, env: WINDOWS_ENV, run, exists: (file) => installed.has(file) });
  if (!policy.applies) throw new Error('the Windows section should apply');
  return policy;
}

// ---- the tests

t.test('the schema compiles under ajv strict mode', async (t) => {
  t.doesNotThrow(() => compileSchema(), 'strict compile');
  t.equal(SCHEMA.$schema, 'https://json-schema.org/draft/2020-12/schema');
  t.match(SCHEMA.$id, /report-v2\.json$/);
  t.ok(SCHEMA_TEXT.endsWith('}\n'), 'ends with a newline');
});

t.test('every $defs entry is used, and every property says what it is', async (t) => {
  const refs = new Set<string>();
  const undescribed: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${path}/${i}`));
    if (node === null || typeof node !== 'object') return;
    const schema = node as Node;
    if (typeof schema.$ref === 'string') refs.add(schema.$ref.replace('#/$defs/', ''));
    for (const [name, sub] of Object.entries(schema.properties ?? {})) if (typeof sub.description !== 'string') undescribed.push(`${path}/properties/${name}`);
    for (const [key, value] of Object.entries(schema)) if (key !== 'enum' && key !== 'const') walk(value, `${path}/${key}`);
  };
  walk(SCHEMA, '#');
  t.same(Object.keys(DEFS).filter((name) => !refs.has(name)), [], 'no unused definition');
  t.same(undescribed, [], 'every property has a description');
});

t.test('g2probe schema prints the schema file, exactly', async (t) => {
  const run = await g2probe(['schema']);
  t.equal(run.code, 0);
  t.equal(run.stderr, '');
  t.ok(run.stdout === SCHEMA_TEXT, 'stdout is the file, byte for byte');
});

t.test('g2probe schema --help explains it; a bad flag or argument is one line and exit 64', async (t) => {
  const help = await g2probe(['schema', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /^Usage: g2probe schema/);
  t.match(help.stdout, /schemaVersion/);
  t.same(await g2probe(['schema', '-h']), help, '-h is --help');
  for (const args of [['--bogus'], ['extra'], ['--help=yes']]) {
    const run = await g2probe(['schema', ...args]);
    t.equal(run.code, 64, `${args.join(' ')}: exit 64`);
    t.equal(run.stdout, '');
    t.match(run.stderr, /^g2probe: [^\n]+\n$/, `${args.join(' ')}: one line on stderr`);
  }
});

t.test('the enums are the lists the code uses', async (t) => {
  t.same(def('Status').enum, STATUSES, 'Status: STATUSES, in order');
  t.same(sorted(Object.keys(def('StatusCounts').properties ?? {})), sorted(STATUSES), 'StatusCounts: one count per status');
  t.same(sorted(def('StatusCounts').required ?? []), sorted(STATUSES));
  t.same(sorted(def('VerdictStatus').enum ?? []), sorted(Object.keys(EXIT_CODES)), 'VerdictStatus: the keys of EXIT_CODES');
  t.same(sorted(def('Verdict').properties?.exitCode?.enum ?? []), sorted(Object.values(EXIT_CODES)), 'exit codes: the values of EXIT_CODES');
  t.same(sorted(def('Role').enum ?? []), sorted(Object.keys(EXECUTABLES)), 'Role: the keys of EXECUTABLES');
  for (const range of BUILTIN_RANGES) {
    t.ok(def('RangeSource').enum?.includes(range.source) && def('RangeStatus').enum?.includes(range.status), `${range.cidr}: its source and status are in the schema`);
  }
  const reasons = def('Reason').enum ?? [];
  t.ok(def('InterceptedReason').enum?.every((r) => reasons.includes(r)), 'InterceptedReason is a subset of Reason');
  t.equal((SCHEMA.properties as Record<string, Node>).schemaVersion?.const, SCHEMA_VERSION, 'schemaVersion: SCHEMA_VERSION');
});

t.test('ProbeOptions: exactly the options parseCli produces', async (t) => {
  const probe = parseCli([], {}).probe;
  const options = def('ProbeOptions');
  t.same(sorted(Object.keys(options.properties ?? {})), sorted(Object.keys(probe)), 'the same fields');
  t.same(sorted(options.required ?? []), sorted(Object.keys(probe)), 'every one required');
  const validate = compileSchema({ $schema: SCHEMA.$schema, $defs: SCHEMA.$defs, $ref: '#/$defs/ProbeOptions' });
  t.ok(validate(JSON.parse(JSON.stringify(probe))), 'the defaults validate', { errors: validate.errors });
});

t.test('reports built by the real modules are valid', async (t) => {
  t.same(validateReport(minimal()), [], 'minimal: no attempts, no DNS, not Windows');
  const full = rich() as { summary: { findings: unknown[]; comparison: unknown; services: unknown } };
  t.same(validateReport(full), [], 'rich: HTTP, TLS inspection, 8200, a proxy, DNS, service addresses, --compare-direct');
  const given = richAttempts().find((a) => a.evidence.tls?.trust === 'given-root');
  t.same(given?.evidence.tls?.givenRoot, { subject: 'CN=Lab Root', source: '--tls-roots lab/root.pem' }, 'a chain under a root given with --tls-roots records that root');
  t.ok(full.summary.findings.length > 0 && full.summary.comparison !== null && full.summary.services !== null, 'the rich report has findings, a comparison and services');
  const text = JSON.stringify(full);
  for (const part of ['"app-filter"', '"exchanges"', '"not-served"', '"unconfirmed"', '"possible":["Via', '"nameMatches":false', '"servername":null', '"legacyPorts":[80,443,8200]']) {
    t.ok(text.includes(part), `the rich report carries ${part}`);
  }

  const evidence = canary(4, 4, [1.1, 1.2, 1.4, 1.3], 4, true)!;
  const withCanary = structuredClone(full);
  withCanary.summary.findings.push({ port: 80, reason: 'http-proxy', possible: true, product: null, text: 'Possibly something in the path accepts every connection.', attempts: 4, evidence });
  t.same(validateReport(withCanary), [], 'a canary finding');

  const fetched: RangesInfo = { origin: 'cache', location: 'https://ranges.example/goto.txt', lists: [], version: 'abcdef012345', count: 10, update: { url: 'https://ranges.example/goto.txt', ok: false, fetchedAt: '2024-01-01T00:00:00.000Z', warning: 'Could not update the range list.' } };
  t.same(validateReport(report([], { ranges: fetched, options: { ...OPTIONS, rangesUrl: fetched.location, rangesCache: '/var/cache/g2probe' } })), [], 'ranges from --ranges-url');

  for (const [name, policy] of [
    ['Windows, netsh read', await windowsPolicy('fixtures')],
    ['Windows, WinHTTP per scheme', await windowsPolicy('fixtures', 'netsh-winhttp-per-scheme.txt')],
    ['Windows, WinHTTP direct', await windowsPolicy('fixtures', 'netsh-winhttp-direct.txt')],
    ['Windows, netsh failing', await windowsPolicy('failing')],
  ] as const) {
    t.same(validateReport(report(richAttempts(), { localPolicy: policy })), [], name);
  }
});

t.test('changes that would break an old reader fail', async (t) => {
  type Mutable = Record<string, any>;
  const cases: [string, (r: Mutable) => void, RegExp][] = [
    ['no verdict', (r) => { delete r.verdict; }, /^\/ must have required property 'verdict'$/m],
    ['no ranges', (r) => { delete r.ranges; }, /^\/ must have required property 'ranges'$/m],
    ['an unknown status', (r) => { r.attempts[0].status = 'unreachable'; }, /^\/attempts\/0\/status must be equal to one of the allowed values/m],
    ['an unknown reason', (r) => { r.attempts[0].reason = 'firewalled'; }, /^\/attempts\/0\/reason must be equal to one of the allowed values/m],
    ['schemaVersion 1', (r) => { r.schemaVersion = 1; }, /^\/schemaVersion must be equal to constant: 2$/m],
    ['an attempt without expected', (r) => { delete r.attempts[0].expected; }, /^\/attempts\/0 must have required property 'expected'$/m],
    ['an old range source', (r) => { r.summary.ranges[0].source = 'goto-firewall-page'; }, /^\/summary\/ranges\/0\/source must be equal to one of the allowed values/m],
    ['a port summary that says not-served', (r) => { r.summary.ports[0].state = 'not-served'; }, /^\/summary\/ports\/0\/state must be equal to one of the allowed values/m],
    ['an unknown top-level field', (r) => { r.extra = true; }, /^\/ must NOT have additional properties: "extra"$/m],
    ['an unknown field in an attempt\'s evidence', (r) => { r.attempts[0].evidence.rtt = 3; }, /^\/attempts\/0\/evidence must NOT have additional properties: "rtt"$/m],
    ['an option missing', (r) => { delete r.options.rangesUrl; }, /^\/options must have required property 'rangesUrl'$/m],
    ['an unknown verdict', (r) => { r.verdict.status = 'fine'; }, /^\/verdict\/status must be equal to one of the allowed values/m],
    ['an unknown reason as a count key', (r) => { r.summary.ports[0].reasons.bogus = 1; }, /^\/summary\/ports\/0\/reasons property name must be valid: "bogus"$/m],
    ['a port key that is not a port', (r) => { r.summary.ranges[0].ports.http = r.summary.ranges[0].ports['80']; }, /^\/summary\/ranges\/0\/ports property name must be valid: "http"$/m],
    ['a timestamp that is not one', (r) => { r.startedAt = 'yesterday'; }, /^\/startedAt must match format "date-time"$/m],
    ['a count as a string', (r) => { r.summary.total = '9'; }, /^\/summary\/total must be integer$/m],
    ['Windows policy without its programs', (r) => { r.localPolicy = { applies: true, why: 'x' }; }, /^\/localPolicy must match exactly one schema in oneOf$/m],
    ['a finding that is not an interception', (r) => { r.summary.findings[0].reason = 'refused'; }, /^\/summary\/findings\/0\/reason must be equal to one of the allowed values/m],
  ];
  for (const [name, mutate, expected] of cases) {
    const broken = rich() as Mutable;
    mutate(broken);
    const errors = validateReport(broken);
    t.not(errors.length, 0, `${name}: invalid`);
    t.match(errors.join('\n'), expected, `${name}: says where`);
  }
});
