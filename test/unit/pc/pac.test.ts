// pc/pac.ts: FindProxyForURL in its sandbox. No packet: names are answered by a stand-in resolver.
import t, { type Test } from 'tap';
import { compilePac, parsePacAnswer, type PacScript } from '../../../src/pc/pac.js';

const NAMES: Record<string, string> = { 'proxy.lab.example': '127.0.0.7', 'intranet.lab.example': '10.1.2.3' };
const asked: string[] = [];
const resolve = async (host: string) => {
  asked.push(host);
  return NAMES[host] ?? null;
};

async function compiled(t: Test, text: string, limits = { timeoutMs: 300, memoryBytes: 8 * 1024 * 1024 }): Promise<PacScript> {
  const pac = await compilePac(text, resolve, limits);
  if (!pac.readable) throw new Error(`did not compile: ${pac.why}`);
  t.ok(pac.readable);
  return pac.value;
}

t.test('the answer as the list a browser follows', async (t) => {
  t.same(parsePacAnswer('PROXY 127.0.0.1:3128; PROXY [::1]:8080;DIRECT'), [
    { kind: 'proxy', host: '127.0.0.1', port: 3128 },
    { kind: 'proxy', host: '::1', port: 8080 },
    { kind: 'direct' },
  ]);
  t.same(parsePacAnswer('HTTPS proxy.lab.example:443; SOCKS5 127.0.0.1:1080; SOCKS 127.0.0.2'), [
    { kind: 'https', host: 'proxy.lab.example', port: 443 },
    { kind: 'socks', host: '127.0.0.1', port: 1080 },
    { kind: 'socks', host: '127.0.0.2', port: 1080 },
  ]);
  t.same(parsePacAnswer('PROXY proxy.lab.example'), [{ kind: 'proxy', host: 'proxy.lab.example', port: 80 }], 'no port: 80, as browsers');
  t.same(parsePacAnswer(''), [{ kind: 'direct' }], 'empty: DIRECT');
  t.same(parsePacAnswer('BOGUS x; PROXY bad host:1; PROXY 127.0.0.1:99999'), [{ kind: 'direct' }], 'nothing usable: DIRECT, nothing guessed');
  t.same(parsePacAnswer('direct'), [{ kind: 'direct' }], 'keywords without case');
});

t.test('per host and per port, with the standard helpers, names through g2probe\'s resolver', async (t) => {
  const pac = await compiled(t, `function FindProxyForURL(url, host) {
    if (isPlainHostName(host) || dnsDomainIs(host, ".lab.example") && isInNet(host, "10.0.0.0", "255.0.0.0")) return "DIRECT";
    if (shExpMatch(url, "https://*:8200/*")) return "PROXY 127.0.0.2:3128; DIRECT";
    if (shExpMatch(host, "*.gotomypc.com")) return "PROXY " + dnsResolve("proxy.lab.example") + ":3128; DIRECT";
    if (localHostOrDomainIs(host, "www") || !isResolvable("nowhere.example")) return "PROXY 127.0.0.3:8080";
    return "DIRECT";
  }`);
  const entries = async (url: string, host: string) => {
    const answer = await pac.find(url, host);
    return answer.ok ? answer.entries : answer.why;
  };
  t.same(await entries('https://poll.gotomypc.com/', 'poll.gotomypc.com'), [{ kind: 'proxy', host: '127.0.0.7', port: 3128 }, { kind: 'direct' }], 'dnsResolve answered by the stand-in');
  t.same(await entries('https://127.0.0.9:8200/', '127.0.0.9'), [{ kind: 'proxy', host: '127.0.0.2', port: 3128 }, { kind: 'direct' }], 'per port');
  t.same(await entries('https://intranet.lab.example/', 'intranet.lab.example'), [{ kind: 'direct' }], 'isInNet resolves through the stand-in');
  t.same(await entries('https://intranet/', 'intranet'), [{ kind: 'direct' }], 'isPlainHostName');
  t.same(await entries('https://127.0.0.9:443/', '127.0.0.9'), [{ kind: 'proxy', host: '127.0.0.3', port: 8080 }], 'isResolvable of an unknown name is false');
  t.ok(asked.includes('proxy.lab.example') && asked.includes('nowhere.example'), 'every name went to the stand-in resolver');
});

