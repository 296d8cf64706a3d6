// Property tests of the flag parsers: any argv is options or one clean line of refusal, a password after
// --proxy-user is never echoed, and valid combinations parse to the values given. Pure code: nothing is sent.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { DEFAULT_PORTS, PROBE_SPEC, parseCli } from '../../../src/commands/args.js';
import { parseFlags } from '../../../src/commands/flags.js';
import { LOG_LEVELS } from '../../../src/commands/log-levels.js';
import { formatAddress } from '../../../src/core/address.js';
import { SERVICE_HOSTS } from '../../../src/data/service-hosts.js';
import { HOSTILE, property, returnsOrRefuses } from '../../helpers/fuzz.js';

/** The longest refusal: a sentence or two around one 80-character value with every character escaped. */
const MAX_MESSAGE = 800;

const NAMES = [...Object.keys(PROBE_SPEC), 'plan', 'json', 'format', 'out', 'quiet'];
const flag = fc.constantFrom(...NAMES.map((name) => `--${name}`), '-h', '-V', '-q', '-hq', '-qV', '--', '-', '---', '--=', '-x', '--no-such');
const value = fc.oneof(
  fc.constantFrom('80,443', '0', '-5', '1e3', '65536', 'text', 'json', 'prometheus', 'host', 'client', 'debug', '127.0.0.1', '::1',
    '[::1]:53', '127.0.0.1:0', 'http://127.0.0.1:3128', 'http://u:p@127.0.0.1:3128/x', 'https://127.0.0.1/list.txt', 'socks5://h:1', 'a:b', '', ' '),
  fc.string(),
  fc.string({ unit: 'binary' }),
  HOSTILE,
);
const word = fc.oneof(
  flag,
  value,
  fc.tuple(flag, value).map(([f, v]) => `${f}=${v}`),
  fc.string({ unit: 'binary' }).map((s) => `--${s}`),
  fc.tuple(fc.string({ unit: 'binary', maxLength: 3 }), HOSTILE, fc.string({ maxLength: 3 })).map(([a, h, b]) => `-${a}${h}${b}`),
);
/** As a process gets them: Node decodes argv and the environment from UTF-8, so no lone surrogate ever arrives. */
const fromOs = (text: string): string => text.replace(/\p{Cs}/gu, '\ufffd');
const argv = fc.array(word.map(fromOs), { maxLength: 12 });
/** What may stand in a URL's user name or password, `%` escapes (and stray `%`) included. */
const userinfo = fc.string({ unit: fc.constantFrom(...'aZ09-._~!$&\'()*+,;=%%4'), maxLength: 8 });
const proxyUrl = fc.record({
  scheme: fc.constantFrom('http://', 'HTTP://', 'https://', 'socks5://', ''),
  user: fc.option(fc.tuple(userinfo, fc.option(userinfo, { nil: null })), { nil: null }),
  host: fc.constantFrom('127.0.0.1', '[::1]', 'localhost', 'proxy.example', '[::1', '999.1.1.1', ''),
  port: fc.constantFrom('', ':3128', ':0', ':99999', ':x'),
  rest: fc.constantFrom('', '/', '/pac', '?q=1', '#f'),
});
const proxyText = (u: typeof proxyUrl extends fc.Arbitrary<infer U> ? U : never, password?: string): string => {
  const info = u.user === null ? '' : `${u.user[0]}${password !== undefined ? `:${password}` : u.user[1] === null ? '' : `:${u.user[1]}`}@`;
  return `${u.scheme}${info}${u.host}${u.port}${u.rest}`;
};
const proxyValue = fc.oneof(value, proxyUrl.map((u) => proxyText(u))).map(fromOs);
const env = fc.record(
  { HTTPS_PROXY: proxyValue, http_proxy: proxyValue, NO_PROXY: value.map(fromOs), G2PROBE_LOOPBACK_ONLY: fc.constantFrom('1', '0', '', 'yes') },
  { requiredKeys: [] },
);

t.test('any argv and proxy environment: options, or a UsageError in one clean line', async (t) => {
  property(t, 'parseCli on arbitrary argv and environment', fc.tuple(argv, env), ([args, environment]) => {
    returnsOrRefuses(() => parseCli(args, environment), MAX_MESSAGE);
  }, 8000);
  property(t, 'parseFlags on arbitrary argv (serve\'s flags, no secret)', argv, (args) => {
    returnsOrRefuses(() => parseFlags(args, PROBE_SPEC, { command: 'g2probe serve' }), MAX_MESSAGE);
  }, 4000);
});

