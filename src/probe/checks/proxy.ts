// Through an explicit proxy: ask it with CONNECT for a tunnel to the target, and read its answer.
import type { Socket } from 'node:net';
import { headEnd, parseResponseHead } from '../../core/http-head.js';
import type { Proxy } from '../../core/proxy.js';
import type { ProxyObservation } from '../../core/types.js';
import { VERSION } from '../../core/version.js';
import { exchange } from './exchange.js';

const MAX_HEAD = 16 * 1024;

/** `host:port` as CONNECT wants it, IPv6 in brackets. */
function authority(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * Never rejects. On 200 the socket is the tunnel, positioned just after the proxy's head, for the
 * checks that follow. The credentials go on the wire and nowhere else.
 */
export async function openTunnel(socket: Socket, target: { ip: string; port: number }, proxy: Proxy, timeoutMs: number, signal: AbortSignal): Promise<ProxyObservation> {
  const where = authority(target.ip, target.port);
  const auth = proxy.authorization();
  const request = `CONNECT ${where} HTTP/1.1\r\nHost: ${where}\r\nUser-Agent: g2probe/${VERSION}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}\r\n`;
  const result = await exchange(socket, { send: request, maxBytes: MAX_HEAD, enough: (data) => headEnd(data) >= 0, timeoutMs, signal });
  const base = { kind: 'proxy' as const, credentialsSent: auth !== null, elapsedMs: result.elapsedMs };
  const head = parseResponseHead(result.data);
  if (head) {
    // A 200's head ends the proxy's part: anything after it already belongs to the target.
    if (result.data.length > head.headLength) socket.unshift(result.data.subarray(head.headLength));
    return { ...base, outcome: 'answered', status: head.status, statusText: head.statusText, headers: head.headers };
  }
  switch (result.outcome) {
    case 'interrupted': return { ...base, outcome: 'interrupted' };
    case 'failed': return { ...base, outcome: 'failed', code: result.code ?? 'UNKNOWN' };
    case 'closed': return { ...base, outcome: 'closed' };
    default: return { ...base, outcome: 'timeout' };
  }
}
