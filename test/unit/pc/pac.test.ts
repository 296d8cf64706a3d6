// pc/pac.ts: FindProxyForURL in its sandbox, run as browsers run it. No packet: names are answered by a table.
import t, { type Test } from 'tap';
import { PacBudget, compilePac, parsePacAnswer, type PacAnswer, type PacEnvironment, type PacScript } from '../../../src/pc/pac.js';
import { corpusText, withCorpus } from '../../helpers/corpus.js';
import { CLIENT_ADDRESS, hostOf, loadTablePac, tableEnvironment, tableResolver } from '../../helpers/pac.js';

const SMALL = { timeoutMs: 300, memoryBytes: 8 * 1024 * 1024 };

async function loaded(t: Test, text: string, extra: Partial<PacEnvironment> = {}): Promise<PacScript> {
  const pac = await loadTablePac(text, { limits: SMALL, ...extra });
  t.ok(pac, 'loaded');
  return pac;
}

/** The answer's text, or its failure's reason. */
const said = (answer: PacAnswer): string => (answer.ok ? answer.text : `failed: ${answer.why}`);
const ask = async (pac: PacScript, url: string, host = hostOf(url)): Promise<string> => said(await pac.find(url, host));

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

t.test('per host and per port, with the standard helpers, names through the run\'s resolver', async (t) => {
  const asked: string[] = [];
  const pac = await loaded(t, `function FindProxyForURL(url, host) {
    if (isPlainHostName(host) || dnsDomainIs(host, ".corp.example") && isInNet(host, "10.0.0.0", "255.0.0.0")) return "DIRECT";
    if (shExpMatch(url, "http://*:8200/*")) return "PROXY 127.0.0.2:3128; DIRECT";
    if (shExpMatch(host, "*.gotomypc.com")) return "PROXY " + dnsResolve("proxy.lab.example") + ":3128; DIRECT";
    if (localHostOrDomainIs(host, "www") || !isResolvable("nowhere.example")) return "PROXY 127.0.0.3:8080";
    return "DIRECT";
  }`, { resolve: tableResolver(asked) });
  t.equal(await ask(pac, 'https://poll.gotomypc.com/'), 'PROXY 127.0.0.7:3128; DIRECT', 'dnsResolve answered from the table');
  t.equal(await ask(pac, 'http://127.0.0.9:8200/'), 'PROXY 127.0.0.2:3128; DIRECT', 'per port');
  t.equal(await ask(pac, 'https://files.corp.example/'), 'DIRECT', 'isInNet resolves a name');
  t.equal(await ask(pac, 'https://intranet/'), 'DIRECT', 'isPlainHostName');
  t.equal(await ask(pac, 'https://127.0.0.9/'), 'PROXY 127.0.0.3:8080', 'isResolvable of an unknown name is false');
  t.same(asked.sort(), ['files.corp.example', 'nowhere.example', 'proxy.lab.example'], 'each name asked once for the whole run, none for an address');
});

t.test('helpers work in any function: callbacks, nested functions, a try/catch that cannot swallow the wait', async (t) => {
  // Chromium's own PAC tests call isInNet inside a callback; the rewrite g2probe used before rejected this.
  const pac = await loaded(t, `var NETS = [["10.0.0.0", "255.0.0.0"], ["142.250.0.0", "255.255.0.0"]];
    function inside(host) { return NETS.some(function (n) { return isInNet(host, n[0], n[1]); }); }
    function FindProxyForURL(url, host) {
      var found;
      try { found = [host].map(function (h) { return dnsResolve(h); })[0]; } catch (e) { return "CAUGHT " + e; }
      var viaArrow = ["proxy.lab.example"].map((n) => dnsResolve(n))[0];
      return inside(host) ? "PROXY " + viaArrow + ":3128" : "DIRECT; " + found;
    }`);
  t.equal(await ask(pac, 'http://www.google.com/'), 'PROXY 127.0.0.7:3128', 'isInNet and dnsResolve inside callbacks and arrows');
  t.equal(await ask(pac, 'http://www.gotomypc.com/'), 'DIRECT; 216.115.208.10', 'the script\'s own catch never saw the name being resolved');
  t.equal(await ask(pac, 'http://nowhere.example/'), 'DIRECT; null', 'a name that does not resolve is null');
  t.ok(pac.stats.restarts >= 3, `evaluations run again once a name was resolved (${pac.stats.restarts})`);
});

