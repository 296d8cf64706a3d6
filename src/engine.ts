// The probe engine: runs a plan's attempts in parallel, bounded, and streams each result out.
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { attempt as runAttempt, type Job, type ProbeSettings } from './probe.js';
import type { Attempt } from './types.js';

export interface EngineOptions {
  concurrency: number;
  probe: ProbeSettings;
  /** Aborting stops new attempts and cuts short the ones in flight; their results are dropped. */
  signal: AbortSignal;
}

/**
 * Pulls targets lazily and keeps at most `concurrency` attempts running and as many queued, so memory
 * stays flat however long the plan. Resolves when every launched attempt has been reported.
 */
export async function runAttempts(
  jobs: Iterable<Job>,
  options: EngineOptions,
  onAttempt: (attempt: Attempt) => void,
): Promise<void> {
  const { signal, concurrency } = options;
  const limit = pLimit(concurrency);
  let outstanding = 0;
  let failure: unknown;
  let wake: (() => void) | null = null;
  const nudge = (): void => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  const waitForSlot = (): Promise<void> => new Promise((resolve) => { wake = resolve; });
  // Every attempt in flight listens for the interrupt: as many listeners as the concurrency, by design.
  setMaxListeners(0, signal);
  signal.addEventListener('abort', nudge, { once: true });

  const attempt = async (job: Job): Promise<void> => {
    if (signal.aborted) return;
    const result = await runAttempt(job, options.probe, signal);
    if (result) onAttempt(result);
  };
  const settle = (): void => {
    outstanding--;
    nudge();
  };
  const fail = (err: unknown): void => {
    failure ??= err;
  };

  for (const job of jobs) {
    while (outstanding >= concurrency * 2 && !signal.aborted && failure === undefined) await waitForSlot();
    if (signal.aborted || failure !== undefined) break;
    outstanding++;
    limit(attempt, job).catch(fail).finally(settle);
  }
  while (outstanding > 0) await waitForSlot();
  signal.removeEventListener('abort', nudge);
  if (failure !== undefined) throw failure;
}
