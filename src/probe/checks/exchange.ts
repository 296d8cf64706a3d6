// One bounded exchange on a connected socket: optionally write, then read until enough, closed, or the deadline.
import type { Socket } from 'node:net';
import { startDeadline } from './deadline.js';
import { onInterrupt } from './interrupt.js';

export interface ExchangeOptions {
  /** Sent first, when given. */
  send?: string;
  /** How many bytes of the answer decide the check; how much is read is capped here. */
  maxBytes: number;
  /** True once the bytes read hold everything the check needs (a whole answer, say): `size` of them, `chunk` just arrived, `data()` all of them. */
  enough?: (size: number, chunk: Buffer, data: () => Buffer) => boolean;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ExchangeResult {
  /** `enough`: the check has what it needs; `quiet`: the deadline passed (with or without data). */
  outcome: 'enough' | 'quiet' | 'closed' | 'failed' | 'interrupted';
  data: Buffer;
  code?: string;
  elapsedMs: number;
}

/**
 * Reads in paused mode and leaves the socket paused with nothing lost, so a later stage (a TLS
 * handshake through a proxy tunnel) can take over. Never rejects: a reset is an outcome.
 */
export function exchange(socket: Socket, options: ExchangeOptions): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const deadline = startDeadline(options.timeoutMs, () => finish('quiet'));
    let stopWaiting = (): void => {};
    let overflow: Buffer | null = null;
    const data = (): Buffer => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));

    function finish(outcome: ExchangeResult['outcome'], code?: string): void {
      if (done) return;
      done = true;
      deadline.cancel();
      stopWaiting();
      socket.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
      socket.pause();
      // Put back only once paused and unheard: inside a flowing 'data' handler, unshift() is emitted again at once.
      if (overflow !== null) socket.unshift(overflow);
      resolve({ outcome, data: data(), ...(code ? { code } : {}), elapsedMs: deadline.elapsed() });
    }
    function onData(chunk: Buffer): void {
      const room = options.maxBytes - size;
      if (chunk.length > room) {
        // Whatever is past the cap stays in the socket for the next reader.
        overflow = chunk.subarray(room);
        chunk = chunk.subarray(0, room);
      }
      chunks.push(chunk);
      size += chunk.length;
      if (size >= options.maxBytes || options.enough?.(size, chunk, data)) finish('enough');
    }
    function onEnd(): void {
      finish('closed');
    }
    function onError(err: NodeJS.ErrnoException): void {
      finish('failed', err.code ?? 'UNKNOWN');
    }

    if (options.signal.aborted) return finish('interrupted');
    if (socket.errored) return finish('failed', (socket.errored as NodeJS.ErrnoException).code ?? 'UNKNOWN');
    if (socket.destroyed || socket.readableEnded) return finish('closed');
    stopWaiting = onInterrupt(options.signal, () => finish('interrupted'));
    // A 'data' listener does not restart a socket an earlier exchange paused: resume explicitly.
    socket.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError).resume();
    if (options.send !== undefined) socket.write(options.send);
  });
}
