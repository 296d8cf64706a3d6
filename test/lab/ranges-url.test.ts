// --ranges-url in the lab: a real HTTPS list server in the namespace. Every bad download falls back, says so, and never crashes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FIXTURES, START_SH } from '../helpers/cli.js';
import { inNamespace, lab, parseReport } from '../helpers/lab.js';
import { squidLab } from '../helpers/squid.js';

const LIST = 'https://127.0.0.1:8443';
const FALLBACK = `${FIXTURES}loopback.txt`;

interface PlanJson {
  rangeList: { origin: string; location: string | null; version: string; count: number; update: { ok: boolean; warning: string | null; fetchedAt: string | null } | null };
  ranges: { cidr: string; source: string }[];
}

const BAD: Record<string, RegExp> = {
  html: /sent "text\/html; charset=utf-8", not a range list/,
  'html-plain': /an HTML or XML page, not a range list/,
  big: /over the 1 MiB limit/,
  'huge-length': /52428800 bytes, over the 1 MiB limit/,
  'bad-line': /line 2: "not-a-range\\x1b\[31mred\\x1b\[0m" is not an IPv4\/IPv6 address or CIDR/,
  empty: /no ranges in the file/,
  outside: /loopback-only guard refuses: 192\.0\.2\.0\/24/,
  silent: /no response within 300 ms/,
  'status-500': /answered 500/,
  'to-http': /redirected to http:\/\/127\.0\.0\.1:8443\/good, which is refused: only HTTPS/,
  binary: /binary data/,
  missing: /answered 404/,
};

