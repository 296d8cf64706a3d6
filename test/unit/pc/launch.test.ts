// pc/launch.ts: a double-click in Explorer is told from every other start only on a sure sign.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { doubleClicked, processImage, reportLocation, type Launch } from '../../../src/pc/launch.js';
import type { CommandResult } from '../../../src/pc/local-policy.js';

const explorer: Launch = { platform: 'win32', argv: [], interactive: true, parentImage: 'explorer.exe' };

t.test('only no arguments, a console, and Explorer as the parent, on Windows', async (t) => {
  t.ok(doubleClicked(explorer));
  t.ok(doubleClicked({ ...explorer, parentImage: 'EXPLORER.EXE' }), 'image names compare without case');
  t.notOk(doubleClicked({ ...explorer, parentImage: 'cmd.exe' }), 'from cmd');
  t.notOk(doubleClicked({ ...explorer, parentImage: 'powershell.exe' }), 'from PowerShell');
  t.notOk(doubleClicked({ ...explorer, parentImage: 'WindowsTerminal.exe' }), 'from Windows Terminal');
  t.notOk(doubleClicked({ ...explorer, parentImage: null }), 'parent unknown: behave as typed');
  t.notOk(doubleClicked({ ...explorer, argv: ['--json'] }), 'arguments mean someone typed them');
  t.notOk(doubleClicked({ ...explorer, interactive: false }), 'no console: a script or a scheduled task');
  t.notOk(doubleClicked({ ...explorer, platform: 'linux' }));
});

t.test("the parent's image name from tasklist's CSV, in any language", async (t) => {
  const calls: [string, readonly string[]][] = [];
  const answer = (result: CommandResult) => async (file: string, args: readonly string[]) => {
    calls.push([file, args]);
    return result;
  };
  t.equal(await processImage(answer({ ok: true, stdout: '"explorer.exe","4242","Console","1","112.340 K"\r\n' }), 'C:\\Windows', 4242), 'explorer.exe');
  t.same(calls[0], ['C:\\Windows\\System32\\tasklist.exe', ['/FI', 'PID eq 4242', '/FO', 'CSV', '/NH']], 'tasklist by its full path, filtered to the one process');
  t.equal(await processImage(answer({ ok: true, stdout: 'INFORMATION: Es werden keine Aufgaben mit den angegebenen Kriterien ausgeführt.\r\n' }), 'C:\\Windows', 4242), null, 'a localized "no tasks" line');
  t.equal(await processImage(answer({ ok: true, stdout: '"cmd.exe","17","Console","1","4.000 K"\r\n' }), 'C:\\Windows', 4242), null, 'another process');
  t.equal(await processImage(answer({ ok: false, why: 'not found' }), 'C:\\Windows', 4242), null, 'tasklist missing');
  t.equal(await processImage(answer({ ok: true, stdout: '"cmd.exe","4242","Console","1","4.000 K"\r\n' }), 'D:\\WINNT', 4242), 'cmd.exe');
  t.equal(calls.at(-1)?.[0], 'D:\\WINNT\\System32\\tasklist.exe');
});

t.test('the report goes beside the program, else home, and names the moment', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-launch-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const at = new Date('2026-12-01T09:08:07.654Z');
  t.equal(reportLocation(dir, at), join(dir, 'g2probe-report-20261201-090807.json'));
  t.same(readdirSync(dir), [], 'the trial file is gone');
  const fallback = reportLocation(join(dir, 'no', 'such', 'folder'), at);
  t.ok([homedir(), tmpdir()].some((place) => fallback === join(place, 'g2probe-report-20261201-090807.json')), fallback);
});
