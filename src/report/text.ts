// The plain-language report: the verdict first, then the evidence as tables, then what to do.
import { escapeLines, escapeText } from '../core/escape.js';
import { inline } from '../core/errors.js';
import { STATUSES } from '../core/types.js';
import type { DnsAddress, DnsReport, FirewallSource, FirewallSources, LocalPolicy, PacStatus, ProxyPath, ProxySettings, RangePortSummary, RangesInfo, Status, Summary, Verdict } from '../core/types.js';
import { plural, wrap } from '../core/words.js';
import { plain, toneOf, type Paint, type Tone } from './colour.js';
import { seenReasons } from './reasons.js';

export interface TextReportInput {
  version: string;
  summary: Summary;
  verdict: Verdict;
  elapsedMs: number;
  ranges: RangesInfo;
  /** Set when the run was interrupted: how many attempts were planned ('unknown' for a saved report, which does not say). */
  planned: number | 'unknown' | null;
  proxies: ProxySettings;
  dns: DnsReport | null;
  localPolicy: LocalPolicy;
  /** The PAC file the run followed (--pac), if any. */
  pac?: PacStatus | null;
  proxyPaths?: ProxyPath[];
}

/** What a PAC that ran out of its budget decided, or nothing. */
function ranOut(pac: PacStatus): string {
  return pac.work?.ranOut ? `; ${pac.work.ranOut}` : '';
}

/** "direct", or which proxy each kind of port went through (credentials already masked), or the PAC file. */
function pathLine(proxies: ProxySettings, pac: PacStatus | null): string | null {
  if (pac) return pac.usable ? `Path: as the PAC file ${pac.url} answers for each target (${pac.source})${ranOut(pac)}` : `Path: direct: the PAC file ${pac.url} (${pac.source}) cannot be used: ${pac.why}`;
  const { http, https, noProxy } = proxies;
  if (!http && !https) return null;
  const except = noProxy ? `, except NO_PROXY ${noProxy}` : '';
  if (http && https && http.url === https.url) return `Path: through the proxy ${http.url} (${http.source})${except}`;
  const parts = [
    http ? `port 80 through ${http.url} (${http.source})` : 'port 80 direct',
    https ? `other ports through ${https.url} (${https.source})` : 'other ports direct',
  ];
  return `Path: ${parts.join(', ')}${except}`;
}

/** One program's settings: followed (with its PAC file's fate), or why not. */
function settingsLine(path: ProxyPath): string {
  const settings = `${path.who}: ${path.said} (${path.source})`;
  if (path.followed === undefined) return `This PC's settings: ${settings}`;
  if (!path.followed) return `Not followed (${path.why ?? 'another path decides'}): ${settings}`;
  const pac = !path.pac ? '' : !path.pac.usable ? `; its PAC file ${path.pac.url} cannot be used: ${path.pac.why}` : ranOut(path.pac);
  return `Path of ${settings}${pac}`;
}

const WIDTH = 78;

/** A line already escaped, and perhaps painted: the other lines are escaped when the report is put together. */
class Ready {
  constructor(readonly text: string) {}
}
type Line = string | Ready;

function joinLines(lines: readonly Line[]): string {
  return lines.map((line) => (line instanceof Ready ? line.text : escapeLines(line))).join('\n');
}

/**
 * `text` (wrapped, not yet escaped) escaped, with our own `word` painted where it follows `head`; unpainted when
 * the wrapping moved it. Escaping is character by character, so the escaped text starts with the escaped head.
 */
export function paintWord(text: string, head: string, word: string, tone: Tone | null, paint: Paint, bold = false): string {
  const escaped = escapeLines(text);
  const at = escapeText(head, Number.POSITIVE_INFINITY).length;
  if (tone === null || !escaped.startsWith(word, at)) return escaped;
  return `${escaped.slice(0, at)}${paint(tone, word, bold)}${escaped.slice(at + word.length)}`;
}

/** The verdict's line: its status in capitals, bold and in its tone, then the sentence. */
export function verdictLine(status: string, text: string, paint: Paint): string {
  const word = `${status.toUpperCase()}:`;
  return paintWord(wrap(`${word} ${text}`, WIDTH, '  '), '', word, toneOf(status), paint, true);
}

/** Where the ranges came from, as the first line says it. */
export function rangesFrom(info: RangesInfo): string {
  switch (info.origin) {
    case 'builtin': return 'built-in GoTo list';
    case 'file':
    case 'url': return `from ${inline(info.location ?? '', 1000)}`;
    case 'cache': return `cached copy of ${inline(info.location ?? '', 1000)}`;
  }
}

