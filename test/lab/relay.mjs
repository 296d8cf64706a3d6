// Lab middlebox: relays each connection on HOST:PORT to UPSTREAM_HOST:UPSTREAM_PORT, and cuts it as MODE says;
// writes READY_FILE once it listens.
// Usage: node relay.mjs READY_FILE HOST PORT UPSTREAM_HOST UPSTREAM_PORT MODE MS
//   lifetime MS   reset both sides MS after the connection opened, however busy it is (a session-lifetime limit)
//   idle MS       after MS without a byte either way, stop relaying and drop whatever comes (silence), as a
//                 stateful firewall does once its entry for the connection has expired
import { writeFileSync } from 'node:fs';
import net from 'node:net';

const [ready, host, port, upHost, upPort, mode, ms] = process.argv.slice(2);
const limit = Number(ms);
if (!['lifetime', 'idle'].includes(mode) || !(limit > 0)) throw new Error(`relay.mjs: bad mode ${mode} ${ms}`);

net.createServer((client) => {
  const server = net.connect(Number(upPort), upHost);
  for (const s of [client, server]) s.on('error', () => undefined);
  let dropped = false;
  const pass = (from, to) => from.on('data', (chunk) => { if (!dropped) { to.write(chunk); touch(); } });
  let timer = null;
  const cut = () => {
    if (mode === 'lifetime') { client.resetAndDestroy(); server.resetAndDestroy(); } else dropped = true;
  };
  const touch = () => {
    if (mode !== 'idle' || dropped) return;
    clearTimeout(timer);
    timer = setTimeout(cut, limit);
  };
  if (mode === 'lifetime') timer = setTimeout(cut, limit);
  touch();
  pass(client, server);
  pass(server, client);
  client.on('close', () => { clearTimeout(timer); server.destroy(); });
  server.on('close', () => { clearTimeout(timer); client.destroy(); });
}).listen(Number(port), host, () => writeFileSync(ready, 'ready\n'));
