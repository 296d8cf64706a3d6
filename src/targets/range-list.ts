// The range list of a run: --ranges-url (or its cached copy), else the --ranges file, else the built-in list.
import type { Logger } from 'pino';
import { inline } from '../core/errors.js';
import type { RunOptions } from '../core/run-options.js';
import type { Range, RangeListInfo, RangesInfo } from '../core/types.js';
import { BUILTIN_LIST_INFO } from '../data/ranges.js';
import { listVersion, updateRanges } from './ranges-update.js';
import { builtinRanges, loadRangesFile } from './ranges.js';

export interface RangeList {
  ranges: Range[];
  info: RangesInfo;
}

/**
 * A failed --ranges-url never stops a run: the cached copy, or the fallback (the --ranges file when given,
 * the built-in list otherwise), is probed instead and the report says so. A bad --ranges file is a usage error.
 */
export async function loadRangeList(options: RunOptions, log: Logger, signal: AbortSignal): Promise<RangeList> {
  const file = options.probe.rangesFile;
  const fallback = (): RangeList => {
    const ranges = file ? loadRangesFile(file) : builtinRanges();
    return { ranges, info: { origin: file ? 'file' : 'builtin', location: file, lists: listsOf(ranges, file), version: listVersion(ranges), count: ranges.length, update: null } };
  };
  if (!options.rangesUrl) return fallback();
  const fetched = await updateRanges({
    url: options.rangesUrl,
    cacheDir: options.probe.rangesCache,
    timeoutMs: options.probe.timeoutMs,
    loopbackOnly: options.probe.loopbackOnly,
    proxyFor: options.routes.proxyForHost,
    signal,
    log,
  });
  const location = fetched.update.url;
  if (fetched.ranges && fetched.origin) {
    return { ranges: fetched.ranges, info: { origin: fetched.origin, location, lists: listsOf(fetched.ranges, location), version: listVersion(fetched.ranges), count: fetched.ranges.length, update: fetched.update } };
  }
  const list = fallback();
  const instead = file ? `Probing the --ranges file ${inline(file, 1000)} instead.` : 'Probing the built-in GoTo list instead.';
  return { ...list, info: { ...list.info, update: { ...fetched.update, warning: `${fetched.update.warning} ${instead}` } } };
}

/** The lists the ranges name, in the order met: the built-in ones with their sources, a file's or URL's with it. */
export function listsOf(ranges: readonly Range[], location: string | null): RangeListInfo[] {
  const names = [...new Set(ranges.flatMap((r) => r.lists))];
  if (location === null) return BUILTIN_LIST_INFO.filter((list) => names.includes(list.name));
  return names.map((name) => ({ name, title: `ranges from ${inline(location, 1000)}`, status: 'current', ports: null, source: location }));
}
