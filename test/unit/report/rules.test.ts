// g2probe rules: rules.ts against reviewed golden files, and the subcommand as a user runs it.
// Rendering and CLI runs only: nothing here loads a rule or sends a packet (test/lab/rules.test.ts does, in a namespace).
// G2PROBE_UPDATE_GOLDEN=1 rewrites the goldens; review every changed line before committing them.
import { readFileSync, writeFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import type { Role } from '../../../src/core/types.js';
import { SERVICE_HOSTS } from '../../../src/data/service-hosts.js';
import { RULE_FORMATS, csvField, psString, renderRules, rulesNote, type RuleFormat, type RuleInput } from '../../../src/report/rules.js';
import { builtinRanges, loadRangesFile, parseRange } from '../../../src/targets/ranges.js';
import { FIXTURES, ROOT, g2probe } from '../../helpers/cli.js';

const GOLDEN = `${ROOT}test/golden/rules/`;
const UPDATE = process.env.G2PROBE_UPDATE_GOLDEN === '1';
const PORTS = [80, 443, 8200];
/** Relative, as a user would type it: the header names the file, and the CLI runs from ROOT. */
const V6_FILE = 'fixtures/loopback-rules.txt';

const builtin = (role: Role | null = null): RuleInput =>
  ({ ranges: builtinRanges().filter((range) => range.status === 'current'), ports: PORTS, role, rangesFile: null });
const fromFile: RuleInput = { ranges: loadRangesFile(`${ROOT}${V6_FILE}`), ports: PORTS, role: null, rangesFile: V6_FILE };

const EXTENSIONS: Record<RuleFormat, string> = { iptables: 'sh', nftables: 'nft', windows: 'ps1', pf: 'conf', csv: 'csv' };

const GOLDENS: [file: string, format: RuleFormat, input: RuleInput][] = [
  ['iptables.sh', 'iptables', builtin()],
  ['nftables.nft', 'nftables', builtin()],
  ['windows.ps1', 'windows', builtin()],
  ['windows-host.ps1', 'windows', builtin('host')],
  ['windows-client.ps1', 'windows', builtin('client')],
  ['pf.conf', 'pf', builtin()],
  ['csv.csv', 'csv', builtin()],
  ['csv-client.csv', 'csv', builtin('client')],
  ...RULE_FORMATS.map((format): [string, RuleFormat, RuleInput] => [`file-v6-${format}.${EXTENSIONS[format]}`, format, fromFile]),
];

function matchesGolden(t: Test, file: string, actual: string): void {
  const path = `${GOLDEN}${file}`;
  if (UPDATE) {
    writeFileSync(path, actual);
    t.pass(`${file} rewritten: review it`);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch {
    t.fail(`${file} is missing: run with G2PROBE_UPDATE_GOLDEN=1, then review it`);
    return;
  }
  t.equal(actual, expected, `${file}, byte for byte`);
}

t.test('every format matches its reviewed golden', async (t) => {
  for (const [file, format, input] of GOLDENS) matchesGolden(t, file, renderRules(format, input));
  matchesGolden(t, 'csv-stderr.txt', rulesNote('csv', builtin()));
});

t.test('the CLI prints the goldens: built-in current ranges and default ports, or a --ranges file', async (t) => {
  const cases: [args: string[], file: string][] = [
    [['--format', 'iptables'], 'iptables.sh'],
    [['--format', 'windows', '--role', 'host'], 'windows-host.ps1'],
    [['--ports', '80,443,8200', '--format', 'csv', '--role', 'client'], 'csv-client.csv'],
    [['--format', 'nftables', '--ranges', V6_FILE], 'file-v6-nftables.nft'],
  ];
  for (const [args, file] of cases) {
    const run = await g2probe(['rules', ...args]);
    t.equal(run.code, 0, args.join(' '));
    t.equal(run.stderr, file.endsWith('.csv') ? readFileSync(`${GOLDEN}csv-stderr.txt`, 'utf8') : '', 'csv only: the names it leaves out, on stderr');
    t.equal(run.stdout, readFileSync(`${GOLDEN}${file}`, 'utf8'), `g2probe rules ${args.join(' ')} prints ${file}`);
  }
});

t.test('deterministic: the same input gives byte-identical output', async (t) => {
  for (const format of RULE_FORMATS) {
    const args = ['rules', '--format', format, '--with-legacy', ...(format === 'windows' || format === 'csv' ? ['--role', 'host'] : [])];
    const [a, b] = await Promise.all([g2probe(args), g2probe(args)]);
    t.equal(a.code, 0);
    t.equal(a.stdout, b.stdout, format);
    t.equal(renderRules(format, builtin()), renderRules(format, builtin()), `${format}, rendered twice`);
  }
});

t.test('legacy ranges only with --with-legacy, and the header says so', async (t) => {
  const legacy = builtinRanges().filter((range) => range.status === 'legacy').map((range) => range.cidr);
  const without = await g2probe(['rules', '--format', 'csv']);
  const withLegacy = await g2probe(['rules', '--format', 'csv', '--with-legacy']);
  t.equal(without.stdout.split('\r\n').filter((row) => row.endsWith(',gotomypc')).length, 0);
  t.same(withLegacy.stdout.split('\r\n').filter((row) => row.endsWith(',gotomypc')).map((row) => row.split(',')[3]), legacy, 'every legacy range, in order');
  const pf = await g2probe(['rules', '--format', 'pf', '--with-legacy']);
  t.match(pf.stdout.replace(/\n# /g, ' '), /and the 9 ranges only the Citrix Online list of the GoToMyPC era names/);
});

t.test('each range is allowed on the ports it is documented for, of --ports', async (t) => {
  const rows = (csv: string) => csv.trimEnd().split('\r\n').slice(1).map((row) => row.split(','));
  const builtinCsv = rows(renderRules('csv', builtin()));
  t.same(builtinCsv.filter((r) => r[6] === 'goto-meeting').map((r) => r[4]), ['443', '443', '443', '443'], "GoTo Meeting's own ranges: 443 only");
  t.same(builtinCsv.filter((r) => r[6] === 'goto-meeting gotomypc').map((r) => r[4]), Array(6).fill('80 443 8200'), 'the six on both lists: 80, 443 and 8200');
  const only8200 = rows(renderRules('csv', { ...builtin(), ports: [8200] }));
  t.equal(only8200.length, 6, 'with --ports 8200, only the ranges that serve it');
  const run = await g2probe(['rules', '--format', 'iptables', '--ports', '22']);
  t.equal(run.code, 64);
  t.match(run.stderr, /no range of the list serves port 22 \(they serve 80, 443 and 8200\)/);
  const file = await g2probe(['rules', '--format', 'iptables', '--ranges', V6_FILE, '--ports', '22']);
  t.equal(file.code, 0, 'a file without ports= serves whatever --ports says');
  t.match(file.stdout, /-d 127\.0\.0\.1\/32 -p tcp -m multiport --dports 22 -j ACCEPT/);
});

t.test("the rules name GoToMyPC's names they leave out, and how to allow them: by name", async (t) => {
  /** The comment block of a format, or csv's stderr, joined into plain lines. */
  const said = (format: RuleFormat, input: RuleInput): string => format === 'csv'
    ? rulesNote(format, input)
    : renderRules(format, input).split('\n').filter((line) => line.startsWith('#')).map((line) => line.replace(/^#\s?/, '')).join('\n');
  const entry = (text: string, name: string): string => {
    const lines = text.split('\n');
    const start = lines.findIndex((line) => line.startsWith(`  ${name}, `));
    if (start < 0) return '';
    const rest = lines.slice(start + 1);
    const end = rest.findIndex((line) => !line.startsWith('    '));
    return [lines[start]!, ...rest.slice(0, end < 0 ? rest.length : end)].join(' ').replace(/\s+/g, ' ').trim();
  };
  const legacy: RuleInput = { ...builtin(), ranges: builtinRanges() };
  for (const format of RULE_FORMATS) {
    const text = said(format, builtin());
    t.match(text.replace(/\s+/g, ' '), /allow them by name, on a web proxy \(a domain allow-list\) or a next-generation firewall \(FQDN objects/, format);
    for (const host of SERVICE_HOSTS) t.not(entry(text, host.name), '', `${format} names ${host.name}`);
    t.equal(rulesNote(format, builtin()) === '', format !== 'csv', `${format}: ${format === 'csv' ? 'on stderr' : 'in a comment, nothing on stderr'}`);
  }
  const text = said('iptables', builtin());
  t.match(entry(text, 'logging.getgo.com'), /: outside: GoTo's domain allow-list puts \*\.getgo\.com in AWS and OCI\.$/, 'the cloud names are outside the built-in ranges');
  t.match(entry(said('iptables', fromFile), 'logging.getgo.com'), /: may be outside:/, 'a --ranges file may hold anything: may');
  t.match(entry(text, 'poll.gotomypc.com'), /\(GoToMyPC does not work without it\): may be outside: the one address published for it, 66\.151\.158\.177 \([^)]+\), is not in these ranges, and its address now is unknown\.$/);
  t.match(entry(said('pf', legacy), 'poll.gotomypc.com'), /is in 66\.151\.158\.0\/24, but its address now is unknown\.$/, 'with the old list, its old address is in, yet may have moved');
  t.match(entry(text, 'www.gotomypc.com'), /may be outside: no public source gives its addresses\.$/, 'no data: may, never outside');
  t.notMatch(renderRules('csv', builtin()), /gotomypc\.com|getgo/, 'the CSV stays address rows');
});

t.test('CSV: RFC 4180 records, quoted only where needed', async (t) => {
  t.equal(csvField('23.239.228.0/22'), '23.239.228.0/22');
  t.equal(csvField('80 443 8200'), '80 443 8200');
  t.equal(csvField(''), '');
  t.equal(csvField('a,b.exe'), '"a,b.exe"');
  t.equal(csvField('say "hi".exe'), '"say ""hi"".exe"');
  t.equal(csvField('two\nlines'), '"two\nlines"');
  t.equal(csvField('cr\r'), '"cr\r"');
  const csv = renderRules('csv', builtin('host'));
  t.ok(csv.endsWith('\r\n') && !/[^\r]\n/.test(csv), 'every record ends with CRLF');
  const rows = csv.slice(0, -2).split('\r\n').map((row) => row.split(','));
  t.same(rows[0], ['action', 'direction', 'protocol', 'remote_address', 'remote_ports', 'program', 'range_list']);
  t.equal(rows.length, 1 + 12 * 10, 'a row per program and range');
  t.same([...new Set(rows.slice(1).map((row) => row[4]))], ['443', '80 443 8200'], "each range's own ports");
  t.ok(rows.every((row) => row.length === 7), 'seven fields in every row');
});

t.test('PowerShell strings are verbatim: nothing expands, every kind of single quote is doubled', async (t) => {
  t.equal(psString('g2comm.exe'), "'g2comm.exe'");
  t.equal(psString("it's"), "'it''s'");
  t.equal(psString('\u2018x\u2019'), "'\u2018\u2018x\u2019\u2019'");
  t.equal(psString('$env:TEMP `n'), "'$env:TEMP `n'");
});

t.test('iptables: more than 15 ports are split across rules (the multiport limit)', async (t) => {
  const ports = Array.from({ length: 16 }, (_, i) => 1000 + i);
  const range = parseRange('192.0.2.0/24', { source: 'file', status: 'current' })!;
  const script = renderRules('iptables', { ranges: [range], ports, role: null, rangesFile: 'doc.txt' });
  const rules = script.split('\n').filter((line) => line.startsWith('iptables -A GOTOMYPC'));
  t.same(rules.map((line) => /--dports (\S+)/.exec(line)?.[1]), [ports.slice(0, 15).join(','), '1015']);
});

t.test('--help teaches the usage, the formats and the CSV columns', async (t) => {
  for (const flag of ['--help', '-h']) {
    const run = await g2probe(['rules', flag]);
    t.equal(run.code, 0);
    t.equal(run.stderr, '');
    for (const text of ['Usage: g2probe rules --format FORMAT', ...RULE_FORMATS, '--with-legacy', '--role host|client', 'range_list', 'Examples', '64', 'FQDN objects', 'with csv, that list goes to stderr']) {
      t.match(run.stdout, text);
    }
  }
});

const MISTAKES: [args: string[], names: string][] = [
  [[], 'missing --format'],
  [['--role', 'host'], 'missing --format'],
  [['--format', 'ufw'], '"ufw"'],
  [['--format'], '--format'],
  [['--format', 'iptables', '--ports', '0'], '"0"'],
  [['--format', 'iptables', '--ports', '80,http'], '"http"'],
  [['--format', 'iptables', '--ports', '-5'], '"-5"'],
  [['--format', 'iptables', '--ranges', '/nonexistent/ranges.txt'], '"/nonexistent/ranges.txt": no such file'],
  [['--format', 'iptables', '--ranges', `${FIXTURES}bad-ranges.txt`], 'bad-ranges.txt:4: "127.0.0.1/33"'],
  [['--format', 'iptables', '--ranges', V6_FILE, '--with-legacy'], '--with-legacy'],
  [['--format', 'windows', '--role', 'admin'], '"admin"'],
  [['--format', 'iptables', '--role', 'host'], '--role'],
  [['--format', 'iptables', '--bogus'], '--bogus'],
  [['--format', 'iptables', '--tls-roots', 'roots.pem'], '--tls-roots'],
  [['--format', 'iptables', '--with-legacy=yes'], '--with-legacy'],
  [['iptables'], '"iptables"'],
];

for (const [args, names] of MISTAKES) {
  t.test(`mistake: g2probe rules ${args.join(' ')}`, async (t) => {
    const run = await g2probe(['rules', ...args]);
    t.equal(run.code, 64, 'exit 64 (usage)');
    t.equal(run.stdout, '', 'nothing on stdout');
    const lines = run.stderr.split('\n').filter(Boolean);
    t.equal(lines.length, 1, 'one line on stderr');
    t.match(lines[0], /^g2probe: /);
    t.ok(lines[0]?.includes(names), `names ${names}: ${lines[0]}`);
  });
}
