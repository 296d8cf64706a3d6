// The benchmarks' listener: accepts on every loopback address for each PORT and closes at once.
// Usage: node sink.mjs READY_FILE PORT...   (writes READY_FILE once all ports listen)
import { writeFileSync } from 'node:fs';
import net from 'node:net';

const [ready, ...ports] = process.argv.slice(2);
// A big backlog: at concurrency 1024 the handshakes arrive faster than one accept loop drains them.
await Promise.all(ports.map((port) => new Promise((resolve) => {
  net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.destroy();
  }).listen({ host: '0.0.0.0', port: Number(port), backlog: 8192 }, resolve);
})));
writeFileSync(ready, 'ready');
