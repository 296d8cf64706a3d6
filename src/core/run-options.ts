// What one probe run needs to know, whoever asks for it: the command line, serve's schedule or a test.
import type { ProxyRoutes } from './proxy.js';
import type { ProbeOptions } from './types.js';

export interface RunOptions {
  probe: ProbeOptions;
  /** The proxies themselves, credentials included (never serialised: see Proxy). */
  routes: ProxyRoutes;
  /** --ranges-url, parsed; null without it. */
  rangesUrl: URL | null;
  /** Whether --concurrency was given; otherwise the run fits it to the plan and this machine. Absent: given. */
  concurrencyGiven?: boolean;
}
