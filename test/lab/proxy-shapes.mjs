// Lab proxies that answer CONNECT the way real products do, not the way our lab's squid does; each tunnels to the
// loopback GoTo stand-in (127.0.0.1, the port asked for). Writes READY_FILE once every port listens, and one JSON
// line per request to LOG_FILE: { port, conn, n, auth } (auth: none, basic, basic-bad, ntlm1, ntlm3, other).
// Usage: node proxy-shapes.mjs READY_FILE HOST LOG_FILE PORT=MODE...
//   plain            200 at once                               interim  100 Continue, a pause, then 200
//   lf10             HTTP/1.0 200 with bare LF line ends        banner  an SSH server's banner at once, then silence
//   basic-SHAPE      wants Basic (lab:Lab-Shapes-pw); without it, a 407 of SHAPE
//   ntlm-SHAPE       wants NTLM (any Authenticate that follows its challenge on the same connection); the first
//                    request gets a 407 of SHAPE, the Negotiate message a proper 407 with the challenge
//   ntlm-challenge-close  a proper first 407, then the challenge with Connection: close, and the close
//   SHAPE: close10   HTTP/1.0 407 with a Content-Length, then the close
//          keep11    HTTP/1.1 407 with a Content-Length and no Connection header, then the close
//          rst       HTTP/1.1 407 with a Content-Length, then an RST
//          nolength  HTTP/1.1 407 without a length, and the connection kept open
//          kept      HTTP/1.1 407 with a Content-Length, and the connection kept open (as squid does)
//   pac:FILE         an HTTP server that answers every request with FILE as a PAC
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

const [ready, host, log, ...specs] = process.argv.slice(2);
const BASIC = `Basic ${Buffer.from('lab:Lab-Shapes-pw').toString('base64')}`;
const PAGE = '<html><body><h1>Proxy Authentication Required</h1><p>Sign in to use this proxy.</p></body></html>\n';

/** A 407 in the shape asked for, offering `offer`. */
function deny(socket, shape, offer) {
  const head = (version) => `${version} 407 Proxy Authentication Required\r\nProxy-Authenticate: ${offer}\r\nContent-Type: text/html\r\n`;
  switch (shape) {
    case 'close10':
      socket.end(`${head('HTTP/1.0')}Content-Length: ${PAGE.length}\r\n\r\n${PAGE}`);
      return;
    case 'keep11':
      socket.end(`${head('HTTP/1.1')}Content-Length: ${PAGE.length}\r\n\r\n${PAGE}`);
      return;
    case 'rst':
      // Done with this connection: the next request, or a moment, gets the RST.
      socket.removeAllListeners('data').on('data', () => socket.resetAndDestroy());
      socket.write(`${head('HTTP/1.1')}Content-Length: ${PAGE.length}\r\n\r\n${PAGE}`);
      setTimeout(() => socket.destroyed || socket.resetAndDestroy(), 20);
      return;
    case 'kept':
      socket.write(`${head('HTTP/1.1')}Content-Length: ${PAGE.length}\r\n\r\n${PAGE}`);
      return;
    case 'nolength':
      socket.write(`${head('HTTP/1.1')}\r\n${PAGE}`);
      return;
    default:
      throw new Error(`no shape ${shape}`);
  }
}

/** MS-NLMP 2.2.1.2's Challenge at its smallest: no target name, no target info. */
function challenge() {
  const out = Buffer.alloc(32);
  out.write('NTLMSSP\0', 0, 'latin1');
  out.writeUInt32LE(2, 8);
  out.writeUInt32LE(0x00088205, 20);
  out.write('labchall', 24, 'latin1');
  return out.toString('base64');
}

function authOf(header) {
  if (header === undefined) return 'none';
  if (header.startsWith('Basic ')) return header === BASIC ? 'basic' : 'basic-bad';
  const ntlm = /^NTLM ([A-Za-z0-9+/=]+)$/.exec(header);
  if (ntlm) return `ntlm${Buffer.from(ntlm[1], 'base64').readUInt32LE(8)}`;
  return 'other';
}

function tunnel(socket, target, rest, answer) {
  const port = Number(/:(\d+)$/.exec(target)?.[1]);
  const upstream = net.connect(port, '127.0.0.1', () => {
    socket.write(answer);
    if (rest.length > 0) upstream.write(rest);
    socket.pipe(upstream).pipe(socket);
  });
  upstream.on('error', () => socket.destroy());
  socket.on('close', () => upstream.destroy());
}

let conns = 0;
function proxy(port, mode) {
  return net.createServer((socket) => {
    socket.on('error', () => undefined);
    if (mode === 'banner') return socket.write('SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n');
    const conn = ++conns;
    let n = 0;
    let buffered = Buffer.alloc(0);
    let challenged = false;
    const onData = (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString('latin1');
      const rest = buffered.subarray(end + 4);
      buffered = Buffer.alloc(0);
      const target = /^CONNECT (\S+) HTTP/.exec(head)?.[1] ?? '';
      const auth = authOf(/\r\nproxy-authorization:\s*([^\r\n]*)/i.exec(head)?.[1]?.trim());
      n += 1;
      appendFileSync(log, `${JSON.stringify({ port, conn, n, auth })}\n`);
      const open = (answer) => {
        socket.off('data', onData);
        tunnel(socket, target, rest, answer);
      };
      if (mode === 'plain') {
        open('HTTP/1.1 200 Connection established\r\n\r\n');
      } else if (mode === 'interim') {
        socket.write('HTTP/1.1 100 Continue\r\n\r\n');
        setTimeout(() => open('HTTP/1.1 200 Connection established\r\n\r\n'), 30);
      } else if (mode === 'lf10') {
        open('HTTP/1.0 200 Connection established\nProxy-agent: lab-shapes\n\n');
      } else if (mode.startsWith('basic-')) {
        if (auth === 'basic') open('HTTP/1.1 200 Connection established\r\n\r\n');
        else deny(socket, mode.slice(6), 'Basic realm="lab-shapes"');
      } else if (auth === 'ntlm1') {
        challenged = true;
        const closing = mode === 'ntlm-challenge-close';
        const text = `HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM ${challenge()}\r\nContent-Length: ${PAGE.length}\r\n${closing ? 'Connection: close\r\n' : ''}\r\n${PAGE}`;
        if (closing) socket.end(text);
        else socket.write(text);
      } else if (auth === 'ntlm3' && challenged) {
        open('HTTP/1.1 200 Connection established\r\n\r\n');
      } else {
        // NTLM's first 407: the shape under test; ntlm-challenge-close's is a proper one.
        deny(socket, mode === 'ntlm-challenge-close' ? 'kept' : mode.slice(5), 'NTLM');
      }
    };
    socket.on('data', onData);
  });
}

function pac(file) {
  return http.createServer((req, res) => res.writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' }).end(readFileSync(file)));
}

let listening = 0;
for (const spec of specs) {
  const [port, mode] = [Number(spec.slice(0, spec.indexOf('='))), spec.slice(spec.indexOf('=') + 1)];
  const server = mode.startsWith('pac:') ? pac(mode.slice(4)) : proxy(port, mode);
  server.listen(port, host, () => {
    if (++listening === specs.length) writeFileSync(ready, 'ready\n');
  });
}
