// The machine's WinHTTP proxy in any language: WinHttpSettings as reg lists it (fixtures/windows: Microsoft's value
// for direct access, and the layout proxyconf and Microsoft's Health Checker read), netsh's listing read by its layout
// in the languages of real captures, and what the console's code page does to the bytes. Pure code only: nothing
// here runs reg or netsh.
import fc from 'fast-check';
import t from 'tap';
import type { CommandResult, CommandRunner } from '../../../src/pc/command.js';
import { readWinHttp } from '../../../src/pc/proxy-discovery.js';
import { consoleTools } from '../../../src/pc/windows/console.js';
import { CODE_PAGE_ARGS, consoleText, needsCodePage, parseCodePage } from '../../../src/pc/windows/console-text.js';
import { NETSH_WINHTTP_ARGS, WINHTTP_SETTINGS_ARGS, parseWinHttpProxy, parseWinHttpSettings } from '../../../src/pc/windows/winhttp.js';
import { UNSHOWABLE, property } from '../../helpers/fuzz.js';
import { consoleBytes, windowsFixture } from '../../helpers/windows.js';

const fixture = windowsFixture;
const DIRECT = { readable: true, value: { kind: 'direct' } };
const HKLM = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections';
const listing = (...values: string[]) => ['', HKLM, ...values, '', ''].join('\r\n');

