// report/bundle.ts: what is scrubbed, and what a bundle holds. Pure: no socket, no file.
import { strFromU8, unzipSync } from 'fflate';
import t from 'tap';
import { MAX_PART_BYTES, CappedText, buildBundle, recordingRunner, scrub, type RawReading } from '../../../src/report/bundle.js';

t.test('scrub: the password in every form, and any user:password@ in a URL', async (t) => {
  const pw = 'S3cret/+pw=';
  const text = [pw, Buffer.from(pw).toString('base64'), encodeURIComponent(pw), 'http://alice:other@proxy:3128/', 'ftp://bob:x@host', 'Proxy Server(s) : http://u:p@10.0.0.1:8080'].join('\n');
  const clean = scrub(text, [pw]);
  t.notMatch(clean, pw);
  t.notMatch(clean, Buffer.from(pw).toString('base64').replace(/=+$/, ''));
  t.notMatch(clean, encodeURIComponent(pw));
  t.match(clean, 'http://alice:***@proxy:3128/');
  t.match(clean, 'ftp://bob:***@host');
  t.match(clean, 'http://u:***@10.0.0.1:8080');
  t.equal(scrub('a b', ['']), 'a b', 'an empty secret scrubs nothing');
});

t.test('CappedText keeps MAX_PART_BYTES and says where it cut', async (t) => {
  const text = new CappedText();
  text.write('x'.repeat(MAX_PART_BYTES - 1));
  text.write('yz');
  text.write('more');
  t.ok(text.cut);
  t.match(text.text('the log'), /x{10}y\n\[g2probe: the log cut at 64 MB\]\n$/);
});

t.test('buildBundle: every part, each reading under raw/, secrets scrubbed', async (t) => {
  const readings: RawReading[] = [];
  const run = recordingRunner(async (file) => (file.endsWith('netsh.exe') ? { ok: true, stdout: 'Proxy Server(s) : http://u:hunter22@proxy:80' } : { ok: false, why: 'not found' }), readings);
  await run('C:\\Windows\\System32\\netsh.exe', ['winhttp', 'show', 'proxy']);
  await run('reg.exe', ['query', 'HKCU\\x']);
  const zip = buildBundle({ json: '{"a":"hunter22"}', html: '<p>', text: 'ok', log: '{"msg":"hunter22"}\n', readings, files: { 'resolv.conf': 'nameserver 127.0.0.53\n' }, version: '9.9.9', argv: ['--proxy-user', 'u:hunter22'], secrets: ['hunter22'] });
  const files = Object.fromEntries(Object.entries(unzipSync(zip)).map(([name, bytes]) => [name, strFromU8(bytes)]));
  t.same(Object.keys(files).sort(), ['README.txt', 'about.json', 'log.ndjson', 'raw/01-netsh.exe-winhttp-show-proxy.txt', 'raw/02-reg.exe-query-HKCU-x.txt', 'raw/resolv.conf', 'report.html', 'report.json', 'report.txt']);
  t.match(files['raw/01-netsh.exe-winhttp-show-proxy.txt'], /^\$ C:\\Windows\\System32\\netsh\.exe winhttp show proxy\n\nProxy Server\(s\) : http:\/\/u:\*\*\*@proxy:80$/);
  t.match(files['raw/02-reg.exe-query-HKCU-x.txt'], '(failed: not found)');
  t.notOk(Object.values(files).join('\n').includes('hunter22'), 'the secret nowhere');
  t.match(JSON.parse(files['about.json']!), { g2probe: '9.9.9', argv: ['--proxy-user', 'u:***'] });
});
