// Who made an HTTP answer: GoTo's server (with the CDN in front of it), or a middlebox in the path. An answer
// is GoTo's unless it carries a middlebox's own sign; a sign too vague to name one is only "possible". Signs are
// looked for in everything that was read: the headers, and the body as a text (decoded, not escaped), whatever
// the status (filters answer with 200 as often as with 403).
// Sources: shared/research/goto-servers.md; RFC 9110 (Via, 511 in RFC 6585); nmap-service-probes; the products'
// own pages, each mark with its source below (the field corpus is ../shared/corpus/blockpage, EXPECTED.md).
import { bracketHost, unbracketHost } from '../core/host-port.js';
import { escapeText } from '../core/escape.js';

/** GoTo's brands: a redirect to any of them (or below them) is GoTo's own. */
const GOTO_DOMAINS = [
  'gotomypc.com', 'goto.com', 'gotomeeting.com', 'gotoassist.com', 'getgo.com', 'logmein.com', 'logmeininc.com',
  'logmein.eu', 'logmein-gateway.com', 'citrixonline.com', 'expertcity.com', 'goto-rtc.com', 'jive.com', 'gotomeet.me',
];

/** Hosts of the CDNs that front web sites (CloudFront, Akamai, Azure Front Door and CDN, Fastly, Cloudflare). */
const CDN_HOSTS = ['cloudfront.net', 'akamaized.net', 'akamaihd.net', 'akamaiedge.net', 'edgekey.net', 'edgesuite.net', 'azureedge.net', 'azurefd.net', 'fastly.net', 'fastlylb.net', 'cloudflare.com', 'amazonaws.com'];

/**
 * CDN names in Via and Server, and headers only a CDN adds. They belong to the server: CloudFront adds
 * `Via: 1.1 <id>.cloudfront.net (CloudFront)`, `X-Cache` and `X-Amz-Cf-*` to every answer; Fastly
 * `Via: 1.1 varnish` and `X-Served-By`; Akamai `AkamaiGHost`; Azure Front Door `X-Azure-Ref`; Cloudflare `CF-Ray`.
 */
const CDN_NAMES = /cloudfront|varnish|akamai|fastly|azure|cloudflare|\bgoogle\b|edgecast|ECAcc|\bvegur\b/i;
const CDN_HEADERS = ['x-amz-cf-id', 'x-amz-cf-pop', 'x-azure-ref', 'cf-ray', 'x-served-by', 'x-fastly-request-id', 'x-akamai-transformed'];

/**
 * Forward proxies, secure web gateways and filters, by the names they give themselves in Via and Server
 * (squid: `Via: 1.1 host (squid/6.1)`, Blue Coat `BlueCoat-Security-Appliance`, Zscaler `Zscaler/6.2`, …).
 * Reverse proxies and WAFs that sit in front of a server (Varnish, FortiWeb, nginx) are the server's.
 */
const PROXY_PRODUCTS = /squid|zscaler|forti(gate|net|proxy|guard)|blue ?coat|proxysg|cacheflow|sophos|netskope|mcafee web gateway|skyhigh|websense|forcepoint|barracuda|ironport|cisco (wsa|web security)|palo ?alto|pan-os|privoxy|tinyproxy|forefront tmg|microsoft-tmg|\bisa server|untangle|smoothwall|lightspeed|umbrella|opendns|kerio|watchguard|sonicwall|check ?point|iboss|contentkeeper|squidguard|e2guardian|dansguardian|wingate|ccproxy/i;

/** Headers only forward proxies add: squid's own, vendors' identity headers, and any Proxy-* header. */
const PROXY_HEADERS = ['x-squid-error', 'x-cache-lookup', 'x-bluecoat-via', 'x-zscaler-via'];

/**
 * A product's own page, by a mark of its page structure or its stock wording: enough alone, whatever the status
 * and whoever's headers are on it. `mark`'s first group (or the match) is shown in the sign; `with`, when given,
 * must be in the text too (a structure others might share, with its vendor's name beside it).
 */
interface PageMark {
  product: string;
  page: string;
  mark: RegExp;
  with?: RegExp;
  source: string;
}

