// DNS classification: a pure function from a name's answers to what they mean for GoToMyPC.
import net from 'node:net';
import { isLoopbackInterval } from '../core/address.js';
import type { DnsAddress, DnsObservation, DnsQueryObservation, DnsResult, Evidence, Range } from '../core/types.js';
import { SINKHOLES } from '../data/service-hosts.js';
import type { ServiceHost } from '../data/service-hosts.js';
import { parseRange, rangeOf } from '../targets/ranges.js';
import { round, type Rule } from './classify.js';

const SINKHOLE_RANGES = SINKHOLES.map((s) => ({ range: parseRange(s.cidr)!, why: s.why }));

export interface DnsContext {
  /** The ranges of this run: an answer inside them is a GoTo address, even a loopback one in a lab. */
  ranges: readonly Range[];
  loopbackOnly: boolean;
}

/** c-ares codes for a name that got no address. Anything not listed is a local fault, never a network block. */
const BY_CODE: Record<string, Rule> = {
  ENOTFOUND: { status: 'blocked', reason: 'dns-nxdomain', why: 'the resolver says the name does not exist (NXDOMAIN)' },
  ENODATA: { status: 'blocked', reason: 'dns-no-address', why: 'the resolver says the name exists but has no address (NOERROR without A or AAAA records)' },
  EREFUSED: { status: 'blocked', reason: 'dns-refused', why: 'the resolver refused to answer for the name (REFUSED): a DNS filter or a resolver that does not serve this PC' },
  ESERVFAIL: { status: 'blocked', reason: 'dns-failed', why: 'the resolver failed to get an answer (SERVFAIL)' },
  EBADRESP: { status: 'blocked', reason: 'dns-failed', why: 'the resolver sent a malformed answer' },
  EFORMERR: { status: 'blocked', reason: 'dns-failed', why: 'the resolver rejected the query as malformed (FORMERR)' },
  ENOTIMP: { status: 'blocked', reason: 'dns-failed', why: 'the resolver does not implement this query (NOTIMP)' },
  ECONNREFUSED: { status: 'blocked', reason: 'dns-failed', why: 'nothing answers DNS at the resolver\'s address (connection refused)' },
  ENOMEM: { status: 'error', reason: 'resource-exhausted', why: 'this PC ran out of memory; says nothing about the network' },
  EFILE: { status: 'error', reason: 'resource-exhausted', why: 'this process ran out of file descriptors; says nothing about the network' },
};

const UNEXPECTED: Rule = { status: 'error', reason: 'unexpected', why: 'an unexpected local error in the resolver library; says nothing about the network' };

/** How decisive a failed query is: a definite answer from the resolver beats silence, silence beats a local fault. */
function weight(q: DnsQueryObservation): number {
  if (q.outcome === 'timeout') return 1;
  return q.code && Object.hasOwn(BY_CODE, q.code) && BY_CODE[q.code]!.status === 'blocked' ? 2 : 0;
}

function sinkholeOf(ip: string): string | null {
  const at = parseRange(ip);
  if (!at) return null;
  return SINKHOLE_RANGES.find((s) => s.range.family === at.family && s.range.first <= at.first && at.first <= s.range.last)?.why ?? null;
}

function isLoopback(ip: string): boolean {
  const at = parseRange(ip);
  return at !== null && isLoopbackInterval(at.first, at.last, at.family);
}

/**
 * GoTo's ranges are IPv4, and a PC without IPv6 would report every IPv6 address unreachable: so a
 * name's IPv6 addresses are probed only when it has no IPv4 one.
 */
function addressesOf(queries: readonly DnsQueryObservation[], ctx: DnsContext): DnsAddress[] {
  const seen = new Set<string>();
  const out: DnsAddress[] = [];
  for (const q of queries) {
    for (const ip of q.addresses) {
      // c-ares answers with addresses; anything else (`127.0.0.1/8` reads as a loopback range) must never become a target.
      if (seen.has(ip) || net.isIP(ip) === 0) continue;
      seen.add(ip);
      const range = rangeOf(ip, ctx.ranges);
      const sinkhole = range ? null : sinkholeOf(ip);
      out.push({ ip, range: range?.cidr ?? null, sinkhole, probed: sinkhole === null && (!ctx.loopbackOnly || isLoopback(ip)) });
    }
  }
  const hasV4 = out.some((a) => a.probed && !a.ip.includes(':'));
  return hasV4 ? out.map((a) => (a.ip.includes(':') ? { ...a, probed: false } : a)) : out;
}

