// The files a command writes (--out, --html, --bundle, hold's): each checked and opened before anything is
// probed, two on one file refused, and each written as what it is. A regular file (or a new one) appears whole
// or not at all: a temporary file beside it, renamed over it at the end, through any symlink (the link stays).
// A device, a FIFO or this process's own stdout is written in place, never replaced by a file.
import { accessSync, closeSync, constants, fchmodSync, fstatSync, fsyncSync, lstatSync, open as openCallback, openSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError, fail, quote } from '../core/errors.js';
import { EXIT_CANTCREAT, describeWriteError, writeStdout } from './output.js';

/** An output the user asked for: the flag that named it and the path as given. */
export interface OutputRequest {
  flag: string;
  path: string;
}

/** The outputs given, from each flag and its path (null: the flag was not given). */
export function requested(flags: readonly (readonly [flag: string, path: string | null])[]): OutputRequest[] {
  return flags.flatMap(([flag, path]) => (path === null ? [] : [{ flag, path }]));
}

/** An output opened before the run: written as the run goes or at its end, then committed or discarded. */
export interface OutputFile {
  readonly flag: string;
  readonly path: string;
  /** A failure is kept, not thrown: the run goes on, and commit says it. */
  write(data: string | Uint8Array): void;
  /** Null when the output is whole where it belongs; else why not, in a few words. */
  commit(): string | null;
  /** Drops what was written where that can be undone (a temporary file); nothing after a commit. */
  discard(): void;
}

/** Symlinks followed at most, as the kernel's own limit (ELOOP). */
const MAX_LINKS = 40;

type Where =
  | { kind: 'file'; target: string; identity: string; mode: number | null }
  | { kind: 'in-place'; identity: string }
  | { kind: 'stdio'; identity: string; fd: 1 | 2 };

/** What is at a path that no output may be written to (a socket, a disk), in a few words. */
class NotWritable extends Error {}

/** The one line for an output that cannot be written: the flag, the path and the reason. */
function cannotWrite(flag: string, path: string, err: unknown): string {
  return `cannot write ${flag} ${quote(path)}: ${err instanceof NotWritable ? err.message : describeWriteError(err)}`;
}

/**
 * Every output checked and opened, in order, before anything is probed: two that name the same file are a usage
 * error (thrown, exit 64); one that cannot be written is `failure`, the line to print (exit 73), and nothing is
 * left open. A FIFO waits here for its reader, as a shell's `>` does.
 */
export async function openOutputs(requests: readonly OutputRequest[]): Promise<{ files: OutputFile[] } | { failure: string }> {
  const found = requests.map((request) => {
    try {
      return { request, where: locate(request.path) };
    } catch (err) {
      return { request, failure: cannotWrite(request.flag, request.path, err) };
    }
  });
  for (let i = 0; i < found.length; i++) {
    const a = found[i]!;
    for (const b of found.slice(i + 1)) {
      if (!a.where || !b.where || a.where.identity !== b.where.identity) continue;
      // A device, a pipe or stdout takes both, one after the other; a file would keep only the last.
      if (a.where.kind !== 'file' && b.where.kind !== 'file') continue;
      throw new UsageError(`${a.request.flag} and ${b.request.flag} name the same file (${quote(a.request.path)}, ${quote(b.request.path)}): the second would replace the first; give each its own`);
    }
  }
  const files: OutputFile[] = [];
  for (const { request, where, failure } of found) {
    let problem = failure;
    if (where) {
      try {
        files.push(where.kind === 'file' ? new AtomicFile(request, where.target, where.mode)
          : where.kind === 'stdio' ? new StdioFile(request, where.fd)
          : new InPlaceFile(request, await openInPlace(request.path)));
      } catch (err) {
        problem = cannotWrite(request.flag, request.path, err);
      }
    }
    if (problem !== undefined) {
      for (const file of files) file.discard();
      return { failure: problem };
    }
  }
  return { files };
}