/** Columns padded to their widest cell, then each cell escaped and painted in its tone (`toneAt`, by row and column). */
function table(rows: string[][], alignRight: (column: number) => boolean, paint: Paint = plain, toneAt: (row: number, column: number) => Tone | null = () => null): Ready[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row, r) => {
    const cells = row.map((cell, i) => {
      const tone = toneAt(r, i);
      const shown = escapeText(cell, Number.POSITIVE_INFINITY);
      const painted = tone === null ? shown : paint(tone, shown);
      const pad = ' '.repeat(widths[i]! - cell.length);
      return alignRight(i) ? pad + painted : painted + pad;
    });
    return new Ready(`  ${cells.join('  ')}`.trimEnd());
  });
}

/** A table's tones: none for its header row, a state's for the cells of `columns`. */
function statesIn(rows: string[][], columns: (column: number) => boolean): (row: number, column: number) => Tone | null {
  return (row, column) => (row > 0 && columns(column) ? toneOf(rows[row]![column]!) : null);
}

/** The text report, without its footer (footer.ts: where the files went); `paint` colours our own words. */
export function renderText(input: TextReportInput, paint: Paint = plain): string {
  const { summary, verdict } = input;
  const shown: Status[] = STATUSES.filter((s) => s === 'ok' || summary.ports.some((p) => p.counts[s] > 0));
  const out: Line[] = [];
  out.push(
    `g2probe ${input.version} · ${plural(summary.total, 'attempt')} to ${plural(summary.ranges.length, 'range')} (${rangesFrom(input.ranges)}) in ${(input.elapsedMs / 1000).toFixed(1)} s`,
    ...[pathLine(input.proxies, input.pac ?? null)].filter((line): line is string => line !== null).map((line) => wrap(line, WIDTH, '  ')),
    ...(input.proxyPaths ?? []).map((p) => wrap(settingsLine(p), WIDTH, '  ')),
    ...(input.ranges.update?.warning ? [wrap(`Warning: ${input.ranges.update.warning}`, WIDTH, '  ')] : []),
    '',
    ...(input.planned === null ? [] : [new Ready(paintWord(`INTERRUPTED after ${input.planned === 'unknown' ? plural(summary.total, 'attempt') : `${summary.total} of ${input.planned} attempts`}: what follows covers only those.`, '', 'INTERRUPTED', 'doubtful', paint, true)), '']),
    new Ready(verdictLine(verdict.status, verdict.text, paint)),
    '',
    'Ports',
  );
  const portRows = [
    ['PORT', 'RESULT', ...shown.map((s) => s.toUpperCase()), 'SEEN'],
    ...summary.ports.map((p) => [String(p.port), p.state, ...shown.map((s) => String(p.counts[s])), seenReasons(p)]),
  ];
  out.push(
    ...table(portRows, (i) => i >= 2 && i < 2 + shown.length, paint, (row, column) => {
      if (row === 0) return column >= 2 && column < 2 + shown.length ? toneOf(shown[column - 2]!) : null;
      return column === 1 ? toneOf(portRows[row]![1]!) : null;
    }),
  );
  if (summary.retried) {
    const { attempts, answered } = summary.retried;
    const loss = answered > 0 ? `; ${plural(answered, 'retry', 'retries')} got an answer the first try did not, a sign the path loses packets` : '; none answered a retry';
    out.push(wrap(`  Tried again on a new connection: ${plural(attempts, 'silent handshake')}${loss}.`, WIDTH, '  '));
  }
  if (summary.paths) {
    const states = new Map(summary.paths.map((path) => [path.role, new Map(path.ports.map((p) => [p.port, p.state]))]));
    const rows = [['PORT', "VIEWER'S PATH", "HOST SERVICE'S PATH"], ...summary.ports.map((p) => [String(p.port), states.get('client')?.get(p.port) ?? '-', states.get('host')?.get(p.port) ?? '-'])];
    out.push('', "Each program's path", ...table(rows, () => false, paint, statesIn(rows, (c) => c > 0)));
  }
  if (summary.comparison) {
    const rows = [['PORT', 'PROXY PATH', 'DIRECT', ''], ...summary.comparison.map((c) => [String(c.port), c.configured, c.direct, c.differs ? 'differs' : 'same'])];
    out.push('', 'Proxy path against direct', ...table(rows, () => false, paint, statesIn(rows, (c) => c === 1 || c === 2)));
  }
  const ports = summary.ports.map((p) => String(p.port));
  if (input.dns) out.push('', ...servers(input.dns, summary, ports, paint));
  out.push('', 'Ranges (what each port saw)');
  out.push(
    ...table(
      [
        ['RANGE', 'LIST', ...ports],
        ...summary.ranges.map((r) => [r.cidr, r.lists.join(','), ...ports.map((port) => cellText(r.ports[port]))]),
      ],
      () => false,
      paint,
      (row, column) => {
        const cell = row > 0 && column >= 2 ? summary.ranges[row - 1]!.ports[ports[column - 2]!] : undefined;
        return cell === undefined || cell.reason === null ? null : toneOf(cell.state);
      },
    ),
  );
  out.push('', ...thisPc(input.localPolicy));
  out.push('', 'What to do');
  verdict.advice.forEach((step, i) => {
    out.push(wrap(`  ${i + 1}. ${step.text}`, WIDTH, '     '));
    if (step.evidence.length > 0) out.push(wrap(`     Seen: ${step.evidence.join('; ')}`, WIDTH, '       '));
  });
  return `${joinLines(out)}\n`;
}