const PAGE_MARKS: readonly PageMark[] = [
  {
    product: 'squid', page: 'error page', mark: /<body id="?(ERR_[A-Z_]{3,40})\b/, with: /squid/i,
    source: "squid's error templates (<body id=%c>, the error's name), in English and Japanese: corpus squid-3.5.20-err-access-denied-curl-vv-bank.txt, squid-err-access-denied-ja-aws-ccbot.html",
  },
  {
    product: 'FortiGate', page: 'block page', mark: /<title>\s*(Web Filter (?:Violation|Block Override))\s*<\/title>/i, with: /forti(?:gate|guard|net)/i,
    source: 'FortiOS web filter replacement message: corpus fortigate-web-filter-violation-malicious-ie-padding.html',
  },
  {
    product: 'FortiGate', page: 'block page', mark: /(\/XX\/YY\/ZZ\/CI\/)[A-Z]{8,}/,
    source: "FortiOS replacement messages' image links, served from the FortiGate itself (port 8008): corpus fortigate-web-filter-violation-malicious-ie-padding.html",
  },
  {
    product: 'Cisco Umbrella', page: 'block page', mark: /<dt>\s*Host\s*<\/dt>\s*<dd>\s*(block\.opendns\.com)\s*<\/dd>/i,
    source: "Umbrella's block page, Diagnostic Info: corpus cisco-umbrella-filetype-block-saved-as-get-pip.py.html",
  },
  {
    product: 'Palo Alto Networks (PAN-OS)', page: 'block page', mark: /(blocked in accordance with company policy)/i,
    source: "PAN-OS's stock URL filtering and application block pages: corpus palo-alto-url-block-newstyle-crypto-readme-paste.html",
  },
  {
    product: 'McAfee (Skyhigh) Web Gateway', page: 'notification page', mark: /(\/mwg-internal\/)[a-z0-9]{4,}\//i,
    source: 'Web Gateway notification pages (title "McAfee Web Gateway - Notification"): corpus mcafee-web-gateway-cannot-connect-502-localhost-sglang.html',
  },
  {
    product: 'Zscaler', page: 'block page', mark: /(Not allowed to browse [^<\n]{1,60}? category)/i,
    source: "ZIA block notification's reason (help.zscaler.com/zia/block-custom-notification: reason=Not+allowed+to+browse+Gambling+category)",
  },
  {
    product: "Vodafone Turkey's network filter", page: 'block page', mark: /<title>\s*(Blocked Notification Page)\s*<\/title>/i, with: /vodafone\.net\.tr/i,
    source: 'WhatWaf issue 743 (status 200): corpus isp-vodafone-tr-blocked-notification-200-whatwaf.txt',
  },
];

/**
 * Filter vendors, by the names their block pages give in words (never inside a URL, a host name or an address:
 * a CDN's 403 that echoes `http://www.fortinet.com/…` is not Fortinet's). Only with block wording beside it.
 */
const FILTER_VENDORS: readonly { product: string; names: RegExp }[] = [
  { product: 'FortiGate', names: /forti(?:guard|net|gate)/i },
  { product: 'Zscaler', names: /zscaler/i },
  { product: 'Forcepoint (Websense)', names: /websense|forcepoint/i },
  { product: 'Symantec (Blue Coat)', names: /blue ?coat|symantec web/i },
  { product: 'Sophos', names: /sophos/i },
  { product: 'Palo Alto Networks (PAN-OS)', names: /palo alto networks/i },
  { product: 'Cisco Umbrella', names: /cisco umbrella|opendns/i },
  { product: 'Barracuda', names: /barracuda/i },
  { product: 'Untangle', names: /untangle/i },
  { product: 'Lightspeed', names: /lightspeed/i },
  { product: 'Netskope', names: /netskope/i },
  { product: 'iboss', names: /iboss/i },
  { product: 'ContentKeeper', names: /contentkeeper/i },
  { product: 'SonicWall', names: /sonicwall/i },
  { product: 'WatchGuard', names: /watchguard/i },
  { product: 'Check Point', names: /check point/i },
  { product: 'Smoothwall', names: /smoothwall/i },
  { product: 'Kerio', names: /kerio/i },
  { product: 'SquidGuard', names: /squidguard/i },
  { product: 'E2Guardian (DansGuardian)', names: /e2guardian|dansguardian/i },
  { product: 'McAfee (Skyhigh) Web Gateway', names: /mcafee web gateway|skyhigh/i },
];
const BLOCK_WORDS = /block|denied|restricted|not allowed|prohibited|forbidden|policy|categor|violat/i;