t.test('a password split off --proxy-user is never echoed', async (t) => {
  // Quotes and spaces too: node:util quotes the stray word in its message, and a quote in it must not cut it short.
  const secret = fc.tuple(fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom("'", "' ", ' ', '"', "''", ''), fc.string({ unit: 'binary', maxLength: 10 }))
    .map(([a, quoteOrSpace, b]) => fromOs(`S3cr${a}${quoteOrSpace}${b}`));
  const user = fc.stringMatching(/^[a-z]{1,8}$/);
  const form = fc.constantFrom('separate', 'joined');
  property(t, '--proxy-user USER SECRET, in any order with other flags', fc.tuple(user, secret, form, fc.array(fc.constantFrom('--plan', '--json', '--quiet', '--all'), { maxLength: 3 })), ([name, password, how, others]) => {
    const args = ['--proxy', 'http://127.0.0.1:3128', ...(how === 'separate' ? ['--proxy-user', name] : [`--proxy-user=${name}`]), password, ...others];
    const outcome = returnsOrRefuses(() => parseCli(args, {}), MAX_MESSAGE);
    assert.ok('refused' in outcome, 'a stray word is refused');
    assert.ok(!outcome.refused.message.includes(password) && !outcome.refused.message.includes('S3cr'), `not echoed: ${outcome.refused.message}`);
  }, 1000);
});

t.test('a proxy password is never echoed, whatever else is wrong with the URL', async (t) => {
  const password = fc.string({ unit: fc.constantFrom(...'aZ09-._~!$&\'()*+,;=%'), minLength: 1, maxLength: 8 }).map((p) => `Pw${p}`);
  const where = fc.constantFrom('--proxy', 'HTTPS_PROXY', 'http_proxy');
  property(t, 'http://USER:PASSWORD@… in --proxy or the environment', fc.tuple(proxyUrl, password, where), ([u, secret, source]) => {
    const url = proxyText({ ...u, user: [u.user?.[0] ?? 'alice', null] }, secret);
    const [args, environment] = source === '--proxy' ? [['--proxy', url], {}] : [[], { [source]: url }];
    const outcome = returnsOrRefuses(() => parseCli(args, environment), MAX_MESSAGE);
    if ('refused' in outcome) assert.ok(!outcome.refused.message.includes(secret), `not echoed: ${outcome.refused.message}`);
    else assert.ok(!JSON.stringify(outcome.value.probe.proxies).includes(secret), 'not in the report\'s proxy settings');
  }, 2000);
});

/** A name as DNS and TLS take it: 1–3 labels of letters, digits and inner hyphens; the last one has a letter. */
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const dnsName = fc.tuple(fc.array(label, { maxLength: 2 }), fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/))
  .map(([labels, top]) => [...labels, top].join('.'));
const dnsServer = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null }))
    .map(([n, port]) => ({ raw: `${formatAddress(BigInt(n), 4)}${port === null ? '' : `:${port}`}`, parsed: `${formatAddress(BigInt(n), 4)}:${port ?? 53}` })),
  fc.tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null }))
    .map(([n, port]) => {
      const ip = formatAddress(n, 6);
      return { raw: port === null ? ip : `[${ip}]:${port}`, parsed: `[${ip}]:${port ?? 53}` };
    }),
);
const path = fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(fromOs);

const combination = fc.record({
  ports: fc.option(fc.tuple(fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 6 }), fc.boolean()), { nil: null }),
  timeout: fc.option(fc.integer({ min: 1, max: 600_000 }), { nil: null }),
  concurrency: fc.option(fc.integer({ min: 1, max: 16_384 }), { nil: null }),
  sample: fc.oneof(fc.constant<'all' | null>('all'), fc.constant(null), fc.integer({ min: 1, max: 1_000_000 })),
  seed: fc.option(fc.string({ unit: 'binary', minLength: 1 }).map(fromOs), { nil: null }),
  role: fc.option(fc.constantFrom('host', 'client'), { nil: null }),
  logLevel: fc.option(fc.constantFrom(...LOG_LEVELS), { nil: null }),
  format: fc.constantFrom('text', 'json', 'prometheus', '--json', null),
  plan: fc.boolean(),
  quiet: fc.constantFrom(null, '--quiet', '-q'),
  connectOnly: fc.boolean(),
  loopbackOnly: fc.boolean(),
  ranges: fc.option(path, { nil: null }),
  out: fc.option(path, { nil: null }),
  sni: fc.option(dnsName, { nil: null }),
  dns: fc.oneof(
    fc.constant<'off'>('off'),
    fc.record({ hosts: fc.option(fc.array(dnsName, { minLength: 1, maxLength: 4 }), { nil: null }), server: fc.option(dnsServer, { nil: null }) }),
  ),
  proxy: fc.option(fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.boolean()), { nil: null }),
  joined: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
  order: fc.array(fc.nat(), { minLength: 20, maxLength: 20 }),
}).filter((c) => !(c.plan && c.format === 'prometheus'));

