// Aggregates attempts as they stream in: memory grows with ranges × ports, never with attempts.
import { CanaryTracker } from './canary.js';
import { joinHostPort } from '../core/host-port.js';
import { portsOf } from '../targets/ranges.js';
import { offeredSchemes } from '../core/auth-challenge.js';
import type {
  Attempt, CellState, Finding, PathComparison, PortState, PortSummary, Range, RangeSummary, Reason, ServiceIndex, ServicesSummary, Status,
  StatusCounts, Summary,
} from '../core/types.js';

/** Distinct interceptors remembered per run: enough for any real network, bounded for a hostile one. */
const MAX_FINDINGS = 20;
/** Attempts kept per port and reason for advice to cite. */
const MAX_EXAMPLES = 3;

/**
 * Reasons that say something stands in the way whatever the address: this PC's firewall, the proxy's
 * refusal, a filter that cut GoToMyPC's bytes and let neutral ones pass. Other failures (silence, a refusal,
 * 'unreachable') say so only where a GoTo server is expected (Target.expected).
 */
export const IN_THE_WAY: ReadonlySet<Reason> = new Set(['local-firewall', 'proxy-denied', 'proxy-auth-required', 'proxy-unreachable', 'app-filter']);

function zeroCounts(): StatusCounts {
  return { ok: 0, blocked: 0, timeout: 0, intercepted: 0, error: 0 };
}

/** A failed attempt that is evidence of a block; false for failures at addresses only an old list names. */
function isEvidence(attempt: Pick<Attempt, 'status' | 'reason' | 'expected'>): boolean {
  return (attempt.status === 'blocked' || attempt.status === 'timeout') && (attempt.expected || IN_THE_WAY.has(attempt.reason));
}

/**
 * Intercepted when anything in the path answered in GoTo's place (even if other attempts got through: the
 * interceptor is what the user must hear about); blocked when a filter cut GoToMyPC's own bytes, for the same
 * reason, or on evidence of a block where nothing answered; reachable when a GoTo server answered; unconfirmed
 * when the only failures are where no server is known to be; unknown when only local faults (or nothing) were
 * seen. `unjudged`: the failed attempts that are not evidence; `filtered`: the app-filter ones.
 */
export function portState(counts: StatusCounts, unjudged = 0, filtered = 0): PortState {
  if (counts.intercepted > 0) return 'intercepted';
  if (filtered > 0) return 'blocked';
  if (counts.ok > 0) return 'reachable';
  const failed = counts.blocked + counts.timeout;
  if (failed > unjudged) return 'blocked';
  if (failed > 0) return 'unconfirmed';
  return 'unknown';
}

/** Who was seen in the way, in plain words, and a key that tells one interferer from another. */
function describeFinding(attempt: Attempt, possible: string | null): { key: string; reason: Finding['reason']; product: string | null; text: string } {
  const { evidence, port } = attempt;
  if (possible !== null) {
    return { key: `${port} possible ${possible}`, reason: attempt.evidence.stage === 'tls' ? 'tls-inspection' : attempt.evidence.exchanges ? 'app-filter' : 'http-proxy', product: null, text: `Possibly something in the way on port ${port}: ${possible}.` };
  }
  if (attempt.reason === 'app-filter') {
    const { gotomypc, neutral } = evidence.exchanges ?? { gotomypc: { sent: '?' }, neutral: { sent: '?' } };
    return {
      key: `${port} app-filter ${evidence.stage}`,
      reason: 'app-filter',
      product: null,
      text: `An application-aware filter stops GoToMyPC on port ${port}: ${gotomypc.sent} was cut, ${neutral.sent} to the same server was not.`,
    };
  }
  if (attempt.reason === 'tls-inspection' && evidence.tls) {
    const { chain = [], product, extraRoot } = evidence.tls;
    const issuer = chain[0]?.issuer ?? 'an unknown issuer';
    const local = extraRoot ? ` This PC trusts that issuer through a root added locally (${extraRoot.subject}, from ${extraRoot.source}).` : '';
    return {
      key: `${port} tls ${issuer}`,
      reason: 'tls-inspection',
      product: product ?? null,
      text: `Something on this network inspects HTTPS: the certificate for ${port} was issued by ${issuer}${product ? ` (${product})` : ''}, which no public root vouches for.${local}`,
    };
  }
  const { status = 0, headers = {}, product } = evidence.http ?? {};
  const name = product ?? headers.server ?? headers.via ?? null;
  const signs = (evidence.signs ?? []).join('; ');
  if (evidence.stage === 'service') {
    return {
      key: `${port} http ${name ?? ''}`,
      reason: 'http-proxy',
      product: name,
      text: `A proxy or firewall answers port ${port} in place of the GoToMyPC service (${status === 0 ? '' : `HTTP ${status}: `}${signs}).`,
    };
  }
  return { key: `${port} http ${name ?? ''}`, reason: 'http-proxy', product: name, text: `A web proxy or filter answers port ${port} in place of the GoTo servers (${signs}).` };
}

