// The TCP check: one connect attempt, timed from the connect call to the handshake.
import net from 'node:net';
import type { TcpObservation } from '../../core/types.js';
import { connectHandle, openSocket, type Endpoint } from '../../net/dialer.js';
import { errorName, tcpWrap, type TcpHandle } from '../../net/tcp-handle.js';
import { startDeadline } from './deadline.js';
import { onInterrupt } from './interrupt.js';

/** Where the handshake goes; with `tunnelTo`, `to` is a proxy that will be asked for a tunnel there. */
export interface Dial {
  to: Endpoint;
  tunnelTo?: Endpoint;
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
export function connectTcp(dial: Dial, timeoutMs: number, signal: AbortSignal, keep: boolean): Promise<Connection> {
  const family = net.isIP(dial.to.host);
  if (!keep && !dial.tunnelTo && tcpWrap && family !== 0) return handshakeOnly(dial.to, family as 4 | 6, timeoutMs, signal);
  return connectSocket(dial, timeoutMs, signal, keep);
}

function connectSocket(dial: Dial, timeoutMs: number, signal: AbortSignal, keep: boolean): Promise<Connection> {
  return new Promise((resolve) => {
    // A refusal by the dialer throws here, before any listener: the promise rejects and the run stops (exit 70).
    const socket = openSocket(dial.to, dial.tunnelTo);
    let done = false;
    // A timeout or an interrupt destroys the socket directly: an AbortSignal per attempt would build an AbortError, stack and all, for each.
    const finish = (obs: Outcome, handOver: boolean): void => {
      if (done) return;
      done = true;
      const elapsedMs = deadline.elapsed();
      deadline.cancel();
      stopWaiting();
      socket.removeAllListeners('connect').removeAllListeners('error');
      // Later stages read `socket.errored`; this listener only keeps a late error from crashing the run.
      socket.on('error', ignore);
      if (!handOver) socket.destroy();
      resolve({ observation: { kind: 'tcp', elapsedMs, ...obs }, socket: handOver ? socket : null });
    };
    const deadline = startDeadline(timeoutMs, () => finish({ outcome: 'timeout' }, false));
    const stopWaiting = onInterrupt(signal, () => finish({ outcome: 'interrupted' }, false));
    socket.once('connect', () => {
      finish({ outcome: 'connected', localAddress: socket.localAddress ?? '', localPort: socket.localPort ?? 0 }, keep);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (!keep && err.code === 'ECONNRESET' && err.syscall === 'connect') return finish({ outcome: 'connected', resetAfterHandshake: true }, false);
      finish({ outcome: 'failed', code: err.code ?? 'UNKNOWN', ...(err.syscall ? { syscall: err.syscall } : {}) }, false);
    });
  });
}

/**
 * The handshake alone on a bare handle, closed with a reset once it completes: nothing is sent, so a
 * FIN exchange and a TIME_WAIT entry per target would only load this machine (nmap's connect scan
 * does the same).
 */
function handshakeOnly(to: Endpoint, family: 4 | 6, timeoutMs: number, signal: AbortSignal): Promise<Connection> {
  const wrap = tcpWrap as NonNullable<typeof tcpWrap>;
  return new Promise((resolve) => {
    const handle: TcpHandle = new wrap.TCP(wrap.constants.SOCKET);
    const request = new wrap.TCPConnectWrap();
    let done = false;
    const finish = (obs: Outcome): void => {
      if (done) return;
      done = true;
      const elapsedMs = deadline.elapsed();
      deadline.cancel();
      stopWaiting();
      if (obs.outcome !== 'connected' || handle.reset(ignore) !== 0) handle.close();
      resolve({ observation: { kind: 'tcp', elapsedMs, ...obs }, socket: null });
    };
    const deadline = startDeadline(timeoutMs, () => finish({ outcome: 'timeout' }));
    const stopWaiting = onInterrupt(signal, () => finish({ outcome: 'interrupted' }));
    request.oncomplete = (status) => {
      if (status !== 0) {
        const code = errorName(status);
        // A RST answers a SYN as a refusal; a reset seen at connect came after the SYN-ACK, once the handshake had completed.
        return finish(code === 'ECONNRESET' ? { outcome: 'connected', resetAfterHandshake: true } : { outcome: 'failed', code, syscall: 'connect' });
      }
      const local: { address?: string; port?: number } = {};
      handle.getsockname(local);
      finish({ outcome: 'connected', localAddress: local.address ?? '', localPort: local.port ?? 0 });
    };
    request.address = to.host;
    request.port = to.port;
    const status = connectHandle(handle, request, to, family);
    if (status !== 0) finish({ outcome: 'failed', code: errorName(status), syscall: 'connect' });
  });
}
