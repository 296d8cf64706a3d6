// A deadline that never fires early: the one timer every stage of an attempt uses.

export interface Deadline {
  readonly started: number;
  elapsed(): number;
  cancel(): void;
}

/**
 * Calls `onExpire` once `ms` have really passed. Timers count from the event loop's cached clock,
 * which can lag `performance.now()`: when one fires early it is re-armed for whatever is left.
 */
export function startDeadline(ms: number, onExpire: () => void): Deadline {
  const started = performance.now();
  const end = started + ms;
  const expire = (): void => {
    const left = end - performance.now();
    if (left > 0) timer = setTimeout(expire, Math.ceil(left));
    else onExpire();
  };
  let timer = setTimeout(expire, ms);
  return {
    started,
    elapsed: () => performance.now() - started,
    cancel: () => clearTimeout(timer),
  };
}
