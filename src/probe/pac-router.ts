// What decides each target's path when a PAC file or this PC's settings do: the PAC file (--pac, WPAD, or the one
// the settings name), loaded once; or the settings' fixed proxy and exceptions. A PAC is asked about every target
// before the attempts start (`decide`), within the run's one PAC budget, and its answers are kept: an attempt
// reads its route at once, and no evaluation holds the event loop while an attempt's deadline runs.
import { readFileSync } from 'node:fs';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import type { Proxy, ProxyRoutes } from '../core/proxy.js';
import type { PacStatus, ProbeOptions, SystemProxySettings, Target } from '../core/types.js';
import { isLoopbackAddress, isLoopbackHost } from '../net/loopback.js';
import { loadPac } from '../pc/pac-file.js';
import { PacBudget, type PacAnswer, type PacEntry, type PacNameAnswer, type PacResolve, type PacScript } from '../pc/pac.js';
import type { DiscoveredPath } from '../pc/proxy-discovery.js';
import { winInetRoute } from '../pc/windows/wininet.js';
import { dnsSuffixes, wpadNames } from '../pc/wpad.js';
import { entryText, type Router } from './attempt.js';
import { resolveName } from './checks/dns.js';
import { bracketHost, splitHostPort } from '../core/host-port.js';

/** The URL FindProxyForURL is asked for: what GoToMyPC fetches on 80 and 443; on another port, that port over http. */
export function pacUrl(target: Target): { url: string; host: string } {
  const host = target.host ?? target.ip;
  const authority = bracketHost(host);
  if (target.port === 80) return { url: `http://${authority}/`, host };
  if (target.port === 443) return { url: `https://${authority}/`, host };
  return { url: `http://${authority}:${target.port}/`, host };
}

type Resolve = (host: string) => Promise<string | null>;

/**
 * What a run's PAC work shares: the one budget, and when scripts may start running: once `quiet` settles, nothing
 * else of the run waits on a deadline (GoToMyPC's names are resolved), so a script holding the event loop delays none.
 */
export interface PacRun {
  budget: PacBudget;
  quiet: Promise<unknown>;
}

export function pacRun(quiet: Promise<unknown> = Promise.resolve()): PacRun {
  return { budget: new PacBudget(), quiet: quiet.catch(() => undefined) };
}

/** How many questions may wait on lookups at once; names are shared, so most wait on the same few. */
const QUESTIONS_IN_FLIGHT = 256;

/** The longest deciding holds the event loop before it lets I/O in (the lookups' answers, an interrupt). */
const HOLD_MS = 20;

/** A PAC file found and compiled, or why none could be; `why` says what went wrong, not what follows from it. */
type Loaded = { url: string; source: string; script: PacScript } | { url: string; source: string; script: null; why: string };

/**
 * The first WPAD name that resolves, as Windows tries them by DNS. Only DNS: DHCP's option 252 would need a
 * DHCP exchange g2probe cannot make.
 */
async function wpad(env: NodeJS.ProcessEnv, resolve: Resolve): Promise<{ name: string; address: string } | { why: string }> {
  let resolvConf: string | null = null;
  try {
    resolvConf = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    // Windows, or no resolver configuration: USERDNSDOMAIN may still name the suffix.
  }
  const names = wpadNames(dnsSuffixes(resolvConf, env));
  if (names.length === 0) return { why: 'no WPAD: this PC names no DNS suffix to look for wpad in (DHCP option 252 is out of g2probe\'s reach)' };
  for (const name of names) {
    const address = await resolve(name);
    if (address !== null) return { name, address };
  }
  return { why: `no WPAD: ${names.join(', ')} ${names.length === 1 ? 'does' : 'do'} not resolve (DHCP option 252 is out of g2probe's reach)` };
}

/** Loads PAC files for one run: names resolved by the run's resolver, files fetched direct, as WinINet fetches them. */
class PacLoader {
  /** WPAD's names: the first IPv4 address, or null. */
  readonly resolve: Resolve;
  /** The PAC helpers' names: every address, within the deadline the helper's call is given. */
  private readonly lookup: PacResolve;

  constructor(private readonly probe: ProbeOptions, private readonly env: NodeJS.ProcessEnv, private readonly signal: AbortSignal, private readonly run: PacRun) {
    const { dnsServer, timeoutMs, loopbackOnly } = probe;
    const address = dnsServer === null ? null : splitHostPort(dnsServer)?.host ?? null;
    // The PAC's dnsResolve asks the run's resolver; under the guard only one on loopback, else no name resolves.
    const mayAsk = !loopbackOnly || (address !== null && isLoopbackAddress(address));
    this.lookup = async (host, ms): Promise<PacNameAnswer> => {
      if (!mayAsk) return { v4: [], v6: [], silent: false };
      const answer = await resolveName(host, { server: dnsServer, timeoutMs: ms }, signal);
      const a = answer.queries.find((q) => q.type === 'A');
      const aaaa = answer.queries.find((q) => q.type === 'AAAA');
      const silent = answer.queries.every((q) => q.outcome === 'timeout' || q.outcome === 'interrupted');
      return { v4: a?.addresses ?? [], v6: aaaa?.addresses ?? [], silent };
    };
    this.resolve = async (host) => (mayAsk ? (await this.lookup(host, timeoutMs)).v4[0] ?? null : null);
  }