t.test('the sandbox reaches nothing: no Node, no network; myIpAddress is this PC\'s address', async (t) => {
  const pac = await loaded(t, 'function FindProxyForURL(u, h) { return [typeof require, typeof process, typeof fetch, typeof XMLHttpRequest, typeof setTimeout].join(",") + " " + myIpAddress(); }');
  t.equal(await ask(pac, 'https://x.example/'), `undefined,undefined,undefined,undefined,undefined ${CLIENT_ADDRESS}`);
  const own = await compilePac('function FindProxyForURL(u, h) { return myIpAddress(); }', { ...tableEnvironment(), addresses: undefined });
  t.ok(own.readable);
  t.match(own.readable && said(await own.value.find('http://x/', 'x')), /^(\d+\.){3}\d+$|:/, 'without a fixed one: an address of this PC\'s interfaces');
});

t.test('a broken PAC is reported with its reason, and every later call still works', async (t) => {
  const env = tableEnvironment({ limits: SMALL });
  t.match(await compilePac('function FindProxyForURL(u, h) { return "DIRECT" ', env), { readable: false, why: /^not a PAC file: SyntaxError/ }, 'a syntax error');
  t.match(await compilePac('<!doctype html><title>Sign in</title>', env), { readable: false, why: /^not a PAC file/ }, 'a login page');
  t.match(await compilePac('var x = 1;', env), { readable: false, why: 'not a PAC file: it defines no FindProxyForURL function' });
  t.match(await compilePac('throw new Error("no proxy today"); function FindProxyForURL() {}', env), { readable: false, why: 'the PAC file threw as it loaded: no proxy today' });
  t.match(await compilePac('for (;;) {}', env), { readable: false, why: 'the PAC file ran past 300 ms as it loaded and was stopped' });

  const started = performance.now();
  const endless = await loaded(t, 'function FindProxyForURL(u, h) { try { while (true) {} } catch (e) { return "CAUGHT"; } }');
  t.equal(await ask(endless, 'https://x.example/'), 'failed: FindProxyForURL ran past 300 ms and was stopped', 'an endless loop, its catch passed by');
  const ms = performance.now() - started;
  t.ok(ms < 2000, `stopped in ${Math.round(ms)} ms`);

  const hungry = await loaded(t, 'function FindProxyForURL(u, h) { var a = []; while (true) a.push(new Array(100000).join("x")); }', { limits: { timeoutMs: 5000, memoryBytes: 4 * 1024 * 1024 } });
  t.match(await ask(hungry, 'https://x.example/'), /^failed: FindProxyForURL (ran out of its 4 MB|ran past)/, 'memory is capped');
  const deep = await loaded(t, 'function f(n) { return f(n + 1) + 1; } function FindProxyForURL(u, h) { return f(0); }');
  t.match(await ask(deep, 'https://x.example/'), /^failed: FindProxyForURL threw: RangeError: Maximum call stack size exceeded/, 'endless recursion is an error, not a crash');
  t.equal(await ask(deep, 'https://x.example/'), said(await deep.find('https://x.example/', 'x.example')), 'and the engine goes on');

  const thrower = await loaded(t, 'function FindProxyForURL(u, h) { throw new Error("boom\\u001b[31m") }');
  t.equal(await ask(thrower, 'https://x.example/'), 'failed: FindProxyForURL threw: boom\\x1b[31m', 'it threw: said, escaped');
  const number = await loaded(t, 'function FindProxyForURL(u, h) { return 42 }');
  t.equal(await ask(number, 'https://x.example/'), 'failed: FindProxyForURL returned number, not a string');
  const wide = await loaded(t, 'function FindProxyForURL(u, h) { return "PROXY прокси:80" }');
  t.match(await ask(wide, 'https://x.example/'), /^failed: FindProxyForURL returned a string that is not ASCII/, 'as Chromium: not ASCII');
});

