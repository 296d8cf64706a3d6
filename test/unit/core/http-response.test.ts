import fc from 'fast-check';
import t from 'tap';
import { bodyText, readResponse, reparseThrottle, type ReadLimits } from '../../../src/core/http-response.js';

const LIMITS: ReadLimits = { headBytes: 1024, bodyBytes: 256 };
const read = (text: string | Buffer, ended = false, limits = LIMITS, connect = false) =>
  readResponse(typeof text === 'string' ? Buffer.from(text, 'latin1') : text, limits, { ended, ...(connect ? { connect } : {}) });

t.test('CRLF, Content-Length: whole once the length is in, and not before', async (t) => {
  t.equal(read(''), null);
  t.equal(read('HT'), null, 'the start of a status line waits');
  const partial = read('HTTP/1.1 301 Moved\r\nLocation: https://x/\r\nContent-Length: 5\r\n\r\nab');
  t.equal(partial?.status, 301);
  t.equal(partial?.settled, false);
  const answer = 'HTTP/1.1 301 Moved\r\nLocation: https://x/\r\nContent-Length: 5\r\n\r\nabcde';
  const whole = read(`${answer}NEXT`);
  t.same(whole?.read, { framing: 'content-length', version: 'HTTP/1.1', lineEnds: 'crlf', bytes: answer.length, complete: true, truncated: false });
  t.equal(whole?.body.toString(), 'abcde');
  t.equal(whole?.end, answer.length, 'what follows the answer is not its');
  t.equal(whole?.headers.location, 'https://x/');
});

t.test('bare LF, HTTP/1.0, a body that runs to the close', async (t) => {
  const open = read('HTTP/1.0 200 Connection established\n\n');
  t.equal(open?.status, 200);
  t.equal(open?.settled, false, 'a 200 to a GET runs to the close');
  const established = 'HTTP/1.0 200 Connection established\n\n';
  const tunnel = read(`${established}\x16\x03\x01`, false, LIMITS, true);
  t.same(tunnel?.read, { framing: 'no-body', version: 'HTTP/1.0', lineEnds: 'lf', bytes: established.length, complete: true, truncated: false }, "a CONNECT's 200 ends at its head");
  t.equal(tunnel?.end, established.length);
  const denied = 'HTTP/1.0 403 Forbidden\nServer: squid\n\n<html>denied</html>';
  const page = read(denied, true);
  t.same(page?.read, { framing: 'until-close', version: 'HTTP/1.0', lineEnds: 'lf', bytes: denied.length, complete: true, truncated: false });
  t.equal(page?.body.toString(), '<html>denied</html>');
  t.equal(page?.headers.server, 'squid');
});

t.test('chunked, with extensions, trailers and bare LF', async (t) => {
  const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5;x=1\r\nhello\r\n6\n world\n0\r\nX-T: 1\r\n\r\n';
  const r = read(text);
  t.equal(r?.read.framing, 'chunked');
  t.equal(r?.body.toString(), 'hello world');
  t.equal(r?.read.complete, true);
  t.equal(r?.end, Buffer.byteLength(text, 'latin1'));
  for (let cut = 1; cut < text.length; cut++) t.notOk(read(text.slice(0, cut))?.read.complete, `not whole at ${cut} bytes`);
  t.equal(read('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')?.settled, true, 'a size that is not hex settles it, as it is');
});

t.test('interim answers are skipped', async (t) => {
  const r = read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 Connection established\r\n\r\n', false, LIMITS, true);
  t.equal(r?.status, 200);
  t.same(r?.read.interim, [100, 103]);
  t.equal(r?.read.complete, true);
  t.equal(read('HTTP/1.1 100 Continue\r\n\r\n'), null, 'only an interim answer so far: wait for the final one');
});

