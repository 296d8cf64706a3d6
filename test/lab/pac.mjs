// Lab PAC server (HTTP): one path per kind of PAC a run can meet; writes READY_FILE once it listens.
// Usage: node pac.mjs READY_FILE HOST PORT
//   /per-target.pac  per host and per port, with a PROXY; DIRECT fallback    /dead-first.pac  a dead proxy first
//   /outside-first.pac  a proxy outside loopback first (the guard passes it by)
//   /wpad.dat        per-target.pac, for the Host wpad.lab.example only (WPAD's request names it)
//   /syntax.pac      a syntax error    /throws.pac  throws    /loop.pac  never returns    /huge.pac  2 MiB
//   /login           an HTML login page    /to-outside  a redirect to http://192.0.2.1/ (never followed)
//   /slow.pac        burns 300 ms of CPU per call, then DIRECT
//   /names.pac       isResolvable and dnsResolve of the target's name and of proxy.lab.example
//   /hundred.pac     100 helper calls per target, each of another name
//   /callbacks.pac   helpers inside callbacks (Chromium's own PAC tests do this): 127.0.0.1's 443 and the lab's
//                    names through the proxy, the rest DIRECT
//   /hold.pac        DIRECT for a name that resolves into 127/8 (resolved inside a callback), else a dead proxy
// The same PAC as real small servers send it, written raw: /lf.pac (HTTP/1.0, bare LF, to the close),
//   /chunked-lf.pac (HTTP/1.1 chunked, bare LF), /continue.pac (a 100 Continue first), /http09.pac (no head at all)
import http from 'node:http';
import { writeFileSync } from 'node:fs';

const [ready, host, port] = process.argv.slice(2);
const PAC = 'application/x-ns-proxy-autoconfig';
const routes = {
  '/per-target.pac': `function FindProxyForURL(url, host) {
  if (shExpMatch(host, "*.gotomypc.com")) return "PROXY 127.0.0.1:3128; DIRECT";
  if (shExpMatch(url, "*:8200/*")) return "DIRECT";
  if (isInNet(host, "127.0.0.0", "255.0.0.0")) return "PROXY 127.0.0.1:3128";
  return "DIRECT";
}`,
  '/dead-first.pac': 'function FindProxyForURL(url, host) { return "PROXY 127.0.0.1:9; PROXY 127.0.0.1:3128; DIRECT"; }',
  '/outside-first.pac': 'function FindProxyForURL(url, host) { return "PROXY 192.0.2.1:3128; SOCKS 127.0.0.1:1080; DIRECT"; }',
  '/syntax.pac': 'function FindProxyForURL(url, host) { return "DIRECT" ',
  '/throws.pac': 'function FindProxyForURL(url, host) { throw new Error("no route"); }',
  '/loop.pac': 'function FindProxyForURL(url, host) { for (;;) {} }',
  '/slow.pac': 'function FindProxyForURL(url, host) { var end = Date.now() + 300; while (Date.now() < end) {} return "DIRECT"; }',
  '/names.pac': `function FindProxyForURL(url, host) {
  if (!isResolvable(host)) return "DIRECT";
  var proxy = dnsResolve("proxy.lab.example");
  return proxy ? "PROXY " + proxy + ":3128; DIRECT" : "DIRECT";
}`,
  '/hundred.pac': `function FindProxyForURL(url, host) {
  for (var i = 0; i < 100; i++) if (isResolvable("n" + i + ".lab.example")) return "PROXY 127.0.0.1:3128";
  return "DIRECT";
}`,
  '/callbacks.pac': `var NETS = [["10.0.0.0", "255.0.0.0"], ["127.0.0.1", "255.255.255.255"]];
function FindProxyForURL(url, host) {
  var inside = NETS.some(function (n) { return isInNet(host, n[0], n[1]); });
  var named = ["lab.example"].filter(function (d) { return dnsDomainIs(host, "." + d) && isResolvable(host); }).length > 0;
  if (named || (inside && shExpMatch(url, "https:*"))) return "PROXY 127.0.0.1:3128";
  return "DIRECT";
}`,
  '/hold.pac': `function FindProxyForURL(url, host) {
  var local = [host].some(function (h) { return isInNet(dnsResolve(h), "127.0.0.0", "255.0.0.0"); });
  return local ? "DIRECT" : "PROXY 127.0.0.1:9";
}`,
  '/huge.pac': `// ${'x'.repeat(2 * 1024 * 1024)}\nfunction FindProxyForURL() { return "DIRECT"; }`,
};
const SMALL = 'function FindProxyForURL(url, host) { return "PROXY 127.0.0.1:3128; DIRECT"; }';
const RAW = {
  '/lf.pac': `HTTP/1.0 200 OK\nContent-Type: ${PAC}\n\n${SMALL}`,
  '/chunked-lf.pac': `HTTP/1.1 200 OK\nContent-Type: ${PAC}\nTransfer-Encoding: chunked\n\n10\n${SMALL.slice(0, 16)}\n${(SMALL.length - 16).toString(16)}\n${SMALL.slice(16)}\n0\n\n`,
  '/continue.pac': `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: ${PAC}\r\nContent-Length: ${SMALL.length}\r\n\r\n${SMALL}`,
  '/http09.pac': SMALL,
};
const server = http.createServer((req, res) => {
  const raw = RAW[req.url ?? ''];
  if (raw !== undefined) return res.socket.end(raw);
  if (req.url === '/login') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Sign in</title>');
  if (req.url === '/to-outside') return res.writeHead(302, { location: 'http://192.0.2.1/wpad.dat' }).end();
  if (req.url === '/wpad.dat') {
    if (req.headers.host !== 'wpad.lab.example') return res.writeHead(404).end('no such host here');
    return res.writeHead(200, { 'content-type': PAC }).end(routes['/per-target.pac']);
  }
  const body = routes[req.url ?? ''];
  if (body === undefined) return res.writeHead(404).end('not found');
  res.writeHead(200, { 'content-type': PAC }).end(body);
});
server.listen(Number(port), host, () => writeFileSync(ready, 'ready\n'));
