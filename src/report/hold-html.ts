// g2probe hold's report as one self-contained page, in the probe page's style: the verdict on its colour, the
// steps, then each connection with how it ended (cut ones first), the changes seen. Everything from the report is escaped.
import type { HoldReport, HoldStatus, VerdictStatus } from '../core/types.js';
import { formatDuration } from '../core/words.js';
import { seconds, where } from '../judge/hold.js';
import { failuresFirst, holdRank } from './failures-first.js';
import { escapeHtml, page, stepsSection, table, tag } from './html.js';
import { sessionText } from './hold-text.js';

const COLOUR: Record<HoldStatus, VerdictStatus> = { held: 'ok', cut: 'blocked', unknown: 'unknown' };
const HEADLINE: Record<HoldStatus, string> = { held: 'Held', cut: 'Cut', unknown: 'Unknown' };

export function renderHoldHtml(report: HoldReport): string {
  const { verdict, options } = report;
  const elapsed = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  const held = failuresFirst(report.lines, (l) => holdRank(l.state));
  const pattern = options.everyMs === null ? 'no traffic until the end' : `an exchange every ${formatDuration(options.everyMs)}`;
  const meta = `g2probe ${escapeHtml(report.tool.version)} hold · ${report.lines.length} connections for ${escapeHtml(formatDuration(options.forMs))}, ${escapeHtml(pattern)} · ${escapeHtml(seconds(elapsed))} · ${escapeHtml(report.startedAt)}${report.interrupted ? ' · STOPPED before the end: this covers what was held until then' : ''}`;
  const lines = table(
    ['connection', 'port', 'path', 'result', 'idle answered', 'idle cut', 'why'],
    held.map((l) => [
      `<span class="mono">${escapeHtml(where(l.target))}</span>`, String(l.target.port), `<span class="long">${escapeHtml(l.proxy ? `proxy ${l.proxy}` : 'direct')}</span>`, tag(l.state),
      l.idle.answeredMs === null ? '-' : escapeHtml(seconds(l.idle.answeredMs)), l.idle.cutMs === null ? '-' : escapeHtml(seconds(l.idle.cutMs)), `<span class="why">${escapeHtml(l.why)}</span>`,
    ]),
    (i) => i === 1,
  );
  const sessions = held.map((l) => `<h3 class="mono">${escapeHtml(where(l.target))}</h3><ol>${l.sessions.map((s, i) => `<li>${escapeHtml(sessionText(s, i + 1))}</li>`).join('')}</ol>`).join('\n');
  const events = report.events.length === 0 ? '' : `<section id="events"><h2>Changes seen while holding</h2><ul>${report.events.map((e) => `<li>at ${escapeHtml(seconds(e.atMs))}: ${escapeHtml(e.text)}</li>`).join('')}</ul></section>`;
  return page({ title: `g2probe hold: ${HEADLINE[verdict.status]}: ${verdict.text}`, colour: COLOUR[verdict.status], headline: HEADLINE[verdict.status], text: verdict.text, meta }, `${stepsSection(verdict.advice)}
<section id="connections"><h2>Connections held</h2>${lines}</section>
${events}
<section id="sessions"><h2>Every connection opened</h2>${sessions}</section>
`);
}
