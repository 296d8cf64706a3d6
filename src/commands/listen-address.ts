// HOST:PORT for serve's --listen and for health, with one default both read: G2PROBE_LISTEN, else 0.0.0.0:9815.
import net from 'node:net';
import { UsageError, quote } from '../core/errors.js';
import { joinHostPort } from '../core/host-port.js';

/** 9815: in the exporters' 9100–9999 block, which is fully allocated; set --listen or G2PROBE_LISTEN when it clashes. */
export const DEFAULT_LISTEN = '0.0.0.0:9815';

export interface ListenAddress {
  host: string;
  port: number;
}

/** `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (every interface). Port 0 asks the OS for a free one. */
export function parseListen(raw: string, name: string): ListenAddress {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(raw) ?? /^([^:[\]]*):(\d+)$/.exec(raw);
  const host = match ? (match[1] === '' ? '0.0.0.0' : match[1]!) : '';
  const port = match ? Number(match[2]) : NaN;
  if (!match || !(port >= 0 && port <= 65535) || (host !== 'localhost' && net.isIP(host) === 0)) {
    throw new UsageError(`bad ${name} value ${quote(raw)}: give ADDRESS:PORT, such as 0.0.0.0:9815, 127.0.0.1:9815 or [::1]:9815`);
  }
  return { host, port };
}

export function listenFrom(flag: string | undefined, env: NodeJS.ProcessEnv): ListenAddress {
  if (flag !== undefined) return parseListen(flag, '--listen');
  const fromEnv = env.G2PROBE_LISTEN?.trim();
  return fromEnv ? parseListen(fromEnv, 'G2PROBE_LISTEN') : parseListen(DEFAULT_LISTEN, '--listen');
}

export function formatListen({ host, port }: ListenAddress): string {
  return joinHostPort(host, port);
}
