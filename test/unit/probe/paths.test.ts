// probe/paths.ts and the fixed-settings router: which paths a run follows, per role, and what each says for a
// target; judge: two paths in the summary, the verdict and the advice. Nothing here opens a socket: settings
// that name no script load nothing.
import t from 'tap';
import type { Attempt, ProbeOptions, Range, Summary, SystemProxySettings, Target } from '../../../src/core/types.js';
import { classify } from '../../../src/judge/classify.js';
import { SummaryBuilder } from '../../../src/judge/summary.js';
import { decideVerdict, pathsText } from '../../../src/judge/verdict.js';
import { proxyRoutes } from '../../../src/pc/proxy-settings.js';
import type { DiscoveredPath } from '../../../src/pc/proxy-discovery.js';
import { WINHTTP_RULES, WININET_RULES, winHttpSettings, winInetRoute } from '../../../src/pc/windows/wininet.js';
import { choosePaths } from '../../../src/probe/paths.js';
import { parseCli } from '../../../src/commands/args.js';
import { parseRange } from '../../../src/targets/ranges.js';

const PROBE: ProbeOptions = parseCli([], {}).probe;
const NONE = proxyRoutes({ proxy: null, proxyUser: null }, {});
const signal = new AbortController().signal;

const PROXY: SystemProxySettings = { proxyEnabled: true, proxies: [{ scheme: null, host: '127.0.0.1', port: 3128 }], bypass: ['<-loopback>', '*.corp.example'], bypassLocal: true, pacUrl: null, autoDetect: false };
const DIRECT: SystemProxySettings = { proxyEnabled: false, proxies: [], bypass: [], bypassLocal: false, pacUrl: null, autoDetect: false };

function found(role: 'client' | 'host' | 'both', settings: SystemProxySettings | null, said: string): DiscoveredPath {
  return {
    path: { role, who: role === 'host' ? 'the host service' : 'the viewer', source: 'a recording', said },
    settings: settings === null ? { readable: false, why: 'reg failed' } : { readable: true, value: settings },
    rules: role === 'host' ? WINHTTP_RULES : WININET_RULES,
  };
}

const target = (ip: string, port: number, host?: string): Target => ({ ip, port, range: '127.0.0.0/8', expected: true, ...(host ? { host } : {}) });

t.test('WinHTTP settings read as WinINet reads its own, and routed by the same rules', async (t) => {
  const winhttp = winHttpSettings({ kind: 'proxy', servers: [{ scheme: null, address: 'proxy.corp.example:8080' }], bypass: ['<local>', '*.gotomypc.com'] });
  t.same(winhttp, { readable: true, value: { proxyEnabled: true, proxies: [{ scheme: null, host: 'proxy.corp.example', port: 8080 }], bypass: ['*.gotomypc.com'], bypassLocal: true, pacUrl: null, autoDetect: false } });
  t.same(winHttpSettings({ kind: 'direct' }), { readable: true, value: DIRECT });
  const perScheme = winHttpSettings({ kind: 'proxy', servers: [{ scheme: 'https', address: 'http://***@secure.example:3129' }], bypass: [] });
  t.match(perScheme, { readable: true, value: { proxies: [{ scheme: 'https', host: 'secure.example', port: 3129 }] } }, 'per scheme, a masked account dropped');
  if (!winhttp.readable) return;
  t.match(winInetRoute(winhttp.value, { host: 'poll.gotomypc.com', scheme: 'https' }, WINHTTP_RULES), { via: 'direct', why: 'the exception "*.gotomypc.com" matches poll.gotomypc.com' });
  t.match(winInetRoute(winhttp.value, { host: 'www.example.com', scheme: 'https' }, WINHTTP_RULES), { via: 'proxy', why: 'WinHTTP sends https to www.example.com through proxy.corp.example:8080' });
});