/** A page titled or headed as a block page, naming no one: Vodafone Turkey's "Blocked Notification Page", Umbrella's "Site Blocked". */
const BLOCK_TITLE = /<(title|h1|h2)(?:\s[^<>]{0,200})?>\s*([^<]{0,200}\bblocked\b[^<]{0,200}?)\s*<\/\1>/i;

/** Where a captive portal or a filter sends a browser it stops. */
const PORTAL_PATH = /portal|captive|login|logon|splash|guest|hotspot|auth|block|denied|filter|policy/i;

/** The answer GoTo's servers give a request they do not understand (nmap-service-probes: "GotoMeeting httpd"). */
const GOTO_CANNOT_PARSE = /^400 Bad Request Cannot parse request/;

/** Endings of a file name, not of a host name, in a Location's first segment (`index.php` is a file, `iterika.ru` a host). */
const FILE_ENDINGS = new Set(['html', 'htm', 'shtml', 'xhtml', 'php', 'asp', 'aspx', 'jsp', 'cgi', 'pl', 'py', 'do', 'action', 'cfm', 'js', 'css', 'json', 'xml', 'txt', 'png', 'gif', 'jpg', 'jpeg', 'ico', 'svg']);

export interface HttpAnswer {
  /** 0 when the bytes had no status line (HTTP/0.9, a banner). */
  status: number;
  headers: Readonly<Record<string, string>>;
  /** The body as read, decoded but not escaped (all the bytes, without a status line): signs are looked for in all of it. */
  text: string;
}

export interface HttpAsked {
  /** The Host header sent ('' for none). */
  host: string;
  /** The address the request went to ('' when not known). */
  ip: string;
}

export interface HttpReading {
  /** Signs that a middlebox made the answer, each enough to say so; escaped. */
  signs: string[];
  /** Signs too weak to judge on; escaped. */
  possible: string[];
  /** The known GoTo shape the answer has, in words, or null. */
  goto: string | null;
  /** The product whose page (or name in the headers' words) it is, when one is named. */
  product: string | null;
}