t.test('lookups: one miss at a time, at most 20 names per call (Chromium\'s failsafe), each with a deadline, all on one budget', async (t) => {
  const asked: string[] = [];
  const hundred = await loaded(t, `function FindProxyForURL(url, host) {
    var found = 0;
    for (var i = 0; i < 100; i++) if (isResolvable("n" + i + ".lab.example")) found++;
    return "DIRECT; " + found;
  }`, { resolve: tableResolver(asked) });
  t.equal(await ask(hundred, 'http://x.example/'), 'DIRECT; 0', '100 helper calls: an answer');
  t.equal(asked.length, 20, 'only the first 20 names were resolved; the rest answered as names that do not resolve');
  t.equal(hundred.stats.restarts, 20, 'one evaluation run again per name');
  t.equal(await ask(hundred, 'http://y.example/'), 'DIRECT; 0', 'the next target');
  t.equal(asked.length, 20, 'its names were the same: resolved once for the run');

  // A resolver that never answers within the deadline it is given.
  const waited: number[] = [];
  const silent: PacEnvironment['resolve'] = (_name, ms) => new Promise((resolve) => {
    waited.push(ms);
    setTimeout(() => resolve({ v4: [], v6: [], silent: true }), ms);
  });
  const budget = new PacBudget(700);
  const names = await loaded(t, `function FindProxyForURL(url, host) {
    for (var i = 0; i < 10; i++) if (isResolvable("s" + i + "." + host)) return "PROXY 127.0.0.1:3128";
    return "DIRECT";
  }`, { resolve: silent, lookupMs: 200, budget });
  const started = performance.now();
  const answers = await Promise.all(['a.example', 'b.example'].map((h) => names.find(`http://${h}/`, h)));
  const ms = performance.now() - started;
  t.match(answers, [{ ok: false, undecided: true, why: /budget ran out/ }, { ok: false, undecided: true }], 'the budget ran out before either was answered');
  t.ok(ms < 3000, `both ended with the budget, in ${Math.round(ms)} ms`);
  t.ok(waited.every((w) => w <= 200), `each lookup was given at most its deadline (${waited.join(', ')} ms)`);
  t.ok(waited.length >= 4 && waited.length <= 10, `${waited.length} lookups: the two targets' in parallel, in about 700 / 200 rounds`);
  t.equal(names.stats.silentNames, names.stats.names, 'each went unanswered');
  t.ok(budget.exhausted);
});

/** A PAC that fixes the clock (as Chromium's own PAC test does, by replacing Date) and answers each check's result. */
function clockPac(when: string, checks: string[]): string {
  return `var RealDate = Date;
Date = function () { return new RealDate(${JSON.stringify(when)}); };
function FindProxyForURL(url, host) { return [${checks.join(', ')}].join(","); }`;
}