/** Whether two paths name one file: the same one there, or the same new file they would make. */
export function sameFile(a: string, b: string): boolean {
  try {
    return locate(a).identity === locate(b).identity;
  } catch {
    return false;
  }
}

/** What a write to `path` reaches, and how it must be written. Throws the file system's error. */
function locate(path: string): Where {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) {
    const target = newFileAt(path);
    return { kind: 'file', target, identity: `new ${target}`, mode: null };
  }
  if (stats.isDirectory()) throw errno('EISDIR');
  // Where a file system gives no inode number (0), the path the file really has.
  const identity = stats.ino !== 0 ? `${stats.dev}:${stats.ino}` : `at ${realpathSync(path)}`;
  // Our own stdout or stderr, whatever it is (`--out /dev/stdout`, to a pipe, a socket or `> report.json`):
  // written through it, in order with what else goes there.
  const stdio = ([1, 2] as const).find((fd) => sameInode(fd, stats));
  if (stdio !== undefined) return { kind: 'stdio', identity, fd: stdio };
  if (stats.isFile()) {
    // A shell's `>` would be refused here too; a rename would replace the file whatever its mode.
    accessSync(path, constants.W_OK);
    return { kind: 'file', target: realpathSync(path), identity, mode: stats.mode & 0o7777 };
  }
  if (stats.isCharacterDevice() || stats.isFIFO()) return { kind: 'in-place', identity };
  throw new NotWritable(stats.isSocket() ? 'it is a socket' : 'it is a block device (a disk): give a file');
}

