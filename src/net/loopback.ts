// What "loopback" means to the guard: 127.0.0.0/8 and ::1, written any way an address can be written.
import net from 'node:net';

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** G2PROBE_LOOPBACK_ONLY turns the guard on unless it is empty, 0, false or no: a typo must not turn it off. */
export function guardFromEnv(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no', 'off'].includes(value.trim().toLowerCase());
}

/** An IP address (not a name) in 127.0.0.0/8 or equal to ::1. */
export function isLoopbackAddress(ip: string): boolean {
  // Every attempt asks: the dotted form needs no BlockList (Node's isIPv4 admits no leading zeros or shorthands).
  if (net.isIPv4(ip)) return ip.startsWith('127.');
  return net.isIPv6(ip) && LOOPBACK.check(ip, 'ipv6');
}

/** A loopback address, or `localhost`, which the guard lets through only to a loopback answer. */
export function isLoopbackHost(host: string): boolean {
  return host.toLowerCase() === 'localhost' || isLoopbackAddress(host);
}
