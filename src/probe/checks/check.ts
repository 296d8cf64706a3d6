// The one shape of a check after the handshake (80, 443, 8200): a connection, one context, an observation.
import type { Socket } from 'node:net';
import type { ApplicationObservation } from '../../core/types.js';
import type { TrustStore } from '../../pc/trust-store.js';

/** Who speaks: GoToMyPC's names and bytes, or nothing of GoToMyPC (the comparison that shows a filter). */
export type Voice = 'gotomypc' | 'neutral';

/** What every check is given beside its connection. */
export interface CheckContext {
  /** The target's address: the neutral HTTP request's Host. */
  ip: string;
  /** The name GoToMyPC speaks to the target: the name its address came from, or --sni. */
  name: string;
  voice: Voice;
  /** This check's deadline: --timeout, or what is left of the first check's budget. */
  timeoutMs: number;
  /** The run's interrupt. */
  signal: AbortSignal;
  /** The roots a chain on 443 is judged against. */
  trust: TrustStore;
}

/** A check on a connection it does not own (the caller closes it). Never rejects: every outcome is an observation. */
export type Check<O extends ApplicationObservation = ApplicationObservation> = (socket: Socket, context: CheckContext) => Promise<O>;
