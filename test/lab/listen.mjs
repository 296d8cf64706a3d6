// Lab listener: plays the server end of a scenario on HOST for each PORT; writes READY_FILE once all listen.
// Usage: node listen.mjs READY_FILE MODE HOST PORT... [-- MODE HOST PORT...]...
// (several scenarios in one process, each on its own address: one start-up for a lab of many shapes)
// GoTo's servers, as public material says they behave (shared/research/goto-servers.md):
//   goto        80 redirects to https://<the Host sent>/; 443 is TLS with the goto chain; 8200 and any other
//               port stay silent until spoken to, then answer GoTo's own 400 "Cannot parse request"
//   goto-cdn    goto behind CloudFront: its Via, X-Cache and X-Amz-Cf-* headers on every answer
//   goto-fastly 80 sends 302 to https://www.gotomypc.com/ with Fastly's Via: 1.1 varnish, X-Served-By, X-Cache
//   goto-akamai 80 answers 200 with a page of its own (Server: AkamaiGHost); the rest as goto
//   cloudflare  80: a request by address gets Cloudflare's 403 "Direct IP access not allowed", one by name a 301
//   tls:NAME    TLS with $LAB_PKI/NAME.key and NAME.chain.pem (media, edge, platform, expired: GoTo's other
//               certificates; inspect, zscaler, extra: an inspecting middlebox's), then answer like http
// Middleboxes and other ends:
//   blockpage   answer the first data with a FortiGate block page (403)
//   file:PATH   answer the first data with PATH's bytes as they are, in one write, and close: a whole answer, or a page
//               with no head at all (HTTP/0.9)
//   body:PATH   answer the first data with PATH's bytes as the body of a neutral 200 (text/html, its length, close)
//   hugehead    answer with a status line, squid's Via, then 10 MB of headers, as fast as the client reads them
//   endless:PATH answer with a chunked 200 whose first chunk is PATH's bytes, then chunks of padding without end
//               (until the client goes; at most 256 MB)
//   banner      another service: an SSH server's banner at once, before the client has said anything; then it listens
//   close       accept and destroy at once
//   http        answer the first data with a tiny 200 (Server: lab-http)
//   negotiate   a proxy that wants Windows sign-in only: every request gets 407 with Proxy-Authenticate: Negotiate
//   silent      accept and never write, until the client closes
//   reset       an RST on the first data, after a completed handshake
//   rst         accept and reset at once: the RST often arrives before the client has seen its handshake complete
// For g2probe hold:
//   poll        a poll server that keeps its connections: every request gets a small keep-alive 200, TLS (goto
//               chain) on 443, plain on any other port
//   poll-chunked  the same, its answers chunked and written in two parts (no Content-Length)
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const [ready, ...groups] = process.argv.slice(2);

const OK = 'HTTP/1.1 200 OK\r\nServer: lab-http\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello';
// nmap-service-probes' "GotoMeeting httpd", byte for byte.
const GOTO_400_BODY = '400 Bad Request Cannot parse request\r\n';
const GOTO_400 = `HTTP/1.0 400 Bad Request \r\nContent-Type: text/plain\r\nContent-Length: ${GOTO_400_BODY.length}\r\n\r\n${GOTO_400_BODY}`;
const NEGOTIATE_407_BODY = 'Windows sign-in required\r\n';
const NEGOTIATE_407 = `HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Negotiate\r\nContent-Length: ${NEGOTIATE_407_BODY.length}\r\nConnection: close\r\n\r\n${NEGOTIATE_407_BODY}`;
const CDN = {
  'goto-cdn': 'Via: 1.1 5f3a1b2c3d4e.cloudfront.net (CloudFront)\r\nX-Cache: Miss from cloudfront\r\nX-Amz-Cf-Pop: FRA56-P1\r\nX-Amz-Cf-Id: lab-3fa1\r\n',
  'goto-fastly': 'Via: 1.1 varnish\r\nX-Served-By: cache-fra-lab1-FRA\r\nX-Cache: HIT\r\n',
  'goto-akamai': 'Server: AkamaiGHost\r\n',
};
const FORTIGATE = '<html><head><title>Web Filter Block Override</title></head><body><h1>FortiGuard Intrusion Prevention - Access Blocked</h1><p>The page you have requested has been blocked because the URL is banned by your network policy.</p></body></html>';
const BLOCK_PAGE = `HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nContent-Length: ${FORTIGATE.length}\r\nConnection: close\r\n\r\n${FORTIGATE}`;
const CLOUDFLARE_1003 = '<!DOCTYPE html><html><head><title>Direct IP access not allowed | Cloudflare</title></head><body><h1>Error 1003</h1><p>Direct IP access not allowed</p></body></html>';

// A client that resets or vanishes must not crash the listener: the scenario, not the lab, decides the outcome.
const quiet = (socket) => socket.on('error', () => undefined);
const answer = (text) => (socket) => quiet(socket).once('data', () => socket.end(text));
// Reading keeps the peer's window open and lets 'end' arrive; with allowHalfOpen false that closes our side too.
const silent = (socket) => quiet(socket).resume();
const close = (socket) => socket.destroy();
const reset = (socket) => quiet(socket).once('data', () => socket.resetAndDestroy());
const rst = (socket) => quiet(socket).resetAndDestroy();
const PONG = 'HTTP/1.1 200 OK\r\nServer: lab-poll\r\nContent-Length: 4\r\nConnection: keep-alive\r\n\r\npong';
const poll = (socket) => quiet(socket).on('data', () => socket.write(PONG));
const PONG_HEAD = 'HTTP/1.1 200 OK\r\nServer: lab-poll\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n';
const pollChunked = (socket) => quiet(socket).on('data', () => {
  socket.write(`${PONG_HEAD}2\r\npo\r\n`);
  setTimeout(() => socket.writable && socket.write('2\r\nng\r\n0\r\n\r\n'), 20);
});
const banner = (socket) => quiet(socket).resume().write('SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n');

