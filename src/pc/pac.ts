// A PAC file's FindProxyForURL, run as browsers run it but in a sandbox: QuickJS compiled to WebAssembly, with no
// file system, no network and no Node inside, a deadline that interrupts an endless loop, and a memory cap.
// The script runs as written, never rewritten. The helpers that need a name resolved answer at once from what the
// run has resolved, as Chromium's ProxyResolverV8Tracing does: when one asks for a name not yet known, the
// evaluation is abandoned (by the interrupt, which the script's own try/catch cannot catch), the name is resolved
// through the run's resolver with a deadline, and the call runs again. So a helper works in any function, a
// callback included, and no evaluation ever waits on the network.
import { createRequire } from 'node:module';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { domainToASCII } from 'node:url';
import type { JSValueHandle, QuickJS } from 'quickjs-wasi';
import { escapeText } from '../core/escape.js';
import { splitHostPort } from '../core/host-port.js';
import { packageBytes } from '../core/package-files.js';
import type { Reading } from '../core/types.js';
import { PAC_LIBRARY } from './pac-library.js';

/** One entry of FindProxyForURL's answer, in the order a browser tries them. */
export type PacEntry = { kind: 'direct' } | { kind: 'proxy' | 'https' | 'socks'; host: string; port: number };

export interface PacLimits {
  /** Per evaluation: the script's loading, or one call of FindProxyForURL. */
  timeoutMs: number;
  memoryBytes: number;
}

export const PAC_LIMITS: PacLimits = { timeoutMs: 1000, memoryBytes: 32 * 1024 * 1024 };

/**
 * The one budget for a run's PAC work: loading the scripts and deciding every target's route before the attempts
 * start. The default run asks about 107 targets; a real PAC answers each in well under a millisecond, and most
 * ask one name per target, or none. Ten seconds is three rounds of lookups that a silent resolver lets run to
 * the default 3 s deadline, or 90 ms of script per target of the default run; the run then takes at most that
 * much longer than its own worst case (6.2 s, nothing answering).
 */
export const PAC_BUDGET_MS = 10_000;

/**
 * Chromium's failsafe (kMaxUniqueResolveDnsPerExec): one call resolves at most 20 distinct names; past them a
 * helper answers as for a name that does not resolve. It bounds how often one call is run again.
 */
const MAX_NAMES_PER_CALL = 20;

/** A name's addresses as a lookup found them; `silent` when no answer came within its deadline. */
export interface PacNameAnswer {
  v4: string[];
  v6: string[];
  silent: boolean;
}

/** Resolves a name for the helpers within `timeoutMs`. Must not reject. */
export type PacResolve = (name: string, timeoutMs: number) => Promise<PacNameAnswer>;

/**
 * The time a run's PAC work may take, counted only while it works (loading a script, deciding the routes): a
 * download in between is not charged. Work that overlaps is counted once.
 */
export class PacBudget {
  private spentMs = 0;
  private openedAt = 0;
  private open = 0;

  constructor(readonly limitMs: number = PAC_BUDGET_MS) {}

  /** Runs `work` on the budget's clock. */
  async charge<T>(work: () => Promise<T>): Promise<T> {
    if (this.open++ === 0) this.openedAt = performance.now();
    try {
      return await work();
    } finally {
      if (--this.open === 0) this.spentMs += performance.now() - this.openedAt;
    }
  }

  spent(): number {
    return this.spentMs + (this.open > 0 ? performance.now() - this.openedAt : 0);
  }

  left(): number {
    return Math.max(0, this.limitMs - this.spent());
  }

  get exhausted(): boolean {
    return this.left() <= 0;
  }
}

export interface PacEnvironment {
  resolve: PacResolve;
  /** The most one lookup may take (the run's --timeout); the budget may end it sooner. */
  lookupMs: number;
  budget: PacBudget;
  /** This PC's addresses, as myIpAddress and myIpAddressEx answer them; default: its interfaces. */
  addresses?: readonly string[];
  /** Microsoft's …Ex helpers: on, as in Chromium and Windows; off only to run a test written for an engine without them. */
  extensions?: boolean;
  limits?: PacLimits;
}

/** An answer; or why there is none: the call failed, or (`undecided`) the run's PAC budget ran out first. */
export type PacAnswer = { ok: true; entries: PacEntry[]; text: string } | { ok: false; why: string; undecided?: true };

