// Where reports go: stdout, and --out files that appear whole or not at all.
import { closeSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeFsError, fail, quote } from '../core/errors.js';

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
export function writeStdout(data: string): void {
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
    default: return describeFsError(err);
  }
}

/**
 * Writes to a temporary file beside the target and renames it into place on commit, so a reader
 * never sees half a report. A write failure (disk full) is kept, not thrown: the run goes on.
 */
export class AtomicFile {
  readonly tempPath: string;
  private fd: number | null;
  failure: NodeJS.ErrnoException | null = null;

  constructor(readonly path: string) {
    // The rename onto a directory would fail only at commit, after the whole run.
    if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    }
    this.tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    this.fd = openSync(this.tempPath, 'wx', 0o644);
    // process.exit (a second Ctrl-C) skips commit and discard.
    process.once('exit', this.discard);
  }

  readonly write = (data: string | Uint8Array): void => {
    if (this.fd === null || this.failure) return;
    try {
      // writeSync may take part of the data on a nearly full disk and drop the rest without an error.
      writeFileSync(this.fd, data);
    } catch (err) {
      this.failure = err as NodeJS.ErrnoException;
    }
  };

  /** Returns the failure, if any; on success the file is in place. */
  commit(): NodeJS.ErrnoException | null {
    if (this.fd === null) return this.failure;
    try {
      if (!this.failure) fsyncSync(this.fd);
    } catch (err) {
      this.failure = err as NodeJS.ErrnoException;
    }
    this.close();
    if (!this.failure) {
      try {
        renameSync(this.tempPath, this.path);
      } catch (err) {
        this.failure = err as NodeJS.ErrnoException;
      }
    }
    if (this.failure) this.discard();
    else process.removeListener('exit', this.discard);
    return this.failure;
  }

  readonly discard = (): void => {
    process.removeListener('exit', this.discard);
    this.close();
    try {
      unlinkSync(this.tempPath);
    } catch {
      // already gone
    }
  };

  private close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * A whole output (--html's page, --bundle's zip) to `path`, whole or not at all: exit 0, or one line naming the
 * flag, the path and the reason and EXIT_CANTCREAT (73), as --out does.
 */
export function writeWhole(flag: string, path: string, data: string | Uint8Array): number {
  let file: AtomicFile;
  try {
    file = new AtomicFile(path);
  } catch (err) {
    fail(`cannot write ${flag} ${quote(path)}: ${describeWriteError(err)}`);
    return EXIT_CANTCREAT;
  }
  file.write(data);
  const failure = file.commit();
  if (failure) {
    fail(`cannot write ${flag} ${quote(path)}: ${describeWriteError(failure)}`);
    return EXIT_CANTCREAT;
  }
  return 0;
}