t.test("GNOME's and macOS's exceptions: address ranges, and no loopback rule of their own", async (t) => {
  const gnome = { program: 'GNOME', implicitLoopback: false, ranges: true };
  const settings: SystemProxySettings = { ...PROXY, bypass: ['10.0.0.0/8', '::1/128'], bypassLocal: false };
  t.match(winInetRoute(settings, { host: '10.20.30.40', scheme: 'https' }, gnome), { via: 'direct', why: 'the exception "10.0.0.0/8" matches 10.20.30.40' });
  t.match(winInetRoute(settings, { host: '11.0.0.1', scheme: 'https' }, gnome), { via: 'proxy', why: /^GNOME sends https/ });
  t.match(winInetRoute(settings, { host: '::1', scheme: 'https' }, gnome), { via: 'direct' });
  t.match(winInetRoute({ ...settings, bypass: [] }, { host: '127.0.0.1', scheme: 'https' }, gnome), { via: 'proxy' }, 'loopback goes through the proxy unless listed');
  t.match(winInetRoute({ ...settings, bypass: [] }, { host: '127.0.0.1', scheme: 'https' }), { via: 'direct' }, 'WinINet sends it direct whatever the list');
  t.match(winInetRoute(settings, { host: '10.20.30.40', scheme: 'https' }), { via: 'proxy' }, "WinINet's entries are no ranges");
  t.match(winInetRoute({ ...settings, bypass: ['10.0.0.0/99'] }, { host: '10.0.0.1', scheme: 'https' }, gnome), { via: 'proxy' }, 'a prefix past 32 matches nothing');
});

t.test('choosePaths: the flags decide first, then --role, then both paths where they differ', async (t) => {
  const client = found('client', PROXY, 'the proxy 127.0.0.1:3128');
  const host = found('host', DIRECT, 'direct');
  const both = await choosePaths([client, host], NONE, PROBE, {}, signal);
  t.same(both.shown.map((p) => [p.role, p.followed]), [['client', true], ['host', true]]);
  t.same(both.followed.map((f) => [f.role, f.router?.via ?? 'direct']), [['client', 'WinINet: the fixed proxy settings'], ['host', 'direct']], 'two paths, each naming its role');

  const viewer = await choosePaths([client, host], NONE, { ...PROBE, role: 'client' }, {}, signal);
  t.same(viewer.followed.map((f) => f.role), [undefined], '--role client: one path, no role on the attempts');
  t.match(viewer.shown[1], { followed: false, why: "--role client follows the viewer's path" });
  const service = await choosePaths([client, host], NONE, { ...PROBE, role: 'host' }, {}, signal);
  t.same(service.followed.map((f) => f.router), [null], "--role host: the service's direct path");

  const same = await choosePaths([client, found('host', PROXY, 'the proxy 127.0.0.1:3128')], NONE, PROBE, {}, signal);
  t.equal(same.followed.length, 1, 'the same settings: one path');
  t.match(same.shown[1], { followed: true, why: /the same settings as the viewer: one path, probed once/ });

  const proxied = proxyRoutes({ proxy: 'http://127.0.0.1:8080', proxyUser: null }, {});
  t.match(await choosePaths([client, host], proxied, PROBE, {}, signal), { followed: [], shown: [{ followed: false, why: '--proxy decides the path' }, { followed: false }] });
  const variable = proxyRoutes({ proxy: null, proxyUser: null }, { HTTPS_PROXY: 'http://127.0.0.1:8080' });
  t.match(await choosePaths([client], variable, PROBE, {}, signal), { followed: [], shown: [{ why: 'HTTPS_PROXY decides the path' }] });
  const pac = proxyRoutes({ proxy: null, proxyUser: null, pac: 'auto' }, {});
  t.match(await choosePaths([client], pac, PROBE, {}, signal), { followed: [], shown: [{ why: '--pac auto decides the path' }] });
  t.match(await choosePaths([client], NONE, { ...PROBE, systemProxy: false }, {}, signal), { followed: [], shown: [{ why: '--no-system-proxy: the attempts go direct' }] });

  const unreadable = await choosePaths([found('client', null, 'unknown: reg failed')], NONE, PROBE, {}, signal);
  t.match(unreadable, { followed: [{ router: null }], shown: [{ followed: true, why: /^unreadable: the attempts go direct/ }] }, 'unreadable settings: direct, and said so');
  t.same(await choosePaths([], NONE, PROBE, {}, signal), { shown: [], followed: [] });
});

