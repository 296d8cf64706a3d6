// The TCP check: one connect attempt, timed from the connect call to the handshake.
import net from 'node:net';
import type { TcpObservation } from '../types.js';
import { startDeadline } from './deadline.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface Connection {
  observation: TcpObservation;
  /** The connected socket, handed to the next stage; null when the handshake did not complete. */
  socket: net.Socket | null;
}

const TIMED_OUT = Symbol('timeout');

function ignore(): void {}

/**
 * Never rejects: every network outcome is an observation. The timeout is a real deadline on the
 * handshake (not socket.setTimeout, which measures idleness): it aborts a per-attempt signal that
 * destroys the socket, so no socket outlives its attempt. `signal` interrupts the whole run.
 * With `keep`, a connected socket is returned for the checks that follow; otherwise it is closed.
 */
export function connectTcp(to: Endpoint, timeoutMs: number, signal: AbortSignal, keep: boolean): Promise<Connection> {
  return new Promise((resolve) => {
    const attempt = new AbortController();
    const deadline = startDeadline(timeoutMs, () => attempt.abort(TIMED_OUT));
    const interrupt = (): void => attempt.abort(signal.reason);
    signal.addEventListener('abort', interrupt, { once: true });

    const socket = net.connect({ host: to.host, port: to.port, signal: attempt.signal });
    const finish = (obs: Omit<TcpObservation, 'kind' | 'elapsedMs'>, handOver: boolean): void => {
      const elapsedMs = deadline.elapsed();
      deadline.cancel();
      signal.removeEventListener('abort', interrupt);
      socket.removeAllListeners('connect').removeAllListeners('error');
      // Later stages read `socket.errored`; this listener only keeps a late error from crashing the run.
      socket.on('error', ignore);
      if (!handOver) socket.destroy();
      resolve({ observation: { kind: 'tcp', elapsedMs, ...obs }, socket: handOver ? socket : null });
    };
    socket.once('connect', () => {
      finish({ outcome: 'connected', localAddress: socket.localAddress ?? '', localPort: socket.localPort ?? 0 }, keep);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (attempt.signal.aborted) {
        finish({ outcome: attempt.signal.reason === TIMED_OUT ? 'timeout' : 'interrupted' }, false);
      } else {
        finish({ outcome: 'failed', ...(err.code ? { code: err.code } : {}), ...(err.syscall ? { syscall: err.syscall } : {}) }, false);
      }
    });
  });
}
