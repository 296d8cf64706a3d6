// A live progress line on a terminal's stderr; nothing at all when stderr is a pipe or a file.
import type { StatusCounts } from '../core/types.js';

const EVERY_MS = 100;

export class Progress {
  private readonly timer: NodeJS.Timeout;
  private readonly started = performance.now();

  /** `render` gets the seconds since the start, and returns the line. */
  constructor(private readonly render: (seconds: string) => string) {
    this.timer = setInterval(() => this.draw(), EVERY_MS);
    this.timer.unref();
  }

  /** A probe run's line: attempts done of planned, and the counts so far. */
  static ofAttempts(total: number, counts: StatusCounts, done: () => number): Progress {
    return new Progress((seconds) => {
      const { ok, blocked, timeout, intercepted, error } = counts;
      const parts = [`ok ${ok}`, `blocked ${blocked}`, `timeout ${timeout}`, ...(intercepted ? [`intercepted ${intercepted}`] : []), `error ${error}`];
      return `probing ${done()}/${total}  ${seconds} s  ${parts.join('  ')}`;
    });
  }

  private draw(): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(`\r\x1b[K  ${this.render(seconds)}`);
  }

  stop(): void {
    clearInterval(this.timer);
    process.stderr.write('\r\x1b[K');
  }
}
