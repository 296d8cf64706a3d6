// Aggregates attempts as they stream in: memory grows with ranges × ports, never with attempts.
import { CanaryTracker } from './canary.js';
import { interceptionSigns } from './data/proxy-signs.js';
import { endpoint } from './classify.js';
import type {
  Attempt, Finding, PathComparison, PortState, PortSummary, Range, RangeSummary, Reason, ServicesSummary, Status, StatusCounts, Summary,
} from './types.js';

/** Distinct interceptors remembered per run: enough for any real network, bounded for a hostile one. */
const MAX_FINDINGS = 20;
/** Attempts kept per port and reason for advice to cite. */
const MAX_EXAMPLES = 3;

function zeroCounts(): StatusCounts {
  return { ok: 0, blocked: 0, timeout: 0, intercepted: 0, error: 0 };
}

/**
 * Intercepted when anything in the path answered in GoTo's place (even if other attempts got through:
 * the interceptor is what the user must hear about); reachable when a GoTo server answered; blocked
 * when only the network said no; unknown when only local faults (or nothing) were seen.
 */
export function portState(counts: StatusCounts): PortState {
  if (counts.intercepted > 0) return 'intercepted';
  if (counts.ok > 0) return 'reachable';
  if (counts.blocked + counts.timeout > 0) return 'blocked';
  return 'unknown';
}

/** Who answered, in plain words, and a key that tells one interceptor from another. */
function describeInterception(attempt: Attempt): { key: string; product: string | null; text: string } {
  const { evidence, port } = attempt;
  if (attempt.reason === 'tls-inspection' && evidence.tls) {
    const { chain = [], product, extraRoot } = evidence.tls;
    const issuer = chain[0]?.issuer ?? 'an unknown issuer';
    const local = extraRoot ? ` This PC trusts that issuer through a root added locally (${extraRoot.subject}, from ${extraRoot.source}).` : '';
    return {
      key: `${port} tls ${issuer}`,
      product: product ?? null,
      text: `Something on this network inspects HTTPS: the certificate for ${port} was issued by ${issuer}${product ? ` (${product})` : ''}, not by GoTo's CA.${local}`,
    };
  }
  const { status = 0, headers = {}, body = '' } = evidence.http ?? {};
  const name = headers.server ?? headers.via ?? null;
  if (evidence.stage === 'service') {
    return {
      key: `${port} http ${name ?? ''}`,
      product: name,
      text: `An HTTP server or proxy answers port ${port} in place of the GoToMyPC service (HTTP ${status}${headers.server ? `, Server: ${headers.server}` : ''}).`,
    };
  }
  return {
    key: `${port} http ${name ?? ''}`,
    product: name,
    text: `A web proxy or filter answers port ${port} in place of the GoTo servers (${interceptionSigns(status, headers, body).join('; ')}).`,
  };
}

interface Cell {
  counts: StatusCounts;
  reasons: Map<Reason, number>;
}

/** A range address whose ports are still coming in; folded into its range's tally once all have. */
interface Pending {
  range: string;
  seen: number;
  answered: boolean;
}

interface AddressTally {
  tried: number;
  silent: number;
  silentExamples: string[];
}

