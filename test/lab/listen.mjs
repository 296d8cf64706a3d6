// Lab listener: plays the server end of a scenario on HOST for each PORT; writes READY_FILE once all listen.
// Usage: node listen.mjs READY_FILE MODE HOST PORT...
//   goto      a GoToMyPC stand-in: 80 redirects to https, 443 is TLS with the goto chain, others swallow data
//   close     accept and destroy at once
//   http      answer the first data with a tiny 200 (Server: lab-http)
//   tls:NAME  TLS with $LAB_PKI/NAME.key and NAME.chain.pem, then answer like http
//   silent    accept and never write, until the client closes
//   reset     an RST on the first data, after a completed handshake
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const [ready, mode, host, ...ports] = process.argv.slice(2);

const OK = 'HTTP/1.1 200 OK\r\nServer: lab-http\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello';
// What www.gotomypc.com says on plain http; no Server header, so anything that adds one is a middlebox.
const MOVED = 'HTTP/1.1 301 Moved Permanently\r\nLocation: https://www.gotomypc.com/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';

// A client that resets or vanishes must not crash the listener: the scenario, not the lab, decides the outcome.
const quiet = (socket) => socket.on('error', () => undefined);
const answer = (text) => (socket) => quiet(socket).once('data', () => socket.end(text));
// Reading keeps the peer's window open and lets 'end' arrive; with allowHalfOpen false that closes our side too.
const silent = (socket) => quiet(socket).resume();
const close = (socket) => socket.destroy();
const reset = (socket) => quiet(socket).once('data', () => socket.resetAndDestroy());

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

function server(port) {
  if (mode === 'goto') {
    if (port === 80) return net.createServer(answer(MOVED));
    if (port === 443) return tlsServer('goto', answer(OK));
    return net.createServer(silent);
  }
  if (mode.startsWith('tls:')) return tlsServer(mode.slice(4), answer(OK));
  const handlers = { close, http: answer(OK), silent, reset };
  if (!(mode in handlers)) throw new Error(`listen.mjs: unknown mode ${mode}`);
  return net.createServer(handlers[mode]);
}

let listening = 0;
for (const port of ports.map(Number)) {
  server(port).listen(port, host, () => {
    if (++listening === ports.length) writeFileSync(ready, 'ready\n');
  });
}
