import fc from 'fast-check';
import t from 'tap';
import { escapeLines, escapeText } from '../../../src/core/escape.js';
import { terminalLine } from '../../../src/commands/log.js';

/** What a terminal or a page must never receive raw. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

t.test('controls, bidi and zero-width characters are shown, not obeyed', async (t) => {
  t.equal(escapeText('a\u001b[31mred\u0007'), 'a\\x1b[31mred\\x07', 'C0: a terminal escape and a bell');
  t.equal(escapeText('\u007f\u009b2J'), '\\x7f\\x9b2J', 'DEL and C1 (a one-byte CSI)');
  t.equal(escapeText('CN=evil\u202Efdp.exe'), 'CN=evil\\u{202E}fdp.exe', 'a right-to-left override');
  t.equal(escapeText('\u2066x\u2069\u200e\u200f\u061c'), '\\u{2066}x\\u{2069}\\u{200E}\\u{200F}\\u{61C}', 'isolates and marks');
  t.equal(escapeText('go\u200Bto\u200C\u200D\u2060\uFEFF'), 'go\\u{200B}to\\u{200C}\\u{200D}\\u{2060}\\u{FEFF}', 'zero-width characters');
  t.equal(escapeText('a\u2028b\u2029'), 'a\\u{2028}b\\u{2029}', 'line and paragraph separators');
  t.equal(escapeText('\u{E0041}'), '\\u{E0041}', 'a tag character');
  t.equal(escapeText('\ud800x'), '\\u{D800}x', 'a lone surrogate');
  t.equal(escapeText('ＧｏＴｏ 日本語 é'), 'ＧｏＴｏ 日本語 é', 'printable text of any script is kept');
  t.equal(escapeText('a'.repeat(10), 4), 'aaaa…', 'cut at max');
});

t.test('idempotent, and nothing unsafe survives (property)', async (t) => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
    const once = escapeText(s, 1000);
    return !UNSAFE.test(once) && escapeText(once, 2000) === once;
  }), { numRuns: 2000 });
  t.pass('2,000 strings of any code points');
});

t.test('escapeLines keeps the line breaks and nothing else', async (t) => {
  t.equal(escapeLines('one\u001b[2J\ntwo\r\n'), 'one\\x1b[2J\ntwo\\x0d\n');
});

t.test('the log printer escapes what a message or a field carries', async (t) => {
  const line = terminalLine(JSON.stringify({ level: 40, msg: 'proxy said \u001b]0;pwned\u0007', time: 1, pid: 1, hostname: 'h', via: 'squid\u202E', n: 1 }));
  t.notMatch(line.slice(0, -1), UNSAFE);
  t.match(line, /proxy said \\x1b\]0;pwned\\x07 via=squid\\u\{202E\} n=1\n$/);
});
