// Host and port, joined and split in one place: an IPv6 address goes in brackets, so its colons are never read as
// the port's (`[::1]:3128`, never `::1:3128`).
import net from 'node:net';

/** The host as it goes before `:port` or into a URL: an IPv6 address in brackets (once). */
export function bracketHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The host without the brackets a URL or `[v6]:port` puts around an IPv6 address. */
export function unbracketHost(host: string): string {
  return /^\[[^\]]*\]$/.test(host) ? host.slice(1, -1) : host;
}

export function joinHostPort(host: string, port: number): string {
  return `${bracketHost(host)}:${port}`;
}

export interface HostPort {
  host: string;
  /** Null when the text named none. */
  port: number | null;
}

/**
 * `host`, `host:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address (which cannot carry a port); null for anything
 * else: an empty host, a port that is not 0–65535, brackets around something that is not IPv6.
 */
export function splitHostPort(text: string): HostPort | null {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  if (bracketed) return net.isIPv6(bracketed[1]!) ? portOf(bracketed[1]!, bracketed[2]) : null;
  if (net.isIPv6(text)) return { host: text, port: null };
  const plain = /^([^:[\]\s]+)(?::(\d{1,5}))?$/.exec(text);
  return plain ? portOf(plain[1]!, plain[2]) : null;
}

function portOf(host: string, port: string | undefined): HostPort | null {
  if (port === undefined) return { host, port: null };
  const n = Number(port);
  return n <= 65535 ? { host, port: n } : null;
}
