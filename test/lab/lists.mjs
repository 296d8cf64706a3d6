// Lab range-list server (HTTPS): one path per way a --ranges-url download can go; writes READY_FILE once it listens.
// Usage: node lists.mjs READY_FILE HOST PORT CERT_PEM KEY_PEM
//   /good        a valid list of loopback ranges, with an ETag; 304 when If-None-Match matches it
//   /html        a login page (text/html)              /html-plain  the same page sent as text/plain
//   /big         2 MiB of valid lines                  /huge-length a Content-Length over the cap
//   /bad-line    a valid line, then garbage            /empty       only comments
//   /outside     a documentation range (the guard refuses it; parsed only)
//   /silent      the head never comes                  /status-500  a server error
//   /to-http     a redirect to http://                 /to-good     a redirect to /good
//   /binary      NUL bytes                            /to-outside  a redirect to https://192.0.2.1/ (never followed)
import https from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';

const [ready, host, port, cert, key] = process.argv.slice(2);
const GOOD = '# lab list\n127.0.0.1/32\n127.0.0.2\n';
const ETAG = '"lab-good-1"';

const routes = {
  '/good': (req, res) => {
    if (req.headers['if-none-match'] === ETAG) return res.writeHead(304, { etag: ETAG }).end();
    res.writeHead(200, { 'content-type': 'text/plain', etag: ETAG }).end(GOOD);
  },
  '/html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Sign in</title>'),
  '/html-plain': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('<!doctype html><title>Sign in</title>'),
  '/big': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const line = '127.0.0.1/32\n';
    res.end(line.repeat(Math.ceil((2 * 1024 * 1024) / line.length)));
  },
  '/huge-length': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(50 * 1024 * 1024) });
    res.write('127.0.0.1/32\n');
  },
  '/bad-line': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('127.0.0.1/32\nnot-a-range\u001b[31mred\u001b[0m\n'),
  '/empty': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('# nothing here\n'),
  '/outside': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('127.0.0.1/32\n192.0.2.0/24\n'),
  '/silent': () => undefined,
  '/status-500': (_req, res) => res.writeHead(500).end('oops'),
  '/to-http': (_req, res) => res.writeHead(302, { location: `http://${host}:${port}/good` }).end(),
  '/to-good': (_req, res) => res.writeHead(301, { location: '/good' }).end(),
  '/to-outside': (_req, res) => res.writeHead(302, { location: 'https://192.0.2.1/goto-ranges.txt' }).end(),
  '/binary': (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0x31, 0, 0, 0x0a])),
};

const server = https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
  const route = routes[req.url ?? ''];
  if (route) route(req, res);
  else res.writeHead(404).end('not found');
});
server.listen(Number(port), host, () => writeFileSync(ready, 'ready\n'));