interface Cell {
  counts: StatusCounts;
  reasons: Map<Reason, number>;
  unjudged: number;
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
  /** The ports each range is probed on: an address is complete once all of them are in. */
  private readonly rangePorts = new Map<string, number>();
  private readonly findings = new Map<string, Finding>();
  /** What the proxy's 407 answers offered, for the advice (bounded: a header names few schemes, and they repeat). */
  private readonly proxySchemes = new Set<string>();
  private readonly retried = { attempts: 0, answered: 0 };
  private readonly canaries = new CanaryTracker();
  /** Bounded by the attempts in flight: an address leaves once every port of it has been seen. */
  private readonly pending = new Map<string, Pending>();
  private readonly tallies = new Map<string, AddressTally>();
  private readonly servicePorts = new Map<number, { cell: Cell; examples: string[] }>();
  private readonly serviceHosts = new Map<string, { essential: boolean; ports: Map<number, Cell> }>();
  private readonly essentialNames = new Map<string, ReadonlySet<number>>();

  /**
   * `services`: the names resolved and their addresses, or null when no name was. `paths`: how many paths each
   * target is tried on (the viewer's and the host service's): an address is complete once every one is in.
   */
  constructor(private readonly ranges: Range[], private readonly portList: number[], private readonly services: ServiceIndex | null = null, private readonly paths = 1) {
    for (const port of portList) this.ports.set(port, { cell: newCell(), codes: new Map(), faultCodes: new Map(), examples: new Map() });
    for (const range of ranges) {
      const served = portsOf(range, portList);
      for (const port of served) this.cells.set(cellKey(range.cidr, port), newCell());
      this.rangePorts.set(range.cidr, served.length);
      this.tallies.set(range.cidr, { tried: 0, silent: 0, silentExamples: [] });
    }
    if (services && services.byAddress.size > 0) {
      for (const { host, essential, ports } of services.hosts) {
        this.serviceHosts.set(host, { essential, ports: new Map(ports.map((p) => [p, newCell()])) });
        if (!essential) continue;
        this.essentialNames.set(host, new Set(ports));
        for (const port of ports) if (!this.servicePorts.has(port)) this.servicePorts.set(port, { cell: newCell(), examples: [] });
      }
    }
  }

  add(attempt: Attempt): void {
    this.total++;
    if (attempt.tries !== undefined) {
      this.retried.attempts++;
      if (attempt.status !== 'timeout') this.retried.answered++;
    }
    this.counts[attempt.status]++;
    const port = this.ports.get(attempt.port);
    const cell = attempt.range === null ? null : this.cells.get(cellKey(attempt.range, attempt.port));
    if (!port || (cell === undefined && attempt.host === undefined)) throw new Error(`attempt outside the plan: ${attempt.range} port ${attempt.port}`);
    const judged = isEvidence(attempt);
    record(port.cell, attempt, judged);
    if (cell) record(cell, attempt, judged);
    if (attempt.reason === 'proxy-auth-required') {
      for (const scheme of offeredSchemes(attempt.evidence.proxy?.headers['proxy-authenticate'])) this.proxySchemes.add(scheme);
    }
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
    else this.addService(attempt, judged);
    this.canaries.add(attempt);
    this.noteFinding(attempt);
  }

