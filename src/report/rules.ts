// Firewall rules that admit GoToMyPC: one set of ranges, ports and programs, written for each firewall.
import { quote } from '../core/errors.js';
import type { Family, Range, Role } from '../core/types.js';
import { listing, wrap } from '../core/words.js';
import { EXECUTABLES } from '../data/executables.js';
import { SERVICE_HOSTS } from '../data/service-hosts.js';
import { portsOf, rangeOf } from '../targets/ranges.js';

export const RULE_FORMATS = ['iptables', 'nftables', 'windows', 'pf', 'csv'] as const;
export type RuleFormat = (typeof RULE_FORMATS)[number];

/** iptables, nftables and pf match addresses and ports, not programs. */
export const PROGRAM_FORMATS: readonly RuleFormat[] = ['windows', 'csv'];

export interface RuleInput {
  ranges: readonly Range[];
  /** --ports: each range is allowed on the ports it serves, of these; a range that serves none of them is left out. */
  ports: readonly number[];
  /** With a role (windows and csv only), one rule per program of that role; without, one for any program. */
  role: Role | null;
  /** The --ranges file, named in the header; null for the built-in list. */
  rangesFile: string | null;
}

const CSV_HEADER = ['action', 'direction', 'protocol', 'remote_address', 'remote_ports', 'program', 'range_list'] as const;

const CHAIN = 'GOTOMYPC';
/** The xt_multiport limit: more ports than this need more than one rule. */
const MULTIPORT_MAX = 15;

export function renderRules(format: RuleFormat, input: RuleInput): string {
  const lines = RENDERERS[format](input);
  return format === 'csv' ? lines.map((line) => `${line}\r\n`).join('') : `${lines.join('\n')}\n`;
}

const RENDERERS: Record<RuleFormat, (input: RuleInput) => string[]> = { iptables, nftables, windows, pf, csv };

function programsOf(role: Role | null): string[] {
  return role ? [...EXECUTABLES[role].primary, ...EXECUTABLES[role].additional] : [];
}

/** A range and the ports it is allowed on. */
interface Allowed {
  range: Range;
  ports: number[];
}

function allowed(input: RuleInput): Allowed[] {
  return input.ranges.map((range) => ({ range, ports: portsOf(range, input.ports) })).filter((a) => a.ports.length > 0);
}

/** Ranges that share a port set, in order of first appearance: one set, table or rule per group. */
function byPorts(items: readonly Allowed[]): { ports: number[]; ranges: Range[] }[] {
  const groups = new Map<string, { ports: number[]; ranges: Range[] }>();
  for (const { range, ports } of items) {
    const key = ports.join(',');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, ranges: [] }));
    group.ranges.push(range);
  }
  return [...groups.values()];
}

function iptables(input: RuleInput): string[] {
  const families = byFamily(allowed(input)).map(([family, items]) => ({ command: family === 4 ? 'iptables' : 'ip6tables', items }));
  const each = (line: (command: string) => string): string[] => families.map(({ command }) => `#   ${line(command)}`);
  const lines = [
    '#!/bin/sh',
    ...header(input, 'iptables'),
    '# Replies need the stateful rule that any stateful policy has:',
    ...each((c) => `${c} -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`),
    `# Run as root: sh -e FILE, or pipe it to sh -e. Running it again replaces the rules of the ${CHAIN}`,
    '# chain and keeps a single jump to it at the top of OUTPUT. The rules last until reboot: save them',
    '# with iptables-save (or netfilter-persistent save). To remove them:',
    ...each((c) => `${c} -D OUTPUT -j ${CHAIN} && ${c} -F ${CHAIN} && ${c} -X ${CHAIN}`),
    'set -e',
  ];
  for (const { command: c, items } of families) {
    lines.push('', `${c} -N ${CHAIN} 2>/dev/null || ${c} -F ${CHAIN}`);
    for (const { range, ports: served } of items) {
      for (const ports of chunks(served, MULTIPORT_MAX)) lines.push(`${c} -A ${CHAIN} -d ${range.cidr} -p tcp -m multiport --dports ${ports.join(',')} -j ACCEPT`);
    }
    lines.push(`${c} -C OUTPUT -j ${CHAIN} 2>/dev/null || ${c} -I OUTPUT -j ${CHAIN}`);
  }
  return lines;
}

