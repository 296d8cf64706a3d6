// serve's HTTP connections: how long each may take and how many may be open, so that clients that connect and
// say nothing, or say it a byte at a time, neither starve the scheduled runs of file descriptors nor keep a
// scrape out. serve listens on every interface by default: anyone who reaches the port is such a client.
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Node 22's timeouts, as measured (not as remembered): `headersTimeout` runs from the connection's start for
 * a client that sends nothing and from its first byte otherwise, and ends it with a 408; a client that sends
 * a header byte every second is cut by it too. Both it and `requestTimeout` are only looked at every
 * `connectionsCheckingInterval` (30 s by default, so a silent client stayed 60–90 s). `keepAliveTimeout`
 * closes an idle kept connection about a second after it (Node adds that second). `server.timeout` is
 * inactivity in either direction: it cuts a reader that stopped reading a long answer.
 */
export const SERVE_TIMEOUTS = {
  /** A request's head within this: Prometheus sends it at once, a slowloris never finishes it. */
  headersMs: 10_000,
  /** The whole request: a GET has no body, so this bounds only a slow body sent with a refused method. */
  requestMs: 15_000,
  /** A kept connection idle between requests; Prometheus reconnects when it has been closed. */
  keepAliveMs: 5_000,
  /** No byte moving either way for this long, mid-answer included. */
  idleMs: 30_000,
  /** How often Node looks at the first two. */
  checkEveryMs: 1_000,
} as const;

export function serverOptions(): ServerOptions {
  return {
    headersTimeout: SERVE_TIMEOUTS.headersMs,
    requestTimeout: SERVE_TIMEOUTS.requestMs,
    keepAliveTimeout: SERVE_TIMEOUTS.keepAliveMs,
    connectionsCheckingInterval: SERVE_TIMEOUTS.checkEveryMs,
  };
}

/** A few scrapers and a person or two need a handful; past this, more only serve a flood. */
const MAX_CONNECTIONS = 1024;
const MIN_CONNECTIONS = 8;

/**
 * serve's share of the open-file limit: a quarter, from 8 to 1024 connections (1024 where there is no limit,
 * as on Windows). The runs are given the rest (`RunOptions.openFiles`), from which `fitConcurrency` keeps its
 * 64 spare descriptors and two per attempt: with 1024, 256 connections and at most (1024 − 256 − 64) / 2 = 352
 * attempts in flight, 256 + 2 × 352 + 64 = 1024; with 256, 64 connections and 64 attempts.
 */
export function connectionCap(openFiles: number | null): number {
  if (openFiles === null) return MAX_CONNECTIONS;
  return Math.max(MIN_CONNECTIONS, Math.min(MAX_CONNECTIONS, Math.floor(openFiles / 4)));
}

/** What the cap did since it last said so: connections closed to let a new one in, and new ones refused. */
export interface CapPressure {
  cap: number;
  evicted: number;
  refused: number;
}

/** A flood is said once a minute at most, with its counts, not once per connection. */
const SAY_EVERY_MS = 60_000;

/**
 * Holds the open connections at `cap`. A new connection at the cap closes one that has no request under way
 * (it never sent a head, is sending it a byte at a time, or is kept idle after its last answer): of the client
 * address holding the most connections, the one that waited longest. A flood from one address then pushes
 * out its own connections, and a scrape from elsewhere gets in however fast the flood reconnects; a
 * connection mid-answer is never closed for it. Only when every connection is mid-answer is the new one refused.
 */
export class ConnectionCap {
  /** Per client address, its open connections and their requests under way, least recently busy first. */
  private readonly byAddress = new Map<string, Map<Socket, number>>();
  private readonly addressOf = new WeakMap<Socket, string>();
  private size = 0;
  private evicted = 0;
  private refused = 0;
  private saidAt = -Infinity;

  constructor(server: Server, readonly cap: number, private readonly say: (pressure: CapPressure) => void) {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.busy(req.socket, res));
  }

  private admit(socket: Socket): void {
    if (this.size >= this.cap) {
      const idle = this.idlest();
      if (idle === null) {
        this.refused++;
        socket.destroy();
        this.sayPressure();
        return;
      }
      this.forget(idle);
      idle.destroy();
      this.evicted++;
      this.sayPressure();
    }
    const address = socket.remoteAddress ?? '';
    this.addressOf.set(socket, address);
    let open = this.byAddress.get(address);
    if (!open) this.byAddress.set(address, open = new Map());
    open.set(socket, 0);
    this.size++;
    socket.once('close', () => this.forget(socket));
  }

  private busy(socket: Socket, res: ServerResponse): void {
    const address = this.addressOf.get(socket);
    const open = address === undefined ? undefined : this.byAddress.get(address);
    const running = open?.get(socket);
    if (open === undefined || running === undefined) return;
    open.set(socket, running + 1);
    res.once('close', () => {
      const left = open.get(socket);
      if (left === undefined) return;
      // Re-inserted, so the connection idle longest stays the first of its address.
      open.delete(socket);
      open.set(socket, left - 1);
    });
  }

  private forget(socket: Socket): void {
    const address = this.addressOf.get(socket);
    if (address === undefined) return;
    const open = this.byAddress.get(address);
    if (!open?.delete(socket)) return;
    this.size--;
    if (open.size === 0) this.byAddress.delete(address);
  }

  /** The idle connection to close: the longest idle one of the address with the most, or of the next. */
  private idlest(): Socket | null {
    let crowded: Map<Socket, number> | null = null;
    for (const open of this.byAddress.values()) if (!crowded || open.size > crowded.size) crowded = open;
    const first = crowded ? idleIn(crowded) : null;
    if (first) return first;
    // Every connection of the most crowded address is mid-answer: any idle one elsewhere.
    for (const open of this.byAddress.values()) {
      const idle = idleIn(open);
      if (idle) return idle;
    }
    return null;
  }

  private sayPressure(): void {
    const now = Date.now();
    if (now - this.saidAt < SAY_EVERY_MS) return;
    this.saidAt = now;
    this.say({ cap: this.cap, evicted: this.evicted, refused: this.refused });
    this.evicted = 0;
    this.refused = 0;
  }
}

function idleIn(open: Map<Socket, number>): Socket | null {
  for (const [socket, running] of open) if (running === 0) return socket;
  return null;
}