function answers(obs: DnsObservation): NonNullable<Evidence['dns']> {
  const out: NonNullable<Evidence['dns']>['answers'] = {};
  for (const q of obs.queries) out[q.type] = q.outcome === 'answered' ? q.addresses : (q.code ?? q.outcome);
  const chain = obs.chain && obs.chain.names.length > 0 ? { chain: [obs.host, ...obs.chain.names], ...(obs.chain.loop ? { loop: true } : {}) } : {};
  return { server: obs.server, answers: out, ...chain };
}

/** An A or AAAA query that came back NOERROR without an address: an empty answer (CNAMEs alone), or NODATA. */
function noAddress(q: DnsQueryObservation): boolean {
  return (q.outcome === 'answered' && q.addresses.length === 0) || (q.outcome === 'failed' && q.code === 'ENODATA');
}

/** The resolver answered, and no answer held an address: a CNAME that leads nowhere, a loop, or NODATA. */
function noAddressRule(obs: DnsObservation, from: string): Rule {
  const chain = obs.chain;
  const path = chain ? [obs.host, ...chain.names].join(' → ') : obs.host;
  if (chain?.loop) {
    return { status: 'blocked', reason: 'dns-no-address', why: `${from} answered with CNAMEs that loop (${path}) and no address: a DNS filter's answer, or a broken zone` };
  }
  if (chain && chain.names.length > 0) {
    const cut = chain.end === 'too-long' ? ', followed no further' : chain.end === 'failed' ? ', where following it failed' : '';
    return { status: 'blocked', reason: 'dns-no-address', why: `${from} answered with only a CNAME (${path}${cut}) and no address: a DNS filter's common answer, or a broken zone` };
  }
  return { ...BY_CODE.ENODATA!, why: `${from}: ${BY_CODE.ENODATA!.why}` };
}

/** Null when the run was interrupted before the name was answered. */
export function classifyDns(obs: DnsObservation, host: ServiceHost, ctx: DnsContext): DnsResult | null {
  if (obs.queries.some((q) => q.outcome === 'interrupted')) return null;
  const addresses = addressesOf(obs.queries, ctx);
  const elapsedMs = round(Math.max(...obs.queries.map((q) => q.elapsedMs)));
  const from = obs.server === 'system' ? "this PC's resolver" : `the resolver ${obs.server}`;
  const decide = (rule: Rule, code: string | null): DnsResult => ({
    host: host.name,
    use: host.use,
    ports: [...host.ports],
    essential: host.essential,
    status: rule.status,
    reason: rule.reason,
    addresses,
    evidence: { stage: 'dns', code, elapsedMs, why: rule.why, dns: answers(obs) },
  });
  if (addresses.length > 0) {
    const real = addresses.filter((a) => a.sinkhole === null);
    if (real.length > 0) {
      const outside = real.filter((a) => a.range === null).length;
      const note = outside > 0 ? `; ${outside} of them outside the ranges of this run` : '';
      return decide({ status: 'ok', reason: 'resolved', why: `${from} gave ${real.length === 1 ? 'an address' : `${real.length} addresses`}${note}` }, null);
    }
    const first = addresses[0]!;
    return decide({ status: 'blocked', reason: 'dns-sinkhole', why: `${from} answered ${first.ip}, ${first.sinkhole}: a DNS filter blocks the name` }, null);
  }
  const a = obs.queries.find((q) => q.type === 'A');
  // The A query decides when it was answered without an address: GoTo's servers are IPv4, and AAAA is often NODATA.
  if (a ? noAddress(a) : obs.queries.every(noAddress)) {
    const empty = obs.queries.some((q) => q.outcome === 'answered');
    return decide(noAddressRule(obs, from), empty ? null : 'ENODATA');
  }
  const decisive = [...obs.queries].sort((a, b) => weight(b) - weight(a))[0]!;
  if (decisive.outcome === 'timeout' && !decisive.code) {
    return decide({ status: 'timeout', reason: 'no-answer', why: `${from} did not answer within ${round(decisive.elapsedMs)} ms` }, null);
  }
  const rule = decisive.code && Object.hasOwn(BY_CODE, decisive.code) ? BY_CODE[decisive.code]! : UNEXPECTED;
  return decide({ ...rule, why: `${from}: ${rule.why}` }, decisive.code ?? null);
}