function nftables(input: RuleInput): string[] {
  const families = byFamily(allowed(input)).flatMap(([family, items]) =>
    byPorts(items).map(({ ports, ranges }) => ({ family, ports, ranges, set: `gotomypc_v${family}_${ports.join('_')}` })));
  const lines = [
    '#!/usr/sbin/nft -f',
    ...header(input, 'nftables'),
    '# Replies need the stateful rule that any stateful policy has: ct state established,related accept',
    "# Load it as root: nft -f FILE. It adds to table inet filter, chain output (the names of Debian's",
    '# /etc/nftables.conf): change them to those of the chain that drops. A table of its own would not',
    '# do: a packet that any base chain drops is dropped, whatever the other chains accept. Without that',
    '# chain, nft loads nothing.',
    '# Loading it again refreshes the sets but inserts the rule again; to find and remove a copy:',
    '#   nft -a list chain inet filter output',
    '#   nft delete rule inet filter output handle N',
    'table inet filter {',
  ];
  for (const [index, { family, set }] of families.entries()) {
    if (index > 0) lines.push('');
    lines.push(`\tset ${set} {`, `\t\ttype ipv${family}_addr`, '\t\tflags interval', '\t}');
  }
  lines.push('}');
  for (const { family, ports: served, ranges, set } of families) {
    const ports = `{ ${served.join(', ')} }`;
    lines.push(
      '',
      `flush set inet filter ${set}`,
      `add element inet filter ${set} {`,
      ...ranges.map((range, i) => `\t${range.cidr}${i < ranges.length - 1 ? ',' : ''}`),
      '}',
      `insert rule inet filter output ${family === 4 ? 'ip' : 'ip6'} daddr @${set} tcp dport ${ports} accept comment "GoToMyPC"`,
    );
  }
  return lines;
}