/** What answered on a port means for "did anything answer": a GoTo server, or anything in its place. */
function answered(status: Status): boolean {
  return status === 'ok' || status === 'intercepted';
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export class SummaryBuilder {
  readonly counts = zeroCounts();
  total = 0;
  private readonly ports = new Map<number, { cell: Cell; codes: Map<string, number>; faultCodes: Map<string, number>; examples: Map<Reason, string[]> }>();
  private readonly cells = new Map<string, Cell>();
  private readonly findings = new Map<string, Finding>();
  private readonly canaries = new CanaryTracker();
  /** Bounded by the attempts in flight: an address leaves once every port of it has been seen. */
  private readonly pending = new Map<string, Pending>();
  private readonly tallies = new Map<string, AddressTally>();
  private readonly servicePorts = new Map<number, { counts: StatusCounts; examples: string[] }>();
  private readonly serviceHosts = new Map<string, Map<number, StatusCounts>>();

  /** `names`: which service names each probed service address stands for, or null when no name was resolved. */
  constructor(private readonly ranges: Range[], private readonly portList: number[], private readonly names: ReadonlyMap<string, string[]> | null = null) {
    for (const port of portList) this.ports.set(port, { cell: newCell(), codes: new Map(), faultCodes: new Map(), examples: new Map() });
    for (const range of ranges) {
      for (const port of portList) this.cells.set(cellKey(range.cidr, port), newCell());
      this.tallies.set(range.cidr, { tried: 0, silent: 0, silentExamples: [] });
    }
    if (names && names.size > 0) {
      for (const port of portList) this.servicePorts.set(port, { counts: zeroCounts(), examples: [] });
      for (const hosts of names.values()) for (const host of hosts) this.serviceHosts.set(host, new Map(portList.map((p) => [p, zeroCounts()])));
    }
  }

  add(attempt: Attempt): void {
    this.total++;
    this.counts[attempt.status]++;
    const port = this.ports.get(attempt.port);
    const cell = attempt.range === null ? null : this.cells.get(cellKey(attempt.range, attempt.port));
    if (!port || cell === undefined) throw new Error(`attempt outside the plan: ${attempt.range} port ${attempt.port}`);
    record(port.cell, attempt.status, attempt.reason);
    if (cell) record(cell, attempt.status, attempt.reason);
    const { code } = attempt.evidence;
    if (code) {
      bump(port.codes, code);
      if (attempt.status === 'error') bump(port.faultCodes, code);
    }
    if (attempt.status !== 'ok') {
      let examples = port.examples.get(attempt.reason);
      if (!examples) port.examples.set(attempt.reason, (examples = []));
      keepExample(examples, attempt);
    }
    if (attempt.host === undefined) this.tallyAddress(attempt);
    else this.addService(attempt);
    this.canaries.add(attempt);
    if (attempt.status === 'intercepted') this.noteInterception(attempt);
  }

  private tallyAddress(attempt: Attempt): void {
    if (attempt.range === null) return;
    const entry = this.pending.get(attempt.ip) ?? { range: attempt.range, seen: 0, answered: false };
    entry.seen++;
    entry.answered ||= answered(attempt.status);
    if (entry.seen < this.portList.length) {
      this.pending.set(attempt.ip, entry);
      return;
    }
    this.pending.delete(attempt.ip);
    const tally = this.tallies.get(entry.range);
    if (!tally) return;
    tally.tried++;
    if (!entry.answered) {
      tally.silent++;
      if (tally.silentExamples.length < MAX_EXAMPLES) tally.silentExamples.push(attempt.ip);
    }
  }

  private addService(attempt: Attempt): void {
    const port = this.servicePorts.get(attempt.port);
    if (!port) return;
    port.counts[attempt.status]++;
    if (attempt.status !== 'ok') keepExample(port.examples, attempt);
    for (const host of this.names?.get(attempt.ip) ?? []) {
      const counts = this.serviceHosts.get(host)?.get(attempt.port);
      if (counts) counts[attempt.status]++;
    }
  }

  private servicesSummary(): ServicesSummary | null {
    if (this.servicePorts.size === 0) return null;
    return {
      addresses: this.names?.size ?? 0,
      ports: [...this.servicePorts].map(([port, { counts, examples }]) => ({ port, state: portState(counts), counts: { ...counts }, examples: [...examples] })),
      hosts: [...this.serviceHosts].map(([host, ports]) => ({ host, ports: Object.fromEntries([...ports].map(([port, counts]) => [String(port), portState(counts)])) })),
    };
  }

  private noteInterception(attempt: Attempt): void {
    const { key, product, text } = describeInterception(attempt);
    const seen = this.findings.get(key);
    if (seen) seen.attempts++;
    else if (this.findings.size < MAX_FINDINGS) {
      this.findings.set(key, { port: attempt.port, reason: attempt.reason as Finding['reason'], product, text, attempts: 1, evidence: attempt.evidence });
    }
  }

  summary(comparison: SummaryBuilder | null = null): Summary {
    const canaries = this.canaries.findings(this.portList).filter((f) => (this.ports.get(f.port)?.cell.counts.intercepted ?? 0) === 0);
    const caught = new Set(canaries.map((f) => f.port));
    const ports: PortSummary[] = this.portList.map((port) => {
      const { cell, codes, faultCodes, examples } = this.ports.get(port)!;
      return {
        port,
        state: caught.has(port) ? 'intercepted' : portState(cell.counts),
        counts: { ...cell.counts },
        reasons: Object.fromEntries(cell.reasons),
        codes: Object.fromEntries(codes),
        faultCodes: Object.fromEntries(faultCodes),
        examples: Object.fromEntries(examples),
      };
    });
    const ranges: RangeSummary[] = this.ranges.map((range) => ({
      cidr: range.cidr,
      source: range.source,
      status: range.status,
      ports: Object.fromEntries(
        this.portList.map((port) => {
          const cell = this.cells.get(cellKey(range.cidr, port))!;
          return [String(port), { state: portState(cell.counts), counts: { ...cell.counts }, reason: leadingReason(cell) }];
        }),
      ),
      addresses: { ...this.tallies.get(range.cidr)!, silentExamples: [...this.tallies.get(range.cidr)!.silentExamples] },
    }));
    const findings = [...this.findings.values(), ...canaries].sort((a, b) => a.port - b.port);
    return {
      total: this.total, counts: { ...this.counts }, ports, ranges, findings,
      comparison: comparison ? this.compare(ports, comparison) : null,
      services: this.servicesSummary(),
    };
  }

  private compare(ports: PortSummary[], direct: SummaryBuilder): PathComparison[] {
    const other = new Map(direct.summary().ports.map((p) => [p.port, p.state]));
    return ports.map((p) => {
      const state = other.get(p.port) ?? 'unknown';
      return { port: p.port, configured: p.state, direct: state, differs: state !== p.state };
    });
  }
}

function newCell(): Cell {
  return { counts: zeroCounts(), reasons: new Map() };
}

function cellKey(cidr: string, port: number): string {
  return `${cidr} ${port}`;
}

/**
 * Up to MAX_EXAMPLES distinct `address:port` for advice to cite (a service address is often sampled from
 * its range too). The string is built only while there is room: most attempts of a sweep pass straight by.
 */
function keepExample(examples: string[], attempt: Attempt): void {
  if (examples.length >= MAX_EXAMPLES) return;
  const what = endpoint(attempt.ip, attempt.port);
  if (!examples.includes(what)) examples.push(what);
}

function record(cell: Cell, status: Status, reason: Reason): void {
  cell.counts[status]++;
  bump(cell.reasons, reason);
}

/**
 * An interception reason if anything intercepted, else `connected` if anything answered, else the most
 * frequent reason (network answers before local faults).
 */
function leadingReason(cell: Cell): Reason | null {
  if (cell.counts.ok > 0 && cell.counts.intercepted === 0) return 'connected';
  let best: Reason | null = null;
  let bestRank = -1;
  for (const [reason, count] of cell.reasons) {
    const rank = count + (INTERCEPTED.has(reason) ? 2e9 : reasonIsLocalFault(reason) ? 0 : 1e9);
    if (rank > bestRank) { best = reason; bestRank = rank; }
  }
  return best;
}

const INTERCEPTED: ReadonlySet<Reason> = new Set(['http-proxy', 'tls-inspection']);
const LOCAL_FAULTS: ReadonlySet<Reason> = new Set(['resource-exhausted', 'no-local-address', 'unsupported', 'unexpected']);

function reasonIsLocalFault(reason: Reason): boolean {
  return LOCAL_FAULTS.has(reason);
}
