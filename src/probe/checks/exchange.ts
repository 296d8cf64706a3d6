// One bounded exchange on a connected socket: optionally write, then read until enough, closed, or the deadline.
import type { Socket } from 'node:net';
import { settleOnce } from './settle.js';

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

/** How an exchange ended, and the socket's code when it failed. */
type Ended = { outcome: ExchangeResult['outcome']; code?: string };

/**
 * Reads in paused mode and leaves the socket paused with nothing lost, so a later stage (a TLS
 * handshake through a proxy tunnel) can take over. Never rejects: a reset is an outcome.
 */
export function exchange(socket: Socket, options: ExchangeOptions): Promise<ExchangeResult> {
  const limits = { timeoutMs: options.timeoutMs, signal: options.signal, expired: (): Ended => ({ outcome: 'quiet' }), interrupted: (): Ended => ({ outcome: 'interrupted' }) };
  return settleOnce<Ended, ExchangeResult>(limits, (settle) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow: Buffer | null = null;
    const data = (): Buffer => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));

    function onData(chunk: Buffer): void {
      const room = options.maxBytes - size;
      if (chunk.length > room) {
        // Whatever is past the cap stays in the socket for the next reader.
        overflow = chunk.subarray(room);
        chunk = chunk.subarray(0, room);
      }
      chunks.push(chunk);
      size += chunk.length;
      if (size >= options.maxBytes || options.enough?.(size, chunk, data)) settle({ outcome: 'enough' });
    }
    function onEnd(): void {
      settle({ outcome: 'closed' });
    }
    function onError(err: NodeJS.ErrnoException): void {
      settle({ outcome: 'failed', code: err.code ?? 'UNKNOWN' });
    }

    if (options.signal.aborted) settle({ outcome: 'interrupted' });
    else if (socket.errored) settle({ outcome: 'failed', code: (socket.errored as NodeJS.ErrnoException).code ?? 'UNKNOWN' });
    else if (socket.destroyed || socket.readableEnded) settle({ outcome: 'closed' });
    else {
      // A 'data' listener does not restart a socket an earlier exchange paused: resume explicitly.
      socket.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError).resume();
      if (options.send !== undefined) socket.write(options.send);
    }
    return ({ outcome, code }, elapsedMs) => {
      socket.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
      socket.pause();
      // Put back only once paused and unheard: inside a flowing 'data' handler, unshift() is emitted again at once.
      if (overflow !== null) socket.unshift(overflow);
      return { outcome, data: data(), ...(code ? { code } : {}), elapsedMs };
    };
  });
}
