// Who made an HTTP answer: GoTo's server (with the CDN in front of it), or a middlebox in the path. An answer
// is GoTo's unless it carries a middlebox's own sign; a sign too vague to name one is only "possible".
// Sources: shared/research/goto-servers.md; RFC 9110 (Via, 511 in RFC 6585); nmap-service-probes.

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

/** A filter vendor named on a page, and words of a block page: both must be there for a vendor's block page. */
const FILTER_VENDORS = /forti(guard|net|gate)|zscaler|websense|forcepoint|blue ?coat|symantec web|sophos|palo alto networks|cisco umbrella|opendns|barracuda|untangle|lightspeed|netskope|iboss|contentkeeper|sonicwall|watchguard|check point|smoothwall|kerio|squidguard|e2guardian|dansguardian|mcafee web gateway|skyhigh/i;
const BLOCK_WORDS = /block|denied|restricted|not allowed|prohibited|forbidden|policy|categor|violat/i;

/** Where a captive portal or a filter sends a browser it stops. */
const PORTAL_PATH = /portal|captive|login|logon|splash|guest|hotspot|auth|block|denied|filter|policy/i;

/** The answer GoTo's servers give a request they do not understand (nmap-service-probes: "GotoMeeting httpd"). */
const GOTO_CANNOT_PARSE = /^400 Bad Request Cannot parse request/;

export interface HttpAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** The start of the body, as the report keeps it (escaped). */
  body: string;
}

export interface HttpAsked {
  /** The Host header sent. */
  host: string;
  /** The address the request went to. */
  ip: string;
}

export interface HttpReading {
  /** Signs that a middlebox made the answer, each enough to say so. */
  signs: string[];
  /** Signs too weak to judge on. */
  possible: string[];
  /** The known GoTo shape the answer has, in words, or null. */
  goto: string | null;
}

/** Who made this answer, from its status, headers and body. Pure. */
export function readHttpAnswer(answer: HttpAnswer, asked: HttpAsked): HttpReading {
  const { status, headers, body } = answer;
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
  if (FILTER_VENDORS.test(body) && BLOCK_WORDS.test(body)) signs.push(`a filter's block page (${FILTER_VENDORS.exec(body)?.[0]})`);
  else if (status === 403 && !cdn && BLOCK_WORDS.test(body)) possible.push('403 with a page that speaks of blocking (no vendor named)');

  let goto: string | null = null;
  const location = status >= 300 && status < 400 ? headers.location : undefined;
  if (location !== undefined) {
    const to = redirectTarget(location);
    if (to === null) {
      goto = 'a redirect on the same server';
    } else if (to.host === asked.host.toLowerCase() || to.host === asked.ip || isGotoHost(to.host)) {
      goto = `a redirect to ${to.https ? 'https on ' : ''}${to.host}`;
    } else if (CDN_HOSTS.some((domain) => under(to.host, domain))) {
      goto = `a redirect to the CDN host ${to.host}`;
    } else if (PORTAL_PATH.test(to.rest)) {
      signs.push(`a redirect to ${to.host}${to.rest.slice(0, 80)} (a portal or filter page)`);
    } else {
      possible.push(`a redirect to ${to.host}, neither GoTo nor a CDN`);
    }
  } else if (status === 400 && GOTO_CANNOT_PARSE.test(body)) {
    goto = "GoTo's answer to a request it cannot parse (400 Cannot parse request)";
  }
  return { signs, possible, goto: signs.length === 0 ? goto : null };
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

/** Where a Location header points: null for a relative redirect (the same server). */
function redirectTarget(location: string): { host: string; https: boolean; rest: string } | null {
  try {
    const url = new URL(location);
    if (!url.hostname) return null;
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase(), https: url.protocol === 'https:', rest: `${url.pathname}${url.search}` };
  } catch {
    return null;
  }
}