type Combination = typeof combination extends fc.Arbitrary<infer C> ? C : never;

/** The argv for a combination: flags in a random order, each value as `--flag VALUE` or `--flag=VALUE`. */
function argvOf(c: Combination): string[] {
  const flags: [string, string | null][] = [];
  const add = (name: string, raw: string | number | null | undefined): void => {
    if (raw !== null && raw !== undefined) flags.push([name, String(raw)]);
  };
  if (c.ports) add('--ports', c.ports[0].join(c.ports[1] ? ' , ' : ','));
  add('--timeout', c.timeout);
  add('--concurrency', c.concurrency);
  if (c.sample === 'all') flags.push(['--all', null]);
  else add('--sample', c.sample);
  add('--seed', c.seed);
  add('--role', c.role);
  add('--log-level', c.logLevel);
  if (c.format === '--json') flags.push(['--json', null]);
  else add('--format', c.format);
  if (c.plan) flags.push(['--plan', null]);
  if (c.quiet) flags.push([c.quiet, null]);
  if (c.connectOnly) flags.push(['--connect-only', null]);
  if (c.loopbackOnly) flags.push(['--loopback-only', null]);
  add('--ranges', c.ranges);
  add('--out', c.out);
  add('--sni', c.sni);
  if (c.dns === 'off') flags.push(['--no-dns', null]);
  else {
    add('--hosts', c.dns.hosts?.join(','));
    add('--dns-server', c.dns.server?.raw);
  }
  if (c.proxy) {
    add('--proxy', `http://127.0.0.1:${c.proxy[0]}`);
    if (c.proxy[1]) flags.push(['--compare-direct', null]);
  }
  const ordered = flags.map((f, i) => ({ f, key: c.order[i % c.order.length]! })).sort((a, b) => a.key - b.key).map(({ f }) => f);
  return ordered.flatMap(([name, raw], i) => {
    if (raw === null) return [name];
    // A value that looks like a flag can only be given with `=`, as with any parser of this style.
    return c.joined[i % c.joined.length] || (raw.startsWith('--') && raw.length > 2) ? [`${name}=${raw}`] : [name, raw];
  });
}

t.test('valid combinations parse to the values given', async (t) => {
  property(t, 'generated flags in random order and form', combination, (c) => {
    const args = argvOf(c);
    const outcome = returnsOrRefuses(() => parseCli(args, {}), MAX_MESSAGE);
    assert.ok('value' in outcome, `${JSON.stringify(args)} parses: ${'refused' in outcome ? outcome.refused.message : ''}`);
    const { probe, ...cli } = outcome.value;
    assert.deepEqual(probe.ports, c.ports ? [...new Set(c.ports[0])] : DEFAULT_PORTS, 'ports, duplicates dropped');
    assert.equal(probe.timeoutMs, c.timeout ?? 3000);
    assert.equal(probe.concurrency, c.concurrency ?? 64);
    assert.equal(probe.all, c.sample === 'all');
    assert.equal(probe.sample, typeof c.sample === 'number' ? c.sample : 2);
    assert.equal(probe.seed, c.seed ?? 'g2probe');
    assert.equal(probe.role, c.role);
    assert.equal(cli.logLevel, c.logLevel ?? 'warn');
    assert.equal(cli.format, c.format === '--json' ? 'json' : c.format ?? 'text');
    assert.equal(cli.plan, c.plan);
    assert.equal(cli.quiet, c.quiet !== null);
    assert.equal(probe.connectOnly, c.connectOnly);
    assert.equal(probe.loopbackOnly, c.loopbackOnly);
    assert.equal(probe.rangesFile, c.ranges);
    assert.equal(cli.out, c.out);
    assert.equal(probe.servername, c.sni ?? 'www.gotomypc.com');
    const server = c.dns === 'off' ? null : c.dns.server?.parsed ?? null;
    assert.equal(probe.dnsServer, server);
    // Names are resolved unless DNS is off; with --ranges, only when --hosts or --dns-server asks for them.
    const hosts = c.dns === 'off' ? [] : c.dns.hosts ? [...new Set(c.dns.hosts)]
      : c.ranges !== null && server === null ? [] : SERVICE_HOSTS.map((h) => h.name);
    assert.deepEqual(probe.hosts, hosts);
    assert.equal(probe.proxies.https?.url ?? null, c.proxy ? `http://127.0.0.1:${c.proxy[0]}` : null);
    assert.equal(probe.compareDirect, c.proxy?.[1] ?? false);
  }, 2000);
});