t.test('over the cap: cut there, in order, and judged on what was read', async (t) => {
  const big = `HTTP/1.1 302 Found\r\nLocation: http://portal.example/login\r\n${'X-Pad: y\r\n'.repeat(200)}\r\n`;
  const head = read(big);
  t.equal(head?.status, 302, 'a head past the cap still gives its status');
  t.equal(head?.headers.location, 'http://portal.example/login');
  t.equal(head?.read.truncated, true);
  t.equal(head?.settled, true);
  const body = read(`HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'a'.repeat(100)}${'b'.repeat(500)}`);
  t.equal(body?.body.length, 256);
  t.equal(body?.body.toString(), 'a'.repeat(100) + 'b'.repeat(156), 'the first bytes, in order');
  t.same([body?.read.truncated, body?.read.complete, body?.settled], [true, false, true]);
  const endless = read(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'10\r\n0123456789abcdef\r\n'.repeat(40)}`);
  t.same([endless?.body.length, endless?.read.truncated, endless?.settled], [256, true, true], 'an endless chunked body stops at the cap');
});

t.test('no status line: HTTP/0.9, a banner; settled by the close or the cap', async (t) => {
  const banner = read('SSH-2.0-OpenSSH_9.6\r\n');
  t.same(banner?.read, { framing: 'not-http', version: null, lineEnds: null, bytes: 21, complete: false, truncated: false });
  t.equal(banner?.status, null);
  t.equal(banner?.settled, false);
  const page = read('<html><title>Web Filter Violation</title>', true);
  t.equal(page?.read.framing, 'not-http');
  t.equal(page?.settled, true);
  t.equal(page?.body.toString(), '<html><title>Web Filter Violation</title>');
  t.equal(read('HTTP', true)?.read.framing, 'not-http', 'a close after part of a status line');
  t.equal(read('HTTP/1.1 OK\r\n\r\n', true)?.read.framing, 'not-http', 'a status line without a status');
  t.equal(read('\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n')?.status, 204, 'blank lines before a status line are skipped');
});

t.test('a head cut by the close is what arrived of it', async (t) => {
  const r = read('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="x"\r\nVia: 1.1 sq', true);
  t.equal(r?.status, 407);
  t.equal(r?.headers['proxy-authenticate'], 'Basic realm="x"');
  t.equal(r?.headers.via, undefined, 'the partial last line is dropped');
  t.same([r?.read.complete, r?.read.truncated, r?.settled], [false, false, true]);
});

t.test('headers: folded, repeated, escaped; framing read from the raw values', async (t) => {
  const r = read(Buffer.from('HTTP/1.1 200 OK\r\nVia: 1.1 a\r\nVia: 1.1 b\r\nX-Long: one\r\n two\r\nX-Evil: \x1b[2J\u202e\r\nContent-Length: 2, 2\r\n\r\nok', 'utf8'));
  t.equal(r?.headers.via, '1.1 a, 1.1 b');
  t.equal(r?.headers['x-long'], 'one two');
  t.equal(r?.headers['x-evil'], '\\x1b[2J\\u{202E}', 'UTF-8 when it is that, escaped');
  t.equal(read('HTTP/1.1 200 \xe9t\xe9\r\n\r\n', true)?.statusText, 'été', 'latin1 when it is not UTF-8');
  t.equal(r?.read.complete, true, 'equal repeated lengths are one length');
  t.equal(read('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok')?.read.framing, 'until-close', 'disagreeing lengths: until the close');
});

t.test('bodyText: the declared charset, else UTF-8 when valid, else latin1', async (t) => {
  t.equal(bodyText(Buffer.from('エラー', 'utf8'), undefined), 'エラー');
  t.equal(bodyText(Buffer.from([0x83, 0x47, 0x83, 0x89, 0x81, 0x5b]), 'text/html; charset=Shift_JIS'), 'エラー');
  t.equal(bodyText(Buffer.from([0xe9, 0x74, 0xe9]), undefined), 'été');
  t.equal(bodyText(Buffer.from('x'), 'text/html; charset=no-such'), 'x');
});

const lineEnd = fc.constantFrom('\r\n', '\n');
const response = fc.record({
  status: fc.constantFrom(200, 301, 302, 403, 407, 502),
  eol: lineEnd,
  framing: fc.constantFrom('length', 'chunked', 'close'),
  body: fc.uint8Array({ maxLength: 200 }),
  chunks: fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 10 }),
  interim: fc.boolean(),
});

type Generated = typeof response extends fc.Arbitrary<infer T> ? T : never;

function wire(r: Generated): Buffer {
  const { eol } = r;
  const body = Buffer.from(r.body);
  const head = (lines: string[]) => Buffer.from(`${lines.join(eol)}${eol}${eol}`, 'latin1');
  const parts: Buffer[] = [];
  if (r.interim) parts.push(head(['HTTP/1.1 100 Continue']));
  if (r.framing === 'length') parts.push(head([`HTTP/1.1 ${r.status} X`, `Content-Length: ${body.length}`]), body);
  else if (r.framing === 'close') parts.push(head([`HTTP/1.0 ${r.status} X`]), body);
  else {
    parts.push(head([`HTTP/1.1 ${r.status} X`, 'Transfer-Encoding: chunked']));
    let at = 0;
    for (const size of [...r.chunks, body.length]) {
      const piece = body.subarray(at, at + size);
      if (piece.length === 0) break;
      parts.push(Buffer.from(`${piece.length.toString(16)}${eol}`), piece, Buffer.from(eol));
      at += piece.length;
    }
    parts.push(Buffer.from(`0${eol}${eol}`));
  }
  return Buffer.concat(parts);
}

t.test('any well-framed answer is read back whole, and never whole before its end (property)', async (t) => {
  fc.assert(fc.property(response, fc.nat(), (r, cutAt) => {
    const data = wire(r);
    const whole = readResponse(data, { headBytes: 4096, bodyBytes: 4096 }, { ended: true });
    if (whole === null || whole.status !== r.status || !whole.read.complete || !whole.body.equals(Buffer.from(r.body))) return false;
    const cut = cutAt % data.length;
    const part = readResponse(data.subarray(0, cut), { headBytes: 4096, bodyBytes: 4096 }, { ended: false });
    return part === null || !part.read.complete || (r.framing !== 'close' && part.end === cut && cut === data.length);
  }), { numRuns: 3000 });
  t.pass('3,000 answers, each cut at a random point too');
});

t.test('any bytes at all: no throw, bounded (property)', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.boolean(), (bytes, ended) => {
    const r = readResponse(Buffer.from(bytes), LIMITS, { ended });
    return r === null || (r.body.length <= LIMITS.headBytes + LIMITS.bodyBytes && r.end <= bytes.length);
  }), { numRuns: 3000 });
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (s) => {
    const r = readResponse(Buffer.from(`HTTP/1.1 200 OK\r\n${s}`, 'latin1'), LIMITS, { ended: true });
    return r !== null && r.body.length <= LIMITS.bodyBytes;
  }), { numRuns: 2000 });
  t.pass('5,000 hostile inputs');
});

t.test('reparseThrottle: a one-byte trickle is parsed a bounded number of times, and the cap always is', async (t) => {
  const worth = reparseThrottle(40_000);
  const answer = Buffer.from(`HTTP/1.1 200 OK\r\n${'X-Pad: abcdefgh\r\n'.repeat(1000)}\r\n`, 'latin1');
  let parses = 0;
  for (let size = 1; size <= answer.length; size++) if (worth(size, answer.subarray(size - 1, size))) parses++;
  t.ok(parses < 64 + 80, `${parses} parses for ${answer.length} one-byte arrivals`);
  t.ok(worth(40_000, Buffer.from('x')), 'the cap is always worth a parse');
});
