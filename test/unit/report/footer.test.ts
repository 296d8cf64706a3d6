// report/footer.ts: a Saved line for every file written; the --out hint only when none was.
import { resolve } from 'node:path';
import t from 'tap';
import { TICKET_HINT, footer, savedLines } from '../../../src/report/footer.js';

t.test('no file saved: the hint, after a blank line; none for a run that gives no hint', async (t) => {
  t.equal(footer([], true), `\n${TICKET_HINT}\n`);
  t.match(TICKET_HINT, 'g2probe --out');
  t.equal(footer([], false), '');
});

t.test('files saved: one line each, its whole path and what it holds, and no hint', async (t) => {
  const text = footer([{ path: 'r.json', what: 'the JSON report' }, { path: '/tmp/r.html', what: 'the report as a web page' }], true);
  t.equal(text, `\nSaved: ${resolve('r.json')} (the JSON report)\nSaved: /tmp/r.html (the report as a web page)\n`);
  t.notMatch(text, 'For a ticket');
});

t.test('a path is shown escaped: a control character in a file name cannot act on the terminal', async (t) => {
  t.equal(savedLines([{ path: '/tmp/a\x1b[2Jb\n.json', what: 'the JSON report' }]), 'Saved: /tmp/a\\x1b[2Jb\\x0a.json (the JSON report)\n');
  t.equal(savedLines([]), '');
});
