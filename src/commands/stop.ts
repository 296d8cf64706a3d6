// Ctrl-C, SIGTERM and a closed console window, for a command that ends with a report: the first stops the work
// and lets the report of what finished be written; a second leaves at once.
import type { Logger } from 'pino';

/** 128 + the signal number, as a shell reports a command stopped by it: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP. */
export function exitForSignal(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143;
}

// SIGHUP: on Windows, the console window being closed (Node's mapping of CTRL_CLOSE_EVENT), with seconds to go.
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface Stop {
  signal: AbortSignal;
  /** The signal that stopped the work, or null. */
  readonly by: NodeJS.Signals | null;
  /** Removes the listeners, once the report is written. */
  dispose(): void;
}

/**
 * Listens for the stop signals until disposed. The first aborts `signal` and logs `message`; a second exits at
 * once with its code (an --out file keeps what it had: AtomicFile removes its temporary file on exit).
 */
export function listenForStop(log: Logger, message: string): Stop {
  const controller = new AbortController();
  let by: NodeJS.Signals | null = null;
  const leave = (signal: NodeJS.Signals): never => process.exit(exitForSignal(signal));
  const interrupt = (signal: NodeJS.Signals): void => {
    by = signal;
    // leave first: a signal with no listener at all, even for a moment, gets its default action (death, no clean-up).
    for (const other of STOP_SIGNALS) {
      process.once(other, leave);
      process.removeListener(other, interrupt);
    }
    log.warn({ signal }, message);
    controller.abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, interrupt);
  return {
    signal: controller.signal,
    get by() { return by; },
    dispose: () => { for (const signal of STOP_SIGNALS) process.removeListener(signal, interrupt); },
  };
}