t.test('the fixed settings answer per target, with the rule that chose', async (t) => {
  const { followed } = await choosePaths([found('client', PROXY, 'the proxy')], NONE, PROBE, {}, signal);
  const router = followed[0]?.router;
  if (!router) return t.fail('a router');
  t.match(await router.find(target('127.0.0.1', 443, 'poll.gotomypc.com')), { ok: true, text: 'PROXY 127.0.0.1:3128', rule: 'WinINet sends https to poll.gotomypc.com through 127.0.0.1:3128' });
  t.match(await router.find(target('127.0.0.1', 80)), { ok: true, text: 'PROXY 127.0.0.1:3128', rule: /sends http to/ }, 'port 80 is http');
  t.match(await router.find(target('127.0.0.1', 443, 'app.corp.example')), { ok: true, text: 'DIRECT', rule: 'the exception "*.corp.example" matches app.corp.example' });
  t.equal(router.proxyAt('127.0.0.1', 3128), router.proxyAt('127.0.0.1', 3128), 'one Proxy per address: what it asked for is remembered');
  t.equal(router.proxyAt('127.0.0.1', 3128).info.source, 'WinINet settings');
});

t.test('two paths in the summary, the verdict and the advice', async (t) => {
  const range: Range = parseRange('127.0.0.0/30', { source: 'file', status: 'current' })!;
  const attempt = (ip: string, port: number, role: 'client' | 'host', ok: boolean): Attempt => ({
    ip, port, range: range.cidr, expected: true, path: 'direct', role, ms: 1, connectMs: ok ? 1 : null,
    ...classify({ path: 'direct', connect: ok ? { kind: 'tcp', outcome: 'connected', elapsedMs: 1, localAddress: '127.0.0.1', localPort: 40000 } : { kind: 'tcp', outcome: 'failed', code: 'ECONNREFUSED', elapsedMs: 1 } }),
  });
  const ports = [443, 8200];
  const all = new SummaryBuilder([range], ports, null, 2);
  const per = { client: new SummaryBuilder([range], ports, null), host: new SummaryBuilder([range], ports, null) };
  for (const ip of ['127.0.0.0', '127.0.0.1', '127.0.0.2', '127.0.0.3']) {
    for (const port of ports) {
      for (const role of ['client', 'host'] as const) {
        const a = attempt(ip, port, role, role === 'client' || port === 443);
        all.add(a);
        per[role].add(a);
      }
    }
  }
  const summary = all.summary();
  t.same(summary.ranges[0]?.addresses.tried, 4, 'each address counted once, with both paths in');
  const paths = (['client', 'host'] as const).map((role) => ({ role, said: role === 'client' ? 'the proxy 127.0.0.1:3128' : 'direct', total: per[role].total, counts: per[role].counts, ports: per[role].summary().ports.map((p) => ({ port: p.port, state: p.state })) }));
  const withPaths: Summary = { ...summary, paths };
  t.equal(pathsText(withPaths), "The two paths differ: the host service's path (direct) fails on port 8200, where the other gets through.");
  t.equal(pathsText(summary), null, 'one path: nothing to say');
  t.equal(pathsText({ ...summary, paths: paths.map((p) => ({ ...p, ports: p.ports.map((q) => ({ ...q, state: 'reachable' as const })) })) }), null, 'paths that agree: nothing to say');
  const verdict = decideVerdict(withPaths, null);
  t.match(verdict.text, /The two paths differ: the host service's path \(direct\) fails on port 8200/);
  t.match(verdict.advice.map((s) => s.text).join('\n'), /netsh winhttp import proxy source=ie/, 'and the way to give the service the viewer\'s settings');
  t.match(verdict.advice.find((s) => /WinHTTP/.test(s.text))?.evidence, ['the viewer: the proxy 127.0.0.1:3128', 'the host service: direct']);
});