lab(t, 'every bad list falls back to the --ranges file with a warning naming the cause, exit 0', async (t) => {
  const names = Object.keys(BAD);
  const script = names.map((name) => `g2probe --plan --json --ranges ${FALLBACK} --ranges-url ${LIST}/${name} --timeout 300; echo "@@$?"`).join('\n');
  const run = await inNamespace(`lists 127.0.0.1 8443\n${script}`);
  const outputs = run.stdout.split(/@@(\d+)\n/);
  names.forEach((name, i) => {
    const code = Number(outputs[i * 2 + 1]);
    t.equal(code, 0, `${name}: exit 0`);
    const plan = JSON.parse(outputs[i * 2]!) as PlanJson;
    t.equal(plan.rangeList.origin, 'file', `${name}: the --ranges file is probed instead`);
    t.equal(plan.rangeList.update?.ok, false);
    t.match(plan.rangeList.update?.warning, BAD[name]!, `${name}: ${plan.rangeList.update?.warning}`);
    t.match(plan.rangeList.update?.warning, /Probing the --ranges file .*loopback\.txt instead\.$/);
  });
  t.notMatch(run.stderr, /\u001b\[31m/, 'nothing from the list reaches the terminal unescaped');
  t.notMatch(run.stderr, /at .*\.js:\d+/, 'no stack trace');
});

lab(t, 'a good list is used, redirects on HTTPS are followed, and the report carries its origin and version', async (t) => {
  const run = await inNamespace(`lists 127.0.0.1 8443
listen 127.0.0.1 80 443 8200
listen 127.0.0.2 80 443 8200
g2probe --ranges-url ${LIST}/to-good --ranges ${FALLBACK} --json --timeout 1000`);
  const report = parseReport(t, run);
  t.equal(run.code, 0, run.stderr);
  t.same(report.ranges.origin, 'url');
  t.equal(report.ranges.location, `${LIST}/to-good`);
  t.equal(report.ranges.count, 2);
  t.match(report.ranges.version, /^[0-9a-f]{12}$/);
  t.same(report.ranges.update && { ok: report.ranges.update.ok, warning: report.ranges.update.warning }, { ok: true, warning: null });
  t.same(report.summary.ranges.map((r) => [r.cidr, r.source]), [['127.0.0.1/32', 'url'], ['127.0.0.2/32', 'url']]);
  t.equal(report.options.rangesUrl, `${LIST}/to-good`);
});

lab(t, '--ranges-cache: the last good list outlives a failed update, and a 304 confirms it', async (t) => {
  const run = await inNamespace(`lists 127.0.0.1 8443
cache=$(mktemp -d)
g2probe --plan --json --ranges-url ${LIST}/good --ranges-cache "$cache" --ranges ${FALLBACK}; echo "@@$?"
g2probe --plan --json --ranges-url ${LIST}/good --ranges-cache "$cache" --ranges ${FALLBACK}; echo "@@$?"
# The server goes away: the cached copy is probed, not the fallback.
kill "\${pids[@]}"; wait "\${pids[@]}" 2>/dev/null
g2probe --plan --json --ranges-url ${LIST}/good --ranges-cache "$cache" --ranges ${FALLBACK} --timeout 300; echo "@@$?"
# A cache kept for another URL is not used.
g2probe --plan --json --ranges-url ${LIST}/other --ranges-cache "$cache" --ranges ${FALLBACK} --timeout 300; echo "@@$?"
ls "$cache"`);
  const parts = run.stdout.split(/@@(\d+)\n/);
  const plans = [0, 2, 4, 6].map((i) => JSON.parse(parts[i]!) as PlanJson);
  t.same([1, 3, 5, 7].map((i) => Number(parts[i])), [0, 0, 0, 0], run.stderr);
  t.same(plans.map((p) => p.rangeList.origin), ['url', 'url', 'cache', 'file'], 'fetched, confirmed by 304, cached copy, fallback');
  t.ok(plans[0]!.rangeList.update?.fetchedAt, 'fetched now');
  t.match(plans[2]!.rangeList.update?.warning, /connection was refused\. Using the copy fetched \d{4}-\d\d-\d\dT/);
  t.equal(plans[2]!.rangeList.update?.fetchedAt, plans[0]!.rangeList.update?.fetchedAt, 'the cached copy says when it was fetched');
  t.equal(plans[2]!.rangeList.version, plans[0]!.rangeList.version, 'the same list');
  t.match(run.stdout, /ranges\.json\nranges\.txt\n$/, 'the cache holds the list and its metadata, no temporary files');
  t.match(run.stderr, /range list unchanged since the cached copy|range list not updated/);
});

lab(t, 'with the built-in list as the fallback the text report warns at the top; the guard still refuses to probe it', async (t) => {
  const run = await inNamespace(`lists 127.0.0.1 8443
g2probe --plan --ranges-url ${LIST}/html --timeout 300 | head -n 2; echo "@@$?"
g2probe --ranges-url ${LIST}/html --no-dns --timeout 300; echo "@@$?"`);
  t.match(run.stdout, /^# \d+ attempts: 19 ranges \(built-in GoTo list, version [0-9a-f]{12}\).*\n# Warning: Could not update the range list from https:\/\/127\.0\.0\.1:8443\/html: .*Probing the built-in GoTo list instead\.\n@@0\n/);
  t.match(run.stdout, /@@64\n$/, 'probing the fallback would leave loopback: usage error');
  t.match(run.stderr, /loopback-only guard: refusing to probe 23\.239\.228\.0\/22/);
});

lab(t, 'through the corporate proxy: HTTPS_PROXY (with its credentials) carries the download, NO_PROXY exempts it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-squid-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const squid = squidLab(dir);
  const plan = (env: string) => `env ${env} ${START_SH} --plan --json --ranges ${FALLBACK} --ranges-url ${LIST}/good --timeout 2000 | node -e 'let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => console.log(JSON.parse(s).rangeList.origin))'`;
  const run = await inNamespace(`lists 127.0.0.1 8443
${squid.start}
echo "@@open $(${plan(`HTTPS_PROXY=http://127.0.0.1:${squid.ports.open}`)})"
echo "@@auth $(${plan(`HTTPS_PROXY=http://${squid.user}:${squid.password}@127.0.0.1:${squid.ports.auth}`)})"
echo "@@noauth $(${plan(`HTTPS_PROXY=http://127.0.0.1:${squid.ports.auth}`)})"
echo "@@exempt $(${plan(`HTTPS_PROXY=http://127.0.0.1:${squid.ports.open} NO_PROXY=127.0.0.1`)})"
sleep 0.5`);
  t.match(run.stdout, /@@open url\n/, 'fetched through the open proxy');
  t.match(run.stdout, /@@auth url\n/, 'fetched through the proxy that wants credentials');
  t.match(run.stdout, /@@noauth file\n/, 'without credentials the proxy says 407: fallback');
  t.match(run.stdout, /@@exempt url\n/, 'NO_PROXY: fetched directly');
  t.notMatch(run.stderr, squid.password, 'the password never appears');
  const log = readFileSync(join(dir, 'access.log'), 'utf8');
  const tunnels = log.split('\n').filter((line) => line.includes('CONNECT 127.0.0.1:8443'));
  t.equal(tunnels.length, 3, 'three CONNECTs: the exempt download went direct');
  t.match(tunnels[0], /TCP_TUNNEL\/200 .* - HIER_DIRECT/, 'open proxy: tunnel');
  t.match(tunnels[1], new RegExp(`TCP_TUNNEL/200 .* ${squid.user} HIER_DIRECT`), 'auth proxy: tunnel as the user');
  t.match(tunnels[2], /TCP_DENIED\/407/, 'auth proxy without credentials: 407');
}, ['openssl', 'squid']);

t.test('usage errors: a URL that is not one, --ranges-cache alone, a list server outside loopback', async (t) => {
  const { g2probe } = await import('../helpers/cli.js');
  const cases: [string[], RegExp][] = [
    [['--ranges-url', 'not a url', '--plan'], /^g2probe: bad --ranges-url value "not a url": give an absolute URL/],
    [['--ranges-cache', '/tmp', '--plan'], /^g2probe: --ranges-cache keeps what --ranges-url fetched: give --ranges-url too/],
    [['--ranges-url', 'https://lists.invalid/goto.txt', '--plan'], /^g2probe: loopback-only guard: refusing to fetch --ranges-url from lists\.invalid/],
  ];
  for (const [args, message] of cases) {
    const run = await g2probe(args);
    t.equal(run.code, 64, args.join(' '));
    t.match(run.stderr, message);
    t.equal(run.stderr.split('\n').length, 2, 'one line');
    t.equal(run.stdout, '');
  }
});
