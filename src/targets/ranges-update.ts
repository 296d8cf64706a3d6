// --ranges-url: fetch a range list over HTTPS, keep the last good one (--ranges-cache), and never let a bad
// download stop a run. Every failure is one sentence in the report and the run goes on with the fallback list.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { UsageError, describeFsError, quote } from '../core/errors.js';
import type { Proxy } from '../core/proxy.js';
import type { Range, RangesOrigin, RangesUpdate } from '../core/types.js';
import { GuardBreach } from '../net/dialer.js';
import { FetchProblem, describeFetchError, fetchText, redactUrl, type FetchOptions } from '../net/fetch.js';
import { assertLoopbackOnly } from '../net/guard.js';
import { LIST_LIMIT, MAX_LIST_BYTES, defaultListName, parseRangesText } from './ranges.js';

export interface UpdateOptions {
  url: URL;
  cacheDir: string | null;
  /** Each step (connect, response head, each read of the body); the whole download gets three. */
  timeoutMs: number;
  loopbackOnly: boolean;
  /** The proxy for a host and port, as attempts use it (HTTPS_PROXY, NO_PROXY, --proxy). */
  proxyFor: (host: string, port: number) => Proxy | null;
  signal: AbortSignal;
  log: Logger;
}

export interface UpdatedList {
  /** Null when neither the URL nor the cache gave a list: the caller falls back and completes the warning. */
  ranges: Range[] | null;
  origin: RangesOrigin | null;
  update: RangesUpdate;
}

/**
 * The version ops compare across sites: the same ranges with the same ports in the same order give the same
 * value wherever they came from (list names are labels, and a file's default one is its own name: left out).
 */
export function listVersion(ranges: readonly Range[]): string {
  const lines = ranges.map((r) => (r.ports === null ? r.cidr : `${r.cidr} ports=${r.ports.join(',')}${r.legacyPorts.length > 0 ? ` legacy=${r.legacyPorts.join(',')}` : ''}`));
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 12);
}

/** A --ranges-url value: any absolute URL (a non-HTTPS one is refused at run time, with the fallback, not here). */
export function parseRangesUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new UsageError(`bad --ranges-url value ${quote(raw)}: give an absolute URL such as https://example.com/goto-ranges.txt`);
  }
}

interface CacheEntry {
  url: string;
  fetchedAt: string;
  etag: string | null;
  version: string;
  ranges: Range[];
}


export async function updateRanges(options: UpdateOptions): Promise<UpdatedList> {
  const { url, log } = options;
  const shown = redactRangesUrl(url);
  const cached = readCache(options);
  try {
    const fetched = await fetchText(fetchOptions(options), cached?.etag ?? null);
    if (fetched === 'not-modified') {
      if (!cached) throw new FetchProblem('the server answered 304 Not Modified to a request without a cached copy');
      log.info({ url: shown, version: cached.version }, 'range list unchanged since the cached copy');
      return { ranges: cached.ranges, origin: 'url', update: { url: shown, ok: true, fetchedAt: new Date().toISOString(), warning: null } };
    }
    const ranges = validate(fetched.text, shown, shown, options.loopbackOnly);
    const fetchedAt = new Date().toISOString();
    writeCache(options, { url: url.href, fetchedAt, etag: fetched.etag, version: listVersion(ranges), ranges }, fetched.text);
    log.info({ url: shown, ranges: ranges.length, version: listVersion(ranges) }, 'range list fetched');
    return { ranges, origin: 'url', update: { url: shown, ok: true, fetchedAt, warning: null } };
  } catch (err) {
    // The dialer's refusal comes back as the connection's error: it is a fault to stop on, not a failed download.
    if (err instanceof GuardBreach) throw err;
    const why = describeFetchError(err, fetchOptions(options));
    if (cached) {
      const warning = `Could not update the range list from ${shown}: ${why}. Using the copy fetched ${cached.fetchedAt}.`;
      log.warn({ url: shown, why }, 'range list not updated: using the cached copy');
      return { ranges: cached.ranges, origin: 'cache', update: { url: shown, ok: false, fetchedAt: cached.fetchedAt, warning } };
    }
    log.warn({ url: shown, why }, 'range list not updated');
    return { ranges: null, origin: null, update: { url: shown, ok: false, fetchedAt: null, warning: `Could not update the range list from ${shown}: ${why}.` } };
  }
}

/** The URL as reports show it: no credentials, no query (it may carry a token). */
export const redactRangesUrl = redactUrl;

function fetchOptions(options: UpdateOptions): FetchOptions {
  return {
    ...options,
    schemes: ['https:'],
    schemeRule: 'only HTTPS keeps the list from being changed on the way',
    what: 'range list',
    noun: 'list',
    accept: 'text/plain',
    maxBytes: MAX_LIST_BYTES,
    limitText: LIST_LIMIT,
  };
}

/** `shown` names the list in messages; `url` gives its ranges their default list name. */
function validate(text: string, shown: string, url: string, loopbackOnly: boolean): Range[] {
  if (/^\s*</.test(text)) throw new FetchProblem('the server sent an HTML or XML page, not a range list (a login or captive-portal page?)');
  let ranges: Range[];
  try {
    ranges = parseRangesText(text, shown, { source: 'url', list: defaultListName(url) });
  } catch (err) {
    // parseRangesText names the place as `origin:line: …` or `origin: …`; here the origin is already said.
    if (err instanceof UsageError) throw new FetchProblem(err.message.slice(shown.length + 1).replace(/^(\d+):/, 'line $1:').trim());
    throw err;
  }
  if (loopbackOnly) {
    try {
      assertLoopbackOnly(ranges);
    } catch (err) {
      if (err instanceof UsageError) throw new FetchProblem(`the list holds ranges the ${err.message.replace(/^loopback-only guard: refusing to probe /, 'loopback-only guard refuses: ')}`);
      throw err;
    }
  }
  return ranges;
}

const LIST_FILE = 'ranges.txt';
const META_FILE = 'ranges.json';

/** The last good list for this URL, or null: a copy for another URL or one that no longer parses is ignored. */
function readCache(options: UpdateOptions): CacheEntry | null {
  if (!options.cacheDir) return null;
  try {
    const meta = JSON.parse(readFileSync(join(options.cacheDir, META_FILE), 'utf8')) as Omit<CacheEntry, 'ranges'>;
    if (meta.url !== options.url.href) return null;
    const ranges = validate(readFileSync(join(options.cacheDir, LIST_FILE), 'utf8'), LIST_FILE, redactRangesUrl(options.url), options.loopbackOnly);
    if (listVersion(ranges) !== meta.version) return null;
    return { ...meta, ranges };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') options.log.warn({ dir: options.cacheDir, why: err instanceof Error ? err.message : String(err) }, 'range list cache unreadable: ignored');
    return null;
  }
}

/** The list, then its metadata, each renamed into place: a reader sees the old pair or the new one, and checks the version. */
function writeCache(options: UpdateOptions, entry: CacheEntry, text: string): void {
  const dir = options.cacheDir;
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true });
    const { ranges: _ranges, ...meta } = entry;
    for (const [name, data] of [[LIST_FILE, text], [META_FILE, `${JSON.stringify(meta, null, 2)}\n`]] as const) {
      const temp = join(dir, `.${name}.${process.pid}.tmp`);
      writeFileSync(temp, data, { mode: 0o644 });
      renameSync(temp, join(dir, name));
    }
  } catch (err) {
    options.log.warn({ dir, why: describeFsError(err) }, 'cannot keep the range list in --ranges-cache: the next failed update has no copy to fall back on');
  }
}