function windows(input: RuleInput): string[] {
  const programs = programsOf(input.role);
  const id = input.role ? `GoToMyPC-g2probe-${input.role}` : 'GoToMyPC-g2probe';
  const groups = byPorts(allowed(input));
  // One rule per port set (RemotePort is per rule); with one set, the names stay those of a single rule.
  const tcp = (ports: readonly number[]): string => (groups.length === 1 ? '' : `-tcp${ports.join('_')}`);
  const common = (group: { ports: number[]; ranges: Range[] }): string => [
    '-Group', psString('GoToMyPC'),
    '-Direction Outbound -Action Allow -Protocol TCP',
    '-RemotePort', group.ports.join(', '),
    '-RemoteAddress', group.ranges.map((range) => psString(range.cidr)).join(', '),
  ].join(' ');
  const lines = [
    ...header(input, 'windows'),
    '# Run it in an elevated PowerShell (Windows 8 or Server 2012 and later). The rules matter where',
    '# outbound connections are blocked by default; Windows Firewall is stateful: replies need no rule.',
    `# Running it again replaces ${programs.length > 0 ? `these rules (named ${id}-*` : groups.length > 1 ? `these rules (named ${id}-tcp*` : `this rule (named ${id}`}, in the group GoToMyPC).`,
    "$ErrorActionPreference = 'Stop'",
  ];
  if (programs.length === 0) {
    // The role's rules are named ${id}-host-* and ${id}-client-*: a wildcard here must not reach them.
    lines.push(`Remove-NetFirewallRule -Name ${groups.length > 1 ? `${psString(id)}, ${psString(`${id}-tcp*`)}` : psString(id)} -ErrorAction SilentlyContinue`);
    for (const group of groups) {
      lines.push(`New-NetFirewallRule -Name ${psString(`${id}${tcp(group.ports)}`)} -DisplayName ${psString(`GoToMyPC${groups.length > 1 ? ` (TCP ${group.ports.join(', ')})` : ''}`)} ${common(group)}`);
    }
    return lines;
  }
  lines.push(
    "# The programs' folder: check it (in Task Manager, right-click one, Open file location).",
    '$GoToMyPCDir = "${env:ProgramFiles(x86)}\\GoToMyPC"',
    `Remove-NetFirewallRule -Name ${psString(`${id}-*`)} -ErrorAction SilentlyContinue`,
  );
  for (const program of programs) {
    for (const group of groups) {
      lines.push(`New-NetFirewallRule -Name ${psString(`${id}-${program}${tcp(group.ports)}`)} -DisplayName ${psString(`GoToMyPC (${program}${groups.length > 1 ? `, TCP ${group.ports.join(', ')}` : ''})`)} ${common(group)} -Program (Join-Path $GoToMyPCDir ${psString(program)})`);
    }
  }
  return lines;
}

function pf(input: RuleInput): string[] {
  const groups = byPorts(allowed(input));
  const lines = [
    ...header(input, 'pf'),
    '# For pf.conf: the tables go with the other tables, the rules among the filter rules, before any',
    '# block rule with quick (quick makes the first match final). keep state lets the replies in.',
    '# A table holds IPv4 and IPv6 alike: a rule without inet or inet6 covers both. Check, then load:',
    '#   pfctl -nf /etc/pf.conf',
    '#   pfctl -f /etc/pf.conf',
  ];
  const table = (ports: readonly number[]): string => (groups.length === 1 ? 'gotomypc' : `gotomypc_${ports.join('_')}`);
  for (const { ports, ranges } of groups) {
    lines.push(
      `table <${table(ports)}> const { \\`,
      ...ranges.map((range, i) => `\t${range.cidr}${i < ranges.length - 1 ? ',' : ''} \\`),
      '}',
    );
  }
  for (const { ports } of groups) lines.push(`pass out quick proto tcp from any to <${table(ports)}> port { ${ports.join(' ')} } keep state`);
  return lines;
}

function csv(input: RuleInput): string[] {
  const programs = programsOf(input.role);
  const items = allowed(input);
  const rows = (programs.length > 0 ? programs : ['']).flatMap((program) =>
    items.map(({ range, ports }) => ['allow', 'outbound', 'tcp', range.cidr, ports.join(' '), program, range.lists.join(' ')]),
  );
  return [CSV_HEADER, ...rows].map((fields) => fields.map(csvField).join(','));
}

/**
 * For csv, what the other formats say in a comment: the names that its rows do not cover, for stderr. RFC 4180
 * has no comments, and a row with a name where the address goes is rejected by a strict importer, or resolved
 * once by a lax one into an address rule that goes stale: the file stays address rules alone.
 */
export function rulesNote(format: RuleFormat, input: RuleInput): string {
  return format === 'csv' ? `${namesOutside(input, "g2probe rules: the CSV's rows allow addresses only.").join('\n')}\n` : '';
}

/**
 * GoToMyPC's names whose addresses these rules do not open, or may not, and how to allow them, wrapped. Decided
 * from what public material says of each name (src/data/service-hosts.ts), never by resolving: rules sends no packet.
 */
function namesOutside(input: RuleInput, lead: string): string[] {
  const opened = allowed(input).map((a) => a.range);
  const entries = SERVICE_HOSTS.map(({ name, ports, essential, addresses }) => {
    const where = addresses?.kind === 'cloud'
      ? `${input.rangesFile === null ? 'outside' : 'may be outside'}: ${addresses.source}`
      : addresses?.kind === 'seen'
        ? `may be outside: the one address published for it, ${addresses.address} (${addresses.source}), ${seenIn(addresses.address, opened)}`
        : 'may be outside: no public source gives its addresses';
    return wrap(`  ${name}, TCP ${listing(ports)}${essential ? ' (GoToMyPC does not work without it)' : ''}: ${where}.`, 98, '    ');
  });
  const intro = `${lead} GoToMyPC also connects to these names, whose addresses are outside the ranges these rules open, or may be: allow them by name, on a web proxy (a domain allow-list) or a next-generation firewall (FQDN objects, which follow the addresses as they change). An address rule made from a lookup today goes stale.`;
  return [wrap(intro, 98), ...entries].flatMap((paragraph) => paragraph.split('\n'));
}

function seenIn(address: string, ranges: readonly Range[]): string {
  const range = rangeOf(address, ranges);
  return range ? `is in ${range.cidr}, but its address now is unknown` : 'is not in these ranges, and its address now is unknown';
}

/** RFC 4180: a field with a comma, a double quote or a line break is quoted, its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A PowerShell verbatim string. PowerShell also reads the typographic single quotes as quotes, so they are doubled too. */
export function psString(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** What the rules do and where the ranges come from: the lines that vary with the input, wrapped. */
function header(input: RuleInput, format: RuleFormat): string[] {
  const programs = input.role ? `, for the GoToMyPC programs of a ${input.role} PC` : '';
  const sets = byPorts(allowed(input)).map((g) => `${listing(g.ports)} to ${g.ranges.length === 1 ? '1 range' : `${g.ranges.length} ranges`}`);
  return [
    `GoToMyPC: allow outbound TCP to the GoTo ranges, each on the ports it is documented for (${sets.join('; ')})${programs}.`,
    `Made by g2probe rules --format ${format} from ${origin(input)}.`,
  ].flatMap((paragraph) => wrap(paragraph, 98).split('\n'))
    .concat('', ...namesOutside(input, 'These rules allow addresses only.'), '')
    .map((line) => (line === '' ? '#' : `# ${line}`));
}

function origin(input: RuleInput): string {
  const file = input.rangesFile;
  if (file !== null) return `${input.ranges.length === 1 ? 'the range' : `the ${input.ranges.length} ranges`} in ${quote(file, 1000)}`;
  const current = input.ranges.filter((range) => range.status === 'current').length;
  const legacy = input.ranges.length - current;
  const page = `the ${current} ranges of GoTo's current lists (GoTo Meeting's servers on 443; six of them also on the Citrix Online list for GoToMyPC, with 80 and 8200)`;
  return legacy === 0 ? page : `${page} and the ${legacy} ranges only the Citrix Online list of the GoToMyPC era names (possibly retired)`;
}

/** IPv4 first, then IPv6, each in the given order; a family without ranges is left out. */
function byFamily(items: readonly Allowed[]): [Family, Allowed[]][] {
  return ([4, 6] as const)
    .map((family): [Family, Allowed[]] => [family, items.filter((item) => item.range.family === family)])
    .filter(([, list]) => list.length > 0);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
