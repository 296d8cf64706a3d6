// The CLI as a user meets it: help, version, plans and every kind of mistake. No packet is sent here.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FIXTURES, ROOT, START, g2probe } from '../helpers/cli.js';

const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;

t.test('--help teaches the usage, the flags and the exit codes', async (t) => {
  const run = await g2probe(['--help']);
  t.equal(run.code, 0);
  for (const text of ['Usage: g2probe', '--ranges FILE', '--plan', '--loopback-only', 'Exit codes', '64', '70', '73']) t.match(run.stdout, text);
  t.equal(run.stderr, '');
});

t.test('--version prints the package version', async (t) => {
  const run = await g2probe(['--version']);
  t.equal(run.code, 0);
  t.equal(run.stdout, `${VERSION}\n`);
});

const MISTAKES: [args: string[], names: string][] = [
  [['--format', 'xml'], 'bad --format value "xml": use text, json or prometheus'],
  [['--json', '--format', 'text'], '--json and --format text cannot be used together'],
  [['--plan', '--format', 'prometheus'], '--plan prints text or JSON, not metrics'],
  [['--ports', '0'], '"0"'],
  [['--ports', '65536'], '"65536"'],
  [['--ports', '80,http'], '"http"'],
  [['--concurrency', '-5'], '"-5"'],
  [['--concurrency', '0'], '"0"'],
  [['--timeout', 'soon'], '"soon"'],
  [['--sample', '1.5'], '"1.5"'],
  [['--role', 'admin'], '"admin"'],
  [['--log-level', 'loud'], '"loud"'],
  [['--bogus'], '--bogus'],
  [['--pac', 'ftp://proxy.example/x.pac'], 'bad --pac value "ftp://proxy.example/x.pac": a PAC file is fetched over http:// or https://'],
  [['--pac', 'not a url'], 'bad --pac value "not a url"'],
  [['--pac', 'http://127.0.0.1/x.pac', '--proxy', 'http://127.0.0.1:3128'], '--pac and --proxy cannot be used together'],
  [['--pac', 'http://192.0.2.1/x.pac', '--ranges', 'fixtures/loopback.txt', '--no-dns'], 'loopback-only guard: refusing to fetch --pac from 192.0.2.1'],
  [['--json=yes'], '--json'],
  [['--ranges'], '--ranges'],
  [['probe'], '"probe"'],
  [['--ranges', '/nonexistent/ranges.txt'], '"/nonexistent/ranges.txt": no such file'],
  [['--ranges', FIXTURES], 'it is a directory'],
  [['--ranges', `${FIXTURES}bad-ranges.txt`], 'bad-ranges.txt:4: "127.0.0.1/33"'],
  [['--ranges', `${FIXTURES}bad-ports.txt`], 'bad-ports.txt:3: bad ports= value "80,99999"'],
  [['--ranges', `${FIXTURES}bad-list.txt`], 'bad-list.txt:2: bad list= value "lab/a"'],
  [['--plan', '--ports', '22'], 'no range of the list serves port 22 (they serve 80, 443 and 8200)'],
  [['--ranges', `${FIXTURES}loopback-8.txt`, '--all'], 'more than the limit of 1,000,000'],
  [['--all', '--sample', '3'], '--all and --sample'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--proxy', 'https://127.0.0.1:3128'], 'only http:// proxies'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--proxy', 'socks5://127.0.0.1:1080'], '"socks5://127.0.0.1:1080"'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--proxy', 'http://127.0.0.1:3128/pac'], '"http://127.0.0.1:3128/pac"'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--proxy', 'http://127.0.0.1:99999'], '"http://127.0.0.1:99999"'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--compare-direct'], '--compare-direct needs a proxy'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--proxy-user', 'a:b'], '--proxy-user needs a proxy'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--sni', '127.0.0.1'], '"127.0.0.1"'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--sni', 'bad name'], '"bad name"'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--tls-roots', '/nonexistent/roots.pem'], '"/nonexistent/roots.pem": no such file'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--tls-roots', `${FIXTURES}loopback-ok.txt`], 'holds no PEM certificate'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--dns-server', 'resolver.lab'], '"resolver.lab"'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--dns-server', '127.0.0.1:0'], '"127.0.0.1:0"'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--dns-server', '[::1]:99999'], '"[::1]:99999"'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--hosts', 'poll.gotomypc.com,bad_name'], '"bad_name"'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--hosts', '127.0.0.1'], '"127.0.0.1"'],
  [['--ranges', `${FIXTURES}loopback-ok.txt`, '--no-dns', '--hosts', 'goto.com'], '--no-dns cannot be used with --hosts'],
];

for (const [args, names] of MISTAKES) {
  t.test(`mistake: g2probe ${args.join(' ')}`, async (t) => {
    const run = await g2probe(args);
    t.equal(run.code, 64, 'exit 64 (usage)');
    t.equal(run.stdout, '', 'nothing on stdout');
    const lines = run.stderr.split('\n').filter(Boolean);
    t.equal(lines.length, 1, 'one line on stderr');
    t.match(lines[0], /^g2probe: /);
    t.ok(lines[0]!.includes(names), `names the bad value: ${lines[0]}`);
  });
}

t.test('the loopback-only guard refuses the built-in ranges before any socket, naming the first', async (t) => {
  const run = await g2probe([]);
  t.equal(run.code, 64);
  t.equal(run.stdout, '');
  t.equal(run.stderr, 'g2probe: loopback-only guard: refusing to probe 23.239.228.0/22, which lies outside 127.0.0.0/8 and ::1\n');
  const flag = await g2probe(['--loopback-only', '--ranges', `${FIXTURES}bad-ranges.txt`]);
  t.equal(flag.code, 64, 'the range file is checked first');
});

t.test('proxy mistakes never show the password', async (t) => {
  const secret = 'Cli-S3cret-42';
  const cases: [string[], NodeJS.ProcessEnv, string][] = [
    [['--proxy', `https://alice:${secret}@127.0.0.1:3128`], {}, 'only http:// proxies'],
    [['--proxy', `http://alice:${secret}@127.0.0.1:3128/x`], {}, '"http://alice:***@127.0.0.1:3128/x"'],
    [[], { HTTPS_PROXY: `ftp://alice:${secret}@127.0.0.1:21` }, 'in HTTPS_PROXY'],
    [['--proxy', 'http://127.0.0.1:3128', '--proxy-user', 'alice', secret], {}, 'give USER:PASSWORD as one value'],
    [['--proxy', `http://alice:${secret}@proxy.corp.invalid:3128`], {}, 'loopback-only guard: refusing to use the proxy http://alice:***@proxy.corp.invalid:3128'],
  ];
  for (const [args, env, names] of cases) {
    const run = await g2probe(['--ranges', `${FIXTURES}loopback-ok.txt`, ...args], env);
    t.equal(run.code, 64, args.join(' ') || JSON.stringify(env));
    t.equal(run.stdout, '');
    t.match(run.stderr, names);
    t.notMatch(run.stderr, secret, 'the password is not shown');
    t.equal(run.stderr.split('\n').filter(Boolean).length, 1, 'one line');
  }
});

t.test('the guard applies to DNS: only a --dns-server on loopback may be asked, never this PC\'s resolver', async (t) => {
  const system = await g2probe(['--ranges', `${FIXTURES}loopback-ok.txt`, '--hosts', 'poll.gotomypc.com']);
  t.equal(system.code, 64);
  t.match(system.stderr, /^g2probe: loopback-only guard: refusing to ask this PC's resolver, which may forward anywhere; give --dns-server on loopback/);
  // A documentation address (TEST-NET-1): refused by the guard before any query, so nothing is ever sent to it.
  const outside = await g2probe(['--ranges', `${FIXTURES}loopback-ok.txt`, '--dns-server', '192.0.2.53']);
  t.equal(outside.code, 64);
  t.equal(outside.stderr, 'g2probe: loopback-only guard: refusing to ask the resolver 192.0.2.53:53, which lies outside 127.0.0.0/8 and ::1\n');
  t.equal(outside.stdout, '');
});

t.test('--plan lists the built-in targets deterministically and sends nothing', async (t) => {
  const text = await g2probe(['--plan']);
  t.equal(text.code, 0);
  const lines = text.stdout.split('\n').filter((l) => l && !l.startsWith('#'));
  t.equal(lines.length, 4 * 2 * 1 + 15 * 2 * 3, "2 addresses of each range on its own ports: 4 of GoTo Meeting's on 443 only, the Citrix Online list's 15 on 80, 443 and 8200");
  t.match(lines[0], /^23\.239\.2(2[89]|3[01])\.\d+ 443 23\.239\.228\.0\/22 goto-meeting$/);
  t.notMatch(text.stdout, / 80 23\.239\.228\.0\/22 /, 'not on a port the range is not documented for');
  t.match(text.stdout, / 443 67\.217\.64\.0\/19 goto-meeting,gotomypc\n/, 'a range on both lists: 443 from a current page');
  t.match(text.stdout, / 8200 67\.217\.64\.0\/19 goto-meeting,gotomypc \(old list\)\n/, '8200 only from the old list');
  t.match(text.stdout, / 66\.151\.158\.0\/24 gotomypc \(old list\)\n/);
  t.match(text.stdout, /^# First, on the ports each is used on, the addresses these names resolve to at run time: poll\.gotomypc\.com, www\.gotomypc\.com, /m, 'the names come first, resolved only at run time');
  t.notMatch(text.stdout, /[ ,](goto\.com|gotomeeting\.com|logmeininc\.com|citrixonline\.com)(,|$)/m, "marketing apex names are not GoToMyPC's servers");

  const json = await g2probe(['--plan', '--json']);
  const plan = JSON.parse(json.stdout) as { kind: string; count: number; targets: { ip: string; port: number }[]; ranges: { status: string }[] };
  t.equal(plan.kind, 'plan');
  t.equal(plan.count, 98);
  t.equal(plan.targets.length, 98);
  t.equal(plan.ranges.filter((r) => r.status === 'legacy').length, 9);
  t.same(plan.targets.map((x) => `${x.ip} ${x.port}`), lines.map((l) => l.split(' ').slice(0, 2).join(' ')), 'text and JSON plans agree');

  const again = await g2probe(['--plan']);
  t.equal(again.stdout, text.stdout, 'the same plan twice');
  const reseeded = await g2probe(['--plan', '--seed', 'other']);
  t.not(reseeded.stdout, text.stdout, 'another seed picks other addresses');
});

t.test('--plan --all on a /24 lists every host', async (t) => {
  const run = await g2probe(['--plan', '--all', '--ranges', `${FIXTURES}loopback-24.txt`, '--ports', '443']);
  const lines = run.stdout.split('\n').filter((l) => l && !l.startsWith('#'));
  t.equal(lines.length, 254);
  t.equal(lines[0], '127.0.0.1 443 127.0.0.0/24 loopback-24.txt');
  t.equal(lines[253], '127.0.0.254 443 127.0.0.0/24 loopback-24.txt');
});

t.test('an --out file that cannot be created: one line, exit 73, before any probing', async (t) => {
  const run = await g2probe(['--ranges', `${FIXTURES}loopback-ok.txt`, '--out', '/nonexistent/dir/report.json']);
  t.equal(run.code, 73);
  t.equal(run.stdout, '');
  t.equal(run.stderr, 'g2probe: cannot write --out "/nonexistent/dir/report.json": no such file\n');
});

t.test('a reader that stops early (| head) is not an error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-'));
  t.teardown(() => rmSync(dir, { recursive: true }));
  writeFileSync(join(dir, 'big.txt'), '127.0.0.0/13\n'); // a 19 MB plan: far more than a pipe holds
  const child = spawn(START[0], [...START.slice(1), '--plan', '--all', '--ports', '80', '--ranges', join(dir, 'big.txt')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise((resolve) => child.on('close', resolve));
  t.equal(code, 0, stderr);
  t.equal(stderr, '', 'no stack trace');
});