/** Who made this answer, from its status, headers and body. Pure; never throws on any text. */
export function readHttpAnswer(answer: HttpAnswer, asked: HttpAsked): HttpReading {
  const { status, headers, text } = answer;
  const signs: string[] = [];
  const possible: string[] = [];
  const cdn = CDN_HEADERS.some((name) => headers[name] !== undefined) || CDN_NAMES.test(headers.server ?? '');
  for (const name of PROXY_HEADERS) if (headers[name] !== undefined) signs.push(`${headerName(name)}: ${headers[name]}`);
  for (const name of Object.keys(headers)) if (name.startsWith('proxy-')) signs.push(`${headerName(name)}: ${headers[name]}`);
  if (headers.server !== undefined && PROXY_PRODUCTS.test(headers.server)) signs.push(`Server: ${headers.server}`);
  for (const entry of (headers.via ?? '').split(',').map((v) => v.trim()).filter(Boolean)) {
    if (PROXY_PRODUCTS.test(entry)) signs.push(`Via: ${entry}`);
    else if (!CDN_NAMES.test(entry)) possible.push(`Via: ${entry} (an intermediary g2probe does not know)`);
  }
  if (status === 511) signs.push('511 Network Authentication Required (a captive portal)');

  const page = readPage(text, cdn);
  signs.push(...page.signs);
  if (page.signs.length === 0 && status === 403 && !cdn && BLOCK_WORDS.test(page.prose)) possible.push('403 with a page that speaks of blocking (no vendor named)');

  let goto: string | null = null;
  const location = status >= 300 && status < 400 ? headers.location : undefined;
  if (location !== undefined) {
    const to = destination(location, asked);
    if (to === null || to.sameServer) {
      goto = 'a redirect on the same server';
    } else if (to.host === asked.host.toLowerCase() || to.host === asked.ip || isGotoHost(to.host)) {
      goto = `a redirect to ${to.https ? 'https on ' : ''}${to.host}`;
    } else if (CDN_HOSTS.some((domain) => under(to.host, domain))) {
      goto = `a redirect to the CDN host ${to.host}`;
    } else if (PORTAL_PATH.test(to.rest)) {
      signs.push(`a redirect to ${shown(to)} (a portal or filter page${to.schemeless ? '; its Location has no scheme' : ''})`);
    } else {
      possible.push(`a redirect to ${escapeText(to.host, 100)}, neither GoTo nor a CDN`);
    }
  } else if (status === 400 && GOTO_CANNOT_PARSE.test(text)) {
    goto = "GoTo's answer to a request it cannot parse (400 Cannot parse request)";
  }
  const refresh = refreshTarget(text);
  if (refresh !== null) {
    const to = destination(refresh, asked);
    const theirs = to === null || to.sameServer || to.host === asked.host.toLowerCase() || to.host === asked.ip || isGotoHost(to.host) || CDN_HOSTS.some((domain) => under(to.host, domain));
    if (!theirs && PORTAL_PATH.test(to.rest)) signs.push(`a page that sends the browser on to ${shown(to)} (a meta refresh: a captive portal or filter page)`);
    else if (!theirs) possible.push(`a page that sends the browser on to ${escapeText(to.host, 100)} (a meta refresh), neither GoTo nor a CDN`);
  }
  return { signs, possible, goto: signs.length === 0 ? goto : null, product: page.product };
}

export function isGotoHost(host: string): boolean {
  return GOTO_DOMAINS.some((domain) => under(host, domain));
}

function under(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

function headerName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** A page's own signs: one per product, from its marks, else from its vendor's name in words; then a block page naming no one. */
function readPage(text: string, cdn: boolean): { signs: string[]; product: string | null; prose: string } {
  const signs: string[] = [];
  const named = new Set<string>();
  for (const { product, page, mark, with: beside } of PAGE_MARKS) {
    if (named.has(product)) continue;
    const found = mark.exec(text);
    if (found === null || (beside !== undefined && !beside.test(text))) continue;
    named.add(product);
    signs.push(`${product} ${page} (${quote(found[1] ?? found[0])})`);
  }
  const segments = proseSegments(text);
  const prose = segments.join('\n');
  // A CDN's own error page is the server's side: only a product's marks count on it, not words.
  if (!cdn && BLOCK_WORDS.test(prose)) {
    for (const { product, names } of FILTER_VENDORS) {
      if (named.has(product) || !names.test(prose)) continue;
      named.add(product);
      signs.push(`${product} block page (${quote(segments.find((s) => names.test(s)) ?? product)})`);
    }
  }
  if (signs.length === 0 && !cdn) {
    const title = BLOCK_TITLE.exec(text);
    if (title) signs.push(`a block page (${quote(decodeEntities(title[2]!))})`);
  }
  return { signs, product: named.values().next().value ?? null, prose };
}

function quote(text: string): string {
  return `"${escapeText(text.replace(/\s+/g, ' ').trim(), 100)}"`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Character references as a browser shows them (`&#46;` is a dot: Akamai writes the URL it echoes so). */
function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]{2,6}));/gi, (whole, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) return ENTITIES[name.toLowerCase()] ?? whole;
    const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The words a page shows: its text outside tags, comments, scripts and styles, references decoded, and without
 * anything that names a place (a URL, a host name, an address, an e-mail address), where a vendor's name says
 * nothing about who answered. Linear in the text, whatever it holds.
 */
