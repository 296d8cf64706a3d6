// What a run saw, counted per port, per range, per path, and who was found in the way.
import type { Evidence } from './evidence.js';
import type { InterceptedReason, Reason, Status } from './status.js';
import type { RangeSpec, Role } from './targets.js';

export type StatusCounts = Record<Status, number>;

/**
 * `intercepted` when anything in the path answered in the GoTo servers' place (a proxy, TLS inspection);
 * `blocked` on evidence that something stops the port; `unconfirmed` when no server answered, but the only
 * addresses tried are ones an old list alone names (no evidence either way); `unknown` when only local faults
 * were seen.
 */
export type PortState = 'reachable' | 'intercepted' | 'blocked' | 'unconfirmed' | 'unknown';

/** A range's port: as a port, or `not-served` when the range is not documented for it (and so not probed there). */
export type CellState = PortState | 'not-served';

export interface PortSummary {
  port: number;
  state: PortState;
  counts: StatusCounts;
  /** Attempts per reason, e.g. { refused: 3, 'no-answer': 1 }. */
  reasons: Partial<Record<Reason, number>>;
  /** errno codes seen on failed attempts, with counts. */
  codes: Record<string, number>;
  /** The subset of `codes` from `error` attempts: faults of this machine, not answers from the network. */
  faultCodes: Record<string, number>;
  /** Failed attempts at addresses only an old list names for this port: shown, not evidence of a block. */
  unjudged: number;
  /** Up to three `address:port` per non-ok reason: the attempts advice cites. */
  examples: Partial<Record<Reason, string[]>>;
}

export interface RangePortSummary {
  state: CellState;
  counts: StatusCounts;
  /** The most frequent non-ok reason, or `connected` when any attempt succeeded. */
  reason: Reason | null;
}

export interface RangeSummary extends Omit<RangeSpec, 'ports'> {
  /** The ports it is documented to serve (RangeSpec.ports); null for every port of the run. */
  serves: number[] | null;
  /** Every port of the run: what the range's addresses saw there, or `not-served`. */
  ports: Record<string, RangePortSummary>;
  /**
   * Addresses tried on every port, and those of them that answered on none (configured path only).
   * A silent address beside ones that answer is most likely unused, not firewalled.
   */
  addresses: {
    tried: number;
    silent: number;
    silentExamples: string[];
    /** Every address of the range was tried: a range that answers nothing then is no accident of sampling. */
    whole: boolean;
  };
}

/** GoToMyPC's own servers, per port and per name: what the resolved service addresses saw. */
export interface ServicesSummary {
  /** Addresses probed. */
  addresses: number;
  /** Per port the essential names are used on: what their addresses saw. */
  ports: { port: number; state: PortState; counts: StatusCounts; examples: string[] }[];
  /** Every name, on the ports it is used on (the others are not probed for it). */
  hosts: { host: string; essential: boolean; ports: Record<string, PortState> }[];
}

/** Who was seen in the way: one per port and kind of interference, with the evidence that decided it. */
export interface Finding {
  port: number;
  reason: InterceptedReason | 'app-filter';
  /** A weak sign (the canary, an unknown Via, an unanswered ping): reported as possible, never changes the verdict. */
  possible: boolean;
  /** A named product (from the inspection-CA table, or a block or error page's own marks), or a proxy's own name from its headers. */
  product: string | null;
  /** Plain words: who answered and how we know. */
  text: string;
  attempts: number;
  /** The first attempt's evidence (or, for the canary, the round-trip times that gave it away). */
  evidence: Evidence | CanaryEvidence;
}

/** Handshakes that completed for addresses that answered nothing else, all equally close: a middlebox accepting. */
export interface CanaryEvidence {
  kind: 'canary';
  addresses: number;
  connectMs: { min: number; median: number; max: number };
  /** True when the same addresses connected on no other port tested. */
  otherPortsSilent: boolean | null;
}

/** Per port, the configured path against the direct one, with --compare-direct. */
export interface PathComparison {
  port: number;
  configured: PortState;
  direct: PortState;
  differs: boolean;
}

export interface Summary {
  total: number;
  counts: StatusCounts;
  ports: PortSummary[];
  ranges: RangeSummary[];
  findings: Finding[];
  /** Null unless --compare-direct tried both paths. The rest of the summary describes the configured path. */
  comparison: PathComparison[] | null;
  /** Null when no service name was resolved (DNS off, or no name gave a probed address). */
  services: ServicesSummary | null;
  /** The schemes (lower case) the proxy offered in its 407 answers, when any attempt got one. */
  proxySchemes?: string[];
  /** Each path's ports, when the run followed both the viewer's and the host service's; the rest covers both. */
  paths?: PathSummary[];
  /** Attempts whose handshake went unanswered under a learned deadline and was tried again; absent when none was. */
  retried?: { attempts: number; answered: number };
}

/** One followed path's ports, when a run follows two (the viewer's and the host service's) that differ. */
export interface PathSummary {
  role: Role;
  /** The settings in one sentence, as ProxyPath.said. */
  said: string;
  total: number;
  counts: StatusCounts;
  ports: { port: number; state: PortState }[];
}
