// g2probe hold's report in plain words: the verdict, each connection held and how it ended, then the steps.
import { escapeLines } from '../core/escape.js';
import type { HoldReport, HoldSession } from '../core/types.js';
import { formatDuration, wrap } from '../core/words.js';
import { seconds, where } from '../judge/hold.js';
import { plain, type Paint, type Tone } from './colour.js';
import { paintWord, verdictLine } from './text.js';

const WIDTH = 78;

const STATE_WORDS: Record<string, string> = {
  held: 'held', 'idle-cut': 'CUT WHEN IDLE', 'lifetime-cut': 'CUT BY AGE', 'cut-once': 'cut once', closed: 'closed', down: 'WENT DOWN', unanswered: 'no answer', 'not-opened': 'not opened', interrupted: 'stopped',
};

/** The tone of a connection's end: held, cut (again and again), or in doubt. */
const STATE_TONES: Record<string, Tone> = {
  held: 'good', 'idle-cut': 'bad', 'lifetime-cut': 'bad', down: 'bad', 'cut-once': 'doubtful', closed: 'doubtful', unanswered: 'doubtful', 'not-opened': 'fault',
};

export function sessionText(session: HoldSession, n: number): string {
  const opened = `#${n} opened at ${seconds(session.openedAtMs)}`;
  const exchanges = session.answeredMs.length;
  const answered = exchanges > 0 ? `, ${exchanges} answered (longest idle ${seconds(Math.max(...session.answeredMs))})` : '';
  const end = session.end;
  switch (end.how) {
    case 'held': return `${opened}${answered}, held to the end`;
    case 'interrupted': return `${opened}${answered}, stopped at ${seconds(session.endedAtMs)}`;
    case 'ended': return `${opened}${answered}, ended at ${seconds(session.endedAtMs)}: ${end.why}`;
    case 'not-opened': return `at ${seconds(session.openedAtMs)} could not be opened (${end.stage}): ${end.why}`;
    case 'cut': return `${opened}${answered}, cut at ${seconds(session.endedAtMs)} (age ${seconds(session.endedAtMs - session.openedAtMs)}, idle ${seconds(session.idleMs)}): ${end.kind}${end.code ? ` ${end.code}` : ''}, ${end.why}`;
  }
}

/** `paint` colours our own words: the verdict and how each connection ended. */
export function renderHoldText(report: HoldReport, paint: Paint = plain): string {
  const { options, verdict } = report;
  const elapsed = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  const pattern = options.everyMs === null ? 'no traffic until the end' : `an exchange every ${formatDuration(options.everyMs)}`;
  const out = [
    escapeLines(`g2probe ${report.tool.version} hold: ${report.lines.length} ${report.lines.length === 1 ? 'connection' : 'connections'} for ${formatDuration(options.forMs)}, ${pattern}, as GoToMyPC's ${options.role === 'host' ? 'host' : 'viewer'} holds them; ${seconds(elapsed)}${report.interrupted ? ' (STOPPED before the end: this covers what was held until then)' : ''}`),
  ];
  out.push('', verdictLine(verdict.status, verdict.text, paint), '', 'Connections');
  for (const line of report.lines) {
    const path = line.proxy ? `via ${line.proxy}` : 'direct';
    const chosen = line.route === path ? '' : ` (${line.route})`;
    const head = `  ${where(line.target)} ${path}${chosen}: `;
    const word = STATE_WORDS[line.state] ?? line.state;
    out.push(paintWord(wrap(`${head}${word}: ${line.why}`, WIDTH, '      '), head, word, STATE_TONES[line.state] ?? null, paint));
    line.sessions.forEach((session, i) => out.push(escapeLines(wrap(`      ${sessionText(session, i + 1)}`, WIDTH, '        '))));
  }
  if (report.events.length > 0) {
    out.push('', 'Changes seen while holding');
    for (const event of report.events) out.push(escapeLines(wrap(`  at ${seconds(event.atMs)}: ${event.text}`, WIDTH, '    ')));
  }
  if (verdict.advice.length > 0) {
    out.push('', 'What to do');
    verdict.advice.forEach((step, i) => {
      out.push(escapeLines(wrap(`  ${i + 1}. ${step.text}`, WIDTH, '     ')));
      if (step.evidence.length > 0) out.push(escapeLines(wrap(`     Seen: ${step.evidence.join('; ')}`, WIDTH, '       ')));
    });
  }
  return `${out.join('\n')}\n`;
}