t.test('dateRange, timeRange and weekdayRange as documented, and as Chromium where browsers differ', async (t) => {
  const saturday = [
    'weekdayRange("FRI", "MON")', 'weekdayRange("MON", "FRI")', 'weekdayRange("SAT")', 'weekdayRange("sat")',
    'dateRange("NOV", "FEB")', 'dateRange("FEB", "NOV")', 'dateRange(24, "DEC")', 'dateRange(6, "JAN")', 'dateRange(28, 7)',
    'dateRange(1, "JAN", 2024, 31, "DEC", 2024)', 'dateRange(2025)', 'dateRange(2023, 2024)', 'dateRange(2024, 2023)', 'dateRange("JAN", 2024, "FEB", 2024)',
    'timeRange(22, 23)', 'timeRange(8, 20)', 'timeRange(23)', 'timeRange(22, 0, 6, 0)', 'timeRange(6, 0, 22, 0)',
    'timeRange(23, 30, 15, 23, 30, 15)', 'timeRange(23, 30, 16, 23, 59, 59)', 'dateRange()', 'timeRange()', 'weekdayRange()',
  ];
  const night = await loaded(t, clockPac('Sat Jan 06 2024 23:30:15', saturday));
  t.same((await ask(night, 'http://x/')).split(',').map((v, i) => `${saturday[i]} ${v}`), [
    'weekdayRange("FRI", "MON") true', 'weekdayRange("MON", "FRI") false', 'weekdayRange("SAT") true', 'weekdayRange("sat") false',
    'dateRange("NOV", "FEB") true', 'dateRange("FEB", "NOV") false', 'dateRange(24, "DEC") false', 'dateRange(6, "JAN") true', 'dateRange(28, 7) true',
    'dateRange(1, "JAN", 2024, 31, "DEC", 2024) true', 'dateRange(2025) false', 'dateRange(2023, 2024) true', 'dateRange(2024, 2023) false', 'dateRange("JAN", 2024, "FEB", 2024) true',
    'timeRange(22, 23) true', 'timeRange(8, 20) false', 'timeRange(23) true', 'timeRange(22, 0, 6, 0) true', 'timeRange(6, 0, 22, 0) false',
    'timeRange(23, 30, 15, 23, 30, 15) true', 'timeRange(23, 30, 16, 23, 59, 59) false', 'dateRange() false', 'timeRange() false', 'weekdayRange() false',
  ], 'Saturday 6 January 2024, 23:30:15: weekdays and months wrap, years do not; names are upper case, as documented');
  const evening = await loaded(t, clockPac('Wed Jul 10 2024 20:30:00', ['timeRange(8, 20)', 'timeRange(8, 0, 20, 0)', 'dateRange("JUN", "AUG")', 'weekdayRange("WED")', 'dateRange(2, "MAR")']));
  t.equal(await ask(evening, 'http://x/'), 'true,false,true,true,false', 'timeRange(8, 20) holds all of 20:00–20:59, as in Chromium; 20:00 with minutes is its last minute');
  const bad = await loaded(t, clockPac('Wed Jul 10 2024 20:30:00', ['timeRange(1, 2, 3)']));
  t.equal(await ask(bad, 'http://x/'), 'failed: FindProxyForURL threw: timeRange: bad number of arguments', 'three arguments: thrown, as in Chromium');
});

t.test('Microsoft\'s IPv6 extensions, as Chromium and Windows define them', async (t) => {
  const pac = await loaded(t, `function FindProxyForURL(url, host) {
    return [
      dnsResolveEx("www.gotomypc.com"), dnsResolveEx("nowhere.example") === "", dnsResolveEx("::1"), isResolvableEx("poll.gotomypc.com"), isResolvableEx("nowhere.example"),
      myIpAddressEx(), isInNetEx("10.1.2.3", "10.0.0.0/8"), isInNetEx("10.1.2.3", "10.0.0.0/33"), isInNetEx("2001:db8::1", "2001:db8::/32"),
      isInNetEx("::ffff:10.1.2.3", "10.0.0.0/8"), isInNetEx("files.corp.example", "10.0.0.0/8"), isInNetEx("10.1.2.3", "10.0.0.0"),
      sortIpAddressList("10.2.2.2; 10.1.1.1;2001:db8::2;::1"), sortIpAddressList("10.1.1.1;bogus"), sortIpAddressList(""), getClientVersion(),
      dnsResolve("::1"), isPlainHostName("::1"), isPlainHostName("intranet"), dnsResolve("localhost"), dnsResolveEx("a.localhost"),
    ].join(" ");
  }`, { addresses: ['192.168.101.1', '2001:db8::7'] });
  t.equal(await ask(pac, 'http://x/'), [
    '216.115.208.10', 'true', '::1', 'true', 'false',
    '2001:db8::7;192.168.101.1', 'true', 'false', 'true',
    'true', 'true', 'false',
    '::1;2001:db8::2;10.1.1.1;10.2.2.2', 'false', 'false', '1.0',
    '', 'false', 'true', '127.0.0.1', '::1;127.0.0.1',
  ].join(' '));
  const only = await loaded(t, 'function FindProxyForURLEx(url, host) { return "PROXY " + myIpAddressEx() + ":1"; }', { addresses: ['10.9.9.9'] });
  t.equal(await ask(only, 'http://x/'), 'PROXY 10.9.9.9:1', 'a script with only FindProxyForURLEx, which Windows calls (Chromium would refuse it)');
  const both = await loaded(t, 'function FindProxyForURLEx(u, h) { return "PROXY ex:1"; } function FindProxyForURL(u, h) { return "DIRECT"; }');
  t.equal(await ask(both, 'http://x/'), 'DIRECT', 'with both, FindProxyForURL, as Chromium');
});

