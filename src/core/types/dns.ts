// GoToMyPC's names, resolved and judged.
import type { Evidence } from './evidence.js';
import type { Reason, Status } from './status.js';

/** One resolved address, and what it means for this run. */
export interface DnsAddress {
  ip: string;
  /** The range of this run it lies in, or null. */
  range: string | null;
  /** Why the address is a filter's answer and not a server (0.0.0.0, loopback, a block page), or null. */
  sinkhole: string | null;
  /** Whether it is probed: not when a sinkhole, nor when the loopback-only guard refuses it. */
  probed: boolean;
}

/** A service name, resolved and classified like an attempt. */
export interface DnsResult {
  host: string;
  /** What GoToMyPC uses the name for. */
  use: string;
  /** The TCP ports GoToMyPC uses the name on: its addresses are probed on these (of the run's ports) only. */
  ports: number[];
  /** GoToMyPC cannot work when this name does not resolve. */
  essential: boolean;
  status: Status;
  reason: Reason;
  addresses: DnsAddress[];
  evidence: Evidence;
}

/** The names of a run's resolved servers: which names each probed address stands for, and where each is used. */
export interface ServiceIndex {
  byAddress: ReadonlyMap<string, readonly string[]>;
  hosts: readonly { host: string; essential: boolean; ports: readonly number[] }[];
}

export interface DnsReport {
  /** `system` (this PC's resolver configuration) or the --dns-server address. */
  server: string;
  results: DnsResult[];
}
