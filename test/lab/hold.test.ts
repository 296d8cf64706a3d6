// g2probe hold on paths that keep their connections: a poll server that keeps them (held), one that closes after
// every answer (held: the server's own choice is no cut), no traffic at all until the end, and a name that moves
// while Ctrl-C ends the hold with a whole report. The cuts are in hold-cuts.test.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { START_SH, reportOnly } from '../helpers/cli.js';
import { HOLD, POLL, parseHold } from '../helpers/hold.js';
import { inNamespace, lab } from '../helpers/lab.js';
import { parseExposition, valueOf } from '../helpers/prometheus.js';

const INTERRUPT = fileURLToPath(new URL('interrupt.mjs', import.meta.url));

lab(t, 'a poll server that keeps its connections: every connection held, nothing flagged', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-hold-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const run = await inNamespace(`
serve poll 127.0.0.1 443 8200
${POLL}
${HOLD} --for 4s --every 1s --format prometheus --out ${dir}/hold.json --html ${dir}/hold.html`);
  t.equal(run.code, 0, run.stderr);
  const report = parseHold(t, readFileSync(join(dir, 'hold.json'), 'utf8'), run.stderr);
  t.equal(report.verdict.status, 'held');
  t.match(report.verdict.text, /^Every connection to GoToMyPC stayed open for 4s, with an exchange every 1s/);
  t.same(report.lines.map((l) => [l.target.port, l.state, l.sessions.length, l.path]), [[443, 'held', 1, 'direct'], [8200, 'held', 1, 'direct']]);
  for (const line of report.lines) {
    const answered = line.sessions[0]!.answeredMs;
    t.ok(answered.length >= 4, `${line.target.port}: the first ping at once, then one a second: ${answered.length} answered`);
    t.ok(line.idle.answeredMs! >= 900 && line.idle.answeredMs! <= 1500, `${line.target.port}: answered after ${line.idle.answeredMs} ms idle`);
    t.equal(line.idle.cutMs, null);
  }
  t.same(report.events, []);
  const samples = parseExposition(run.stdout);
  t.equal(valueOf(samples, 'g2probe_hold_held', { port: 443, path: 'direct' }), 1);
  t.equal(valueOf(samples, 'g2probe_hold_verdict', { status: 'held' }), 1);
  t.equal(valueOf(samples, 'g2probe_hold_cuts', { port: 443, kind: 'silence' }), undefined, 'no cut series where nothing was cut');
  const page = readFileSync(join(dir, 'hold.html'), 'utf8');
  t.match(page, /<header class="verdict s-ok" id="verdict">[\s\S]*<h1>Held<\/h1>/);
});

lab(t, "GoTo's own servers, which close after each answer: held, over as many connections as answers", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-hold-goto-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const run = await inNamespace(`
listen 127.0.0.1 443 8200
${POLL}
${HOLD} --for 3s --every 1s --out ${dir}/hold.json > ${dir}/hold.txt; echo "hold $?"
${START_SH} show ${dir}/hold.json > ${dir}/hold.show; echo "show $?"`);
  t.equal(run.stdout, 'hold 0\nshow 0\n', run.stderr);
  const printed = readFileSync(join(dir, 'hold.txt'), 'utf8');
  t.match(printed, /^g2probe \S+ hold: 2 connections for 3s, an exchange every 1s[\s\S]*\nHELD: /);
  t.match(printed, /\nSaved: \S*hold\.json \(the JSON report\)\n$/, 'the run says where its report went');
  t.equal(readFileSync(join(dir, 'hold.show'), 'utf8'), reportOnly(printed), 'g2probe show of the saved report prints what the run printed, but the Saved line');
  const report = parseHold(t, readFileSync(join(dir, 'hold.json'), 'utf8'), run.stderr);
  t.equal(report.verdict.status, 'held', 'a server ending each exchange is not a cut');
  for (const line of report.lines) {
    t.equal(line.state, 'held', `${line.target.port}: ${line.why}`);
    t.ok(line.sessions.length >= 3, `${line.target.port}: reopened after each answer (${line.sessions.length} connections)`);
    t.ok(line.sessions.slice(0, -1).every((s) => s.end.how === 'ended'), 'each ended by the server after answering');
    t.ok(line.sessions.slice(1).some((s) => s.answeredMs.some((ms) => ms >= 900)), 'a reopened one still waited a second idle, and was answered');
  }
});

lab(t, '--every never: no traffic until one exchange at the end', async (t) => {
  const run = await inNamespace(`
serve poll 127.0.0.1 443 8200
${POLL}
${HOLD} --for 3s --every never --ports 443 --json`);
  t.equal(run.code, 0, run.stderr);
  const report = parseHold(t, run.stdout, run.stderr);
  t.equal(report.verdict.status, 'held');
  const answered = report.lines[0]!.sessions[0]!.answeredMs;
  t.equal(answered.length, 2, 'the ping at opening and the one at the end');
  t.ok(answered[1]! >= 2900, `the last after ${answered[1]} ms idle`);
  t.match(report.verdict.text, /no traffic until the end/);
});

lab(t, 'a name that moves, then Ctrl-C: the change reported, a whole report of what was held', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-hold-move-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const run = await inNamespace(`
serve poll 127.0.0.1 443 8200
echo a:127.0.0.1 > ${dir}/answer
resolver 127.0.0.53 53 poll.gotomypc.com=file:${dir}/answer
# The name moves 1 s after the hold holds, Ctrl-C comes 2.5 s after (fixed delays from here raced g2probe's
# start-up on a loaded machine).
( for _ in $(seq 400); do ss -Htn state established '( dport = :8200 )' | grep -q . && break; sleep 0.05; done
  touch ${dir}/holding; sleep 1; echo a:127.0.0.2 > ${dir}/answer ) &
INTERRUPT_WHEN=${dir}/holding node ${INTERRUPT} 2500 1 ${HOLD} --for 30s --every 1s --json`);
  t.equal(run.code, 0, run.stderr);
  const ended = JSON.parse(run.stdout) as { code: number; stdout: string; stderr: string };
  t.equal(ended.code, 130, 'Ctrl-C: 130');
  const report = parseHold(t, ended.stdout, ended.stderr);
  t.equal(report.interrupted, true);
  t.same(report.lines.map((l) => l.state), ['interrupted', 'interrupted']);
  t.ok(report.lines.every((l) => l.sessions.at(-1)!.end.how === 'interrupted' && l.sessions[0]!.answeredMs.length >= 3), 'each connection answered until it was stopped');
  t.equal(report.verdict.status, 'unknown', 'a stopped hold proves no holding');
  t.match(report.verdict.text, /Stopped before the end/);
  const moved = report.events.filter((e) => e.kind === 'dns-change');
  t.equal(moved.length, 1, 'the move is one event');
  t.match(moved[0]?.text, /^poll\.gotomypc\.com now resolves to 127\.0\.0\.2 \(was 127\.0\.0\.1\); the connections held stay on 127\.0\.0\.1/);
});