/** `first`, then `next()` pieces as the client takes them, until `limit` bytes or the client goes; `last` ends it. */
function stream(socket, first, next, limit, last = '') {
  let sent = 0;
  let open = true;
  quiet(socket).on('close', () => { open = false; });
  const pump = () => {
    while (open && sent < limit) {
      const piece = next();
      sent += piece.length;
      if (!socket.write(piece)) return void socket.once('drain', pump);
    }
    if (open) socket.end(last);
  };
  socket.once('data', () => {
    socket.write(first);
    pump();
  });
}

const MB = 1024 * 1024;
const hugehead = (socket) => stream(socket, 'HTTP/1.1 200 OK\r\nVia: 1.1 filter.lab (squid/6.10)\r\n', () => `X-Pad: ${'x'.repeat(1000)}\r\n`, 10 * MB, '\r\n');
function endless(page) {
  const head = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n${page.length.toString(16)}\r\n`), page, Buffer.from('\r\n')]);
  const pad = `1000\r\n${' '.repeat(0x1000)}\r\n`;
  return (socket) => stream(socket, head, () => pad, 256 * MB);
}
const neutral200 = (page) => Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\nConnection: close\r\n\r\n`), page]);

/** The Host header of a request, lower-cased, or ''. */
function hostOf(data) {
  return /\r\nhost:\s*([^\r\n]*)/i.exec(data.toString('latin1'))?.[1]?.trim().toLowerCase() ?? '';
}

/** Port 80 of GoTo's web servers: a redirect to https on the name asked for, with the CDN's headers if any. */
function web(kind, host) {
  return (socket) => quiet(socket).once('data', (data) => {
    const asked = hostOf(data);
    const cdn = CDN[kind] ?? '';
    if (kind === 'goto-fastly') return socket.end(`HTTP/1.1 302 Found\r\nLocation: https://www.gotomypc.com/\r\n${cdn}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    if (kind === 'goto-akamai') return socket.end(`HTTP/1.1 200 OK\r\n${cdn}Content-Type: text/html\r\nContent-Length: 15\r\nConnection: close\r\n\r\n<html>Hi</html>`);
    if (kind === 'cloudflare' && net.isIP(asked.replace(/^\[|\]$/g, '')) !== 0) {
      return socket.end(`HTTP/1.1 403 Forbidden\r\nServer: cloudflare\r\nCF-Ray: 8d2f-FRA\r\nContent-Type: text/html\r\nContent-Length: ${CLOUDFLARE_1003.length}\r\nConnection: close\r\n\r\n${CLOUDFLARE_1003}`);
    }
    const server = kind === 'cloudflare' ? 'Server: cloudflare\r\nCF-Ray: 8d2f-FRA\r\n' : '';
    socket.end(`HTTP/1.1 301 Moved Permanently\r\nLocation: https://${asked || host}/\r\n${cdn}${server}Content-Length: 0\r\nConnection: close\r\n\r\n`);
  });
}

function tlsServer(name, then) {
  const dir = process.env.LAB_PKI;
  if (!dir) throw new Error(`listen.mjs: mode needs LAB_PKI for the ${name} chain`);
  const server = tls.createServer(
    { key: readFileSync(`${dir}/${name}.key`), cert: readFileSync(`${dir}/${name}.chain.pem`) },
    then,
  );
  // A client that rejects our certificate aborts the handshake; that is a scenario outcome, not a lab fault.
  server.on('tlsClientError', () => undefined);
  return server;
}

const GOTO_MODES = ['goto', 'goto-cdn', 'goto-fastly', 'goto-akamai', 'cloudflare'];

function server(mode, host, port) {
  if (GOTO_MODES.includes(mode)) {
    if (port === 80) return net.createServer(web(mode, host));
    if (port === 443) return tlsServer('goto', answer(OK));
    return net.createServer(answer(GOTO_400));
  }
  if (mode === 'poll') return port === 443 ? tlsServer('goto', poll) : net.createServer(poll);
  if (mode === 'poll-chunked') return port === 443 ? tlsServer('goto', pollChunked) : net.createServer(pollChunked);
  if (mode.startsWith('tls:')) return tlsServer(mode.slice(4), answer(OK));
  const colon = mode.indexOf(':');
  const [kind, path] = colon < 0 ? [mode, ''] : [mode.slice(0, colon), mode.slice(colon + 1)];
  if (kind === 'file') return net.createServer(answer(readFileSync(path)));
  if (kind === 'body') return net.createServer(answer(neutral200(readFileSync(path))));
  if (kind === 'endless') return net.createServer(endless(readFileSync(path)));
  const handlers = { blockpage: answer(BLOCK_PAGE), close, http: answer(OK), silent, reset, rst, negotiate: answer(NEGOTIATE_407), hugehead, banner };
  if (!(mode in handlers)) throw new Error(`listen.mjs: unknown mode ${mode}`);
  return net.createServer(handlers[mode]);
}

/** [mode, host, port] for every listener the arguments ask for. */
const listeners = [];
for (let at = 0; at < groups.length;) {
  const end = groups.indexOf('--', at) < 0 ? groups.length : groups.indexOf('--', at);
  const [mode, host, ...ports] = groups.slice(at, end);
  for (const port of ports) listeners.push([mode, host, Number(port)]);
  at = end + 1;
}
let listening = 0;
for (const [mode, host, port] of listeners) {
  server(mode, host, port).listen(port, host, () => {
    if (++listening === listeners.length) writeFileSync(ready, 'ready\n');
  });
}