  async wpad(): Promise<Loaded> {
    const found = await wpad(this.env, this.resolve);
    if ('why' in found) return { url: 'auto', source: 'WPAD', script: null, why: found.why };
    return this.load(new URL(`http://${found.address}/wpad.dat`), `http://${found.name}/wpad.dat`, `WPAD (${found.name}, found by DNS)`, found.name);
  }

  async load(url: URL, shown: string, source: string, hostHeader?: string): Promise<Loaded> {
    const { timeoutMs, loopbackOnly } = this.probe;
    // --pac is checked at start-up; a URL from this PC's settings is passed by here rather than refused.
    if (loopbackOnly && !isLoopbackHost(url.hostname.replace(/^\[(.*)\]$/, '$1'))) {
      return { url: shown, source, script: null, why: `${url.hostname} lies outside 127.0.0.0/8 and ::1, and the loopback-only guard passes it by` };
    }
    const fetch = { url, ...(hostHeader ? { hostHeader } : {}), timeoutMs, loopbackOnly, proxyFor: () => null, signal: this.signal };
    const pac = await loadPac(fetch, { resolve: this.lookup, lookupMs: timeoutMs, budget: this.run.budget }, this.run.quiet);
    return pac.readable ? { url: shown, source, script: pac.value } : { url: shown, source, script: null, why: pac.why };
  }
}

function statusOf(loaded: Loaded, then: string): PacStatus {
  const { url, source } = loaded;
  return loaded.script ? { url, source, usable: true, why: null } : { url, source, usable: false, why: `${loaded.why}: ${then}` };
}

/** Proxies by address, made once, so one that asked for NTLM is asked so again. */
function proxyMaker(make: (host: string, port: number) => Proxy): (host: string, port: number) => Proxy {
  const made = new Map<string, Proxy>();
  return (host, port) => {
    const key = `${host} ${port}`;
    let proxy = made.get(key);
    if (!proxy) made.set(key, (proxy = make(host, port)));
    return proxy;
  };
}

