// g2probe rules: the firewall rules that admit GoToMyPC, for network admins. Sends no packet.
import { UsageError, quote } from '../core/errors.js';
import type { Role } from '../core/types.js';
import { listing, portWord } from '../core/words.js';
import { writeStdout } from '../report/output.js';
import { PROGRAM_FORMATS, RULE_FORMATS, renderRules, rulesNote, type RuleFormat } from '../report/rules.js';
import { builtinRanges, loadRangesFile, portsOf } from '../targets/ranges.js';
import { DEFAULT_PORTS, parsePorts } from './args.js';
import { parseFlags } from './flags.js';

const SPEC = {
  format: { type: 'string' },
  ranges: { type: 'string' },
  ports: { type: 'string' },
  role: { type: 'string' },
  'with-legacy': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const RULES_HELP = `Usage: g2probe rules --format FORMAT [options]

Prints firewall rules that allow what GoToMyPC needs: outbound TCP to GoTo's
published ranges, each on the ports it is documented for (80, 443 and 8200
for the GoToMyPC list, 443 for the GoTo Meeting servers), ready to paste or
to pipe. Sends no packet. The same input always gives the same output.

Examples
  g2probe rules --format iptables | sudo sh -e
  g2probe rules --format nftables > gotomypc.nft && sudo nft -f gotomypc.nft
  g2probe rules --format windows --role host > gotomypc-host.ps1
  g2probe rules --format pf --with-legacy > gotomypc.pf.conf
  g2probe rules --format csv --ranges ranges.txt --ports 443,8200

Formats
  iptables  shell commands: a GOTOMYPC chain (ip6tables too for IPv6 ranges)
            with one ACCEPT rule per range and its ports, jumped to from the
            top of OUTPUT; running them again replaces the chain's rules
  nftables  an nft -f script: a set of ranges per address family and port
            set, each with an accept rule inserted into table inet filter,
            chain output (change the names to those of your ruleset)
  windows   PowerShell New-NetFirewallRule commands, to run elevated: a rule
            per port set; with --role, per GoToMyPC program too
  pf        a table per port set and a pass out quick rule each, for pf.conf
  csv       RFC 4180 CSV, one row per range (per program and range with
            --role), columns: action (allow), direction (outbound), protocol
            (tcp), remote_address (CIDR), remote_ports (space-separated),
            program (file name, empty for any program), range_list (the
            lists that name the range, space-separated)

Options
  --format FORMAT     iptables, nftables, windows, pf or csv (required)
  --ranges FILE       these ranges instead of the built-in GoTo list: one
                      CIDR or address per line, optionally followed by
                      ports=P,P,… and list=NAME; # starts a comment
  --with-legacy       add the ranges only the old Citrix Online list names
                      (possibly retired) to the built-in list
  --ports LIST        comma-separated TCP ports (default 80,443,8200): each
                      range is allowed on those of them it serves
  --role host|client  windows and csv: a rule per GoToMyPC program of a host
                      PC (the one you connect to) or a client PC (the one you
                      connect from) instead of one for any program
  -h, --help          this text

The rules allow the outgoing connections; their replies need the stateful
rule (established, related) that any stateful policy has.

The rules allow addresses only. GoToMyPC also connects to names (such as
poll.gotomypc.com) whose addresses are outside these ranges, or may be: a
comment in the rules lists them, with what public sources say of each, to
allow by name on a web proxy or a next-generation firewall (FQDN objects).
CSV has no comments: with csv, that list goes to stderr.

Exit codes
  0   the rules are on stdout
  64  usage error: a bad flag, value or file (one line on stderr names it)
`;

/**
 * Writes the rules (or the help) to stdout; a usage error is one line on stderr and exit 64. The environment
 * is deliberately ignored: the rules depend on the flags alone, so the same command always prints the same rules.
 */
export function rulesCommand(argv: readonly string[], _env: NodeJS.ProcessEnv): number {
  // Everything is checked before the first byte is written: a usage error leaves stdout empty.
  const { rules, note } = rulesFor(argv);
  if (note !== '') process.stderr.write(note);
  writeStdout(rules);
  return 0;
}

function rulesFor(argv: readonly string[]): { rules: string; note: string } {
  const values = parseFlags(argv, SPEC, { command: 'g2probe rules' });
  if (values.help) return { rules: RULES_HELP, note: '' };

  const { format, role, ranges: rangesFile } = values;
  if (format === undefined) throw new UsageError(`missing --format: use one of ${RULE_FORMATS.join(', ')} (g2probe rules --help shows examples)`);
  if (!isFormat(format)) throw new UsageError(`bad --format value ${quote(format)}: use one of ${RULE_FORMATS.join(', ')}`);
  if (role !== undefined && role !== 'host' && role !== 'client') {
    throw new UsageError(`bad --role value ${quote(role)}: use host (the PC you connect to) or client (the PC you connect from)`);
  }
  if (role !== undefined && !PROGRAM_FORMATS.includes(format)) {
    throw new UsageError(`--role needs --format ${PROGRAM_FORMATS.join(' or ')}: ${format} rules cannot name a program`);
  }
  if (values['with-legacy'] && rangesFile !== undefined) {
    throw new UsageError('--with-legacy adds to the built-in list: it cannot be used with --ranges (put the ranges you want in the file)');
  }
  const ports = values.ports === undefined ? DEFAULT_PORTS : parsePorts(values.ports);
  const ranges = rangesFile === undefined
    ? builtinRanges().filter((range) => values['with-legacy'] || range.status === 'current')
    : loadRangesFile(rangesFile);
  if (!ranges.some((range) => portsOf(range, ports).length > 0)) {
    const served = [...new Set(ranges.flatMap((range) => range.ports ?? []))].sort((a, b) => a - b);
    throw new UsageError(`no range of the list serves ${portWord(ports)} (they serve ${listing(served)}): give --ranges FILE to allow other ports`);
  }
  const input = { ranges, ports, role: (role as Role | undefined) ?? null, rangesFile: rangesFile ?? null };
  return { rules: renderRules(format, input), note: rulesNote(format, input) };
}

function isFormat(value: string): value is RuleFormat {
  return (RULE_FORMATS as readonly string[]).includes(value);
}