t.test('cost per target', async (t) => {
  const pac = await loaded(t, 'function FindProxyForURL(u, h) { if (shExpMatch(h, "*.gotomypc.com")) return "PROXY 127.0.0.1:3128"; return isInNet(h, "127.0.0.0", "255.0.0.0") ? "DIRECT" : "PROXY 127.0.0.2:3128"; }');
  const n = 2000;
  const started = performance.now();
  for (let i = 0; i < n; i++) await pac.find(`https://127.0.${i >> 8}.${i & 255}/`, `127.0.${i >> 8}.${i & 255}`);
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

// The field corpus: each PAC with the answers its source states (../shared/corpus/EXPECTED.md).

/** pacparser's tests/testdata: `pactester arguments|expected result`, with -e (the …Ex helpers) and -c (the client address). */
function testdataRows(text: string): { url: string; client: string | null; extensions: boolean; expected: string }[] {
  return text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#')).map((line) => {
    const [args = '', expected = ''] = line.split('|');
    const words = args.trim().split(/\s+/);
    const value = (flag: string): string | null => { const i = words.indexOf(flag); return i < 0 ? null : words[i + 1] ?? null; };
    return { url: value('-u')!, client: value('-c'), extensions: words.includes('-e'), expected };
  });
}

withCorpus(t, 'the corpus\'s PAC files answer as their sources state', async (t) => {
  const rows = testdataRows(corpusText('pac/pacparser-tests-testdata.txt'));
  t.equal(rows.length, 8, 'every row of pacparser\'s table');
  for (const row of rows) {
    // pactester without -c answers myIpAddress() with this PC's, which its table assumes is in neither 192/8 nor 10.10/16.
    const pac = await loadTablePac(corpusText('pac/pacparser-tests-proxy.pac'), { extensions: row.extensions, addresses: [row.client ?? '127.0.0.1'] });
    t.equal(await ask(pac, row.url), row.expected, `pacparser: ${row.url}${row.client ? ` from ${row.client}` : ''}${row.extensions ? ' with the …Ex helpers' : ''}`);
  }

  const chromium = await loadTablePac(corpusText('pac/chromium-v8-pac-library-unittest.pac'));
  t.equal(await ask(chromium, 'https://www.google.com/'), 'PROXY success:80', 'Chromium\'s helper library test, its Date replaced by the script: every check passes');
  t.equal(await ask(await loadTablePac(corpusText('pac/chromium-libpac-string-functions.pac')), 'https://www.google.com/'), 'DIRECT', 'string functions');
  t.equal(await ask(await loadTablePac(corpusText('pac/chromium-libpac-b147664838-es6-no-final-newline.pac')), 'https://www.google.com/'), 'DIRECT', 'ES2015, the regular expression not mutated');

  const libpac1 = await loadTablePac(corpusText('pac/libpac-1-intranet-failover.pac'));
  const libpac1Rows: [string, string][] = [
    ['http://abcdomain.com', 'DIRECT'], ['ftp://mydomain.com/x/', 'DIRECT'], ['http://a.local/x/', 'DIRECT'], ['http://10.1.2.3/', 'DIRECT'],
    ['http://172.16.1.2/x/', 'DIRECT'], ['http://192.168.1.2/x/', 'DIRECT'], ['http://127.0.0.5/x/', 'DIRECT'], ['http://google.com/x', 'PROXY 4.5.6.7:8080; PROXY 7.8.9.10:8080'],
  ];
  for (const [url, expected] of libpac1Rows) t.equal(await ask(libpac1, url), expected, `libpac test1: ${url}`);
  const libpac3 = await loadTablePac(corpusText('pac/libpac-3-example-tabs-direct-fallback.pac'));
  t.equal(await ask(libpac3, 'http://foobar.example.com/x'), 'DIRECT', 'libpac test3');
  t.equal(await ask(libpac3, 'http://10.0.0.10/x'), 'PROXY fastproxy.example.com:8080', 'libpac test3');
  t.equal(await ask(libpac3, 'http://129.35.213.31/x'), 'PROXY proxy.example.com:8080; DIRECT', 'libpac test3');
  const libpac4 = await loadTablePac(corpusText('pac/libpac-4-throw-string.pac'));
  t.match(await libpac4.find('http://foobar.example.com/x', 'foobar.example.com'), { ok: false, why: 'FindProxyForURL threw: testing error handling, url: http://foobar.example.com/x host: foobar.example.com' }, 'libpac test5: an evaluation error, not a proxy answer');

  // No answers are stated for these two; the files' own comments say what they do.
  const asked: string[] = [];
  const cloudflare = await loadTablePac(corpusText('pac/cloudflare-gateway-https-proxy-eplan-bypass.pac'), { resolve: tableResolver(asked) });
  t.equal(await ask(cloudflare, 'https://localhost/'), 'DIRECT', 'cloudflare: "cheapest checks — no DNS"');
  t.equal(await ask(cloudflare, 'https://teams.microsoft.com/'), 'DIRECT', 'cloudflare: Microsoft bypassed');
  t.equal(await ask(cloudflare, 'https://files.corp.example/'), 'DIRECT', 'cloudflare: "private IP ranges — DNS resolved"');
  t.equal(await ask(cloudflare, 'https://poll.gotomypc.com/'), 'HTTPS t20i3o7im5.proxy.cloudflare-gateway.com:443', 'cloudflare: "proxy all remaining traffic"');
  t.equal(await ask(cloudflare, 'http://216.115.208.5:8200/'), 'HTTPS t20i3o7im5.proxy.cloudflare-gateway.com:443', 'cloudflare: an address, resolved by nobody');
  t.same(asked, ['files.corp.example', 'poll.gotomypc.com'], 'cloudflare: "DNS resolved ONCE, only for remaining traffic"');
  const zen = await loadTablePac(corpusText('pac/zscaler-default-forward-to-zen-vars.pac'));
  const forwarded = await zen.find('https://poll.gotomypc.com/', 'poll.gotomypc.com');
  t.match(forwarded, { ok: true, text: 'PROXY ${GATEWAY}:80; PROXY ${SECONDARY_GATEWAY}:80; DIRECT', entries: [{ kind: 'direct' }] }, 'zscaler: its template never filled in; the two gateways name no host, so DIRECT is what is left');
  t.match(await compilePac(corpusText('pac/zscaler-zapp-corporate-broken-regex-syntax.pac'), tableEnvironment()), { readable: false, why: /^not a PAC file: SyntaxError: / }, 'zscaler ZApp: not JavaScript, and said so');
});