  private tallyAddress(attempt: Attempt): void {
    if (attempt.range === null) return;
    const entry = this.pending.get(attempt.ip) ?? { range: attempt.range, seen: 0, answered: false };
    entry.seen++;
    entry.answered ||= answered(attempt.status);
    if (entry.seen < (this.rangePorts.get(entry.range) ?? 0) * this.paths) {
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

  private addService(attempt: Attempt, judged: boolean): void {
    const names = this.services?.byAddress.get(attempt.ip) ?? [];
    for (const host of names) {
      const cell = this.serviceHosts.get(host)?.ports.get(attempt.port);
      if (cell) record(cell, attempt, judged);
    }
    const port = this.servicePorts.get(attempt.port);
    if (!port || !names.some((host) => this.essentialNames.get(host)?.has(attempt.port))) return;
    record(port.cell, attempt, judged);
    if (attempt.status !== 'ok') keepExample(port.examples, attempt);
  }

  private servicesSummary(): ServicesSummary | null {
    if (this.serviceHosts.size === 0) return null;
    return {
      addresses: this.services?.byAddress.size ?? 0,
      ports: [...this.servicePorts].map(([port, { cell, examples }]) => ({ port, state: cellState(cell), counts: { ...cell.counts }, examples: [...examples] })),
      hosts: [...this.serviceHosts].map(([host, { essential, ports }]) => ({
        host,
        essential,
        ports: Object.fromEntries([...ports].map(([port, cell]) => [String(port), cellState(cell)])),
      })),
    };
  }

  /** Interceptions and application filters, and the possible ones from weak signs, one finding per interferer. */
  private noteFinding(attempt: Attempt): void {
    const possible = attempt.evidence.possible?.[0] ?? null;
    const certain = attempt.status === 'intercepted' || attempt.reason === 'app-filter';
    if (!certain && possible === null) return;
    const { key, reason, product, text } = describeFinding(attempt, certain ? null : possible);
    const seen = this.findings.get(key);
    if (seen) seen.attempts++;
    else if (this.findings.size < MAX_FINDINGS) {
      this.findings.set(key, { port: attempt.port, reason, possible: !certain, product, text, attempts: 1, evidence: attempt.evidence });
    }
  }

  summary(comparison: SummaryBuilder | null = null): Summary {
    const canaries = this.canaries.findings(this.portList).filter((f) => (this.ports.get(f.port)?.cell.counts.intercepted ?? 0) === 0);
    const ports: PortSummary[] = this.portList.map((port) => {
      const { cell, codes, faultCodes, examples } = this.ports.get(port)!;
      return {
        port,
        state: cellState(cell),
        counts: { ...cell.counts },
        reasons: Object.fromEntries(cell.reasons),
        codes: Object.fromEntries(codes),
        faultCodes: Object.fromEntries(faultCodes),
        unjudged: cell.unjudged,
        examples: Object.fromEntries(examples),
      };
    });
    const ranges: RangeSummary[] = this.ranges.map((range) => ({
      cidr: range.cidr,
      lists: [...range.lists],
      serves: range.ports === null ? null : [...range.ports],
      legacyPorts: [...range.legacyPorts],
      source: range.source,
      status: range.status,
      ports: Object.fromEntries(
        this.portList.map((port) => {
          const cell = this.cells.get(cellKey(range.cidr, port));
          if (!cell) return [String(port), { state: 'not-served' as CellState, counts: zeroCounts(), reason: null }];
          return [String(port), { state: cellState(cell) as CellState, counts: { ...cell.counts }, reason: leadingReason(cell) }];
        }),
      ),
      addresses: { ...this.tallies.get(range.cidr)!, silentExamples: [...this.tallies.get(range.cidr)!.silentExamples], whole: BigInt(this.tallies.get(range.cidr)!.tried) >= range.hostCount },
    }));
    const findings = [...this.findings.values(), ...canaries].sort((a, b) => a.port - b.port || Number(a.possible) - Number(b.possible));
    return {
      total: this.total, counts: { ...this.counts }, ports, ranges, findings,
      comparison: comparison ? this.compare(ports, comparison) : null,
      services: this.servicesSummary(),
      ...(this.proxySchemes.size > 0 ? { proxySchemes: [...this.proxySchemes].sort().slice(0, 16) } : {}),
      ...(this.retried.attempts > 0 ? { retried: { ...this.retried } } : {}),
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
  return { counts: zeroCounts(), reasons: new Map(), unjudged: 0 };
}

function cellState(cell: Cell): PortState {
  return portState(cell.counts, cell.unjudged, cell.reasons.get('app-filter') ?? 0);
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
  const what = joinHostPort(attempt.ip, attempt.port);
  if (!examples.includes(what)) examples.push(what);
}

function record(cell: Cell, attempt: Attempt, judged: boolean): void {
  cell.counts[attempt.status]++;
  bump(cell.reasons, attempt.reason);
  if (!judged && (attempt.status === 'blocked' || attempt.status === 'timeout')) cell.unjudged++;
}

/**
 * An interception or filter reason if anything was intercepted or filtered, else `connected` if anything
 * answered, else the most frequent reason (network answers before local faults).
 */
function leadingReason(cell: Cell): Reason | null {
  if (cell.counts.ok > 0 && cell.counts.intercepted === 0 && !cell.reasons.has('app-filter')) return 'connected';
  let best: Reason | null = null;
  let bestRank = -1;
  for (const [reason, count] of cell.reasons) {
    const rank = count + (INTERCEPTED.has(reason) ? 2e9 : reasonIsLocalFault(reason) ? 0 : 1e9);
    if (rank > bestRank) { best = reason; bestRank = rank; }
  }
  return best;
}

const INTERCEPTED: ReadonlySet<Reason> = new Set(['http-proxy', 'tls-inspection', 'app-filter']);
const LOCAL_FAULTS: ReadonlySet<Reason> = new Set(['resource-exhausted', 'no-local-address', 'unsupported', 'unexpected']);

function reasonIsLocalFault(reason: Reason): boolean {
  return LOCAL_FAULTS.has(reason);
}