/** A count as the report prints it: 1,000,000. */
function number(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * A PAC as a router. `decide` asks it about every target before the attempts start: each distinct question (URL
 * and host) once, many waiting on their lookups at once, equal answers kept as one object; it notes in `status`
 * what that took. `find` then answers from what was decided; a target left undecided when the budget ran out
 * gets no answer, so it goes DIRECT, as Windows does when a PAC fails, its route saying why.
 */
function scriptRouter(script: PacScript, via: string, proxyAt: Router['proxyAt'], loopbackOnly: boolean, status: PacStatus, run: PacRun, signal: AbortSignal): Router {
  const answers = new Map<string, PacAnswer>();
  const budgetText = `${run.budget.limitMs / 1000} s`;
  let notDecided: PacAnswer = { ok: false, why: 'the PAC file was not asked about this target before the attempts' };
  return {
    via,
    async decide(targets) {
      const same = new Map<string, PacAnswer>();
      const pending = new Set<string>();
      const asking = new Set<Promise<void>>();
      let questions = 0;
      let cut = false;
      const keep = (url: string, answer: PacAnswer): void => {
        pending.delete(url);
        if (!answer.ok && answer.undecided) {
          cut = true;
          return;
        }
        const id = answer.ok ? `answer ${answer.text}` : `failure ${answer.why}`;
        const kept = same.get(id) ?? answer;
        same.set(id, kept);
        answers.set(url, kept);
      };
      await run.budget.charge(async () => {
        let held = performance.now();
        for (const target of targets()) {
          if (run.budget.exhausted || signal.aborted) {
            cut = true;
            break;
          }
          const { url, host } = pacUrl(target);
          if (answers.has(url) || pending.has(url)) continue;
          questions++;
          pending.add(url);
          // Its first evaluation runs now, before find() returns; a question waiting on a name yields its place.
          const asked: Promise<void> = script.find(url, host).then((answer) => keep(url, answer)).finally(() => asking.delete(asked));
          asking.add(asked);
          if (asking.size >= QUESTIONS_IN_FLIGHT) await Promise.race(asking);
          if (performance.now() - held > HOLD_MS) {
            await yieldToIo();
            held = performance.now();
          }
        }
        await Promise.all(asking);
      });
      notDecided = { ok: false, why: `the run's PAC budget (${budgetText}) ran out before this target's route was decided` };
      let total = 0;
      let undecided = 0;
      if (cut) {
        for (const target of targets()) {
          total++;
          if (!answers.has(pacUrl(target).url)) undecided++;
        }
      }
      const { names, silentNames, restarts } = script.stats;
      const ranOut = `the PAC file's ${budgetText} budget ran out: ${number(total - undecided)} of ${number(total)} targets' routes decided; the other ${number(undecided)} go DIRECT, as Windows does when a PAC fails`;
      status.work = {
        budgetMs: run.budget.limitMs, elapsedMs: Math.round(run.budget.spent()), questions, undecided, names, silentNames, restarts,
        ...(undecided > 0 && !signal.aborted ? { ranOut } : {}),
      };
    },
    find(target) {
      return Promise.resolve(answers.get(pacUrl(target).url) ?? notDecided);
    },
    proxyAt,
    loopbackOnly,
  };
}

/** --pac URL or --pac auto; null without it. */
export async function pacRouter(routes: ProxyRoutes, probe: ProbeOptions, env: NodeJS.ProcessEnv, signal: AbortSignal, run: PacRun = pacRun()): Promise<{ status: PacStatus; router: Router | null } | null> {
  if (routes.pac === null) return null;
  const loader = new PacLoader(probe, env, signal, run);
  const loaded = routes.pac === 'auto' ? await loader.wpad() : await loader.load(routes.pac, probe.proxies.pac ?? routes.pac.href, '--pac');
  const status = statusOf(loaded, 'every attempt goes DIRECT, as Windows does');
  const proxyAt = proxyMaker((host, port) => routes.proxyAt(host, port, 'PAC'));
  return { status, router: loaded.script ? scriptRouter(loaded.script, loaded.source === '--pac' ? '--pac' : 'WPAD', proxyAt, probe.loopbackOnly, status, run, signal) : null };
}

function entryOf(server: { scheme: string | null; host: string; port: number }): PacEntry {
  return server.scheme === 'socks' ? { kind: 'socks', host: server.host, port: server.port } : { kind: 'proxy', host: server.host, port: server.port };
}

/** The fixed settings as a router: each target's answer is one entry, and the rule that chose it. */
function fixedRouter(settings: SystemProxySettings, discovered: DiscoveredPath, via: string, proxyAt: Router['proxyAt'], loopbackOnly: boolean, before: string | null): Router {
  const fixed: SystemProxySettings = { ...settings, pacUrl: null, autoDetect: false };
  return {
    via,
    find(target) {
      const route = winInetRoute(fixed, { host: target.host ?? target.ip, scheme: target.port === 80 ? 'http' : 'https', port: target.port }, discovered.rules);
      const entry: PacEntry = route.via === 'proxy' ? entryOf(route.proxy) : { kind: 'direct' };
      const rule = before === null ? route.why : `${before}; ${route.why}`;
      return Promise.resolve({ ok: true, entries: [entry], text: entryText(entry), rule });
    },
    proxyAt,
    loopbackOnly,
  };
}

/**
 * The router for one program's settings, as WinINet reads them: WPAD first when on, then the PAC at the URL,
 * and the fixed proxy only when no script loads. Null when they say direct for everything.
 */
export async function systemRouter(discovered: DiscoveredPath, routes: ProxyRoutes, probe: ProbeOptions, env: NodeJS.ProcessEnv, signal: AbortSignal, run: PacRun): Promise<{ router: Router | null; pac: PacStatus | null }> {
  if (!discovered.settings.readable) return { router: null, pac: null };
  const settings = discovered.settings.value;
  const program = discovered.rules.program;
  const proxyAt = proxyMaker((host, port) => routes.proxyAt(host, port, `${program} settings`));
  const fallback = settings.proxyEnabled && settings.proxies.length > 0 ? 'the fixed proxy settings apply' : 'every attempt goes DIRECT';
  const failed: Loaded[] = [];
  const loader = new PacLoader(probe, env, signal, run);
  const tries: (() => Promise<Loaded>)[] = [];
  if (settings.autoDetect) tries.push(() => loader.wpad());
  const pacUrl = settings.pacUrl;
  if (pacUrl !== null) {
    tries.push(async () => {
      let url: URL;
      try {
        url = new URL(pacUrl);
      } catch {
        return { url: pacUrl, source: `${program} settings`, script: null, why: 'not a URL g2probe can fetch' };
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return { url: pacUrl, source: `${program} settings`, script: null, why: `a ${url.protocol} PAC is not fetched over the network, and g2probe does not read it` };
      return loader.load(url, `${url.protocol}//${url.host}${url.pathname}`, `${program} settings`);
    });
  }
  for (const attempt of tries) {
    const loaded = await attempt();
    if (loaded.script) {
      const pac = statusOf(loaded, '');
      return { router: scriptRouter(loaded.script, `${program}: the PAC file ${loaded.url}`, proxyAt, probe.loopbackOnly, pac, run, signal), pac };
    }
    failed.push(loaded);
  }
  const last = failed.at(-1);
  const why = failed.map((f) => (failed.length > 1 ? `${f.source}: ${f.script ? '' : f.why}` : f.script ? '' : f.why)).join('; ');
  const pac = last === undefined ? null : statusOf({ url: last.url, source: last.source, script: null, why }, `${fallback}, as ${program} does`);
  if (!settings.proxyEnabled || settings.proxies.length === 0) return { router: null, pac };
  const before = last === undefined ? null : 'no PAC file loaded';
  return { router: fixedRouter(settings, discovered, `${program}: the fixed proxy settings`, proxyAt, probe.loopbackOnly, before), pac };
}
