// A live progress line on a terminal's stderr; nothing at all when stderr is a pipe or a file. It is cut to the
// terminal's width (a wrapped line cannot be redrawn in place), and whatever else goes to stderr while it is shown
// (a warning, the interrupt's message) goes through writeStderr: the line is cleared first and drawn again after.
import type { StatusCounts } from '../core/types.js';

const EVERY_MS = 100;
/** Without a width (not a terminal): the classic one. */
const DEFAULT_COLUMNS = 80;
/** No estimate before this many attempts are done, nor before this long: the first ones are not typical. */
const ESTIMATE_AFTER = { done: 5, ms: 1000 };
const CLEAR = '\r\x1b[K';

/** A piece of the line; when the whole does not fit, the pieces of the highest `rank` go first. */
export interface Part {
  text: string;
  rank: number;
}

/**
 * The parts, two spaces apart, in at most `width` columns: the least important dropped first, and a line still
 * too long (a tiny terminal) cut with "…". Every part is ASCII, one column a character.
 */
export function fitLine(parts: readonly Part[], width: number): string {
  const kept = [...parts];
  let line = kept.map((p) => p.text).join('  ');
  while (line.length > width && kept.some((p) => p.rank > 0)) {
    const worst = Math.max(...kept.map((p) => p.rank));
    kept.splice(kept.map((p) => p.rank).lastIndexOf(worst), 1);
    line = kept.map((p) => p.text).join('  ');
  }
  if (line.length <= width) return line;
  return width <= 0 ? '' : `${line.slice(0, width - 1)}…`;
}

/** "about 20 s left", "about 3 min left", or null while there is too little to go by. */
export function timeLeft(done: number, total: number, elapsedMs: number): string | null {
  if (done < ESTIMATE_AFTER.done || elapsedMs < ESTIMATE_AFTER.ms || done >= total) return null;
  return `about ${duration((elapsedMs / done) * (total - done))} left`;
}

/** A time left, rounded as an estimate deserves. */
export function duration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return `${s < 10 ? s : Math.round(s / 5) * 5} s`;
  const min = Math.round(s / 60);
  return min < 120 ? `${min} min` : `${Math.round(min / 60)} h`;
}

/** A probe run's parts: attempts done of planned, the estimate, the failures, then the time and the oks. */
export function attemptParts(done: number, total: number, counts: StatusCounts, elapsedMs: number): Part[] {
  const { ok, blocked, timeout, intercepted, error } = counts;
  const left = timeLeft(done, total, elapsedMs);
  return [
    { text: `probing ${done}/${total}`, rank: 0 },
    { text: `${(elapsedMs / 1000).toFixed(1)} s`, rank: 6 },
    ...(left ? [{ text: left, rank: 1 }] : []),
    { text: `ok ${ok}`, rank: 5 },
    { text: `blocked ${blocked}`, rank: 2 },
    { text: `timeout ${timeout}`, rank: 3 },
    ...(intercepted ? [{ text: `intercepted ${intercepted}`, rank: 2 }] : []),
    { text: `error ${error}`, rank: 4 },
  ];
}

/** The line as drawn: indented by two, in `width` columns. */
export function progressLine(parts: readonly Part[], width: number): string {
  return `  ${fitLine(parts, width - 2)}`;
}

/** The progress line shown now, if any: what writeStderr clears and draws again. */
let shown: Progress | null = null;

/** Text for stderr that must not land on the progress line: the line cleared, the text written, the line redrawn. */
export function writeStderr(text: string): void {
  if (shown === null) {
    process.stderr.write(text);
    return;
  }
  process.stderr.write(`${CLEAR}${text}`);
  shown.draw();
}

export class Progress {
  private readonly timer: NodeJS.Timeout;
  private readonly started = performance.now();
  private readonly redraw = (): void => this.draw();
  /** A second Ctrl-C exits at once: the shell's prompt must not land on the line. */
  private readonly clear = (): void => { process.stderr.write(CLEAR); };

  /** `render` gets the milliseconds since the start, and returns the line's parts. */
  constructor(private readonly render: (elapsedMs: number) => Part[]) {
    this.timer = setInterval(this.redraw, EVERY_MS);
    this.timer.unref();
    process.stderr.on('resize', this.redraw);
    process.once('exit', this.clear);
    shown = this;
  }

  /** A probe run's line: attempts done of planned, and the counts so far. */
  static ofAttempts(total: number, counts: StatusCounts, done: () => number): Progress {
    return new Progress((elapsedMs) => attemptParts(done(), total, counts, elapsedMs));
  }

  draw(): void {
    // One column short of the width: a line that fills the last column leaves some terminals a line down.
    const width = (process.stderr.columns || DEFAULT_COLUMNS) - 1;
    process.stderr.write(`${CLEAR}${progressLine(this.render(performance.now() - this.started), width)}`);
  }

  stop(): void {
    clearInterval(this.timer);
    process.stderr.removeListener('resize', this.redraw);
    process.removeListener('exit', this.clear);
    if (shown === this) shown = null;
    this.clear();
  }
}