t.test('the fixtures answer the command the parser is for, with the CRLF reg prints', async (t) => {
  for (const name of ['reg-winhttp-direct.txt', 'reg-winhttp-proxy.txt', 'reg-winhttp-none.txt']) {
    const text = fixture(name);
    t.equal(text.split('\r\n')[1], WINHTTP_SETTINGS_ARGS[1].replace('HKLM', 'HKEY_LOCAL_MACHINE'), name);
    t.notMatch(text, /[^\r]\n/, `${name}: no bare LF`);
  }
  t.same(WINHTTP_SETTINGS_ARGS, ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections'], 'the whole key: a missing value is told from a missing key');
});

t.test('parseWinHttpSettings: WinHttpSettings, read alike in every language', async (t) => {
  t.same(parseWinHttpSettings(fixture('reg-winhttp-direct.txt')), DIRECT, "Microsoft's own value for direct access (KB 4494447)");
  t.same(parseWinHttpSettings(fixture('reg-winhttp-proxy.txt')), {
    readable: true,
    value: { kind: 'proxy', servers: [{ scheme: null, address: 'proxy.corp.example:8080' }], bypass: ['<local>', '*.corp.example', '10.*'] },
  }, "the proxy and its bypass list, as netsh's English listing of the same settings says (netsh-winhttp-proxy.txt)");
  t.same(parseWinHttpSettings(fixture('reg-winhttp-none.txt')), DIRECT, 'a key without the value: direct, as ProxyCfg documents deleting it');
  t.same(parseWinHttpSettings(fixture('reg-winhttp-proxy.txt').replace(/\r\n/g, '\n')), parseWinHttpSettings(fixture('reg-winhttp-proxy.txt')), 'LF reads the same');

  const blob = (flags: number, ...strings: string[]) => {
    const parts = [Buffer.from([0x28, 0, 0, 0, 0, 0, 0, 0, flags, 0, 0, 0])];
    for (const s of strings) {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(Buffer.byteLength(s, 'latin1'));
      parts.push(length, Buffer.from(s, 'latin1'));
    }
    return Buffer.concat(parts).toString('hex').toUpperCase();
  };
  const value = (data: string, type = 'REG_BINARY') => listing(`    WinHttpSettings    ${type}    ${data}`);
  t.same(parseWinHttpSettings(value(blob(3, 'http=proxy.corp.example:8080;https=proxy.corp.example:8443', ''))), {
    readable: true,
    value: { kind: 'proxy', servers: [{ scheme: 'http', address: 'proxy.corp.example:8080' }, { scheme: 'https', address: 'proxy.corp.example:8443' }], bypass: [] },
  }, 'per scheme, no bypass list');
  t.same(parseWinHttpSettings(value(blob(1, 'old.proxy.example:8080', ''))), DIRECT, 'a proxy left behind with the flag off is not in force');
  const secret = parseWinHttpSettings(value(blob(3, 'http://pat:s3cret@proxy.corp.example:8080', '')));
  t.notMatch(JSON.stringify(secret), /s3cret|pat:/, 'credentials never kept');
  const hostile = parseWinHttpSettings(value(blob(3, 'proxy\x1b[2J.example:8080', '\u202Eevil')));
  t.notMatch(JSON.stringify(hostile), /\\u001b|\u202E/, 'what the registry holds is escaped');

  t.same(parseWinHttpSettings(value(blob(3, '', ''))), { readable: false, why: 'WinHttpSettings switches a proxy on and names none' });
  t.same(parseWinHttpSettings(value('2800000000000000')), { readable: false, why: 'WinHttpSettings holds 8 bytes: too few for its flags, the ninth to twelfth' });
  t.same(parseWinHttpSettings(value(`${blob(3)}FF000000414243`)), { readable: false, why: 'WinHttpSettings is cut short: a string of 255 bytes, and 3 left' });
  t.match(parseWinHttpSettings(value('proxy', 'REG_SZ')), { readable: false, why: /^WinHttpSettings is REG_SZ "proxy", not the REG_BINARY Windows writes$/ });
  t.match(parseWinHttpSettings('\r\nERROR: Registry editing has been disabled by your administrator.\r\n'), {
    readable: false,
    why: /^reg did not list HKEY_LOCAL_MACHINE\\SOFTWARE.*: its output began "ERROR: Registry editing has been disabled/,
  });
});

// netsh's listing in the languages of real captures: each source printed it, g2probe wrote none of them.
t.test('parseWinHttpProxy: netsh in any language, by its layout', async (t) => {
  const direct: Record<string, string> = {
    // Microsoft, KB 4494447 (and fixtures/windows/netsh-winhttp-direct.txt).
    English: fixture('netsh-winhttp-direct.txt'),
    // Quoted in another project's tests (fixtures/windows/README.md).
    German: fixture('netsh-winhttp-de.txt'),
    // A published system report from a French Windows; the byte before each colon is a no-break space.
    French: '\r\nParamètres de proxy WinHTTP actuels\u00A0:\r\n\r\n    Accès direct (sans serveur proxy).\r\n\r\n',
    // A Chinese blog's session after `netsh winhttp reset proxy`.
    Chinese: '\r\n当前的 WinHTTP 代理服务器设置:\r\n\r\n    直接访问(没有代理服务器)。\r\n\r\n',
  };
  for (const [language, output] of Object.entries(direct)) t.same(parseWinHttpProxy(output), DIRECT, `${language}: direct`);

  t.same(parseWinHttpProxy('\r\n当前的 WinHTTP 代理服务器设置:\r\n\r\n    代理服务器:  127.0.0.1:1088\r\n    绕过列表     :  niuza.com;guancha.cn;<local>\r\n\r\n'), {
    readable: true,
    value: { kind: 'proxy', servers: [{ scheme: null, address: '127.0.0.1:1088' }], bypass: ['niuza.com', 'guancha.cn', '<local>'] },
  }, 'Chinese: the proxy and its bypass list (the same session, after `import proxy source=ie`)');
  t.same(parseWinHttpProxy('\r\nParamètres de proxy WinHTTP actuels :\r\n\r\n    Serveur(s) proxy :  proxy.local:8080\r\n    Liste de contournement     :  (aucun)\r\n'), {
    readable: true,
    value: { kind: 'proxy', servers: [{ scheme: null, address: 'proxy.local:8080' }], bypass: [] },
  }, 'French, as another parser\'s tests hold it: "(aucun)" is none');
  t.same(parseWinHttpProxy(fixture('netsh-winhttp-proxy.txt').replace('Proxy Server(s) :', 'Proxy Server(s)\uFF1A')), parseWinHttpProxy(fixture('netsh-winhttp-proxy.txt')), 'a full-width colon is a colon');

  t.test('what is not the listing is unreadable, quoted, never guessed direct', async (t) => {
    t.same(parseWinHttpProxy(''), { readable: false, why: 'netsh printed nothing' });
    t.same(parseWinHttpProxy('The following command was not found: winhttp show proxy.\r\n'), {
      readable: false,
      why: 'netsh printed no WinHTTP proxy listing: its output began "The following command was not found: winhttp show proxy."',
    });
    t.match(parseWinHttpProxy('Current WinHTTP proxy settings:\r\n'), { readable: false, why: /neither one sentence nor a proxy/ }, 'a header alone');
    t.match(parseWinHttpProxy('Current WinHTTP proxy settings:\r\n    Direct access.\r\n    Something else.\r\n'), { readable: false }, 'two sentences');
    t.match(parseWinHttpProxy('Current WinHTTP proxy settings:\r\n    Proxy Server(s) :\r\n    Bypass List : (none)\r\n'), { readable: false }, 'a proxy label with no proxy');
    t.match(parseWinHttpProxy(`${'x'.repeat(70_000)}\r\n`), { readable: false, why: /more than the 65536 g2probe reads/ });
    const evil = parseWinHttpProxy('\x1b]0;owned\x07\r\n');
    t.notMatch(JSON.stringify(evil), /\\u001b|\\u0007/, 'the quote is escaped');
  });
});

t.test('console text: the code page read from the registry, UTF-8 by its bytes', async (t) => {
  t.equal(parseCodePage('\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage\r\n    OEMCP    REG_SZ    936\r\n\r\n'), 936);
  t.equal(parseCodePage('ERROR: The system was unable to find the specified registry key or value.\r\n'), null);
  t.same(CODE_PAGE_ARGS, ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage', '/v', 'OEMCP']);

  const samples: [number, string, string][] = [
    [932, 'shift_jis', '現在の WinHTTP プロキシ設定:'],
    [936, 'gbk', '当前的 WinHTTP 代理服务器设置:'],
    [949, 'euc-kr', '현재 WinHTTP 프록시 설정:'],
    [950, 'big5', '目前的 WinHTTP Proxy 設定:'],
    [866, 'ibm866', 'Прямой доступ (без прокси-сервера).'],
  ];
  for (const [page, label, text] of samples) {
    const raw = consoleBytes(text, label);
    t.ok(needsCodePage(raw), `${page}: needs its code page`);
    t.equal(consoleText(raw, page), text, `${page}: decoded`);
  }
  // DOS code pages TextDecoder lacks, checked byte by byte against the Unicode mappings.
  t.equal(consoleText('Param\x8Atres de proxy WinHTTP actuels\xFF:', 850), 'Paramètres de proxy WinHTTP actuels\u00A0:', '850: è, and the no-break space');
  t.equal(consoleText('Caf\x82', 437), 'Café', '437');
  t.equal(consoleText('\xA5\x86', 852), 'ąć', '852');
  const utf8 = Buffer.from('直接访问(没有代理服务器)。', 'utf8').toString('latin1');
  t.notOk(needsCodePage(utf8), 'a console switched to UTF-8 needs no code page');
  t.equal(consoleText(utf8, 936), '直接访问(没有代理服务器)。', 'UTF-8 by its bytes, whatever the code page');
  t.equal(consoleText('plain ASCII', null), 'plain ASCII');
  t.equal(consoleText('caf\xE9', null), 'caf\xE9', 'no code page: the bytes kept as they are');
  t.equal(consoleText('caf\xE9', 1361), 'caf\xE9', 'a code page g2probe does not decode: the bytes kept');
});

/** A runner for reg and netsh, answering by file name and arguments, keeping every call. */
function runner(answers: Record<string, CommandResult>) {
  const calls: string[] = [];
  const run: CommandRunner = async (file, args) => {
    const key = `${file.split('\\').pop()} ${args.join(' ')}`;
    calls.push(key);
    return answers[key] ?? { ok: false, why: `exited with code 1: ${key} not answered` };
  };
  return { run, calls };
}
const ok = (stdout: string): CommandResult => ({ ok: true, stdout });
const OEMCP = (page: number) => ok(`\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage\r\n    OEMCP    REG_SZ    ${page}\r\n\r\n`);
const REG_WINHTTP = `reg.exe ${WINHTTP_SETTINGS_ARGS.join(' ')}`;
const NETSH = `netsh.exe ${NETSH_WINHTTP_ARGS.join(' ')}`;
const REG_CODE_PAGE = `reg.exe ${CODE_PAGE_ARGS.join(' ')}`;

t.test('consoleTools: the code page asked once, and only when some output needs it', async (t) => {
  const gbk = consoleBytes('当前的 WinHTTP 代理服务器设置:\r\n    直接访问(没有代理服务器)。\r\n', 'gbk');
  const { run, calls } = runner({ [NETSH]: ok(gbk), [REG_CODE_PAGE]: OEMCP(936), [REG_WINHTTP]: { ok: false, why: `exited with code 1: ${consoleBytes('错误: 系统找不到指定的注册表项或值。', 'gbk')}` } });
  const tool = consoleTools(run, 'D:\\Windows');
  t.same(await tool('netsh', NETSH_WINHTTP_ARGS), { ok: true, text: '当前的 WinHTTP 代理服务器设置:\r\n    直接访问(没有代理服务器)。\r\n' });
  t.same(await tool('reg', WINHTTP_SETTINGS_ARGS), { ok: false, why: `reg.exe ${WINHTTP_SETTINGS_ARGS.join(' ')} failed: exited with code 1: 错误: 系统找不到指定的注册表项或值。` }, 'what it said on failing, decoded too');
  t.same(calls, [NETSH, REG_CODE_PAGE, REG_WINHTTP], 'OEMCP asked once, for the first output that needed it');

  const ascii = runner({ [REG_WINHTTP]: ok(fixture('reg-winhttp-direct.txt')) });
  await consoleTools(ascii.run, 'C:\\Windows')('reg', WINHTTP_SETTINGS_ARGS);
  t.same(ascii.calls, [REG_WINHTTP], 'ASCII output: no code page asked');
});

t.test('readWinHttp: WinHttpSettings first, netsh when the registry cannot be read', async (t) => {
  const stored = runner({ [REG_WINHTTP]: ok(fixture('reg-winhttp-proxy.txt')), [NETSH]: ok(fixture('netsh-winhttp-direct.txt')) });
  const fromRegistry = await readWinHttp(stored.run, 'C:\\Windows');
  t.match(fromRegistry, { winhttp: { readable: true, value: { kind: 'proxy' } }, source: `reg query ${WINHTTP_SETTINGS_ARGS[1]} (WinHttpSettings)` });
  t.same(stored.calls, [REG_WINHTTP], 'netsh not asked');

  // reg refuses when Group Policy disables the registry tools; netsh still answers, here on a Japanese console.
  const sjis = consoleBytes('\r\n現在の WinHTTP プロキシ設定:\r\n\r\n    直接アクセス (プロキシ サーバーなし)。\r\n\r\n', 'shift_jis');
  const refused = runner({ [REG_WINHTTP]: ok('ERROR: Registry editing has been disabled by your administrator.\r\n'), [NETSH]: ok(sjis), [REG_CODE_PAGE]: OEMCP(932) });
  t.same(await readWinHttp(refused.run, 'C:\\Windows'), { winhttp: DIRECT, source: 'netsh winhttp show proxy' });

  const neither = await readWinHttp(runner({}).run, 'C:\\Windows');
  t.match(neither, { winhttp: { readable: false, why: /^netsh\.exe winhttp show proxy failed: .*; and WinHttpSettings, read first: reg\.exe query HKLM.* failed: / }, source: 'netsh winhttp show proxy' });
});

t.test('any bytes: a reading or a reason, never a throw, nothing raw', async (t) => {
  const check = (reading: { readable: true; value: unknown } | { readable: false; why: string }) => {
    if (!reading.readable && (reading.why === '' || UNSHOWABLE.test(reading.why))) throw new Error(`bad reason: ${JSON.stringify(reading.why)}`);
    if (reading.readable && UNSHOWABLE.test(JSON.stringify(reading.value).replace(/\\u00[0-9a-f]{2}|\\[bfnrt"\\]/g, ''))) throw new Error('raw control in a value');
  };
  const text = fc.string({ unit: 'binary', maxLength: 400 });
  property(t, 'parseWinHttpProxy on any text', text, (s) => check(parseWinHttpProxy(s)), 300);
  property(t, 'parseWinHttpSettings on any text', text, (s) => check(parseWinHttpSettings(s)), 300);
  property(t, 'parseWinHttpSettings on any blob', fc.uint8Array({ maxLength: 200 }), (bytes) => check(parseWinHttpSettings(listing(`    WinHttpSettings    REG_BINARY    ${Buffer.from(bytes).toString('hex').toUpperCase()}`))), 300);
  property(t, 'parseWinHttpProxy on netsh\'s listing, cut and spliced', fc.tuple(fc.nat(200), fc.nat(200), fc.string({ maxLength: 20 })), ([a, b, insert]) => {
    const whole = fixture('netsh-winhttp-proxy.txt');
    check(parseWinHttpProxy(whole.slice(0, Math.min(a, b)) + insert + whole.slice(Math.max(a, b))));
  }, 300);
  property(t, 'consoleText on any bytes and code page', fc.tuple(fc.uint8Array({ maxLength: 100 }), fc.constantFrom(null, 437, 850, 852, 866, 932, 936, 949, 950, 65001, 1361)), ([bytes, page]) => {
    if (typeof consoleText(Buffer.from(bytes).toString('latin1'), page) !== 'string') throw new Error('not text');
  }, 300);
});
