// A PAC file's FindProxyForURL, run as a browser runs it but in a sandbox: QuickJS compiled to WebAssembly,
// with no file system, no network and no Node inside, a deadline that interrupts an endless loop and a memory
// cap. pac-resolver supplies the standard helper functions; the ones that would reach the network
// (dnsResolve, isResolvable, isInNet on a name, and myIpAddress, which connects to 8.8.8.8) are replaced by
// ones that ask g2probe's own resolver, through the dialer, and read this PC's interfaces.
import { createRequire } from 'node:module';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { escapeText } from '../core/escape.js';
import { packageBytes } from '../core/package-files.js';
import type { Reading } from '../core/types.js';

/** One entry of FindProxyForURL's answer, in the order a browser tries them. */
export type PacEntry = { kind: 'direct' } | { kind: 'proxy' | 'https' | 'socks'; host: string; port: number };

export interface PacLimits {
  /** Per call of FindProxyForURL, helpers' DNS included. */
  timeoutMs: number;
  memoryBytes: number;
}

export const PAC_LIMITS: PacLimits = { timeoutMs: 1000, memoryBytes: 32 * 1024 * 1024 };

/** How names are resolved for the PAC's helpers: g2probe's resolver, or none (then every name is unresolvable). */
export type PacResolve = (host: string) => Promise<string | null>;

export type PacAnswer = { ok: true; entries: PacEntry[]; text: string } | { ok: false; why: string };

const DEFAULT_PORT: Record<Exclude<PacEntry['kind'], 'direct'>, number> = { proxy: 80, https: 443, socks: 1080 };

/**
 * `PROXY a:3128; PROXY b:8080; DIRECT` as a list. Unknown kinds (SOCKS5, HTTP, …) are read as browsers read
 * them where they agree, and an entry that names no usable host is dropped, not guessed at. An empty answer
 * means DIRECT, as in every browser.
 */
export function parsePacAnswer(text: string): PacEntry[] {
  const entries: PacEntry[] = [];
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [word = '', ...rest] = part.split(/\s+/);
    const where = rest.join(' ');
    const keyword = word.toUpperCase();
    if (keyword === 'DIRECT') {
      entries.push({ kind: 'direct' });
      continue;
    }
    const kind = keyword === 'PROXY' || keyword === 'HTTP' ? 'proxy' : keyword === 'HTTPS' ? 'https' : /^SOCKS[45]?$/.test(keyword) ? 'socks' : null;
    const match = /^\[?([^\]\s]+?)\]?(?::(\d{1,5}))?$/.exec(where);
    if (kind === null || !match) continue;
    const host = match[1]!;
    const port = match[2] === undefined ? DEFAULT_PORT[kind] : Number(match[2]);
    if (port < 1 || port > 65535 || (net.isIP(host) === 0 && !/^[a-z0-9.-]+$/i.test(host))) continue;
    entries.push({ kind, host, port });
  }
  return entries.length > 0 ? entries : [{ kind: 'direct' }];
}

/** The PC's own address as myIpAddress() answers it, from its interfaces: the first non-internal IPv4, else loopback. */
function ownAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return '127.0.0.1';
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** The QuickJS engine's binary: beside the package, or an asset of the single executable. */
function engineBytes(): Uint8Array {
  return packageBytes('quickjs.wasm', () => createRequire(import.meta.url).resolve('quickjs-wasi/quickjs.wasm'));
}

export interface PacScript {
  /** FindProxyForURL(url, host) for one target; never rejects. */
  find(url: string, host: string): Promise<PacAnswer>;
}

/**
 * Compiles a PAC's text in a fresh sandbox. A file that is not JavaScript, or defines no FindProxyForURL, is
 * unreadable with its reason; the caller then falls back as WinINet does (DIRECT) and says so.
 */
export async function compilePac(text: string, resolve: PacResolve, limits: PacLimits = PAC_LIMITS): Promise<Reading<PacScript>> {
  const [{ QuickJS }, { createPacResolver }] = await Promise.all([import('quickjs-wasi'), import('pac-resolver')]);
  let deadline = Number.POSITIVE_INFINITY;
  const vm = await QuickJS.create({ wasm: engineBytes(), memoryLimit: limits.memoryBytes, interruptHandler: () => performance.now() > deadline });
  const resolveV4 = async (host: string): Promise<string | null> => (net.isIPv4(host) ? host : (await resolve(host)) ?? null);
  const sandbox = {
    dnsResolve: resolveV4,
    isResolvable: async (host: string) => (await resolveV4(host)) !== null,
    isInNet: async (host: string, pattern: string, mask: string) => {
      const ip = await resolveV4(host);
      if (ip === null || !net.isIPv4(ip) || !net.isIPv4(pattern) || !net.isIPv4(mask)) return false;
      const m = ipv4ToNumber(mask);
      // Bitwise on 32-bit unsigned values: >>> 0 keeps them unsigned.
      return ((ipv4ToNumber(ip) & m) >>> 0) === ((ipv4ToNumber(pattern) & m) >>> 0);
    },
    myIpAddress: async () => ownAddress(),
    // A PAC's alert() goes nowhere: its text is anyone's, and stdout is the report's.
    alert: () => undefined,
  };
  let find: (url: string, host: string) => Promise<string>;
  try {
    deadline = performance.now() + limits.timeoutMs;
    find = createPacResolver(vm, text, { sandbox });
  } catch (err) {
    return { readable: false, why: `not a PAC file: ${escapeText(err instanceof Error ? err.message : String(err), 200)}` };
  } finally {
    deadline = Number.POSITIVE_INFINITY;
  }
  return {
    readable: true,
    value: {
      async find(url, host) {
        deadline = performance.now() + limits.timeoutMs;
        try {
          const answer = await find(url, host);
          if (typeof answer !== 'string') return { ok: false, why: `FindProxyForURL returned ${typeof answer}, not a string` };
          return { ok: true, entries: parsePacAnswer(answer), text: escapeText(answer, 300) };
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const why = /interrupted/i.test(message) ? `FindProxyForURL ran past ${limits.timeoutMs} ms and was stopped` : /out of memory/i.test(message) ? `FindProxyForURL ran out of its ${limits.memoryBytes / 1024 / 1024} MB` : `FindProxyForURL threw: ${message}`;
          return { ok: false, why: escapeText(why, 300) };
        } finally {
          deadline = Number.POSITIVE_INFINITY;
        }
      },
    },
  };
}
