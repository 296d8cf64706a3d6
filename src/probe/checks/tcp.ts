// The TCP check: one connect attempt, timed from the connect call to the handshake.
import net from 'node:net';
import type { TcpObservation } from '../../core/types.js';
import { connectHandle, openSocket, type Endpoint } from '../../net/dialer.js';
import { errorName, tcpWrap, type TcpHandle } from '../../net/tcp-handle.js';
import { settleOnce } from './settle.js';

/** Where the handshake goes; with `tunnelTo`, `to` is a proxy that will be asked for a tunnel there. */
export interface Dial {
  to: Endpoint;
  tunnelTo?: Endpoint;
}

/** How one handshake goes: its deadline, the run's interrupt, and what becomes of the socket once connected. */
export interface HandshakeOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** Hand the connected socket to the stages that follow; otherwise the handshake is the whole check and it is closed. */
  keep: boolean;
}

export interface Connection {
  observation: TcpObservation;
  /** The connected socket, handed to the next stage; null when the handshake did not complete. */
  socket: net.Socket | null;
}

/** An observation without what finishing adds: its kind and the time taken. */
type Outcome = TcpObservation extends infer O ? (O extends TcpObservation ? Omit<O, 'kind' | 'elapsedMs'> : never) : never;

function ignore(): void {}

/**
 * Every network outcome is an observation; only the dialer's refusal, a fault, rejects. The timeout is a
 * real deadline on the handshake (not socket.setTimeout, which measures idleness) and closes the socket,
 * so no socket outlives its attempt. `signal` interrupts the whole run. With `keep`, a connected socket is
 * returned for the checks that follow; otherwise it is closed, and a bare handle does the work.
 */
export function connectTcp(dial: Dial, options: HandshakeOptions): Promise<Connection> {
  const family = net.isIP(dial.to.host);
  if (!options.keep && !dial.tunnelTo && tcpWrap && family !== 0) return handshakeOnly(dial.to, family as 4 | 6, options);
  return connectSocket(dial, options);
}

/** Neither the deadline nor an interrupt builds an AbortError (stack and all) per attempt: they only settle the wait. */
const LIMITS = { expired: (): Outcome => ({ outcome: 'timeout' }), interrupted: (): Outcome => ({ outcome: 'interrupted' }) };

function connectSocket(dial: Dial, { timeoutMs, signal, keep }: HandshakeOptions): Promise<Connection> {
  return settleOnce<Outcome, Connection>({ timeoutMs, signal, ...LIMITS }, (settle) => {
    // A refusal by the dialer throws here, before any listener: the promise rejects and the run stops (exit 70).
    const socket = openSocket(dial.to, dial.tunnelTo);
    socket.once('connect', () => settle({ outcome: 'connected', localAddress: socket.localAddress ?? '', localPort: socket.localPort ?? 0 }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (!keep && err.code === 'ECONNRESET' && err.syscall === 'connect') return settle({ outcome: 'connected', resetAfterHandshake: true });
      settle({ outcome: 'failed', code: err.code ?? 'UNKNOWN', ...(err.syscall ? { syscall: err.syscall } : {}) });
    });
    return (seen, elapsedMs) => {
      socket.removeAllListeners('connect').removeAllListeners('error');
      // Later stages read `socket.errored`; this listener only keeps a late error from crashing the run.
      socket.on('error', ignore);
      const handOver = keep && seen.outcome === 'connected';
      if (!handOver) socket.destroy();
      return { observation: { kind: 'tcp', elapsedMs, ...seen }, socket: handOver ? socket : null };
    };
  });
}

/**
 * The handshake alone on a bare handle, closed with a reset once it completes: nothing is sent, so a
 * FIN exchange and a TIME_WAIT entry per target would only load this machine (nmap's connect scan
 * does the same).
 */
function handshakeOnly(to: Endpoint, family: 4 | 6, { timeoutMs, signal }: HandshakeOptions): Promise<Connection> {
  const wrap = tcpWrap as NonNullable<typeof tcpWrap>;
  return settleOnce<Outcome, Connection>({ timeoutMs, signal, ...LIMITS }, (settle) => {
    const handle: TcpHandle = new wrap.TCP(wrap.constants.SOCKET);
    const request = new wrap.TCPConnectWrap();
    request.oncomplete = (status) => {
      if (status !== 0) {
        const code = errorName(status);
        // A RST answers a SYN as a refusal; a reset seen at connect came after the SYN-ACK, once the handshake had completed.
        return settle(code === 'ECONNRESET' ? { outcome: 'connected', resetAfterHandshake: true } : { outcome: 'failed', code, syscall: 'connect' });
      }
      const local: { address?: string; port?: number } = {};
      handle.getsockname(local);
      settle({ outcome: 'connected', localAddress: local.address ?? '', localPort: local.port ?? 0 });
    };
    request.address = to.host;
    request.port = to.port;
    const status = connectHandle(handle, request, to, family);
    if (status !== 0) settle({ outcome: 'failed', code: errorName(status), syscall: 'connect' });
    return (seen, elapsedMs) => {
      if (seen.outcome !== 'connected' || handle.reset(ignore) !== 0) handle.close();
      return { observation: { kind: 'tcp', elapsedMs, ...seen }, socket: null };
    };
  });
}
