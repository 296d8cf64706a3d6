// One attempt as reported.
import type { Classification } from './evidence.js';
import type { PathKind } from './observation.js';
import type { PacRoute } from './routes.js';
import type { Role, Target } from './targets.js';

export interface Attempt extends Target, Classification {
  path: PathKind;
  /** Set on the direct attempts --compare-direct adds beside the configured (proxy) path. */
  comparison?: true;
  /** The whole attempt, handshake and checks. */
  ms: number;
  /** The TCP handshake alone (with the target, or with the proxy), or null when it did not complete. */
  connectMs: number | null;
  /** Handshakes tried, when a learned deadline went unanswered and the target was tried again (2 or more). */
  tries?: number;
  /** How a PAC file or this PC's proxy settings routed it, when either decides the path. */
  route?: PacRoute;
  /** Whose path it took, when the run follows both the viewer's and the host service's and they differ. */
  role?: Role;
}
