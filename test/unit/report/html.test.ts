// report/html.ts: the page is built from the report alone, every piece of it escaped, bounded in size, and in
// the order a reader needs it: the verdict, what to do, then the evidence with failures first.
import { readFileSync } from 'node:fs';
import t from 'tap';
import type { Attempt, Report } from '../../../src/core/types.js';
import { failuresFirst, rank } from '../../../src/report/failures-first.js';
import { MAX_ROWS, PAGE_HEADERS, PAGE_POLICY, PageRows, escapeHtml, renderHtml } from '../../../src/report/html.js';
import { seenReasons } from '../../../src/report/reasons.js';
import { renderWaitingHtml } from '../../../src/report/serve-html.js';

const REPORT = JSON.parse(readFileSync(new URL('../../../fixtures/reports/v2-before-learning.json', import.meta.url), 'utf8')) as Report;

t.test('escapeHtml: markup, quotes and control characters', async (t) => {
  t.equal(escapeHtml('<a href="x" title=\'y\'>&amp;</a>'), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  t.equal(escapeHtml('bell\u0007 esc\u001b[31m'), 'bell\\x07 esc\\x1b[31m');
  t.equal(escapeHtml('evil\u202Etxt.exe\u200B'), 'evil\\u{202E}txt.exe\\u{200B}', 'a bidi override and a zero-width space are shown, not obeyed');
  t.equal(escapeHtml(12.5), '12.5');
});

t.test('renderHtml: one self-contained page, nothing of the report unescaped', async (t) => {
  const hostile: Report = structuredClone(REPORT);
  hostile.verdict.text = '<script>alert(1)</script>';
  hostile.ranges.location = '"><img src=x onerror=alert(2)>';
  hostile.attempts[0]!.evidence.why = '</td></tr></table><iframe src=//192.0.2.1>';
  const page = renderHtml(hostile);
  t.match(page, /^<!doctype html>\n<html lang="en">/);
  t.match(page, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`, 'a policy that lets the page fetch nothing');
  t.notMatch(page, /<script|<img|<iframe|<link|@import|url\(/i, 'no script, image, frame, link or fetched style');
  t.match(page, '&lt;script&gt;alert(1)&lt;/script&gt;');
  t.match(page, '&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;iframe');
  t.match(page, /<header class="verdict s-blocked" id="verdict">/);
  t.match(renderHtml(REPORT), /<title>g2probe: Blocked: GoToMyPC cannot connect/);
});

t.test('renderHtml: at most MAX_ROWS attempts, failures kept first, and it says how many there were', async (t) => {
  const many: Report = structuredClone(REPORT);
  const ok = many.attempts.find((a) => a.status === 'ok') as Attempt;
  const blocked = many.attempts.find((a) => a.status === 'blocked') as Attempt;
  many.attempts = [...Array.from({ length: MAX_ROWS + 10 }, () => ok), blocked, blocked];
  const page = renderHtml(many);
  t.equal(page.match(/<tr class="r-/g)?.length, MAX_ROWS);
  t.equal(page.match(/<tr class="r-blocked"/g)?.length, 2, 'the two failures after the first MAX_ROWS are on the page');
  t.match(page, `${MAX_ROWS} of the ${MAX_ROWS + 12} attempts, failures first; the JSON report (--out) has them all.`);
  const kept = renderHtml({ ...many, attempts: many.attempts.slice(0, 3) }, 40_000);
  t.match(kept, '3 of the 40000 attempts', "a run's page: the total it was told");
  t.match(kept, '<input type="radio" name="f" id="f-all" checked> all (40000)');
});

t.test('PageRows: the first MAX_ROWS, then failures in place of the latest ok ones', async (t) => {
  const ok = REPORT.attempts.find((a) => a.status === 'ok') as Attempt;
  const rows = new PageRows();
  for (let i = 0; i < MAX_ROWS; i++) rows.keep({ ...ok, ms: i });
  for (let i = 0; i < 3; i++) rows.keep({ ...ok, status: 'timeout', ms: -i });
  rows.keep({ ...ok, ms: -99 });
  t.equal(rows.made, MAX_ROWS + 4);
  t.equal(rows.kept.length, MAX_ROWS);
  t.same(rows.kept.slice(0, 3).map((a) => a.ms), [0, -1, -2], 'the failures, in the order made');
  t.equal(rows.kept.at(-1)!.ms, MAX_ROWS - 4, 'the three latest ok attempts gave way; the one after them was not kept');
});

t.test('renderHtml: the verdict, then what to do, then the evidence; failures first in every table', async (t) => {
  const page = renderHtml(REPORT);
  const at = (id: string): number => page.indexOf(`<section id="${id}">`);
  t.ok(page.indexOf('id="verdict"') < at('steps') && at('steps') < at('ports') && at('ports') < at('ranges') && at('ranges') < at('attempts'), 'verdict, steps, ports, ranges, attempts');
  t.match(page, /<section id="steps"><h2>What to do<\/h2><ol class="steps">\n<li>/);
  const rows = [...page.matchAll(/<tr class="r-(\w+)">/g)].map((m) => m[1]);
  t.same(rows, ['blocked', 'blocked', 'blocked', 'blocked', 'ok', 'ok'], 'every blocked attempt above the ok ones');
  const ports = page.slice(at('ports'), at('ranges'));
  t.match(ports, /<th>port<\/th><th>result<\/th><th class="n">blocked<\/th><th class="n">ok<\/th><th>seen<\/th>/, 'failure counts before ok, the reasons beside them');
  t.ok(ports.indexOf('>443<') < ports.indexOf('>80<'), 'the blocked port 443 above the reachable 80');
  t.match(ports, '<td data-label="seen"><span class="why">refused ×1, tls-failed ×1</span></td>');
  const healed: Report = structuredClone(REPORT);
  healed.summary.ranges[0]!.ports['443']!.state = 'reachable';
  const ranges = renderHtml(healed).split('<section id="ranges">')[1]!;
  t.ok(ranges.indexOf('127.0.0.2/32') < ranges.indexOf('127.0.0.1/32'), 'a blocked range above one reachable on every port');
  t.match(page, /<td data-label="address" class="mono">/, 'each cell labelled with its column, for a phone');
});

t.test('failuresFirst: worst first, the given order kept within a rank', async (t) => {
  const items = [['ok', 1], ['blocked', 2], ['timeout', 3], ['ok', 4], ['intercepted', 5], ['blocked', 6], ['error', 7]] as const;
  t.same(failuresFirst(items, ([s]) => rank(s)).map(([, n]) => n), [2, 6, 5, 3, 7, 1, 4]);
  t.same(failuresFirst(['reachable', 'not-served', 'unconfirmed', 'blocked'] as const, rank), ['blocked', 'unconfirmed', 'reachable', 'not-served']);
  t.same(items.map(([, n]) => n), [1, 2, 3, 4, 5, 6, 7], 'the list given is left as it was');
});

t.test('seenReasons: what the attempts saw besides a connection, most frequent first', async (t) => {
  t.equal(seenReasons({ reasons: { connected: 9, refused: 1, 'no-answer': 3 } }), 'no-answer ×3, refused ×1');
  t.equal(seenReasons({ reasons: { connected: 2 } }), '');
});

t.test("serve's waiting page: escaped, the same policy, when the next run is due", async (t) => {
  const due = renderWaitingHtml('1.2.3<b>', { state: 'due', inMs: 12_300 }, new Date('2026-12-01T00:00:00Z'));
  t.match(due, `<meta http-equiv="Content-Security-Policy" content="${PAGE_POLICY}">`);
  t.equal(PAGE_HEADERS['content-security-policy'], PAGE_POLICY, 'the header serve sends is the policy the page carries');
  t.match(due, '<h1>No run has finished yet</h1>\n<p>The next run starts in about 13 s.</p>');
  t.match(due, 'g2probe 1.2.3&lt;b&gt; serve');
  t.match(renderWaitingHtml('1', { state: 'running', forMs: 4_600 }, new Date()), '<p>A run has been going for 5 s.</p>');
});
