// What to probe: ranges, the lists they come from, one target, and the ranges a run used.

export type Family = 4 | 6;

/** Where a range came from: built into g2probe, the user's --ranges file, or a --ranges-url list. */
export type RangeSource = 'builtin' | 'file' | 'url';

/**
 * How current the word is that a range serves a port: `current` when a list still published says so (GoTo's
 * page, or the user's own file), `legacy` when only an old list does (the Citrix Online list). Silence or a
 * refusal where only an old list vouches for a server is shown, never judged: the address may be retired.
 */
export type RangeStatus = 'current' | 'legacy';

export interface RangeSpec {
  cidr: string;
  /** The lists that name it: built in `gotomypc` and `goto-meeting`; from a file, its line's list=NAME or the file's name. */
  lists: string[];
  /** The TCP ports it is documented to serve; null for every port of the run (a file line without ports=). */
  ports: number[] | null;
  /** Those of `ports` that only a legacy list documents. */
  legacyPorts: number[];
  source: RangeSource;
  /** `legacy` when only legacy lists name it (every port it serves is a legacy port). */
  status: RangeStatus;
}

/** One list of ranges a run used, and where it comes from. */
export interface RangeListInfo {
  name: string;
  /** What the list is, in words. */
  title: string;
  status: RangeStatus;
  /** The TCP ports the list documents for its ranges; null when each line says (or the run's ports). */
  ports: number[] | null;
  /** Where it comes from: the vendor page or document, or the file or URL it was read from. */
  source: string;
}

/** A parsed range: the spec plus its bounds as integers, so sampling never enumerates it. */
export interface Range extends RangeSpec {
  family: Family;
  first: bigint;
  last: bigint;
  /** Host addresses that may be probed (an IPv4 network's own and broadcast addresses are excluded). */
  hostFirst: bigint;
  hostCount: bigint;
}

export interface Target {
  ip: string;
  port: number;
  /** The CIDR of the range the address lies in, or null for a service address outside every range of the run. */
  range: string | null;
  /** Set on GoToMyPC's own servers: the first name that resolved to this address. */
  host?: string;
  /**
   * A GoTo server is expected to answer here: a name's address on a port the name is used on, or a range on a
   * port a current list documents for it. Elsewhere (an old list's address) only an answer counts, never silence.
   */
  expected: boolean;
}

export type Role = 'host' | 'client';

/** Where the ranges of a run came from: built into g2probe, a --ranges file, a --ranges-url download, or its cache. */
export type RangesOrigin = 'builtin' | 'file' | 'url' | 'cache';

/** What --ranges-url did. */
export interface RangesUpdate {
  url: string;
  /** True when the list in use came from the URL in this run (a 304 that confirmed the cached copy counts). */
  ok: boolean;
  /** When the list in use was fetched from the URL, or null when none ever was. */
  fetchedAt: string | null;
  /** One plain sentence on why the update failed and what was used instead; null when ok. */
  warning: string | null;
}

/** The range list a run probed, and where it came from. */
export interface RangesInfo {
  origin: RangesOrigin;
  /** The lists the ranges come from, with their sources. */
  lists: RangeListInfo[];
  /** The --ranges file or the URL; null for the built-in list. */
  location: string | null;
  /** First 12 hex digits of the SHA-256 of the list as probed (one line per range, with its ports and lists, in order): equal lists, equal versions. */
  version: string;
  count: number;
  /** Null unless --ranges-url was given. */
  update: RangesUpdate | null;
}
