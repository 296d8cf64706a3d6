// The canary: handshakes that complete for addresses that answer nothing else, all about equally close, may
// mean something in the path accepts connections on their behalf: a possible finding only. Streaming, bounded.
import type { Attempt, CanaryEvidence, Finding } from '../core/types.js';
import { round } from './classify.js';

/** At least this many different addresses must look alike before the pattern means anything. */
const MIN_ADDRESSES = 3;
/**
 * A middlebox on the local network completes at least one handshake this fast (ms). The times measured
 * here include this process's own event-loop delay, which on a busy machine adds tens of ms to some of
 * them: the fastest is the honest one, and the spread bound below only rules out far-apart servers.
 */
const NEAR_MS = 10;
/** Handshake times that spread wider than this (ms) come from servers at different distances. */
const SPREAD_MS = 50;

/** Addresses remembered per run for the other-ports test; past this it is reported as unknown. */
const MAX_TRACKED = 10_000;

interface PortStats {
  connected: number;
  silent: number;
  silentMs: number[];
  silentIps: Set<string>;
}

export class CanaryTracker {
  private readonly ports = new Map<number, PortStats>();
  /** Ports each address completed a handshake on. */
  private readonly connectedOn = new Map<string, Set<number>>();
  private overflow = false;

  /** Only direct attempts count: through an explicit proxy every handshake is with the proxy, by design. */
  add(attempt: Attempt): void {
    if (attempt.path !== 'direct' || attempt.connectMs === null) return;
    let stats = this.ports.get(attempt.port);
    if (!stats) this.ports.set(attempt.port, (stats = { connected: 0, silent: 0, silentMs: [], silentIps: new Set() }));
    stats.connected++;
    if (attempt.status === 'timeout' && (attempt.evidence.stage === 'http' || attempt.evidence.stage === 'tls')) {
      stats.silent++;
      if (stats.silentMs.length < MAX_TRACKED) stats.silentMs.push(attempt.connectMs);
      stats.silentIps.add(attempt.ip);
    }
    if (this.connectedOn.size >= MAX_TRACKED && !this.connectedOn.has(attempt.ip)) {
      this.overflow = true;
      return;
    }
    let ports = this.connectedOn.get(attempt.ip);
    if (!ports) this.connectedOn.set(attempt.ip, (ports = new Set()));
    ports.add(attempt.port);
  }

  findings(testedPorts: readonly number[]): Finding[] {
    const findings: Finding[] = [];
    for (const [port, stats] of this.ports) {
      const otherPorts = testedPorts.filter((p) => p !== port);
      const otherPortsSilent = otherPorts.length === 0 || this.overflow
        ? null
        : [...stats.silentIps].every((ip) => [...(this.connectedOn.get(ip) ?? [])].every((p) => p === port));
      const evidence = canary(stats.connected, stats.silent, stats.silentMs, stats.silentIps.size, otherPortsSilent);
      if (!evidence) continue;
      findings.push({
        port,
        reason: 'http-proxy',
        // Timing alone names no one: a weak sign, reported beside the attempts' own status.
        possible: true,
        product: null,
        text: `Possibly something in the path accepts every connection on port ${port} itself: ${evidence.addresses} different addresses completed the handshake in ${evidence.connectMs.min}–${evidence.connectMs.max} ms, as close as the local network, and none of them answered.`,
        attempts: stats.silent,
        evidence,
      });
    }
    return findings;
  }
}

/** Pure: the canary evidence when every handshake on a port was silent, near and alike; else null. */
export function canary(connected: number, silent: number, silentMs: readonly number[], addresses: number, otherPortsSilent: boolean | null): CanaryEvidence | null {
  if (addresses < MIN_ADDRESSES || silent !== connected || silentMs.length === 0 || otherPortsSilent === false) return null;
  const sorted = [...silentMs].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted.at(-1)!;
  const median = sorted[Math.floor(sorted.length / 2)]!;
  if (min > NEAR_MS || max - min > SPREAD_MS) return null;
  return { kind: 'canary', addresses, connectMs: { min: round(min), median: round(median), max: round(max) }, otherPortsSilent };
}
