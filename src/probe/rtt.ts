// How long a handshake may stay unanswered, learned from the ones that were answered. A SYN-ACK and a RST both
// come back after one round trip, so every answered handshake is a sample. Once a range (or, before it has
// enough, the run) has them, a silent attempt waits a few times the smoothed round trip plus its variation, as
// TCP's own retransmission timer does (RFC 6298) and nmap's scan timing, instead of the whole --timeout; then
// it is tried once more on a fresh connection with a longer deadline before it is called silence. When retries
// start getting answers, the path is losing packets, and up to MAX_RETRIES short ones are allowed.
import type { Target } from '../core/types.js';

/** Answered handshakes a scope needs before its estimate is trusted. */
const MIN_SAMPLES = 8;
/** RFC 6298's gains: the estimate moves an eighth of the way, the variation a quarter. */
const ALPHA = 1 / 8;
const BETA = 1 / 4;
/** Below this a deadline would cut answers that a busy machine or a scheduler delay holds up (nmap -T4: 100 ms). */
export const FLOOR_MS = 100;
/** The first retry's deadline is at least this (nmap's initial timeout), and four times the learned one. */
export const RETRY_FLOOR_MS = 1000;
/**
 * Retries once the path is seen to lose packets. All sixteen tries lost at 30% loss: 4e-9 a port. An estimate of
 * the loss to allow fewer lags behind the run (a lost try is counted only once its retry is answered) and missed
 * ports early in a sweep; nmap -T4's six missed 80 of 1,230 at 30%.
 */
export const MAX_RETRIES = 15;
/** Answered retries that show the path loses packets; before that, one retry. */
const LOSS_SEEN = 2;
/**
 * The kernel resends a lost SYN after its initial retransmission timeout (1 s on Linux and recent Windows), so an
 * answer that late, several times the estimate, most likely answered a resent SYN: not a round trip (Karn).
 */
const RESENT_AFTER_MS = 900;

class Estimate {
  samples = 0;
  srtt = 0;
  rttvar = 0;

  add(ms: number): void {
    if (this.samples === 0) {
      this.srtt = ms;
      this.rttvar = ms / 2;
    } else {
      this.rttvar += BETA * (Math.abs(this.srtt - ms) - this.rttvar);
      this.srtt += ALPHA * (ms - this.srtt);
    }
    this.samples++;
  }
}

function resent(scope: Estimate, ms: number): boolean {
  return scope.samples >= MIN_SAMPLES && ms >= RESENT_AFTER_MS && ms > 3 * scope.srtt;
}

/** A deadline and whether it was learned (false: the --timeout itself, as before any sample). */
export interface HandshakeDeadline {
  ms: number;
  learned: boolean;
}

export class HandshakeTimer {
  private readonly run = new Estimate();
  private readonly ranges = new Map<string, Estimate>();
  private retriesAnswered = 0;

  /** `timeoutMs`: --timeout, the bound of every deadline. */
  constructor(private readonly timeoutMs: number) {}

  /** A first try's handshake answered (connected or refused) after `ms`; a retry's answer is no sample (Karn). */
  answered(target: Target, ms: number): void {
    const key = target.range ?? '';
    let range = this.ranges.get(key);
    if (!range) this.ranges.set(key, (range = new Estimate()));
    if (resent(this.run, ms) || resent(range, ms)) return;
    this.run.add(ms);
    range.add(ms);
  }

  /** The first try's deadline: the range's estimate, else the run's, else --timeout. */
  first(target: Target): HandshakeDeadline {
    const range = this.ranges.get(target.range ?? '');
    const scope = range && range.samples >= MIN_SAMPLES ? range : this.run.samples >= MIN_SAMPLES ? this.run : null;
    if (scope === null) return { ms: this.timeoutMs, learned: false };
    const ms = Math.min(this.timeoutMs, Math.max(FLOOR_MS, Math.ceil(scope.srtt + 4 * scope.rttvar)));
    return { ms, learned: ms < this.timeoutMs };
  }

  /**
   * The deadline for retry `n` (1, 2, …) of a silent handshake to `target`, or null when none is due: nothing
   * is learned yet (the first try waited --timeout, and the kernel's own SYN retransmissions with it), or the
   * retries allowed are spent. The first retry waits long (four learned deadlines, at least a second), so a
   * slow answer is still heard; the ones loss allows after it are short, as they only replace lost packets.
   */
  retry(n: number, target: Target): number | null {
    const learned = this.first(target);
    if (!learned.learned) return null;
    if (n > (this.retriesAnswered >= LOSS_SEEN ? MAX_RETRIES : 1)) return null;
    const ms = n === 1 ? Math.max(RETRY_FLOOR_MS, 4 * learned.ms) : Math.max(FLOOR_MS, 2 * learned.ms);
    return Math.min(this.timeoutMs, ms);
  }

  /** A retry got an answer: a try before it was lost. */
  retryAnswered(): void {
    this.retriesAnswered++;
  }
}
