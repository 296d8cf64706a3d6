// How many attempts a run keeps in flight when --concurrency is not given: the helpdesk's small plan as before,
// a sweep as many as this machine holds, since most of its attempts wait on silence rather than work.

export const DEFAULT_CONCURRENCY = 64;
/** Past this, a home router's or a firewall's connection table would fill before this machine does. */
export const MAX_DEFAULT_CONCURRENCY = 1024;
/** Descriptors kept free for everything else (the resolver, logs, the report file, a proxy's second socket). */
const RESERVED = 64;

/** One attempt in flight per eight planned, from 64 up to 1024, and never past half the open-file limit. */
export function fitConcurrency(planned: number, openFiles: number | null): number {
  const room = openFiles === null ? MAX_DEFAULT_CONCURRENCY : Math.max(1, Math.floor((openFiles - RESERVED) / 2));
  const wanted = Math.min(MAX_DEFAULT_CONCURRENCY, Math.max(DEFAULT_CONCURRENCY, Math.ceil(planned / 8)));
  return Math.max(1, Math.min(wanted, room));
}

/** Whether `concurrency` attempts in flight fit in `openFiles` as fitConcurrency counts them (two descriptors each, and the spare ones). */
export function fitsOpenFiles(concurrency: number, openFiles: number | null): boolean {
  return openFiles === null || 2 * concurrency + RESERVED <= openFiles;
}
