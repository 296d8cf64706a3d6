// Where reports go: stdout, and what a file that cannot be written is told as (the files: output-file.ts).
import { describeFsError } from '../core/errors.js';

/** Exit code for an output file that cannot be created or written (EX_CANTCREAT). */
export const EXIT_CANTCREAT = 73;

const FLUSH_AT = 64 * 1024;

/** Collects small writes into large ones: stdout to a pipe is synchronous on Linux, so each write costs a syscall. */
export class BufferedWriter {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly sink: (data: string) => void) {}

  readonly write = (chunk: string): void => {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= FLUSH_AT) this.flush();
  };

  flush(): void {
    if (this.size === 0) return;
    const data = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    this.sink(data);
  }
}

let stdoutState: 'new' | 'open' | 'gone' = 'new';

/** A reader that went away (`| head`) is not g2probe's failure: the rest of the output is dropped. */
export function writeStdout(data: string | Uint8Array): void {
  if (stdoutState === 'gone') return;
  if (stdoutState === 'new') {
    stdoutState = 'open';
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      stdoutState = 'gone';
    });
  }
  process.stdout.write(data);
}

/** Why a file could not be written, in the words of a one-line message. */
export function describeWriteError(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOSPC': return 'no space left on device';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'EROFS': return 'read-only file system';
    case 'ENOTDIR': return 'part of the path is not a directory';
    case 'EIO': return 'input/output error';
    case 'EFBIG': return 'file too large';
    case 'ELOOP': return 'too many symbolic links';
    case 'ENXIO': return 'no such device, or nothing reads at the other end';
    default: return describeFsError(err);
  }
}
