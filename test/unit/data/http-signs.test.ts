// data/http-signs.ts on the field: every block page of the corpus is named as EXPECTED.md names its product, a CDN's
// 403 that only echoes a vendor's name in a URL is no one's block page, and no text breaks the reader.
import fc from 'fast-check';
import t from 'tap';
import { bodyText, readResponse } from '../../../src/core/http-response.js';
import { readHttpAnswer, type HttpAnswer } from '../../../src/data/http-signs.js';
import { AKAMAI_ECHO_BODY, AKAMAI_ECHO_PLAIN, akamaiEcho, corpusPages, neutral200 } from '../../helpers/blockpages.js';
import { withCorpus } from '../../helpers/corpus.js';
import { HOSTILE, UNSHOWABLE, property } from '../../helpers/fuzz.js';

const ASKED = { host: 'www.gotomypc.com', ip: '192.0.2.7' };
const LIMITS = { headBytes: 16 * 1024, bodyBytes: 16 * 1024 };

/** An answer on the wire as the probe's reader gives it to the judgement. */
function answerOf(wire: Buffer): HttpAnswer {
  const response = readResponse(wire, LIMITS, { ended: true })!;
  return { status: response.status ?? 0, headers: response.headers, text: bodyText(response.body, response.headers['content-type']) };
}

withCorpus(t, 'every block page of the corpus is caught and named as its source says', async (t) => {
  const pages = corpusPages();
  t.equal(pages.length, 9, 'the nine pages of EXPECTED.md');
  let named = 0;
  for (const page of pages) {
    const answers: [string, Buffer][] = page.wire ? [['as it crossed the network', page.wire]] : [];
    if (page.body.length > 0) answers.push(['as a body under a neutral 200', neutral200(page.body)]);
    for (const [how, wire] of answers) {
      const reading = readHttpAnswer(answerOf(wire), ASKED);
      const signed = reading.signs.some((sign) => page.sign.test(sign));
      t.ok(signed, `${page.file} ${how}: ${page.sign}`, { signs: reading.signs });
      t.equal(reading.product, page.product, `${page.file} ${how}: product ${page.product}`);
      t.equal(reading.goto, null, 'never taken for GoTo');
      if (signed && reading.product === page.product) named++;
    }
  }
  t.equal(named, 11, 'every answer caught and named: nine pages, two of them also as they crossed the network');
});

withCorpus(t, "the corpus's own wire forms: squid's headers, Vodafone's 200, Iterika's Location without a scheme", async (t) => {
  const pages = new Map(corpusPages().map((p) => [p.file, p]));
  const squid = answerOf(pages.get('squid-3.5.20-err-access-denied-curl-vv-bank.txt')!.wire!);
  t.equal(squid.status, 403);
  t.same(readHttpAnswer(squid, ASKED).signs.slice(0, 4), ['X-Squid-Error: ERR_ACCESS_DENIED 0', 'X-Cache-Lookup: NONE from squid-dkb.sigma-belpsb.by:3128', 'Server: squid/3.5.20', 'Via: 1.1 squid-dkb.sigma-belpsb.by (squid/3.5.20)']);
  const vodafone = answerOf(pages.get('isp-vodafone-tr-blocked-notification-200-whatwaf.txt')!.wire!);
  t.equal(vodafone.status, 200, 'a block page with status 200');
  const iterika = answerOf(pages.get('isp-ru-iterika-302-blocked-redirect-censoredplanet.http')!.wire!);
  t.equal(iterika.headers.location, 'iterika.ru/blocked.html?UrlRedir=http%3A%2F%2Fblackberry.com%2f');
});

t.test("a CDN's 403 that echoes a URL with a vendor's name in it is not that vendor's", async (t) => {
  for (const body of [AKAMAI_ECHO_BODY, AKAMAI_ECHO_PLAIN]) {
    const reading = readHttpAnswer(answerOf(akamaiEcho(body)), ASKED);
    t.same(reading, { signs: [], possible: [], goto: null, product: null }, `Akamai's own 403 (${body === AKAMAI_ECHO_BODY ? 'references' : 'plain'}): the server's, nothing flagged`);
    const bare = readHttpAnswer({ status: 403, headers: {}, text: body }, ASKED);
    t.same(bare.signs, [], 'without the CDN\'s headers still no vendor: the name is inside a URL');
    t.equal(bare.product, null);
  }
  const elsewhere = readHttpAnswer({ status: 403, headers: {}, text: '<p>Access to <a href="https://www.zscaler.com/">www.zscaler.com/blocked</a> denied by ops@sophos.com</p>' }, ASKED);
  t.same(elsewhere.signs, [], 'host names, links and e-mail addresses name no one');
  const inWords = readHttpAnswer({ status: 200, headers: {}, text: '<p>This site is blocked by Zscaler.</p>' }, ASKED);
  t.same(inWords.signs, ['Zscaler block page ("This site is blocked by Zscaler.")'], 'a vendor named in words, beside block wording, is');
  t.match(readHttpAnswer({ status: 200, headers: {}, text: '<td>Reason:</td><td>Not allowed to browse Gambling category</td>' }, ASKED), { signs: ['Zscaler block page ("Not allowed to browse Gambling category")'], product: 'Zscaler' }, "Zscaler's reason, without its name");
  t.match(readHttpAnswer({ status: 403, headers: {}, text: '<h2>Sophos Web Filter</h2><p>Access to this site is restricted.</p>' }, ASKED), { product: 'Sophos' });
  t.match(readHttpAnswer({ status: 200, headers: {}, text: '<img src="https://cdn.example/sophos-logo.png"><p>Welcome, this is a blocked-free zone</p>' }, ASKED), { product: null }, 'a vendor in an attribute is not in the page\'s words');
});

