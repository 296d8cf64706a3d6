// What gives a web proxy, filter or captive portal away in an HTTP answer. A GoTo server answers port 80
// with a plain redirect to its own HTTPS site: none of these signs.

/** Headers only intermediaries add (RFC 9110 Via, cache reports, proxy error and identity headers). */
const PROXY_HEADERS = ['via', 'x-cache', 'x-cache-lookup', 'x-squid-error', 'x-bluecoat-via', 'x-proxy-id', 'x-zscaler-via'];

/** `Server` values of proxies, gateways and filters (a server's own name is not a sign). */
const PROXY_SERVERS = /squid|zscaler|forti(gate|net|web)|bluecoat|blue coat|proxysg|sophos|netskope|mcafee web gateway|websense|forcepoint|barracuda|ironport|cisco wsa|palo ?alto|privoxy|tinyproxy|forefront tmg|\bisa server|varnish|untangle|smoothwall|lightspeed|cloudflare gateway|umbrella/i;

/** Domains GoTo redirects to; a redirect anywhere else on a GoTo address is a portal or a filter. */
const GOTO_DOMAINS = /(^|\.)(gotomypc|goto|gotomeeting|gotoassist|logmein|logmeininc|logmein-gateway|getgo|expertcity|citrixonline)\.(com|net)$/i;

/** Words of block pages, which filters serve with 403. A 200 page is not judged: any site says "policy". */
const BLOCK_PAGE = /access denied|blocked|not allowed|web filter|content filter|policy|forbidden by|category|firewall|captive|sign in to (the )?(network|wi-?fi)|acceptable use/i;

/** Every sign of an intermediary in one HTTP answer, in plain words; empty when there is none. */
export function interceptionSigns(status: number, headers: Readonly<Record<string, string>>, body: string): string[] {
  const signs: string[] = [];
  for (const name of PROXY_HEADERS) if (headers[name] !== undefined) signs.push(`${headerName(name)}: ${headers[name]}`);
  for (const name of Object.keys(headers)) if (name.startsWith('proxy-')) signs.push(`${headerName(name)}: ${headers[name]}`);
  if (headers.server !== undefined && PROXY_SERVERS.test(headers.server)) signs.push(`Server: ${headers.server}`);
  if (status === 511) signs.push('511 Network Authentication Required (a captive portal)');
  if (status >= 300 && status < 400 && headers.location !== undefined) {
    const host = redirectHost(headers.location);
    if (host !== null && !GOTO_DOMAINS.test(host)) signs.push(`a redirect away from GoTo to ${host}`);
  }
  if (status === 403 && BLOCK_PAGE.test(body)) signs.push('403 with a block page');
  return signs;
}

function headerName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** The host a Location header points to, or null for a relative redirect (same server). */
function redirectHost(location: string): string | null {
  try {
    return new URL(location).hostname || null;
  } catch {
    return null;
  }
}
