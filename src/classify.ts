// Classification: a pure function from what an attempt saw to what it means. No sockets here.
import type { Classification, Observation, Reason, Status } from './types.js';

interface Rule {
  status: Status;
  reason: Reason;
  why: string;
}

/**
 * errno codes as libuv names them on every OS (Windows WSAE* codes arrive mapped: WSAEACCES → EACCES).
 * Anything not listed is an `error`: an unknown fault is never reported as a network block.
 */
const BY_CODE: Record<string, Rule> = {
  ECONNREFUSED: { status: 'blocked', reason: 'refused', why: 'the connection was refused: a TCP reset answered the SYN (a firewall rejecting it, or nothing listening)' },
  EHOSTUNREACH: { status: 'blocked', reason: 'unreachable', why: 'host unreachable: an ICMP unreachable or administratively-prohibited message, or no route to the host' },
  ENETUNREACH: { status: 'blocked', reason: 'unreachable', why: 'network unreachable: this machine has no route to that network' },
  EHOSTDOWN: { status: 'blocked', reason: 'unreachable', why: 'host down: the network reported the host unreachable' },
  ENONET: { status: 'blocked', reason: 'unreachable', why: 'the network reported the host isolated' },
  EACCES: { status: 'blocked', reason: 'local-firewall', why: 'this computer refused to open the connection (a local firewall or security policy)' },
  EPERM: { status: 'blocked', reason: 'local-firewall', why: 'this computer refused to open the connection (a local firewall or security policy)' },
  ECONNRESET: { status: 'blocked', reason: 'reset', why: 'the connection was reset during the attempt' },
  ECONNABORTED: { status: 'blocked', reason: 'reset', why: 'the connection was aborted during the attempt' },
  EPIPE: { status: 'blocked', reason: 'reset', why: 'the connection was closed by the other side during the attempt' },
  ETIMEDOUT: { status: 'timeout', reason: 'no-answer', why: 'the operating system gave up waiting for an answer' },
  EMFILE: { status: 'error', reason: 'resource-exhausted', why: 'this process ran out of file descriptors (lower --concurrency or raise ulimit -n); says nothing about the network' },
  ENFILE: { status: 'error', reason: 'resource-exhausted', why: 'the system ran out of file descriptors; says nothing about the network' },
  ENOBUFS: { status: 'error', reason: 'resource-exhausted', why: 'the system ran out of network buffers; says nothing about the network' },
  ENOMEM: { status: 'error', reason: 'resource-exhausted', why: 'the system ran out of memory; says nothing about the network' },
  EADDRNOTAVAIL: { status: 'error', reason: 'no-local-address', why: 'no local address or port was free for the connection; says nothing about the network' },
  EADDRINUSE: { status: 'error', reason: 'no-local-address', why: 'no local port was free for the connection; says nothing about the network' },
  EAFNOSUPPORT: { status: 'error', reason: 'unsupported', why: 'this machine does not support that address family (IPv6 disabled?)' },
  EINVAL: { status: 'error', reason: 'unsupported', why: 'the operating system rejected the connect call as invalid' },
};

const UNEXPECTED: Rule = { status: 'error', reason: 'unexpected', why: 'an unexpected local error; says nothing about the network' };

export function classify(obs: Observation): Classification {
  const elapsedMs = round(obs.elapsedMs);
  switch (obs.outcome) {
    case 'connected':
      return {
        status: 'ok',
        reason: 'connected',
        evidence: { code: null, elapsedMs, local: endpoint(obs.localAddress ?? '', obs.localPort ?? 0), why: 'the TCP handshake completed' },
      };
    case 'timeout':
      return {
        status: 'timeout',
        reason: 'no-answer',
        evidence: { code: null, elapsedMs, why: `no answer within ${elapsedMs} ms: something dropped the packets silently, or nothing is at that address` },
      };
    case 'interrupted':
      return { status: 'error', reason: 'unexpected', evidence: { code: null, elapsedMs, why: 'the run was interrupted before this attempt finished' } };
    case 'failed': {
      const code = obs.code ?? 'UNKNOWN';
      const rule = Object.hasOwn(BY_CODE, code) ? BY_CODE[code]! : UNEXPECTED;
      return {
        status: rule.status,
        reason: rule.reason,
        evidence: { code, elapsedMs, ...(obs.syscall ? { syscall: obs.syscall } : {}), why: rule.why },
      };
    }
  }
}

/** Milliseconds to 0.1 ms: finer than that is scheduler noise. */
export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** `address:port`, with IPv6 addresses in brackets so the port cannot be read as part of the address. */
function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
