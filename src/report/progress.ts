// A live progress line on a terminal's stderr; nothing at all when stderr is a pipe or a file.
import type { StatusCounts } from '../core/types.js';

const EVERY_MS = 100;

export class Progress {
  private readonly timer: NodeJS.Timeout;
  private readonly started = performance.now();

  constructor(private readonly total: number, private readonly counts: StatusCounts, private readonly done: () => number) {
    this.timer = setInterval(() => this.draw(), EVERY_MS);
    this.timer.unref();
  }

  private draw(): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    const { ok, blocked, timeout, intercepted, error } = this.counts;
    const parts = [`ok ${ok}`, `blocked ${blocked}`, `timeout ${timeout}`, ...(intercepted ? [`intercepted ${intercepted}`] : []), `error ${error}`];
    process.stderr.write(`\r\x1b[K  probing ${this.done()}/${this.total}  ${seconds} s  ${parts.join('  ')}`);
  }

  stop(): void {
    clearInterval(this.timer);
    process.stderr.write('\r\x1b[K');
  }
}