t.test('the sandbox reaches nothing: no Node, no network, and myIpAddress reads the interfaces', async (t) => {
  const pac = await compiled(t, 'function FindProxyForURL(u, h) { return [typeof require, typeof process, typeof fetch, typeof XMLHttpRequest, typeof setTimeout].join(",") + " " + myIpAddress(); }');
  const answer = await pac.find('https://x.example/', 'x.example');
  t.ok(answer.ok);
  t.match(answer.ok && answer.text, /^undefined,undefined,undefined,undefined,undefined \d+\.\d+\.\d+\.\d+$/);
  t.notOk(asked.includes('8.8.8.8'), 'myIpAddress asked nobody');
});

t.test('a broken PAC is reported with its reason, and every later call still works', async (t) => {
  const syntax = await compilePac('function FindProxyForURL(u, h) { return "DIRECT" ', resolve);
  t.match(syntax, { readable: false, why: /^not a PAC file: / }, 'a syntax error');
  const html = await compilePac('<!doctype html><title>Sign in</title>', resolve);
  t.match(html, { readable: false, why: /^not a PAC file/ }, 'a login page');

  const started = performance.now();
  const endless = await compiled(t, 'function FindProxyForURL(u, h) { while (true) {} }');
  const stopped = await endless.find('https://x.example/', 'x.example');
  const ms = performance.now() - started;
  t.match(stopped, { ok: false, why: /ran past 300 ms and was stopped/ }, 'an endless loop');
  t.ok(ms < 2000, `stopped in ${Math.round(ms)} ms`);

  const hungry = await compiled(t, 'function FindProxyForURL(u, h) { var a = []; while (true) a.push(new Array(100000).join("x")); }', { timeoutMs: 5000, memoryBytes: 4 * 1024 * 1024 });
  t.match(await hungry.find('https://x.example/', 'x.example'), { ok: false, why: /ran out of its 4 MB|ran past/ }, 'memory is capped');

  const thrower = await compiled(t, 'function FindProxyForURL(u, h) { throw new Error("boom\\u001b[31m") }');
  const threw = await thrower.find('https://x.example/', 'x.example');
  t.match(threw, { ok: false, why: /^FindProxyForURL threw: boom\\x1b\[31m$/ }, 'it threw: said, escaped');
  const number = await compiled(t, 'function FindProxyForURL(u, h) { return 42 }');
  t.match(await number.find('https://x.example/', 'x.example'), { ok: false, why: /returned number, not a string/ });
});

t.test('cost per target', async (t) => {
  const pac = await compiled(t, 'function FindProxyForURL(u, h) { if (shExpMatch(h, "*.gotomypc.com")) return "PROXY 127.0.0.1:3128"; return isInNet(h, "127.0.0.0", "255.0.0.0") ? "DIRECT" : "PROXY 127.0.0.2:3128"; }');
  const n = 2000;
  const started = performance.now();
  for (let i = 0; i < n; i++) await pac.find(`https://127.0.${i >> 8}.${i & 255}:443/`, `127.0.${i >> 8}.${i & 255}`);
  const each = (performance.now() - started) / n;
  t.comment(`FindProxyForURL: ${each.toFixed(3)} ms per target over ${n} targets`);
  t.ok(each < 5, 'well under a handshake');
});

t.test('WPAD names: the DNS suffixes this PC searches, each down to two labels, never a bare top-level domain', async (t) => {
  const { dnsSuffixes, wpadNames } = await import('../../../src/pc/wpad.js');
  t.same(dnsSuffixes('nameserver 127.0.0.53\nsearch corp.lab.example lab.example # office\ndomain Site.Lab.Example.\n', {}), ['corp.lab.example', 'lab.example', 'site.lab.example']);
  t.same(dnsSuffixes(null, { USERDNSDOMAIN: 'EU.CORP.EXAMPLE' }), ['eu.corp.example'], "Windows' domain, as Windows spells it");
  t.same(dnsSuffixes('search localdomain .\n', {}), [], 'a one-label suffix is no place to look for wpad');
  t.same(wpadNames(['corp.lab.example', 'lab.example']), ['wpad.corp.lab.example', 'wpad.lab.example']);
  t.same(wpadNames(['a.b.c.example']), ['wpad.a.b.c.example', 'wpad.b.c.example', 'wpad.c.example']);
  t.same(wpadNames([]), []);
});
