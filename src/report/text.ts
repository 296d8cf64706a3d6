// The plain-language report: the verdict first, then the evidence as tables, then what to do.
import { STATUSES } from '../types.js';
import type { PortSummary, ProxySettings, Status, Summary, Verdict } from '../types.js';
import { plural, wrap } from '../words.js';

export interface TextReportInput {
  version: string;
  summary: Summary;
  verdict: Verdict;
  elapsedMs: number;
  rangesFrom: string;
  /** Set when the run was interrupted: how many attempts were planned. */
  planned: number | null;
  proxies: ProxySettings;
}

/** "direct", or which proxy each kind of port went through (credentials already masked). */
function pathLine(proxies: ProxySettings): string | null {
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

const WIDTH = 78;

function table(rows: string[][], alignRight: (column: number) => boolean): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    `  ${row.map((cell, i) => (alignRight(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd(),
  );
}

function seen(port: PortSummary): string {
  return Object.entries(port.reasons)
    .filter(([reason]) => reason !== 'connected')
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([reason, count]) => `${reason} ×${count}`)
    .join(', ');
}

export function renderText(input: TextReportInput): string {
  const { summary, verdict } = input;
  const shown: Status[] = STATUSES.filter((s) => s === 'ok' || summary.ports.some((p) => p.counts[s] > 0));
  const out: string[] = [];
  out.push(
    `g2probe ${input.version} · ${plural(summary.total, 'attempt')} to ${plural(summary.ranges.length, 'range')} (${input.rangesFrom}) in ${(input.elapsedMs / 1000).toFixed(1)} s`,
    ...[pathLine(input.proxies)].filter((line): line is string => line !== null),
    '',
    ...(input.planned === null ? [] : [`INTERRUPTED after ${summary.total} of ${input.planned} attempts: what follows covers only those.`, '']),
    wrap(`${verdict.status.toUpperCase()}: ${verdict.text}`, WIDTH, '  '),
    '',
    'Ports',
  );
  out.push(
    ...table(
      [
        ['PORT', 'RESULT', ...shown.map((s) => s.toUpperCase()), 'SEEN'],
        ...summary.ports.map((p) => [String(p.port), p.state, ...shown.map((s) => String(p.counts[s])), seen(p)]),
      ],
      (i) => i >= 2 && i < 2 + shown.length,
    ),
  );
  if (summary.comparison) {
    out.push('', 'Proxy path against direct');
    out.push(...table([['PORT', 'PROXY PATH', 'DIRECT', ''], ...summary.comparison.map((c) => [String(c.port), c.configured, c.direct, c.differs ? 'differs' : 'same'])], () => false));
  }
  const ports = summary.ports.map((p) => String(p.port));
  out.push('', 'Ranges (what each port saw)');
  out.push(
    ...table(
      [
        ['RANGE', 'LIST', ...ports],
        ...summary.ranges.map((r) => [r.cidr, r.status, ...ports.map((port) => cellText(r.ports[port]?.reason ?? null))]),
      ],
      () => false,
    ),
  );
  out.push('', 'What to do');
  verdict.advice.forEach((step, i) => out.push(wrap(`  ${i + 1}. ${step.text}`, WIDTH, '     ')));
  out.push('', 'For a ticket, save the full evidence: g2probe --out g2probe-report.json');
  return `${out.join('\n')}\n`;
}

function cellText(reason: string | null): string {
  if (reason === null) return '-';
  return reason === 'connected' ? 'ok' : reason;
}
