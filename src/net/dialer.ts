// The one door to the network. Every socket, DNS query and HTTP request g2probe sends is opened here; with
// the loopback-only guard on, nothing outside 127.0.0.0/8 and ::1 passes, whatever code path asked.
import { lookup as systemLookup, type LookupAddress, type LookupOptions, type ResolverOptions } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { guardFromEnv, isLoopbackAddress, isLoopbackHost } from './loopback.js';
import type { ConnectRequest, TcpHandle } from './tcp-handle.js';
import { joinHostPort, splitHostPort } from '../core/host-port.js';

export interface Endpoint {
  host: string;
  port: number;
}

/**
 * The dialer refused an address: some path reached the network past the start-up checks, which name a bad
 * value and exit 64 before anything is sent. That is a fault in g2probe (exit 70), never a network outcome.
 */
export class GuardBreach extends Error {
  override readonly name = 'GuardBreach';
}

// On from the environment before anything else runs, so a library caller and every test are guarded too.
let locked = guardFromEnv(process.env.G2PROBE_LOOPBACK_ONLY);
let breaches = 0;

/** Turns the guard on for the rest of the process. Nothing turns it off. */
export function lockToLoopback(): void {
  locked = true;
}

export function isLockedToLoopback(): boolean {
  return locked;
}

/** How many times the dialer refused: the command line exits 70 if any did, even if the refusal was caught on the way. */
export function breachCount(): number {
  return breaches;
}

function breach(what: string, why = 'which lies outside 127.0.0.0/8 and ::1'): GuardBreach {
  breaches++;
  return new GuardBreach(`the loopback-only guard stopped ${what}, ${why}, at the dialer: a check at start-up missed it`);
}

/** A name is looked up only when it is localhost, and only a loopback answer is used: any other would need DNS. */
function admit(to: Endpoint, what: string): void {
  if (locked && !isLoopbackHost(to.host)) throw breach(`${what} ${joinHostPort(to.host, to.port)}`);
}

/**
 * net.connect's lookup for names, checking what the name resolved to before the socket connects. Its refusal
 * reaches the caller as the socket's error; breachCount() keeps it from passing as a network outcome.
 */
function guardedLookup(hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void {
  systemLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const usable = locked ? addresses.filter((a) => isLoopbackAddress(a.address)) : addresses;
    if (usable.length === 0) return callback(breach(`a connection to ${hostname}`, `which resolved to ${addresses.map((a) => a.address).join(', ')}, outside 127.0.0.0/8 and ::1`), []);
    if (options.all) return callback(null, usable);
    callback(null, usable[0]!.address, usable[0]!.family);
  });
}

/** A TCP connection to `to`. With `tunnelTo`, `to` is a proxy that will be asked to CONNECT there: both must pass. */
export function openSocket(to: Endpoint, tunnelTo?: Endpoint): net.Socket {
  admit(to, tunnelTo ? 'a connection to the proxy' : 'a connection to');
  if (tunnelTo) admit(tunnelTo, 'a tunnel to');
  return net.connect({ host: to.host, port: to.port, lookup: guardedLookup });
}

/** A handshake on a bare libuv handle (see tcp-handle.ts): the address is always an IP. Returns libuv's status. */
export function connectHandle(handle: TcpHandle, request: ConnectRequest, to: Endpoint, family: 4 | 6): number {
  admit(to, 'a connection to');
  return family === 6 ? handle.connect6(request, to.host, to.port) : handle.connect(request, to.host, to.port);
}

/** A resolver asking `server` (ADDR[:PORT]), or this PC's configured ones for null, which the guard refuses: they may forward anywhere. */
export function openResolver(server: string | null, options: ResolverOptions): Resolver {
  if (locked) {
    if (server === null) throw breach("a query to this PC's resolver", 'which may forward it anywhere');
    const address = splitHostPort(server)?.host ?? server;
    if (!isLoopbackAddress(address)) throw breach(`a query to the resolver ${server}`);
  }
  const resolver = new Resolver(options);
  if (server !== null) resolver.setServers([server]);
  return resolver;
}
