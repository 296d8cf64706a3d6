// The PAC file a run follows: fetched with the same caps and guard as a --ranges-url list (HTTP too: PAC
// servers rarely speak HTTPS), then loaded in its sandbox. Any failure is a reason, and the caller falls back
// as WinINet does: DIRECT.
import type { Reading } from '../core/types.js';
import { GuardBreach } from '../net/dialer.js';
import { describeFetchError, fetchText, type FetchOptions } from '../net/fetch.js';
import { compilePac, type PacEnvironment, type PacScript } from './pac.js';

/** Browsers cap a PAC at a few MB; 1 MiB is far past any real one and bounds a hostile server. */
const MAX_PAC_BYTES = 1024 * 1024;

export type PacOptions = Pick<FetchOptions, 'url' | 'timeoutMs' | 'loopbackOnly' | 'proxyFor' | 'signal' | 'hostHeader'>;

/**
 * Loading runs the script, which holds the event loop while it runs: it starts only once `quiet` settles (the
 * run's other work that waits on a deadline, GoToMyPC's names, is done), so that no deadline fires late for it.
 */
export async function loadPac(options: PacOptions, env: PacEnvironment, quiet: Promise<unknown> = Promise.resolve()): Promise<Reading<PacScript>> {
  const fetchOptions: FetchOptions = {
    ...options,
    schemes: ['http:', 'https:'],
    schemeRule: 'a PAC file comes over HTTP or HTTPS',
    what: 'PAC file',
    noun: 'PAC file',
    accept: 'application/x-ns-proxy-autoconfig, application/javascript, text/plain',
    maxBytes: MAX_PAC_BYTES,
    limitText: '1 MiB',
  };
  let text: string;
  try {
    const fetched = await fetchText(fetchOptions);
    if (fetched === 'not-modified') return { readable: false, why: 'the server answered 304 Not Modified to a request that asked for no copy' };
    text = fetched.text;
  } catch (err) {
    if (err instanceof GuardBreach) throw err;
    return { readable: false, why: describeFetchError(err, fetchOptions) };
  }
  await quiet;
  return compilePac(text, env);
}
