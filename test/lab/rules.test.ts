// g2probe rules, loaded for real: in a namespace a default-deny firewall blocks the probe, the rules made
// for the lab's ranges open exactly those ranges and ports, and this machine's own firewall never sees them.
import { spawnSync } from 'node:child_process';
import t, { type Test } from 'tap';
import { FIXTURES, START_SH } from '../helpers/cli.js';
import { inNamespace, lab, type Report } from '../helpers/lab.js';
import { assertValidReport } from '../helpers/schema.js';

const RANGES = `${FIXTURES}loopback-rules.txt`;
/** Straight to the CLI: the lab's g2probe function adds --tls-roots, which only the probe takes. */
const RULES = `${START_SH} rules --ranges ${JSON.stringify(RANGES)}`;
const TOOLS = ['openssl', 'iptables', 'ip6tables', 'nft'];

/**
 * Listeners on every address of the ranges, on 127.0.0.3 (outside them) and on 8080 (outside the ports);
 * then four probes, each followed by an `@@ exit N` line: before the rules, after them, outside the
 * ranges, outside the ports. `deny` sets up the default-deny policy, `apply` loads the rules, `inspect`
 * prints the ruleset at the end.
 */
function roundTrip(deny: string, apply: string, inspect: string): string {
  return `
set -o pipefail
listen 127.0.0.1 80 443 8200 8080
listen 127.0.0.2 80 443 8200
listen ::1 80 443 8200
listen 127.0.0.3 80 443 8200
outside=$(mktemp); echo 127.0.0.3 > "$outside"
${deny}
g2probe --ranges ${RANGES} --timeout 300 --json; echo "@@ exit $?"
${apply}
g2probe --ranges ${RANGES} --json; echo "@@ exit $?"
g2probe --ranges "$outside" --timeout 300 --json; echo "@@ exit $?"
g2probe --ranges ${RANGES} --ports 8080 --timeout 300 --json; echo "@@ exit $?"
${inspect}`;
}

interface Probe {
  report: Report;
  code: number;
}

/** The four probes of roundTrip() and what the script printed after them. */
function results(t: Test, stdout: string): { probes: Probe[]; rest: string } {
  const parts = stdout.split(/^@@ exit (\d+)\n/m);
  const probes: Probe[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    try {
      const report: unknown = JSON.parse(parts[i]!);
      assertValidReport(t, report, `probe ${i / 2 + 1}'s report`);
      probes.push({ report: report as Report, code: Number(parts[i + 1]) });
    } catch {
      t.fail(`probe ${i / 2 + 1} wrote no JSON report`, { stdout: parts[i]!.slice(0, 2000) });
    }
  }
  t.equal(probes.length, 4, 'four probes ran');
  return { probes, rest: parts[parts.length - 1] ?? '' };
}

function assertRoundTrip(t: Test, probes: Probe[]): void {
  const [before, after, outsideRanges, outsidePorts] = probes;
  if (!before || !after || !outsideRanges || !outsidePorts) return;
  t.equal(before.report.verdict.status, 'blocked', 'default deny: blocked');
  t.equal(before.code, 2);
  t.equal(before.report.attempts.length, 9, 'three ranges × three ports');
  t.ok(before.report.attempts.every((a) => a.status === 'timeout'), 'every attempt dropped');

  t.equal(after.report.verdict.status, 'ok', 'with the rules: ok');
  t.equal(after.code, 0);
  t.equal(after.report.attempts.length, 9);
  for (const a of after.report.attempts) t.equal(a.status, 'ok', `${a.ip} port ${a.port}: ${a.reason}`);

  t.ok(outsideRanges.report.attempts.length === 3 && outsideRanges.report.attempts.every((a) => a.status === 'timeout'), 'an address outside the ranges stays dropped');
  t.ok(outsidePorts.report.attempts.length === 3 && outsidePorts.report.attempts.every((a) => a.status === 'timeout'), 'a port outside the list stays dropped');
}

lab(t, 'iptables: piped to sh -e (twice) in a default-deny namespace, it opens exactly the ranges and ports', async (t) => {
  const run = await inNamespace(roundTrip(
    `for ipt in iptables ip6tables; do
  $ipt -P OUTPUT DROP
  $ipt -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
done`,
    // Twice: running the script again must replace its rules, not add to them.
    `for _ in 1 2; do ${RULES} --format iptables | sh -e || { echo "lab: the iptables rules did not load" >&2; exit 97; }; done`,
    'iptables -S; ip6tables -S',
  ));
  t.equal(run.stderr, '', 'no errors');
  const { probes, rest } = results(t, run.stdout);
  assertRoundTrip(t, probes);
  const rules = rest.split('\n');
  t.equal(rules.filter((line) => line === '-A OUTPUT -j GOTOMYPC').length, 2, 'one jump per family, after two runs');
  t.same(rules.filter((line) => line.startsWith('-A GOTOMYPC')), [
    '-A GOTOMYPC -d 127.0.0.1/32 -p tcp -m multiport --dports 80,443,8200 -j ACCEPT',
    '-A GOTOMYPC -d 127.0.0.2/32 -p tcp -m multiport --dports 80,443,8200 -j ACCEPT',
    '-A GOTOMYPC -d ::1/128 -p tcp -m multiport --dports 80,443,8200 -j ACCEPT',
  ], 'one rule per range, after two runs');
}, TOOLS);

lab(t, 'nftables: loaded with nft -f into the inet filter output chain (policy drop), it opens exactly the ranges and ports', async (t) => {
  const run = await inNamespace(roundTrip(
    `nft -f - <<'EOF'
table inet filter {
	chain output {
		type filter hook output priority 0; policy drop;
		ct state established,related accept
	}
}
EOF`,
    // Twice: loading it again must refresh the sets without an error.
    `for _ in 1 2; do ${RULES} --format nftables | nft -f - || { echo "lab: the nftables rules did not load" >&2; exit 97; }; done`,
    'nft list ruleset',
  ));
  t.equal(run.stderr, '', 'no errors');
  const { probes, rest } = results(t, run.stdout);
  assertRoundTrip(t, probes);
  t.match(rest, /set gotomypc_v4_80_443_8200 \{[^}]*elements = \{ 127\.0\.0\.1, 127\.0\.0\.2 \}/, 'the IPv4 set holds the ranges, once');
  t.match(rest, /set gotomypc_v6_80_443_8200 \{[^}]*elements = \{ ::1 \}/, 'the IPv6 set holds the range');
}, TOOLS);

lab(t, 'nftables: without an inet filter output chain nft loads nothing, and says why', async (t) => {
  const run = await inNamespace(`set -o pipefail\n${RULES} --format nftables | nft -f -; echo "exit $?"; nft list ruleset`);
  t.match(run.stdout, /^exit [1-9]/m, 'nft fails');
  t.match(run.stderr, /No such file or directory[\s\S]*insert rule inet filter output/, 'at the rule for the missing chain');
  t.equal(run.stdout.replace(/^exit \d+\n/m, '').trim(), '', 'the transaction left no table behind');
}, TOOLS);

lab(t, "nothing leaked: this machine's own firewall has no GoToMyPC rule", async (t) => {
  // Read-only listings of the namespace this test runs in; the rules above only ever ran inside unshare -n.
  for (const [command, args] of [['nft', ['list', 'ruleset']], ['iptables-save', []], ['ip6tables-save', []]] as const) {
    const listing = spawnSync(command, args, { encoding: 'utf8' });
    t.equal(listing.status, 0, `${command} ran`);
    t.notMatch(listing.stdout, /gotomypc/i, `${command}: no GoToMyPC rule or set`);
  }
}, TOOLS);