/** A path where nothing is yet: itself, or where its dangling symlinks lead, in a directory that exists. */
function newFileAt(path: string): string {
  let current = resolve(path);
  for (let links = 0; links <= MAX_LINKS; links++) {
    const stats = lstatSync(current, { throwIfNoEntry: false });
    if (stats === undefined) return join(realpathSync(dirname(current)), basename(current));
    if (!stats.isSymbolicLink()) break;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw errno('ELOOP');
}

function sameInode(fd: number, stats: Stats): boolean {
  try {
    const other = fstatSync(fd);
    return other.ino !== 0 && other.dev === stats.dev && other.ino === stats.ino;
  } catch {
    return false;
  }
}

function closeQuietly(fd: number): NodeJS.ErrnoException | null {
  try {
    closeSync(fd);
    return null;
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

/** Opened off the event loop: a FIFO's open waits for a reader. */
function openInPlace(path: string): Promise<number> {
  return new Promise((done, failed) => openCallback(path, 'w', (err, fd) => (err ? failed(err) : done(fd))));
}

/**
 * A regular file, whole or not at all: written to a temporary file beside its target (through symlinks) and
 * renamed over it on commit, with the mode the old file had. A second Ctrl-C (process.exit) removes the temporary file.
 */
class AtomicFile implements OutputFile {
  readonly flag: string;
  readonly path: string;
  private readonly tempPath: string;
  private fd: number | null;
  private failure: NodeJS.ErrnoException | null = null;
  private committed = false;

  constructor(request: OutputRequest, private readonly target: string, mode: number | null) {
    this.flag = request.flag;
    this.path = request.path;
    this.tempPath = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    this.fd = openSync(this.tempPath, 'wx', 0o644);
    process.once('exit', this.discard);
    if (mode !== null) {
      try {
        fchmodSync(this.fd, mode);
      } catch (err) {
        this.discard();
        throw err;
      }
    }
  }

  readonly write = (data: string | Uint8Array): void => {
    if (this.fd === null || this.failure) return;
    this.failure = writeAll(this.fd, data).error;
  };

  commit(): string | null {
    if (this.fd === null) return this.committed ? null : 'it was discarded before it was whole';
    try {
      if (!this.failure) fsyncSync(this.fd);
    } catch (err) {
      this.failure = err as NodeJS.ErrnoException;
    }
    // A network file system may say only now that the data did not fit.
    const closing = this.close();
    this.failure ??= closing;
    if (!this.failure) {
      try {
        renameSync(this.tempPath, this.target);
      } catch (err) {
        this.failure = err as NodeJS.ErrnoException;
      }
    }
    if (this.failure) {
      this.discard();
      return describeWriteError(this.failure);
    }
    this.committed = true;
    process.removeListener('exit', this.discard);
    return null;
  }

  readonly discard = (): void => {
    process.removeListener('exit', this.discard);
    if (this.committed) return;
    this.close();
    try {
      unlinkSync(this.tempPath);
    } catch {
      // already gone
    }
  };

  private close(): NodeJS.ErrnoException | null {
    const fd = this.fd;
    this.fd = null;
    return fd === null ? null : closeQuietly(fd);
  }
}

/**
 * A device or a FIFO, opened anew and written in place as it goes: there is nothing to rename, and what was
 * written before a failure stays, so the failure says how much. A reader that went away (EPIPE) is not a failure.
 */
class InPlaceFile implements OutputFile {
  readonly flag: string;
  readonly path: string;
  private written = 0;
  private failure: NodeJS.ErrnoException | null = null;
  private gone = false;

  constructor(request: OutputRequest, private fd: number | null) {
    this.flag = request.flag;
    this.path = request.path;
  }

  readonly write = (data: string | Uint8Array): void => {
    if (this.fd === null || this.failure || this.gone) return;
    const { written, error } = writeAll(this.fd, data);
    this.written += written;
    if (error?.code === 'EPIPE') this.gone = true;
    else this.failure = error;
  };

  commit(): string | null {
    if (this.fd !== null) this.failure ??= closeQuietly(this.fd);
    this.fd = null;
    if (!this.failure) return null;
    const reason = describeWriteError(this.failure);
    return this.written === 0 ? reason : `${reason} after ${this.written} bytes were written (not a regular file: what was written stays)`;
  }

  discard(): void {
    if (this.fd !== null) closeQuietly(this.fd);
    this.fd = null;
  }
}

/**
 * Our own stdout or stderr: written through Node's stream, as the report on stdout is. Its descriptor is
 * non-blocking once the stream exists (a pipe or a socket), so a direct write could fail half-way with EAGAIN.
 */
class StdioFile implements OutputFile {
  readonly flag: string;
  readonly path: string;

  constructor(request: OutputRequest, private readonly fd: 1 | 2) {
    this.flag = request.flag;
    this.path = request.path;
  }

  readonly write = (data: string | Uint8Array): void => {
    if (this.fd === 1) writeStdout(data);
    else process.stderr.write(data);
  };

  commit(): string | null {
    return null;
  }

  discard(): void {
    // Not ours to close.
  }
}

/**
 * Every byte of `data` to `fd`, or the error and how much went out before it: writeSync may take part of it
 * (a nearly full disk, a pipe) and drop the rest without an error.
 */
function writeAll(fd: number, data: string | Uint8Array): { written: number; error: NodeJS.ErrnoException | null } {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  } catch (err) {
    return { written, error: err as NodeJS.ErrnoException };
  }
  return { written, error: null };
}

/** One output's end: true, or false with its line on stderr (the caller exits 73, EX_CANTCREAT, as --out always has). */
export function commitOutput(file: OutputFile): boolean {
  const reason = file.commit();
  if (reason === null) return true;
  fail(`cannot write ${file.flag} ${quote(file.path)}: ${reason}`);
  return false;
}

/** A whole output made at once (show's --html) to `path`: 0, or its line on stderr and 73. */
export async function writeWhole(flag: string, path: string, data: string | Uint8Array): Promise<number> {
  const opened = await openOutputs([{ flag, path }]);
  if ('failure' in opened) {
    fail(opened.failure);
    return EXIT_CANTCREAT;
  }
  const [file] = opened.files as [OutputFile];
  file.write(data);
  return commitOutput(file) ? 0 : EXIT_CANTCREAT;
}
