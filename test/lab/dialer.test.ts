// The dialer is the last line of the loopback-only guard: with the start-up checks forced off, every path to an
// outside address (ranges, a proxy, a DNS server or answer, a --ranges-url, a redirect, health) is refused at the
// socket and no packet leaves; with them on, as every guarded run has them, the dialer is never reached.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { FIXTURES, ROOT } from '../helpers/cli.js';
import { inNamespace, lab } from '../helpers/lab.js';

const BREACH = fileURLToPath(new URL('breach.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'g2probe-dialer-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const OUTSIDE = join(dir, 'outside.txt');
writeFileSync(OUTSIDE, '192.0.2.0/30\n2001:db8::1\n');

/**
 * A default route over the namespace's own lo lets a packet for an outside address reach OUTPUT (without it the
 * kernel refuses before OUTPUT, and a counter would prove nothing), where it is dropped and counted. The
 * namespace has no other interface: nothing could leave it either way.
 */
const WATCH = `
ip route add default dev lo
ip -6 route add default dev lo
iptables -I OUTPUT ! -d 127.0.0.0/8 -j DROP
ip6tables -I OUTPUT ! -d ::1 -j DROP
`;
const COUNT = `
echo "@@v4 $(iptables -nvxL OUTPUT | awk '$3 == "DROP" { print $1 }')"
echo "@@v6 $(ip6tables -nvxL OUTPUT | awk '$3 == "DROP" { print $1 }')"
`;

function escaped(t: Test, stdout: string): void {
  t.match(stdout, /@@v4 \d+/, 'the IPv4 counter was read');
  t.match(stdout, /@@v6 \d+/, 'the IPv6 counter was read');
  t.match(stdout, /@@v4 0\n/, 'no IPv4 packet for an outside address');
  t.match(stdout, /@@v6 0\n/, 'no IPv6 packet for an outside address');
}

interface Forced {
  locked: boolean;
  paths: Record<string, { refused: boolean; message?: string; code?: number; breaches: number }>;
  afterwards: number;
}

lab(t, 'start-up checks forced off: the dialer refuses every path at the socket, and nothing leaves', async (t) => {
  const out = join(dir, 'forced.json');
  const run = await inNamespace(`${WATCH}
lists 127.0.0.1 8443
resolver 127.0.0.1 5353 poll.gotomypc.com=a:192.0.2.10
serve goto 127.0.0.1 3128
G2PROBE_LOOPBACK_ONLY=1 node ${BREACH} ${ROOT}dist ${FIXTURES} ${OUTSIDE} ${out}
echo "@@rc $?"
${COUNT}`, { timeoutMs: 90_000 });
  t.match(run.stdout, /@@rc 0/, run.stderr);
  escaped(t, run.stdout);
  const forced = JSON.parse(readFileSync(out, 'utf8')) as Forced;
  t.ok(forced.locked, 'G2PROBE_LOOPBACK_ONLY locks the dialer on its own');
  const WHERE: Record<string, RegExp> = {
    ranges: /192\.0\.2\.[0-3]:|2001:db8::1/,
    'ranges, handshake only': /192\.0\.2\.[0-3]:|2001:db8::1/,
    proxy: /the proxy 192\.0\.2\.20:3128/,
    'ranges-url': /192\.0\.2\.30:443/,
    'ranges-url redirect': /192\.0\.2\.1:443/,
    'ranges-url through a proxy': /a tunnel to 192\.0\.2\.31:443/,
    resolver: /the resolver 192\.0\.2\.53/,
    "this PC's resolver": /this PC's resolver/,
    'DNS answer': /192\.0\.2\.10:(80|443)/,
    health: /192\.0\.2\.40:9815/,
  };
  t.same(Object.keys(forced.paths).sort(), Object.keys(WHERE).sort(), 'every path was tried');
  for (const [name, result] of Object.entries(forced.paths)) {
    t.ok(result.refused, `${name}: the dialer refused (${result.message ?? `exit ${result.code}`})`);
    t.match(result.message, /^the loopback-only guard stopped .*, which (lies outside 127\.0\.0\.0\/8 and ::1|may forward it anywhere), at the dialer/, `${name}: says so`);
    t.match(result.message, WHERE[name]!, `${name}: names the address`);
    t.ok(result.breaches >= 1, `${name}: counted`);
  }
  t.equal(forced.afterwards, 70, 'after a refusal, the command line exits 70 (internal error)');
  t.match(run.stderr, /g2probe: internal error: the loopback-only guard stopped \d+ connections at the dialer/);
});

lab(t, 'a guarded run never reaches the dialer: each outside value is refused at start-up (64) or left unprobed', async (t) => {
  const loopback = `${FIXTURES}loopback.txt`;
  const cases: [string, string, RegExp | null][] = [
    ['ranges', `--ranges ${OUTSIDE} --no-dns`, /refusing to probe 192\.0\.2\.0\/30/],
    ['proxy', `--ranges ${loopback} --no-dns --proxy http://192.0.2.20:3128`, /refusing to use the proxy http:\/\/192\.0\.2\.20:3128/],
    ['ranges-url', `--ranges-url https://192.0.2.30/goto-ranges.txt --ranges ${loopback} --no-dns`, /refusing to fetch --ranges-url from 192\.0\.2\.30/],
    ['resolver', `--ranges ${loopback} --dns-server 192.0.2.53`, /refusing to ask the resolver 192\.0\.2\.53/],
    ["this PC's resolver", `--ranges ${loopback} --hosts poll.gotomypc.com`, /refusing to ask this PC's resolver/],
    ['ranges-url redirect', `--ranges-url https://127.0.0.1:8443/to-outside --ranges ${loopback} --no-dns`, null],
    ['DNS answer', `--ranges ${loopback} --dns-server 127.0.0.1:5353 --hosts poll.gotomypc.com`, null],
  ];
  const out = (i: number, what: string): string => join(dir, `guarded-${i}.${what}`);
  const script = cases.map(([, args], i) => `g2probe ${args} --json --timeout 500 >${out(i, 'out')} 2>${out(i, 'err')}; echo $? >${out(i, 'rc')}`).join('\n');
  const run = await inNamespace(`${WATCH}
lists 127.0.0.1 8443
resolver 127.0.0.1 5353 poll.gotomypc.com=a:192.0.2.10
${script}
${COUNT}`, { env: { G2PROBE_LOOPBACK_ONLY: '1' }, timeoutMs: 90_000 });
  escaped(t, run.stdout);
  cases.forEach(([name, , refusal], i) => {
    const [stdout = '', stderr = '', code = ''] = (['out', 'err', 'rc'] as const).map((what) => readFileSync(out(i, what), 'utf8'));
    t.not(Number(code), 70, `${name}: not an internal error`);
    t.notMatch(stderr, /at the dialer/, `${name}: the dialer was never reached`);
    if (refusal) {
      t.equal(Number(code), 64, `${name}: refused at start-up, exit 64`);
      t.match(stderr, refusal, `${name}: names the value`);
      return;
    }
    const report = JSON.parse(stdout) as { ranges: { update: { warning: string | null } | null }; dns: { results: { addresses: { ip: string; probed: boolean }[] }[] } | null };
    if (name === 'ranges-url redirect') t.match(report.ranges.update?.warning, /redirected to 192\.0\.2\.1, outside loopback, which the loopback-only guard refuses/);
    else t.same(report.dns?.results[0]?.addresses.map((a) => [a.ip, a.probed]), [['192.0.2.10', false]], 'the outside answer is shown, not probed');
  });
});