function proseSegments(html: string): string[] {
  const lower = html.toLowerCase();
  const segments: string[] = [];
  let at = 0;
  const keep = (raw: string): void => {
    const words = decodeEntities(raw).split(/\s+/).filter((word) => word !== '' && !namesAPlace(word));
    if (words.length > 0) segments.push(words.join(' '));
  };
  while (at < html.length) {
    const open = html.indexOf('<', at);
    if (open < 0) {
      keep(html.slice(at));
      break;
    }
    keep(html.slice(at, open));
    let close: number;
    if (lower.startsWith('<!--', open)) close = endOf(lower, '-->', open + 4);
    else if (lower.startsWith('<script', open)) close = endOf(lower, '</script', open + 7);
    else if (lower.startsWith('<style', open)) close = endOf(lower, '</style', open + 6);
    else close = endOf(lower, '>', open + 1);
    at = close;
  }
  return segments;
}

function endOf(text: string, token: string, from: number): number {
  const found = text.indexOf(token, from);
  return found < 0 ? text.length : found + token.length;
}

/** A word that is a URL, a host name, an address or an e-mail address (quotes and brackets around it aside). */
function namesAPlace(word: string): boolean {
  const bare = word.replace(/^["'(<[{]+|["')>\]},.;:!?]+$/g, '');
  return bare.includes('://') || bare.includes('@') || /^[\w-]+(?:\.[\w-]+)+(?:[:/?#]|$)/.test(bare) || /^\/[\w.-]/.test(bare);
}

/** The URL a `<meta http-equiv="refresh" content="0; url=…">` sends the browser to, or null. */
function refreshTarget(text: string): string | null {
  const metas = text.match(/<meta\b[^<>]{0,2000}>/gi) ?? [];
  for (const meta of metas) {
    if (!/http-equiv\s*=\s*["']?\s*refresh/i.test(meta)) continue;
    const url = /content\s*=\s*["']?\s*[\d.]*\s*[;,]?\s*url\s*=\s*["']?([^"'\s<>]{1,2000})/i.exec(meta)?.[1];
    if (url !== undefined) return decodeEntities(url);
  }
  return null;
}

interface Destination {
  host: string;
  https: boolean;
  rest: string;
  /** A reference relative to the URL asked: a place on the server asked. */
  sameServer: boolean;
  /** Written without a scheme, starting with a host name. */
  schemeless: boolean;
}

/** Stands for the server asked when neither its name nor its address is known. */
const THIS_SERVER = 'this-server.invalid';

/**
 * Where a Location (or a refresh) points, resolved against the URL asked, as a browser would (RFC 3986 §5); null
 * when it names no host. A reference without a scheme whose first segment is a host name (`iterika.ru/blocked.html`,
 * which an ISP's filter sends) is, by those rules, a path on the same server; no GoTo server redirects so, and the
 * filter means that host: it is read as one.
 */
function destination(location: string, asked: HttpAsked): Destination | null {
  const raw = location.trim();
  const self = unbracketHost(asked.host || asked.ip).toLowerCase() || THIS_SERVER;
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(raw) || /^[/\\]{2}/.test(raw);
  const schemeless = !absolute && !/^[/\\?#]/.test(raw) && firstSegmentIsHost(raw);
  try {
    const url = new URL(schemeless ? `http://${raw}` : raw, `http://${bracketHost(self)}/`);
    if (!url.hostname) return null;
    const host = unbracketHost(url.hostname).toLowerCase();
    return { host, https: url.protocol === 'https:', rest: `${url.pathname}${url.search}`, sameServer: !absolute && !schemeless, schemeless };
  } catch {
    return null;
  }
}

function firstSegmentIsHost(reference: string): boolean {
  const first = /^([^/?#]{1,253})([/?#]?)/.exec(reference);
  if (!first) return false;
  const name = first[1]!.replace(/:\d{1,5}$/, '');
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(name)) return true;
  const labels = name.split('.');
  if (labels.length < 2 || !labels.every((l) => /^[a-z0-9-]{1,63}$/i.test(l))) return false;
  const last = labels.at(-1)!.toLowerCase();
  return /^[a-z]{2,24}$/.test(last) && (first[2] === '/' || !FILE_ENDINGS.has(last));
}

function shown(to: Destination): string {
  return escapeText(`${to.host}${to.rest}`, 100);
}
