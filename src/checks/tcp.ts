// The TCP check: one connect attempt, timed from the connect call to the handshake.
import net from 'node:net';
import type { Target, TcpObservation } from '../types.js';

export interface TcpCheckOptions {
  timeoutMs: number;
}

const TIMED_OUT = Symbol('timeout');

/**
 * Never rejects: every network outcome is an observation. The timeout is a real deadline on the
 * handshake (not socket.setTimeout, which measures idleness): it aborts a per-attempt signal that
 * destroys the socket, so no socket outlives its attempt. `signal` interrupts the whole run.
 */
export function checkTcp(target: Target, options: TcpCheckOptions, signal: AbortSignal): Promise<TcpObservation> {
  return new Promise((resolve) => {
    const started = performance.now();
    const attempt = new AbortController();
    // Timers count from the event loop's cached clock, which can lag `started`: re-arm for whatever
    // is left so an attempt never gives up before its full timeout.
    const deadline = started + options.timeoutMs;
    const expire = (): void => {
      const left = deadline - performance.now();
      if (left > 0) timer = setTimeout(expire, Math.ceil(left));
      else attempt.abort(TIMED_OUT);
    };
    let timer = setTimeout(expire, options.timeoutMs);
    const interrupt = (): void => attempt.abort(signal.reason);
    signal.addEventListener('abort', interrupt, { once: true });

    const socket = net.connect({ host: target.ip, port: target.port, signal: attempt.signal });
    const finish = (obs: Omit<TcpObservation, 'kind' | 'elapsedMs'>): void => {
      const elapsedMs = performance.now() - started;
      clearTimeout(timer);
      signal.removeEventListener('abort', interrupt);
      socket.destroy();
      resolve({ kind: 'tcp', elapsedMs, ...obs });
    };
    socket.once('connect', () => {
      finish({ outcome: 'connected', localAddress: socket.localAddress ?? '', localPort: socket.localPort ?? 0 });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (attempt.signal.aborted) {
        finish({ outcome: attempt.signal.reason === TIMED_OUT ? 'timeout' : 'interrupted' });
      } else {
        finish({ outcome: 'failed', ...(err.code ? { code: err.code } : {}), ...(err.syscall ? { syscall: err.syscall } : {}) });
      }
    });
  });
}
