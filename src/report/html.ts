// The report as one page a person reads: self-contained (no font, script, image or link to fetch), readable
// offline, from a mail attachment, on a phone and on paper. The verdict first, coloured by status; then the
// numbered steps with their evidence, so both are in view on a laptop without scrolling; then the evidence: the
// ports (with what their attempts saw), GoToMyPC's servers, the ranges, this PC, and every attempt in a table
// that a row of radio buttons filters with CSS alone. Failures come first in every table. Everything from the
// report is escaped: it may hold hostile names.
import { escapeText } from '../core/escape.js';
import type { Attempt, DnsReport, LocalPolicy, ProxyPath, Report, Status, VerdictStatus } from '../core/types.js';
import { STATUSES } from '../core/types.js';
import { plural } from '../core/words.js';
import { failuresFirst, rank } from './failures-first.js';
import { seenReasons } from './reasons.js';
import { rangesFrom } from './text.js';

/** A page past this many rows is slow to open and no one reads it: the JSON keeps every attempt. */
export const MAX_ROWS = 5000;

/**
 * The attempts a page lists, at most MAX_ROWS of them (a sweep's whole list stays in the JSON, not in memory), and
 * how many were made. Past MAX_ROWS a failure takes the place of the latest `ok` kept: a sweep's four blocked
 * attempts are on the page even when 40,000 connected before them.
 */
export class PageRows {
  private readonly failed: Attempt[] = [];
  private readonly passed: Attempt[] = [];
  made = 0;
  readonly keep = (attempt: Attempt): void => {
    this.made++;
    const full = this.failed.length + this.passed.length >= MAX_ROWS;
    if (attempt.status === 'ok') {
      if (!full) this.passed.push(attempt);
    } else if (!full || this.passed.pop() !== undefined) {
      this.failed.push(attempt);
    }
  };

  /** In the order made, within failures and within successes. */
  get kept(): Attempt[] {
    return [...this.failed, ...this.passed];
  }
}