t.test('status 200 pages and the shapes the old reader missed', async (t) => {
  t.match(readHttpAnswer({ status: 200, headers: {}, text: '<html><title>Site Blocked</title></html>' }, ASKED), { signs: ['a block page ("Site Blocked")'], product: null }, 'a page titled as blocked, naming no one');
  t.same(readHttpAnswer({ status: 200, headers: { server: 'cloudflare' }, text: '<title>Sorry, you have been blocked</title>' }, ASKED).signs, [], "a CDN's own block page is the server's side");
  const late = `<html>${' '.repeat(10_000)}<h1>FortiGuard Web Filtering</h1><p>This page is blocked by policy</p></html>`;
  t.match(readHttpAnswer({ status: 200, headers: {}, text: late }, ASKED).signs, [/^FortiGate block page/], 'a mark far past the first 300 characters');
  t.match(readHttpAnswer({ status: 0, headers: {}, text: '<title>Web Filter Violation</title> url.fortinet.net' }, ASKED).signs, [/^FortiGate block page \("Web Filter Violation"\)/], 'no status line at all (HTTP/0.9)');
});

t.test('where a Location or a refresh points', async (t) => {
  const redirect = (location: string) => readHttpAnswer({ status: 302, headers: { location }, text: '' }, ASKED);
  t.match(redirect('iterika.ru/blocked.html?UrlRedir=x'), { signs: [/^a redirect to iterika\.ru\/blocked\.html\?UrlRedir=x \(a portal or filter page; its Location has no scheme\)$/], goto: null });
  t.match(redirect('10.0.0.1/login'), { signs: [/^a redirect to 10\.0\.0\.1\/login/] }, 'an address as the first segment');
  t.match(redirect('filter.example.net'), { possible: [/^a redirect to filter\.example\.net, neither GoTo nor a CDN$/] }, 'a host name alone');
  t.match(redirect('index.php?page=2'), { signs: [], possible: [], goto: 'a redirect on the same server' }, 'a file name is a path on the same server');
  t.match(redirect('/members/login.tmpl'), { signs: [], goto: 'a redirect on the same server' }, 'an absolute path on the same server is the server\'s own');
  t.match(redirect('www.gotomypc.com/members/'), { signs: [], goto: /www\.gotomypc\.com/ }, 'GoTo without a scheme is still GoTo');
  t.match(redirect('//portal.hotel.example/login'), { signs: [/portal\.hotel\.example\/login/] }, 'a scheme-relative reference');
  t.match(redirect('https://[2001:db8::1]/blocked'), { signs: [/^a redirect to 2001:db8::1\/blocked/] });
  const refresh = (content: string, status = 200) => readHttpAnswer({ status, headers: {}, text: `<html><head><meta content="${content}" http-equiv="Refresh"></head></html>` }, ASKED);
  t.match(refresh('0;URL=http://10.5.50.1/login?dst=x'), { signs: [/^a page that sends the browser on to 10\.5\.50\.1\/login\?dst=x \(a meta refresh/] }, 'attributes in any order, any case');
  t.match(refresh('5; url=https://www.gotomypc.com/'), { signs: [], possible: [] }, "a refresh to GoTo's own site is no sign");
  t.match(refresh('0; url=/next'), { signs: [], possible: [] }, 'nor one on the same server');
  t.match(refresh('0; url=https://elsewhere.example/x'), { signs: [], possible: [/elsewhere\.example \(a meta refresh\)/] });
});

t.test('hostile bodies never throw, and whatever is shown of them is escaped', async (t) => {
  const piece = fc.oneof(
    HOSTILE,
    fc.constantFrom('<title>', '</title>', 'Blocked', '<h1>', '<!--', '-->', '<script>', '<meta http-equiv=refresh content="0;url=', 'http://', 'FortiGuard', 'denied', '&#', '&#x110000;', '&#0;', '.', '/', 'a-', '<dt>Host</dt><dd>block.opendns.com</dd>', '<body id=ERR_X', 'squid'),
    fc.string({ maxLength: 20 }),
  );
  property(t, 'readHttpAnswer on hostile text', fc.tuple(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 0, max: 599 }), fc.string({ maxLength: 40 })), ([pieces, status, location]) => {
    const text = pieces.join('');
    const reading = readHttpAnswer({ status, headers: { location, server: pieces[0] ?? '' }, text }, ASKED);
    for (const line of [...reading.signs, ...reading.possible]) if (UNSHOWABLE.test(line)) throw new Error(`unescaped: ${JSON.stringify(line)}`);
  }, 400);
  const repeated = ['<h1', '<!--', 'a-', '<meta ', '&#1', '<title>blocked'].map((s) => s.repeat(Math.ceil(16_384 / s.length)));
  for (const text of repeated) t.doesNotThrow(() => readHttpAnswer({ status: 403, headers: {}, text }, ASKED), `${JSON.stringify(text.slice(0, 12))}… repeated to 16 KiB`);
});