/** What the helpers' lookups cost: names resolved, those that went unanswered, and evaluations run again for one. */
export interface PacStats {
  names: number;
  silentNames: number;
  restarts: number;
}

export interface PacScript {
  /** FindProxyForURL(url, host), names resolved as it asks for them; never rejects. */
  find(url: string, host: string): Promise<PacAnswer>;
  readonly stats: PacStats;
}

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
    const split = splitHostPort(where);
    if (kind === null || split === null) continue;
    const { host } = split;
    const port = split.port ?? DEFAULT_PORT[kind];
    if (port < 1 || (net.isIP(host) === 0 && !/^[a-z0-9.-]+$/i.test(host))) continue;
    entries.push({ kind, host, port });
  }
  return entries.length > 0 ? entries : [{ kind: 'direct' }];
}

/** This PC's addresses from its interfaces: IPv4 first, then IPv6 but link-local; loopback only when there is no other. */
export function ownAddresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []).filter((a) => !a.internal);
  const v4 = all.filter((a) => a.family === 'IPv4').map((a) => a.address);
  const v6 = all.filter((a) => a.family === 'IPv6' && !/^fe[89ab]/i.test(a.address)).map((a) => a.address);
  return v4.length + v6.length > 0 ? [...v4, ...v6] : ['127.0.0.1'];
}

