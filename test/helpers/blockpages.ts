// The corpus's block pages (../shared/corpus/blockpage) as they crossed the network: only the wrapper SOURCES.md
// names is undone (curl -vv's `< ` lines, WhatWaf's `<!-- … -->` header comment); a file that is a page alone is
// served as a body under a neutral 200. What each must be read as comes from EXPECTED.md's table.
import { corpusBytes } from './corpus.js';

export interface CorpusPage {
  file: string;
  /** EXPECTED.md's "product (who answered)", as g2probe names it (evidence.http.product), or null where it names no product. */
  product: string | null;
  /** A sign that must be among the signs: the mark EXPECTED.md lists. */
  sign: RegExp;
  /** The whole answer when the file holds a head (its own, or the one its wrapper records); null for a page alone. */
  wire: Buffer | null;
  /** The page: the body of the answer. */
  body: Buffer;
}

const CRLF = '\r\n';

/** A page alone, as a neutral server would send it. */
export function neutral200(body: Buffer, type = 'text/html'): Buffer {
  return Buffer.concat([Buffer.from(`HTTP/1.1 200 OK${CRLF}Content-Type: ${type}${CRLF}Content-Length: ${body.length}${CRLF}Connection: close${CRLF}${CRLF}`), body]);
}

/** curl -vv: `< ` lines are the answer's head (shown without their CR), the lines up to curl's `* ` trailer its body. */
function fromCurl(text: string): { wire: Buffer; body: Buffer } {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith('< HTTP/'));
  const end = lines.indexOf('<', start);
  const head = lines.slice(start, end).map((line) => line.slice(2));
  // curl's own lines after the body (`* Connection … left intact`); a page's CSS may have lines that start with `* ` too.
  const trailer = lines.map((line) => line.startsWith('* Connection')).lastIndexOf(true);
  const body = Buffer.from(`${lines.slice(end + 1, trailer).join('\n')}\n`);
  return { wire: Buffer.concat([Buffer.from(`${head.join(CRLF)}${CRLF}${CRLF}`), body]), body };
}

/** WhatWaf's comment: the request line, `Status code: N`, then the headers; the body follows it. */
function fromWhatWaf(text: string): { wire: Buffer; body: Buffer } {
  const close = text.indexOf('-->\n');
  const comment = text.slice(text.indexOf('<!--') + 4, close).split('\n').filter(Boolean);
  const status = Number(/^Status code: (\d{3})$/m.exec(comment.join('\n'))?.[1]);
  const headers = comment.filter((line) => /^[\w-]+: /.test(line) && !line.startsWith('Status code:'));
  const body = Buffer.from(text.slice(close + 4));
  return { wire: Buffer.concat([Buffer.from(`HTTP/1.1 ${status} OK${CRLF}${headers.join(CRLF)}${CRLF}${CRLF}`), body]), body };
}

/** Every block page of the corpus, read where it lies. */
export function corpusPages(): CorpusPage[] {
  const dir = 'blockpage/';
  const alone = (file: string): Buffer => corpusBytes(dir + file);
  const squid = fromCurl(corpusBytes(`${dir}squid-3.5.20-err-access-denied-curl-vv-bank.txt`).toString('utf8'));
  const vodafone = fromWhatWaf(corpusBytes(`${dir}isp-vodafone-tr-blocked-notification-200-whatwaf.txt`).toString('utf8'));
  const iterika = corpusBytes(`${dir}isp-ru-iterika-302-blocked-redirect-censoredplanet.http`);
  return [
    { file: 'squid-3.5.20-err-access-denied-curl-vv-bank.txt', product: 'squid', sign: /^squid error page \("ERR_ACCESS_DENIED"\)$/, ...squid },
    { file: 'squid-err-access-denied-ja-aws-ccbot.html', product: 'squid', sign: /^squid error page \("ERR_ACCESS_DENIED"\)$/, wire: null, body: alone('squid-err-access-denied-ja-aws-ccbot.html') },
    { file: 'cisco-umbrella-filetype-block-saved-as-get-pip.py.html', product: 'Cisco Umbrella', sign: /^Cisco Umbrella block page/, wire: null, body: alone('cisco-umbrella-filetype-block-saved-as-get-pip.py.html') },
    { file: 'fortigate-web-filter-violation-malicious-ie-padding.html', product: 'FortiGate', sign: /^FortiGate block page/, wire: null, body: alone('fortigate-web-filter-violation-malicious-ie-padding.html') },
    { file: 'palo-alto-url-block-newstyle-crypto-readme-paste.html', product: 'Palo Alto Networks (PAN-OS)', sign: /^Palo Alto Networks \(PAN-OS\) block page \("blocked in accordance with company policy"\)$/, wire: null, body: alone('palo-alto-url-block-newstyle-crypto-readme-paste.html') },
    { file: 'mcafee-web-gateway-cannot-connect-502-localhost-sglang.html', product: 'McAfee (Skyhigh) Web Gateway', sign: /^McAfee \(Skyhigh\) Web Gateway notification page \("\/mwg-internal\/"\)$/, wire: null, body: alone('mcafee-web-gateway-cannot-connect-502-localhost-sglang.html') },
    { file: 'isp-ru-iterika-302-blocked-redirect-censoredplanet.http', product: null, sign: /^a redirect to iterika\.ru\/blocked\.html\?UrlRedir=.*its Location has no scheme/, wire: iterika, body: Buffer.alloc(0) },
    { file: 'isp-vodafone-tr-blocked-notification-200-whatwaf.txt', product: "Vodafone Turkey's network filter", sign: /^Vodafone Turkey's network filter block page \("Blocked Notification Page"\)$/, ...vodafone },
    { file: 'captive-portal-meta-refresh-logostech-openwrt-issue.html', product: null, sign: /^a page that sends the browser on to gwhs\.logostech\.it\/login\?dst=.*meta refresh/, wire: null, body: alone('captive-portal-meta-refresh-logostech-openwrt-issue.html') },
  ];
}

/**
 * An ordinary CDN's 403 that echoes the URL asked for, which holds a filter vendor's name: Akamai's "Access Denied"
 * (its stock page writes the URL with character references). Not in the corpus: the shape is Akamai's, the URL the
 * one the issue names.
 */
export const AKAMAI_ECHO_BODY = '<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n \nYou don\'t have permission to access "http&#58;&#47;&#47;www&#46;fortinet&#46;com&#47;products&#47;" on this server.<P>\nReference&#32;&#35;18&#46;7d4e1402&#46;1700000000&#46;2a3b4c5d\n</BODY>\n</HTML>\n';
export const AKAMAI_ECHO_PLAIN = '<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n \nYou don\'t have permission to access "http://www.fortinet.com/products/" on this server.<P>\nReference #18.7d4e1402.1700000000.2a3b4c5d\n</BODY>\n</HTML>\n';

export function akamaiEcho(body = AKAMAI_ECHO_BODY): Buffer {
  return Buffer.from(`HTTP/1.0 403 Forbidden${CRLF}Server: AkamaiGHost${CRLF}Mime-Version: 1.0${CRLF}Content-Type: text/html${CRLF}Content-Length: ${Buffer.byteLength(body)}${CRLF}Expires: Tue, 14 Nov 2023 22:13:20 GMT${CRLF}Date: Tue, 14 Nov 2023 22:13:20 GMT${CRLF}Connection: close${CRLF}${CRLF}${body}`);
}