/** Two addresses and a count; a sinkhole or an address the guard kept out is marked. */
function addressesText(addresses: readonly DnsAddress[]): string {
  const shown = addresses.slice(0, 2).map((a) => `${a.ip}${a.sinkhole ? ' (filter)' : a.probed ? '' : ' (not probed)'}`);
  return addresses.length > 2 ? `${shown.join(' ')} +${addresses.length - 2}` : shown.join(' ') || '-';
}

/** One row per name: what DNS said, and what its addresses saw on each port. */
function servers(dns: DnsReport, summary: Summary, ports: readonly string[], paint: Paint): Line[] {
  const states = new Map((summary.services?.hosts ?? []).map((h) => [h.host, h.ports]));
  const rows = dns.results.map((r) => [
    r.host,
    r.status === 'ok' ? 'ok' : `${r.status}/${r.reason}`,
    addressesText(r.addresses),
    ...ports.map((port) => states.get(r.host)?.[port] ?? '-'),
  ]);
  const from = dns.server === 'system' ? "this PC's resolver" : dns.server;
  const all = [['NAME', 'DNS', 'ADDRESSES', ...ports], ...rows];
  return [`GoToMyPC's servers (names asked of ${from}; their addresses probed first, on the ports each name is used on)`, ...table(all, () => false, paint, (row, column) => {
    if (row === 0 || column === 0 || column === 2) return null;
    // A name DNS did not answer for is in the way, whatever the reason.
    return column === 1 ? (all[row]![1] === 'ok' ? 'good' : 'bad') : toneOf(all[row]![column]!);
  })];
}

/** The GoToMyPC programs and what Windows Defender Firewall says of each; elsewhere, one line on why not. */
function thisPc(policy: LocalPolicy): Line[] {
  // Off Windows one line: the why's first clause (the report keeps all of it).
  if (!policy.applies) return [wrap(`This PC: not checked (${policy.why.split(/[,.](?:\s|$)/)[0]})`, WIDTH, '  ')];
  const out: Line[] = ['This PC (GoToMyPC programs, Windows Defender Firewall, WinHTTP proxy)'];
  if (policy.executables.length > 0) {
    out.push(...table([['PROGRAM', 'FIREWALL', 'RULES'], ...policy.executables.map((e) => [e.name, e.verdict, e.rules.map((r) => `"${r.name}"`).join(', ') || '-'])], () => false));
  } else {
    out.push('  No GoToMyPC program found.');
  }
  if (policy.missing.length > 0) out.push(wrap(`  Not installed here: ${policy.missing.join(', ')}`, WIDTH, '    '));
  const source = policy.firewall.source && firewallSource(policy.firewall.source);
  if (source) out.push(wrap(`  Firewall read with ${source}`, WIDTH, '    '));
  if (!policy.firewall.rules.readable) out.push(wrap(`  Firewall rules: ${policy.firewall.rules.why}`, WIDTH, '    '));
  const { winhttp } = policy;
  const proxy = !winhttp.readable
    ? winhttp.why
    : winhttp.value.kind === 'direct'
      ? 'none (direct access)'
      : `${winhttp.value.servers.map((s) => (s.scheme ? `${s.scheme}=${s.address}` : s.address)).join(', ')}${winhttp.value.bypass.length > 0 ? ` (bypass ${winhttp.value.bypass.join(';')})` : ''}`;
  out.push(wrap(`  WinHTTP proxy: ${proxy}`, WIDTH, '    '));
  return out;
}

const TOOLS: Record<FirewallSource, string> = { powershell: "PowerShell's NetSecurity cmdlets", netsh: 'netsh' };

/** Which tool read the firewall; both parts named when they differ, nothing when neither could be read. */
function firewallSource({ rules, profiles }: FirewallSources): string | null {
  if (rules === profiles) return rules === null ? null : TOOLS[rules];
  return `${rules === null ? 'no tool' : TOOLS[rules]} (rules), ${profiles === null ? 'no tool' : TOOLS[profiles]} (profiles)`;
}

/** What a range's port saw: `not served` where it is not documented, and a failure only an old list vouches against marked so. */
function cellText(cell: RangePortSummary | undefined): string {
  if (!cell) return '-';
  if (cell.state === 'not-served') return 'not served';
  if (cell.reason === null) return '-';
  if (cell.reason === 'connected') return 'ok';
  return cell.state === 'unconfirmed' ? `${cell.reason} (old list)` : cell.reason;
}
