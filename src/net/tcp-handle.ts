// libuv's TCP handle as Node's own net.Socket drives it, for handshakes that need no stream.
import { getSystemErrorName } from 'node:util';

/** The subset of node:net's internal `tcp_wrap` binding a bare connect uses. */
export interface TcpHandle {
  connect(req: ConnectRequest, address: string, port: number): number;
  connect6(req: ConnectRequest, address: string, port: number): number;
  getsockname(out: { address?: string; port?: number }): number;
  reset(onClose: () => void): number;
  close(onClose?: () => void): void;
}

export interface ConnectRequest {
  oncomplete: (status: number) => void;
  address: string;
  port: number;
}

interface TcpWrap {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectRequest;
  constants: { SOCKET: number };
}

/**
 * The binding, or null where this Node does not have it in the expected shape (or
 * G2PROBE_NET_SOCKET=1 asks for the portable path): callers then use net.connect. Profiled on a
 * loopback sweep, net.Socket's stream set-up, its Error with a stack trace for every refusal, and
 * its AbortSignal wiring cost as much as the kernel's handshake; the bare handle costs none of that.
 */
function load(): TcpWrap | null {
  if (process.env.G2PROBE_NET_SOCKET === '1') return null;
  try {
    // process.binding is typed as never-returning-anything-useful; the shape is checked below instead.
    const binding = (process as unknown as { binding(name: string): Partial<TcpWrap> }).binding('tcp_wrap');
    const { TCP, TCPConnectWrap, constants } = binding;
    if (typeof TCP !== 'function' || typeof TCPConnectWrap !== 'function' || typeof constants?.SOCKET !== 'number') return null;
    const proto = TCP.prototype as Partial<TcpHandle>;
    if (![proto.connect, proto.connect6, proto.getsockname, proto.reset, proto.close].every((f) => typeof f === 'function')) return null;
    return { TCP, TCPConnectWrap, constants: { SOCKET: constants.SOCKET } };
  } catch {
    return null;
  }
}

export const tcpWrap: TcpWrap | null = load();

const names = new Map<number, string>();

/** ECONNREFUSED for -111: libuv's status codes are negative errnos. */
export function errorName(status: number): string {
  let name = names.get(status);
  if (name === undefined) {
    try {
      name = getSystemErrorName(status);
    } catch {
      name = `UV${status}`;
    }
    names.set(status, name);
  }
  return name;
}