/** An IP literal as a number, with its width in bits; null for anything else (a name). */
function ipValue(text: string): { value: bigint; bits: 32 | 128 } | null {
  const plain = text.replace(/%.*$/s, '');
  const family = net.isIP(plain);
  if (family === 4) return { value: plain.split('.').reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n), bits: 32 };
  if (family !== 6) return null;
  let hex = plain;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(hex);
  if (dotted) {
    const v4 = ipValue(dotted[1]!)!.value;
    hex = `${hex.slice(0, -dotted[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = hex.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)];
  return { value: all.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n), bits: 128 };
}

/** An IPv4 address as IPv4-mapped IPv6 (::ffff:a.b.c.d), as Chromium compares addresses of different families. */
function widened(ip: { value: bigint; bits: 32 | 128 }): bigint {
  return ip.bits === 128 ? ip.value : ip.value | 0xffff00000000n;
}

/** `a.b.c.d/n` or `x::/n`; null when the prefix is not one. */
function parsePrefix(text: string): { ip: { value: bigint; bits: 32 | 128 }; length: number } | null {
  const [address = '', length, ...more] = text.split('/');
  const ip = ipValue(address);
  if (ip === null || more.length > 0 || length === undefined || !/^\d{1,3}$/.test(length) || Number(length) > ip.bits) return null;
  return { ip, length: Number(length) };
}

function inPrefix(address: { value: bigint; bits: 32 | 128 }, prefix: { ip: { value: bigint; bits: 32 | 128 }; length: number }): boolean {
  const same = address.bits === prefix.ip.bits;
  const value = same ? address.value : widened(address);
  const base = same ? prefix.ip.value : widened(prefix.ip);
  const shift = BigInt((same ? address.bits : 128) - (same ? prefix.length : prefix.length + (prefix.ip.bits === 32 ? 96 : 0)));
  return value >> shift === base >> shift;
}

/** A host name as DNS asks it: internationalised names as punycode, as Chromium does; null when it cannot be. */
function asciiName(name: string): string | null {
  if (/^[\x21-\x7e]+$/.test(name)) return name;
  const ascii = domainToASCII(name);
  return ascii === '' ? null : ascii;
}

/** The QuickJS engine, compiled once: beside the package, or an asset of the single executable. */
let engine: Promise<WebAssembly.Module> | null = null;
function engineModule(): Promise<WebAssembly.Module> {
  engine ??= WebAssembly.compile(new Uint8Array(packageBytes('quickjs.wasm', () => createRequire(import.meta.url).resolve('quickjs-wasi/quickjs.wasm'))));
  return engine;
}

const LOCALHOST: PacNameAnswer = { v4: ['127.0.0.1'], v6: ['::1'], silent: false };

/** One call of a script (its loading, or one question) while it is answered: the names its runs asked, and the one it waits for. */
class Call {
  readonly asked = new Set<string>();
  missing: string | null = null;
}

type Outcome<T> = { done: T } | { missing: string } | { failed: string; kind: 'syntax' | 'threw' | 'deadline' | 'memory' | 'budget' | 'engine' };

const SCRIPT_NAME = 'pac.js';

/** Which evaluation failed, as its reason names it. */
interface Evaluation {
  who: string;
  when: string;
}
const LOADING: Evaluation = { who: 'the PAC file', when: ' as it loaded' };
const ASKING: Evaluation = { who: 'FindProxyForURL', when: '' };

/** A sandbox and what it shares across calls: the names resolved, the lookups under way, the budget. */
class Sandbox implements PacScript {
  readonly stats: PacStats = { names: 0, silentNames: 0, restarts: 0 };
  private readonly names = new Map<string, PacNameAnswer>();
  private readonly resolving = new Map<string, Promise<void>>();
  private readonly limits: PacLimits;
  private readonly addresses: readonly string[];
  private vm: QuickJS | null = null;
  private call: Call | null = null;
  private abandoned = false;
  private stopAt = Number.POSITIVE_INFINITY;
  private broken: string | null = null;

  constructor(private readonly env: PacEnvironment) {
    this.limits = env.limits ?? PAC_LIMITS;
    this.addresses = env.addresses ?? ownAddresses();
  }

  /** Loads the script in a fresh engine, as often as its top level asks for a name not yet resolved. */
  async load(text: string): Promise<string | null> {
    const call = new Call();
    for (;;) {
      this.vm?.dispose();
      const vm = await this.newVm();
      this.vm = vm;
      const loaded = this.run(call, LOADING, () => {
        vm.evalCode(PAC_LIBRARY, 'pac-library.js').dispose();
        vm.evalCode(text, SCRIPT_NAME).dispose();
        const fn = this.entryPoint();
        fn?.dispose();
        return fn !== null;
      });
      if ('missing' in loaded) {
        this.stats.restarts++;
        await this.resolveName(loaded.missing);
        continue;
      }
      if ('done' in loaded && loaded.done) return null;
      vm.dispose();
      this.vm = null;
      if ('done' in loaded) return 'not a PAC file: it defines no FindProxyForURL function';
      if (loaded.kind === 'syntax') return `not a PAC file: ${loaded.failed}`;
      if (loaded.kind === 'budget') return 'the run\'s PAC budget ran out while the PAC file loaded';
      return loaded.failed;
    }
  }

  async find(url: string, host: string): Promise<PacAnswer> {
    return this.env.budget.charge(async () => {
      const call = new Call();
      for (;;) {
        if (this.broken !== null) return { ok: false, why: this.broken };
        if (this.env.budget.exhausted) return { ok: false, undecided: true, why: 'the run\'s PAC budget ran out before FindProxyForURL answered' };
        const outcome = this.run(call, ASKING, () => this.ask(url, host));
        if ('missing' in outcome) {
          this.stats.restarts++;
          await this.resolveName(outcome.missing);
          continue;
        }
        if ('done' in outcome) return outcome.done;
        if (outcome.kind === 'budget') continue;
        return { ok: false, why: outcome.failed };
      }
    });
  }

  /** FindProxyForURL, or where Chromium would find none, FindProxyForURLEx (which Windows calls instead when both exist). */
  private entryPoint(): JSValueHandle | null {
    const vm = this.vm!;
    for (const name of ['FindProxyForURL', 'FindProxyForURLEx']) {
      const fn = vm.global.getProp(name);
      if (fn.typeof === 'function') return fn;
      fn.dispose();
    }
    return null;
  }

  private ask(url: string, host: string): PacAnswer {
    const vm = this.vm!;
    const fn = this.entryPoint();
    if (fn === null) return { ok: false, why: 'FindProxyForURL is no longer a function' };
    const args = [vm.newString(url), vm.newString(host)];
    try {
      const result = vm.callFunction(fn, vm.global, ...args);
      try {
        if (this.abandoned) return { ok: false, why: 'abandoned' };
        if (result.typeof !== 'string') return { ok: false, why: `FindProxyForURL returned ${result.typeof}, not a string` };
        const text = result.toString();
        // As Chromium: an answer must be ASCII (a host name in it would need punycode).
        if (/[^\x00-\x7f]/.test(text)) return { ok: false, why: `FindProxyForURL returned a string that is not ASCII: ${escapeText(text, 200)}` };
        return { ok: true, entries: parsePacAnswer(text), text: escapeText(text, 300) };
      } finally {
        result.dispose();
      }
    } finally {
      fn.dispose();
      for (const arg of args) arg.dispose();
    }
  }

  /** Runs `work` as one evaluation of `call`: within its deadline and the budget, a miss abandoning it. */
  private run<T>(call: Call, what: Evaluation, work: () => T): Outcome<T> {
    this.call = call;
    this.abandoned = false;
    const started = performance.now();
    const left = this.env.budget.left();
    this.stopAt = started + Math.min(this.limits.timeoutMs, left);
    try {
      const done = work();
      return this.abandoned && call.missing !== null ? { missing: call.missing } : { done };
    } catch (err) {
      if (this.abandoned && call.missing !== null) return { missing: call.missing };
      return this.failure(err, what, started, left);
    } finally {
      this.call = null;
      this.abandoned = false;
      this.stopAt = Number.POSITIVE_INFINITY;
    }
  }

  private failure(err: unknown, what: Evaluation, started: number, budgetLeft: number): Outcome<never> {
    // quickjs-wasi's JSException (loaded lazily, so recognised by its handle) is the script's; anything else is not.
    if (!(err instanceof Error) || !('handle' in err)) {
      // The engine itself failed, and its state cannot be trusted again.
      this.broken = `the PAC engine failed: ${escapeText(err instanceof Error ? err.message : String(err), 200)}`;
      return { failed: this.broken, kind: 'engine' };
    }
    const { name, message } = err;
    (err as { dispose?: () => void }).dispose?.();
    if (name === 'InternalError' && message === 'interrupted') {
      if (budgetLeft < this.limits.timeoutMs && performance.now() - started >= budgetLeft) return { failed: 'the budget ran out', kind: 'budget' };
      return { failed: `${what.who} ran past ${this.limits.timeoutMs} ms${what.when} and was stopped`, kind: 'deadline' };
    }
    if (/out of memory/i.test(message)) return { failed: `${what.who} ran out of its ${this.limits.memoryBytes / 1024 / 1024} MB${what.when}`, kind: 'memory' };
    if (name === 'SyntaxError' && what === LOADING) return { failed: escapeText(`${name}: ${message}`, 200), kind: 'syntax' };
    const thrown = name === 'Error' || name === '' ? message : `${name}: ${message}`;
    return { failed: `${what.who} threw${what.when}: ${escapeText(thrown, 250)}`, kind: 'threw' };
  }

  private resolveName(name: string): Promise<void> {
    let pending = this.resolving.get(name);
    if (pending) return pending;
    const timeoutMs = Math.max(1, Math.floor(Math.min(this.env.lookupMs, this.env.budget.left())));
    pending = this.env.resolve(name, timeoutMs)
      .catch((): PacNameAnswer => ({ v4: [], v6: [], silent: false }))
      .then((answer) => {
        this.names.set(name, answer);
        this.stats.names++;
        if (answer.silent) this.stats.silentNames++;
        this.resolving.delete(name);
      });
    this.resolving.set(name, pending);
    return pending;
  }

  /**
   * A name's addresses for a helper, at once: from what the run resolved, or, the first time, null while the
   * evaluation is abandoned to resolve it. Past the per-call limit, and once abandoned, a helper gets null (the
   * name does not resolve), as in Chromium.
   */
  private lookup(name: string): PacNameAnswer | null {
    const call = this.call;
    const ascii = asciiName(name);
    if (call === null || this.abandoned || ascii === null) return null;
    // As Chromium (and RFC 6761): localhost is loopback, asked of no resolver.
    if (/^(?:.+\.)?localhost\.?$/i.test(ascii)) return LOCALHOST;
    if (!call.asked.has(ascii)) {
      if (call.asked.size >= MAX_NAMES_PER_CALL) return null;
      call.asked.add(ascii);
    }
    const known = this.names.get(ascii);
    if (known) return known;
    call.missing = ascii;
    this.abandoned = true;
    return null;
  }

  private async newVm(): Promise<QuickJS> {
    const { QuickJS, MAX_STACK_SIZE } = await import('quickjs-wasi');
    const vm = await QuickJS.create({
      wasm: await engineModule(),
      memoryLimit: this.limits.memoryBytes,
      // Deep recursion is then a RangeError the script may catch, not a trap that kills the engine.
      maxStackSize: MAX_STACK_SIZE,
      interruptHandler: () => this.abandoned || performance.now() > this.stopAt,
    });
    this.defineHelpers(vm);
    return vm;
  }

  /** The helpers that need the network or this PC; the rest are in PAC_LIBRARY, evaluated in the sandbox. */
  private defineHelpers(vm: QuickJS): void {
    const text = (handle: JSValueHandle | undefined): string | null => (handle !== undefined && handle.typeof === 'string' ? handle.toString() : null);
    const str = (value: string): JSValueHandle => vm.newString(value);
    const bool = (value: boolean): JSValueHandle => (value ? vm.true : vm.false);
    const define = (name: string, fn: (args: JSValueHandle[]) => JSValueHandle): void => {
      const handle = vm.newFunction(name, (...args) => fn(args));
      vm.setProp(vm.global, name, handle);
      handle.dispose();
    };
    const v4 = this.addresses.filter((a) => net.isIPv4(a));
    const v6 = this.addresses.filter((a) => net.isIPv6(a));

    // Not answered: its text is anyone's, and stdout is the report's.
    define('alert', () => vm.undefined);
    // IPv4 only, as Chromium and Windows: an IPv6 literal or a name with only AAAA records does not resolve.
    define('dnsResolve', ([host]) => {
      const name = text(host);
      if (name === null || net.isIPv6(name)) return vm.null;
      if (net.isIPv4(name)) return str(name);
      const found = this.lookup(name)?.v4[0];
      return found === undefined ? vm.null : str(found);
    });
    // As Chromium: the first IPv4 address (this PC's), else its first, else loopback.
    define('myIpAddress', () => str(v4[0] ?? this.addresses[0] ?? '127.0.0.1'));
    // As Chromium: a name with no dot that is no IP literal (an IPv6 literal has none either).
    define('isPlainHostName', ([host]) => {
      const name = text(host);
      if (name === null) throw new TypeError('isPlainHostName() requires 1 string parameter');
      return bool(!name.includes('.') && net.isIP(name) === 0);
    });
    if (this.env.extensions === false) return;
    // Microsoft's IPv6 extensions: lists are ';'-separated, IPv6 first, as getaddrinfo orders them on Windows.
    define('dnsResolveEx', ([host]) => {
      const name = text(host);
      if (name === null) return vm.undefined;
      if (net.isIP(name) !== 0) return str(name);
      const found = this.lookup(name);
      return str(found === null ? '' : [...found.v6, ...found.v4].join(';'));
    });
    define('myIpAddressEx', () => str([...v6, ...v4].join(';')));
    // Windows resolves a name given to isInNetEx ("the IP address of host"); Chromium answers false for one.
    define('isInNetEx', ([host, prefixText]) => {
      const name = text(host);
      const prefix = text(prefixText);
      if (name === null || prefix === null) return vm.null;
      const parsed = parsePrefix(prefix);
      if (parsed === null) return vm.false;
      const literal = ipValue(name);
      const addresses = literal !== null ? [literal] : (() => {
        const found = this.lookup(name);
        return found === null ? [] : [...found.v6, ...found.v4].map((a) => ipValue(a)).filter((a) => a !== null);
      })();
      return bool(addresses.some((a) => inPrefix(a, parsed)));
    });
    // As Chromium: IPv6 before IPv4, each in ascending order; false for an empty list or one that is not all addresses.
    define('sortIpAddressList', ([list]) => {
      const value = text(list);
      if (value === null) return vm.null;
      const items = value.replace(/[ \t]/g, '').split(';').filter(Boolean).map((item) => ({ item, ip: ipValue(item) }));
      if (items.length === 0 || items.some((i) => i.ip === null)) return vm.false;
      items.sort((a, b) => (a.ip!.bits !== b.ip!.bits ? b.ip!.bits - a.ip!.bits : a.ip!.value < b.ip!.value ? -1 : a.ip!.value > b.ip!.value ? 1 : 0));
      return str(items.map((i) => i.item).join(';'));
    });
  }
}

/**
 * Loads a PAC's text in a fresh sandbox, on the run's budget. A file that is not JavaScript, that throws as it
 * loads, or that defines no FindProxyForURL is unreadable with its reason; the caller then falls back as WinINet
 * does (DIRECT) and says so.
 */
export async function compilePac(text: string, env: PacEnvironment): Promise<Reading<PacScript>> {
  const sandbox = new Sandbox(env);
  const why = await env.budget.charge(() => sandbox.load(text));
  return why === null ? { readable: true, value: sandbox } : { readable: false, why };
}