/** The statuses as the filters and the ports' columns list them: failures first. */
const FAILURES_FIRST = failuresFirst(STATUSES, rank);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element or a quoted attribute: controls and format characters shown as the terminal shows them, then markup escaped. */
export function escapeHtml(value: unknown): string {
  return escapeText(String(value).replace(/[\t\n\r]/g, ' '), Number.POSITIVE_INFINITY).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const HEADLINE: Record<VerdictStatus, string> = {
  ok: 'OK',
  partial: 'Partly reachable',
  intercepted: 'Intercepted',
  blocked: 'Blocked',
  unknown: 'Unknown',
};

const STYLE = `
:root { color-scheme: light; --ok: #1a7f37; --partial: #9a6700; --blocked: #cf222e; --intercepted: #8250df; --unknown: #57606a; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2328; background: #fff; overflow-wrap: anywhere; }
main { max-width: 72rem; margin: 0 auto; padding: 0 1rem 2rem; }
header.verdict { color: #fff; padding: 1rem 0 .9rem; }
header.verdict .inner { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header.verdict h1 { margin: 0 0 .3rem; font-size: 1.6rem; }
header.verdict p { margin: .2rem 0; font-size: 1.05rem; }
header.verdict .meta { font-size: .85rem; opacity: .9; }
.s-ok { background: var(--ok); } .s-partial { background: var(--partial); } .s-blocked { background: var(--blocked); }
.s-intercepted { background: var(--intercepted); } .s-unknown { background: var(--unknown); }
h2 { font-size: 1.15rem; margin: 1.4rem 0 .5rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
/* A short word keeps its column's width (the auto layout would squeeze it to a letter a line); only names,
   addresses and evidence, which can be wider than a phone, break anywhere. */
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eaeef2; vertical-align: top; overflow-wrap: break-word; }
.mono, .why, .long { overflow-wrap: anywhere; }
th { background: #f6f8fa; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.tag { display: inline-block; padding: 0 .4rem; border-radius: .6rem; color: #fff; font-size: .8rem; overflow-wrap: normal; }
.t-reachable, .t-ok { background: var(--ok); } .t-blocked, .t-timeout { background: var(--blocked); }
.t-intercepted { background: var(--intercepted); } .t-unconfirmed, .t-unknown, .t-error, .t-not-served { background: var(--unknown); }
.t-held { background: var(--ok); } .t-idle-cut, .t-lifetime-cut, .t-down { background: var(--blocked); } .t-cut-once, .t-closed, .t-unanswered, .t-not-opened, .t-interrupted { background: var(--unknown); }
ol.steps { padding-left: 1.6rem; }
ol.steps li { margin: .5rem 0; font-size: 1.02rem; }
.seen { color: #57606a; font-size: .85rem; }
.why { color: #57606a; }
.filters label { margin-right: .8rem; white-space: nowrap; }
.filters { margin: .3rem 0 .6rem; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Consolas, monospace; font-size: .85rem; }
${STATUSES.map((s) => `body:has(#f-${s}:checked) #attempts tbody tr:not(.r-${s})`).join(',\n')} { display: none; }
/* A phone: each row a block of "label: value" lines, so no table is wider than the screen. */
@media screen and (max-width: 40rem) {
  header.verdict h1 { font-size: 1.35rem; }
  table, tbody, tr, td { display: block; width: 100%; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  tr { border-bottom: 1px solid #d0d7de; padding: .35rem 0; }
  td, td.n { border: 0; padding: .05rem .25rem; text-align: left; }
  td::before { content: attr(data-label) ": "; color: #57606a; font: .8rem system-ui, sans-serif; }
  .filters label { display: inline-block; }
}
/* Paper: black on white, the words carry every status; rows kept whole, headers repeated on each page. */
@media print {
  body { font-size: 10pt; }
  header.verdict { color: #000; background: none; border: 2px solid #000; }
  header.verdict .meta { opacity: 1; }
  .tag { color: #000; background: none; border: 1px solid #000; }
  .filters { display: none; }
  #attempts tbody tr { display: table-row !important; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; }
  h2 { break-after: avoid; }
}
`;

export function tag(state: string): string {
  return `<span class="tag t-${escapeHtml(state)}">${escapeHtml(state)}</span>`;
}

/** A cell: markup escaped by the caller; labelled with its column, which a phone shows in place of the header. */
function td(label: string, cell: string, className = ''): string {
  return `<td data-label="${escapeHtml(label)}"${className ? ` class="${className}"` : ''}>${cell}</td>`;
}

/** A table of `rows` (markup, escaped by the caller) in the order given: callers put failures first. */
export function table(head: readonly string[], rows: readonly string[][], numeric: (column: number) => boolean = () => false): string {
  const th = head.map((h, i) => `<th${numeric(i) ? ' class="n"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell, i) => td(head[i] ?? '', cell, numeric(i) ? 'n' : '')).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function servers(dns: DnsReport | null, report: Report): string {
  if (!dns || dns.results.length === 0) return '';
  const hosts = new Map((report.summary.services?.hosts ?? []).map((h) => [h.host, h]));
  const ports = report.summary.ports.map((p) => p.port);
  const worst = (host: string, status: Status): number => Math.min(rank(status), ...Object.values(hosts.get(host)?.ports ?? {}).map(rank));
  const rows = failuresFirst(dns.results, (r) => worst(r.host, r.status)).map((r) => {
    const seen = hosts.get(r.host);
    return [
      `<span class="mono">${escapeHtml(r.host)}</span>${r.essential ? '' : ' <span class="why">(not essential)</span>'}`,
      `${tag(r.status === 'ok' ? 'ok' : r.status)} <span class="why">${escapeHtml(r.reason)}</span>`,
      escapeHtml(r.addresses.map((a) => a.ip).slice(0, 3).join(' ') || '-'),
      ...ports.map((port) => (seen?.ports[String(port)] ? tag(seen.ports[String(port)]!) : '-')),
    ];
  });
  return `<section id="servers"><h2>GoToMyPC's servers</h2>${table(['name', 'DNS', 'addresses', ...ports.map(String)], rows)}</section>`;
}

function thisPc(policy: LocalPolicy, paths: readonly ProxyPath[]): string {
  const items: string[] = [];
  if (!policy.applies) items.push(`<li>Windows firewall and programs: not checked (${escapeHtml(policy.why)})</li>`);
  else {
    const shown = (verdict: string): Status | 'unknown' => (verdict === 'blocked' ? 'blocked' : verdict === 'allowed' ? 'ok' : 'unknown');
    for (const e of failuresFirst(policy.executables, (e) => rank(shown(e.verdict)))) items.push(`<li><span class="mono">${escapeHtml(e.name)}</span>: ${tag(shown(e.verdict))} <span class="why">${escapeHtml(e.why)}</span></li>`);
    if (policy.missing.length > 0) items.push(`<li>Not installed here: ${escapeHtml(policy.missing.join(', '))}</li>`);
  }
  for (const p of paths) {
    const followed = p.followed === undefined ? '' : p.followed ? ' (followed)' : ` (not followed: ${escapeHtml(p.why ?? '')})`;
    items.push(`<li>Proxy settings of ${escapeHtml(p.who)}: ${escapeHtml(p.said)}${followed} <span class="why">from ${escapeHtml(p.source)}</span></li>`);
  }
  return `<section id="pc"><h2>This PC</h2><ul>${items.join('\n')}</ul></section>`;
}

function attemptRow(a: Attempt): string {
  const where = a.host ? `${a.host} (${a.ip})` : a.ip;
  const via = a.path === 'proxy' ? 'proxy' : 'direct';
  const cells = [
    td('address', escapeHtml(where), 'mono'), td('port', String(a.port), 'n'), td('status', tag(a.status)), td('reason', escapeHtml(a.reason)),
    td('path', `${escapeHtml(via)}${a.role ? ` (${escapeHtml(a.role)})` : ''}`), td('ms', escapeHtml(a.ms), 'n'), td('why', escapeHtml(a.evidence.why), 'why'),
  ];
  return `<tr class="r-${escapeHtml(a.status)}">${cells.join('')}</tr>`;
}

function attempts(report: Report, total: number): string {
  const rows = new PageRows();
  report.attempts.forEach(rows.keep);
  const shown = failuresFirst(rows.kept, (a) => rank(a.status));
  const filters = ['all', ...FAILURES_FIRST].map((s) => {
    const count = s === 'all' ? total : report.summary.counts[s as Status];
    return `<label><input type="radio" name="f" id="f-${s}"${s === 'all' ? ' checked' : ''}> ${escapeHtml(s)} (${count})</label>`;
  }).join('');
  const note = total > shown.length ? `<p class="why">${shown.length} of the ${total} attempts, failures first; the JSON report (--out) has them all.</p>` : '';
  const th = ['address', 'port', 'status', 'reason', 'path', 'ms', 'why'].map((h) => `<th${h === 'port' || h === 'ms' ? ' class="n"' : ''}>${h}</th>`).join('');
  return `<section id="attempts"><h2>Every attempt, failures first</h2><div class="filters">Show: ${filters}</div>${note}
<table><thead><tr>${th}</tr></thead><tbody>
${shown.map(attemptRow).join('\n')}
</tbody></table></section>`;
}

/** `total`: the attempts made, when `report.attempts` holds only the first MAX_ROWS of them (a run's page). */
export function renderHtml(report: Report, total = report.attempts.length): string {
  const { summary, verdict } = report;
  const status = verdict.status;
  const elapsed = (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000;
  const meta = `g2probe ${escapeHtml(report.tool.version)} · ${plural(summary.total, 'attempt')} to ${plural(summary.ranges.length, 'range')} (${escapeHtml(rangesFrom(report.ranges))}) in ${elapsed.toFixed(1)} s · ${escapeHtml(report.startedAt)}${report.interrupted ? ' · INTERRUPTED: this covers only the attempts that finished' : ''}`;
  const shownStatuses = FAILURES_FIRST.filter((s) => s === 'ok' || summary.ports.some((p) => p.counts[s] > 0));
  const ports = table(
    ['port', 'result', ...shownStatuses, 'seen'],
    failuresFirst(summary.ports, (p) => rank(p.state)).map((p) => [
      String(p.port), tag(p.state), ...shownStatuses.map((s) => String(p.counts[s])), `<span class="why">${escapeHtml(seenReasons(p) || '-')}</span>`,
    ]),
    (i) => i >= 2 && i < 2 + shownStatuses.length,
  );
  const portNames = summary.ports.map((p) => String(p.port));
  const ranges = table(
    ['range', 'list', ...portNames],
    failuresFirst(summary.ranges, (r) => Math.min(...Object.values(r.ports).map((cell) => rank(cell.state)))).map((r) => [`<span class="mono">${escapeHtml(r.cidr)}</span>`, `<span class="long">${escapeHtml(r.lists.join(', '))}</span>`, ...portNames.map((port) => {
      const cell = r.ports[port];
      return cell ? `${tag(cell.state)}${cell.reason && cell.state !== 'reachable' ? ` <span class="why">${escapeHtml(cell.reason)}</span>` : ''}` : '-';
    })]),
  );
  return page({ title: `g2probe: ${HEADLINE[status]}: ${verdict.text}`, colour: status, headline: HEADLINE[status], text: verdict.text, meta }, `${stepsSection(verdict.advice)}
<section id="ports"><h2>Ports</h2>${ports}</section>
${servers(report.dns, report)}
<section id="ranges"><h2>Ranges</h2>${ranges}</section>
${thisPc(report.localPolicy, report.proxyPaths)}
${attempts(report, total)}
`);
}

/** Fetch nothing, run nothing: only the page's own style. In the page itself, and as serve's header. */
export const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

/** What serve sends with a page: the same policy, and no guessing the type of what it sends. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PAGE_POLICY,
  'x-content-type-options': 'nosniff',
} as const;

export interface PageHead {
  /** Plain text: escaped here. */
  title: string;
  colour: VerdictStatus;
  headline: string;
  text: string;
  /** Markup, escaped by the caller. */
  meta: string;
}

/** The page around `main` (markup, escaped by the caller): the policy that fetches nothing, the style, the verdict's band. */
export function page(head: PageHead, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${PAGE_POLICY}">
<title>${escapeHtml(head.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="verdict s-${head.colour}" id="verdict"><div class="inner">
<h1>${escapeHtml(head.headline)}</h1>
<p>${escapeHtml(head.text)}</p>
<p class="meta">${head.meta}</p>
</div></header>
<main>
${main}</main>
</body>
</html>
`;
}

/** "What to do": the numbered steps, each with what was seen; right under the verdict on every page. */
export function stepsSection(advice: readonly { text: string; evidence: readonly string[] }[]): string {
  const steps = advice.map((step) => `<li>${escapeHtml(step.text)}${step.evidence.length > 0 ? `<div class="seen">Seen: ${escapeHtml(step.evidence.join('; '))}</div>` : ''}</li>`).join('\n');
  return `<section id="steps"><h2>What to do</h2><ol class="steps">\n${steps}\n</ol></section>`;
}
