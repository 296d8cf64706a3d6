// Lab listener: accepts TCP on HOST for each PORT and closes at once; writes READY_FILE when all listen.
// Usage: node listen.mjs READY_FILE HOST PORT...
import { writeFileSync } from 'node:fs';
import net from 'node:net';

const [ready, host, ...ports] = process.argv.slice(2);
let listening = 0;
for (const port of ports) {
  net.createServer((socket) => socket.destroy()).listen(Number(port), host, () => {
    if (++listening === ports.length) writeFileSync(ready, 'ready\n');
  });
}
