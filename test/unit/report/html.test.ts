// report/html.ts: the page is built from the report alone, every piece of it escaped, and bounded in size.
import { readFileSync } from 'node:fs';
import t from 'tap';
import type { Attempt, Report } from '../../../src/core/types.js';
import { MAX_ROWS, escapeHtml, renderHtml } from '../../../src/report/html.js';

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

t.test('renderHtml: at most MAX_ROWS attempts, and it says how many there were', async (t) => {
  const many: Report = structuredClone(REPORT);
  const one = many.attempts[0] as Attempt;
  many.attempts = Array.from({ length: MAX_ROWS + 10 }, () => one);
  const page = renderHtml(many);
  t.equal(page.match(/<tr class="r-/g)?.length, MAX_ROWS);
  t.match(page, `The first ${MAX_ROWS} of ${MAX_ROWS + 10} attempts; the JSON report (--out) has them all.`);
  const kept = renderHtml({ ...many, attempts: many.attempts.slice(0, 3) }, 40_000);
  t.match(kept, 'The first 3 of 40000 attempts', "a run's page: the total it was told");
  t.match(kept, '<input type="radio" name="f" id="f-all" checked> all (40000)');
});
