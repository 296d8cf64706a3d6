// The proxy settings each desktop's programs follow: the WinINet, scutil and gsettings parsers on the recordings in
// fixtures/proxy (its README says where each layout comes from), hostile output, and where WinINet sends a
// connection under the settings read. Pure code only: nothing here runs a tool or sends a packet.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import type { SystemProxySettings } from '../../../src/core/types.js';
import { parseGnomeProxy } from '../../../src/pc/linux/gnome-proxy.js';
import { parseScutilProxy } from '../../../src/pc/macos/scutil.js';
import {
  CONNECTION_SETTINGS_ARGS,
  INTERNET_SETTINGS_ARGS,
  parseConnected,
  parseConnectionSettings,
  parseNamedConnections,
  parseInternetSettings,
  winInetRoute,
  winInetSettings,
} from '../../../src/pc/windows/wininet.js';
import { property } from '../../helpers/fuzz.js';
import { windowsFixture } from '../../helpers/windows.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/proxy/${name}`, import.meta.url), 'utf8');
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const PARSERS = { parseInternetSettings, parseConnectionSettings, parseScutilProxy, parseGnomeProxy };

function read<T>(reading: { readable: true; value: T } | { readable: false; why: string }): T {
  if (!reading.readable) throw new Error(`unreadable: ${reading.why}`);
  return reading.value;
}

const EXCEPTIONS = ['*.corp.example', '10.*', '172.16.*', 'update.vendor.example:8200'];
const STATIC: SystemProxySettings = {
  proxyEnabled: true,
  proxies: [{ scheme: null, host: 'proxy.corp.example', port: 8080 }],
  bypass: EXCEPTIONS,
  bypassLocal: true,
  pacUrl: null,
  autoDetect: null,
};
const DIRECT: SystemProxySettings = { proxyEnabled: false, proxies: [], bypass: [], bypassLocal: false, pacUrl: null, autoDetect: null };
const PAC_URL = 'http://wpad.corp.example/proxy.pac';

t.test('the reg fixtures keep the CRLF line ends reg prints', async (t) => {
  for (const name of ['reg-internet-settings-proxy.txt', 'reg-connections-proxy.txt', 'reg-error-not-found.txt']) {
    const text = fixture(name);
    t.match(text, /\r\n/, name);
    t.notMatch(text, /[^\r]\n/, `${name}: no bare LF`);
  }
});

t.test('the reg fixtures answer the commands the parsers are for', async (t) => {
  const header = (text: string) => text.split('\r\n')[1];
  t.equal(header(fixture('reg-internet-settings-proxy.txt')), INTERNET_SETTINGS_ARGS[1].replace('HKCU', 'HKEY_CURRENT_USER'));
  t.equal(header(fixture('reg-connections-proxy.txt')), CONNECTION_SETTINGS_ARGS[1].replace('HKCU', 'HKEY_CURRENT_USER'));
  t.equal(CONNECTION_SETTINGS_ARGS.length, 2, 'the whole key: the LAN\'s settings and every named connection\'s');
  t.match(fixture('reg-connections-proxy.txt'), /^ {4}DefaultConnectionSettings {4}REG_BINARY {4}/m);
});

t.test('parseInternetSettings: the key\'s copy of the settings', async (t) => {
  t.same(parseInternetSettings(fixture('reg-internet-settings-proxy.txt')), { readable: true, value: STATIC });
  t.same(parseInternetSettings(fixture('reg-internet-settings-pac.txt')), { readable: true, value: { ...DIRECT, pacUrl: PAC_URL } });
  t.same(parseInternetSettings(fixture('reg-internet-settings-auto-detect.txt')), { readable: true, value: DIRECT }, 'WPAD is not in the key: autoDetect null');
  t.same(parseInternetSettings(fixture('reg-internet-settings-direct.txt')), { readable: true, value: { ...DIRECT, bypassLocal: true } }, 'an old ProxyServer is not in force');
  t.same(
    parseInternetSettings(fixture('reg-internet-settings-proxy.txt').replace(/\r\n/g, '\n')),
    parseInternetSettings(fixture('reg-internet-settings-proxy.txt')),
    'LF line ends read the same',
  );

  t.test('a per-scheme ProxyServer, and credentials never kept', async (t) => {
    const text = fixture('reg-internet-settings-proxy.txt').replace(
      'proxy.corp.example:8080',
      'http=http://pat:s3cret@proxy.corp.example:8080;https=proxy.corp.example;gopher=old.example:70;ftp=;socks=socks.corp.example',
    );
    const value = read(parseInternetSettings(text));
    t.same(value.proxies, [
      { scheme: 'http', host: 'proxy.corp.example', port: 8080 },
      { scheme: 'https', host: 'proxy.corp.example', port: 80 },
      { scheme: 'socks', host: 'socks.corp.example', port: 1080 },
    ]);
    t.notMatch(JSON.stringify(value), /s3cret|pat/);
  });

  t.test('the error reg prints for a missing key is unreadable, quoting it', async (t) => {
    t.same(parseInternetSettings(fixture('reg-error-not-found.txt')), {
      readable: false,
      why: 'reg did not list HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings: its output began "ERROR: The system was unable to find the specified registry key or value."',
    });
    t.same(parseInternetSettings('\r\n'), { readable: false, why: 'reg printed nothing' });
  });

  t.test('a value WinINet would not write is unreadable, not guessed', async (t) => {
    const proxy = fixture('reg-internet-settings-proxy.txt');
    const sz = parseInternetSettings(proxy.replace('ProxyEnable    REG_DWORD    0x1', 'ProxyEnable    REG_SZ    yes'));
    t.same(sz, { readable: false, why: 'ProxyEnable is REG_SZ "yes", not the REG_DWORD WinINet keeps' });
    const server = parseInternetSettings(proxy.replace('proxy.corp.example:8080', 'proxy.corp.example:99999'));
    t.same(server, { readable: false, why: 'the proxy entry "proxy.corp.example:99999" is not host:port' });
  });

  t.test('a value named twice (a line break inside a value) is unreadable', async (t) => {
    const forged = fixture('reg-internet-settings-direct.txt').replace('old-proxy.corp.example:3128', 'x\r\n    ProxyEnable    REG_DWORD    0x1');
    t.same(parseInternetSettings(forged), {
      readable: false,
      why: 'ProxyEnable appears twice under HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings',
    });
  });

  t.test('values of a subkey are not the key\'s', async (t) => {
    const text = fixture('reg-internet-settings-direct.txt').replace(/(\\Internet Settings\\5\.0\r\n)/, '$1    ProxyEnable    REG_DWORD    0x1\r\n');
    t.equal(read(parseInternetSettings(text)).proxyEnabled, false);
  });
});

t.test('parseConnectionSettings: DefaultConnectionSettings, flag by flag', async (t) => {
  t.same(parseConnectionSettings(fixture('reg-connections-direct.txt')), { readable: true, value: { ...DIRECT, autoDetect: false } });
  t.same(parseConnectionSettings(fixture('reg-connections-proxy.txt')), { readable: true, value: { ...STATIC, autoDetect: false } });
  t.same(parseConnectionSettings(fixture('reg-connections-pac.txt')), { readable: true, value: { ...DIRECT, pacUrl: PAC_URL, autoDetect: false } });
  t.same(parseConnectionSettings(fixture('reg-connections-auto-detect.txt')), { readable: true, value: { ...DIRECT, autoDetect: true } });
  t.same(parseConnectionSettings(fixture('reg-connections-all.txt')), {
    readable: true,
    value: {
      proxyEnabled: true,
      proxies: [
        { scheme: 'http', host: 'proxy.corp.example', port: 8080 },
        { scheme: 'https', host: 'proxy.corp.example', port: 8443 },
      ],
      bypass: [],
      bypassLocal: true,
      pacUrl: PAC_URL,
      autoDetect: true,
    },
  });

  t.test('the strings are kept when their flag is off, and not put in force', async (t) => {
    // reg-connections-all.txt with the ninth byte 0F turned to 01.
    const text = fixture('reg-connections-all.txt').replace(/(REG_BINARY {4}[0-9A-F]{16})0F/, '$101');
    t.same(read(parseConnectionSettings(text)), { ...DIRECT, bypassLocal: true, autoDetect: false });
  });

  t.test('a value too short, cut short, not hex or missing is unreadable', async (t) => {
    const line = (data: string, type = 'REG_BINARY') =>
      `\r\nHKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections\r\n    DefaultConnectionSettings    ${type}    ${data}\r\n\r\n`;
    t.same(parseConnectionSettings(line('4600000001000000')), { readable: false, why: 'DefaultConnectionSettings holds 8 bytes: too few for its flags, the ninth to twelfth' });
    t.same(parseConnectionSettings(line('460000000100000003000000FF000000414243')), {
      readable: false,
      why: 'DefaultConnectionSettings is cut short: a string of 255 bytes, and 3 left',
    });
    t.match(parseConnectionSettings(line('46000000XYZ')), { readable: false, why: /not the REG_BINARY Windows writes/ });
    t.match(parseConnectionSettings(line('proxy', 'REG_SZ')), { readable: false, why: /is REG_SZ "proxy"/ });
    t.same(parseConnectionSettings(fixture('reg-internet-settings-proxy.txt')), { readable: false, why: 'reg listed no DefaultConnectionSettings value' });
    t.match(parseConnectionSettings(fixture('reg-error-not-found.txt')), { readable: false, why: /began "ERROR: The system was unable/ });
    // An old structure that ends after the flags: no strings, and still the flags.
    t.same(read(parseConnectionSettings(line('3C0000000100000009000000'))), { ...DIRECT, autoDetect: true });
  });
});

t.test('parseNamedConnections: each dial-up and VPN connection\'s own settings', async (t) => {
  const named = parseNamedConnections(fixture('reg-connections-named.txt'));
  t.same(named, [
    { name: 'Corp VPN', settings: { readable: true, value: { proxyEnabled: true, proxies: [{ scheme: null, host: 'vpnproxy.corp.example', port: 3128 }], bypass: [], bypassLocal: true, pacUrl: null, autoDetect: false } } },
    { name: 'Home DSL', settings: { readable: true, value: { ...DIRECT, autoDetect: false } } },
  ], 'the names as written; not DefaultConnectionSettings, nor SavedLegacySettings (a copy for older programs)');
  t.same(read(parseConnectionSettings(fixture('reg-connections-named.txt'))), { ...DIRECT, autoDetect: false }, 'the LAN\'s settings from the same listing');
  t.same(parseNamedConnections(fixture('reg-connections-proxy.txt')), [], 'no connection but the LAN');
  t.same(parseNamedConnections(fixture('reg-error-not-found.txt')), [], 'no listing: none (parseConnectionSettings says why)');
  const broken = parseNamedConnections(fixture('reg-connections-named.txt').replace(/(Corp VPN {4}REG_BINARY {4})[0-9A-F]+/, '$14600'));
  t.match(broken[0], { name: 'Corp VPN', settings: { readable: false, why: /Corp VPN holds 2 bytes/ } }, 'one broken value is that connection\'s unknown, not the others\'');
  t.equal(broken[1]?.settings.readable, true);
  const many = Array.from({ length: 150 }, (_, i) => `    VPN ${i}    REG_BINARY    460000000100000001000000`).join('\r\n');
  t.equal(parseNamedConnections(`\r\nHKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections\r\n${many}\r\n`).length, 100, 'at most 100 read');
});

t.test('named connections from any listing: readings or reasons, never a throw, nothing raw', async (t) => {
  const named = fixture('reg-connections-named.txt');
  property(t, 'parseNamedConnections on the listing, cut and spliced', fc.tuple(fc.nat(named.length), fc.nat(named.length), fc.string({ unit: 'binary', maxLength: 20 })), ([a, b, insert]) => {
    for (const connection of parseNamedConnections(named.slice(0, Math.min(a, b)) + insert + named.slice(Math.max(a, b)))) {
      if (!connection.settings.readable && (connection.settings.why === '' || CONTROL.test(connection.settings.why))) throw new Error(`bad reason: ${JSON.stringify(connection.settings.why)}`);
    }
  }, 300);
  property(t, 'parseConnected on any text', fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
    if (parseConnected(text, ['Corp VPN']).some((name) => name !== 'Corp VPN')) throw new Error('a name it was not given');
  }, 300);
});

t.test('parseConnected: which connection rasdial lists, whatever its language', async (t) => {
  const names = ['Corp VPN', 'Home DSL'];
  t.same(parseConnected(windowsFixture('rasdial-connected.txt'), names), ['Corp VPN']);
  t.same(parseConnected(windowsFixture('rasdial-none.txt'), names), []);
  // The label is the one Chinese scripts look for (`rasdial | findstr 已连接`); the name is the entry's own.
  t.same(parseConnected('已连接\r\nhome dsl\r\n', names), ['Home DSL'], 'names compared without case, as RAS does');
  t.same(parseConnected('Connected to\r\nCorp VPN 2\r\n', names), [], 'a whole line, not a part of one');
});

t.test('winInetSettings: what WinINet reads wins, the key\'s copy stands in', async (t) => {
  const key = parseInternetSettings(fixture('reg-internet-settings-direct.txt'));
  const connection = parseConnectionSettings(fixture('reg-connections-auto-detect.txt'));
  const missing = parseConnectionSettings(fixture('reg-error-not-found.txt'));
  t.equal(winInetSettings(key, connection), connection);
  t.equal(winInetSettings(key, missing), key);
  const neither = winInetSettings(parseInternetSettings(''), missing);
  t.same(neither, { readable: false, why: `${missing.readable ? '' : missing.why}; and the key's values: reg printed nothing` });
});

t.test('parseScutilProxy', async (t) => {
  t.same(parseScutilProxy(fixture('scutil-proxy-manual.txt')), {
    readable: true,
    value: {
      proxyEnabled: true,
      proxies: [
        { scheme: 'http', host: 'proxy.corp.example', port: 3128 },
        { scheme: 'https', host: 'proxy.corp.example', port: 3129 },
      ],
      bypass: ['*.local', '169.254/16', '*.corp.example', '10.0.0.0/8'],
      bypassLocal: true,
      pacUrl: null,
      autoDetect: false,
    },
  }, 'the top level, not the en7 copy under __SCOPED__');
  t.same(parseScutilProxy(fixture('scutil-proxy-pac.txt')), {
    readable: true,
    value: { proxyEnabled: false, proxies: [], bypass: ['*.local', '169.254/16'], bypassLocal: false, pacUrl: PAC_URL, autoDetect: false },
  });
  t.same(parseScutilProxy(fixture('scutil-proxy-auto-discovery.txt')), {
    readable: true,
    value: { proxyEnabled: false, proxies: [], bypass: ['*.local', '169.254/16'], bypassLocal: false, pacUrl: null, autoDetect: true },
  });

  const manual = fixture('scutil-proxy-manual.txt');
  t.test('a proxy switched off, or a PAC URL without its switch, is not in force', async (t) => {
    const off = read(parseScutilProxy(manual.replace('  HTTPSEnable : 1', '  HTTPSEnable : 0')));
    t.same(off.proxies.map((p) => p.scheme), ['http']);
    const pac = read(parseScutilProxy(manual.replace('  ProxyAutoConfigEnable : 0', '  ProxyAutoConfigEnable : 0\n  ProxyAutoConfigURLString : http://old.example/p.pac')));
    t.equal(pac.pacUrl, null);
  });

  t.test('a key twice in one dictionary (a forged line) is unreadable', async (t) => {
    const forged = manual.replace('  HTTPProxy : proxy.corp.example', '  HTTPProxy : x\n  HTTPEnable : 0');
    t.same(parseScutilProxy(forged), { readable: false, why: 'HTTPEnable appears twice in one dictionary' });
  });

  t.test('broken output is unreadable with its reason', async (t) => {
    t.same(parseScutilProxy(''), { readable: false, why: 'scutil printed nothing' });
    t.same(parseScutilProxy('No proxy settings\n'), { readable: false, why: 'scutil did not print a <dictionary>: its output began "No proxy settings"' });
    t.same(parseScutilProxy(manual.slice(0, manual.indexOf('  __SCOPED__'))), { readable: false, why: "scutil's output is cut short: a dictionary is never closed" });
    t.same(parseScutilProxy(`${manual}}\n`), { readable: false, why: `scutil printed more after its dictionary closed: line ${manual.split('\n').length}` });
    t.same(parseScutilProxy(manual.replace('HTTPPort : 3128', 'HTTPPort : 99999')), { readable: false, why: 'HTTPPort is 99999, not a port' });
    t.same(parseScutilProxy(manual.replace('HTTPEnable : 1', 'HTTPEnable : yes')), { readable: false, why: 'HTTPEnable is "yes", not a number' });
    t.same(parseScutilProxy(manual.replace('  FTPPassive : 1', '  FTPPassive 1')), { readable: false, why: 'line 9 of scutil\'s output is not "key : value": "FTPPassive 1"' });
    const deep = `<dictionary> {\n${'  a : <dictionary> {\n'.repeat(9)}${'}\n'.repeat(10)}`;
    t.same(parseScutilProxy(deep), { readable: false, why: "scutil's output nests deeper than 8 levels" });
  });
});

t.test('parseGnomeProxy', async (t) => {
  t.same(parseGnomeProxy(fixture('gsettings-proxy-manual.txt')), {
    readable: true,
    value: {
      proxyEnabled: true,
      proxies: [
        { scheme: 'http', host: 'proxy.corp.example', port: 3128 },
        { scheme: 'https', host: 'proxy.corp.example', port: 3128 },
        { scheme: 'socks', host: 'socks.corp.example', port: 1080 },
      ],
      bypass: ['localhost', '127.0.0.0/8', '::1', '*.corp.example', '10.0.0.0/8'],
      bypassLocal: false,
      pacUrl: null,
      autoDetect: false,
    },
  }, 'no https host: GLib uses the HTTP proxy for https');
  t.same(parseGnomeProxy(fixture('gsettings-proxy-auto.txt')), {
    readable: true,
    value: { proxyEnabled: false, proxies: [], bypass: ['localhost', '127.0.0.0/8', '::1'], bypassLocal: false, pacUrl: PAC_URL, autoDetect: false },
  });
  t.same(parseGnomeProxy(fixture('gsettings-proxy-none.txt')), {
    readable: true,
    value: { proxyEnabled: false, proxies: [], bypass: ['localhost', '127.0.0.0/8', '::1'], bypassLocal: false, pacUrl: null, autoDetect: false },
  });

  const manual = fixture('gsettings-proxy-manual.txt');
  t.test('an https host of its own, hosts left in another mode, auto without a URL', async (t) => {
    const https = read(parseGnomeProxy(manual.replace("https host ''", "https host 'tls.corp.example'").replace('https port 0', 'https port 3129')));
    t.same(https.proxies[1], { scheme: 'https', host: 'tls.corp.example', port: 3129 });
    t.same(read(parseGnomeProxy(manual.replace("mode 'manual'", "mode 'none'"))).proxies, [], "hosts stay stored under 'none'");
    t.same(read(parseGnomeProxy(manual.replace("mode 'manual'", "mode 'auto'"))).proxies, [], "and under 'auto', where the script decides");
    const noHost = read(parseGnomeProxy(fixture('gsettings-proxy-none.txt').replace("mode 'none'", "mode 'manual'")));
    t.same([noHost.proxyEnabled, noHost.proxies], [true, []], "'manual' with no host set is switched on, naming no proxy: not 'none'");
    const wpad = read(parseGnomeProxy(fixture('gsettings-proxy-auto.txt').replace(`'${PAC_URL}'`, "''")));
    t.same([wpad.pacUrl, wpad.autoDetect], [null, true]);
  });

  t.test('GVariant strings: escapes, the other quote, the empty list', async (t) => {
    const text = manual
      .replace("http host 'proxy.corp.example'", "http host 'proxy\\\\corp\\tx\\u00e9\\U0001f600\\'q'")
      .replace(/ignore-hosts \[.*\]/, `ignore-hosts ["it's.example", 'a\\nb']`);
    const value = read(parseGnomeProxy(text));
    t.equal(value.proxies[0]?.host, "proxy\\corp\\x09xé😀'q", 'a tab decoded, then escaped');
    t.same(value.bypass, ["it's.example", 'a\\x0ab']);
    t.same(read(parseGnomeProxy(manual.replace(/ignore-hosts \[.*\]/, 'ignore-hosts @as []'))).bypass, []);
  });

  t.test('broken output is unreadable with its reason', async (t) => {
    t.same(parseGnomeProxy(''), { readable: false, why: 'gsettings printed nothing' });
    t.same(parseGnomeProxy('No such schema “org.gnome.system.proxy”\n'), {
      readable: false,
      why: 'gsettings printed a line that is not "org.gnome.system.proxy key value": "No such schema “org.gnome.system.proxy”"',
    });
    t.same(parseGnomeProxy(manual.replace(/.* mode .*\n/, '')), { readable: false, why: 'gsettings printed no org.gnome.system.proxy mode' });
    t.same(parseGnomeProxy(manual.replace("mode 'manual'", "mode 'pac'")), { readable: false, why: "mode is 'pac', not 'none', 'manual' or 'auto'" });
    t.same(parseGnomeProxy(manual.replace("http host 'proxy.corp.example'", "http host 'proxy")), {
      readable: false,
      why: "http host is 'proxy: a string that is never closed",
    });
    t.same(parseGnomeProxy(manual.replace('http port 3128', 'http port 3128x')), { readable: false, why: 'http port is 3128x, not a port' });
    t.match(parseGnomeProxy(manual.replace("http host 'proxy.corp.example'", "http host 'a\\u12'")), { readable: false, why: /broken \\u escape/ });
    t.match(parseGnomeProxy(manual.replace(/ignore-hosts \[.*\]/, "ignore-hosts ['a' 'b']")), { readable: false, why: /not a GVariant list of strings/ });
  });
});

t.test('hostile output', async (t) => {
  t.test('control characters arrive escaped', async (t) => {
    const evil = '\x1b[2J\x1b]0\x07\x9b31m';
    const reg = read(parseInternetSettings(fixture('reg-internet-settings-proxy.txt').replace('*.corp.example;', `${evil}.example;`)));
    t.equal(reg.bypass[0], '\\x1b[2J\\x1b]0\\x07\\x9b31m.example');
    const mac = read(parseScutilProxy(fixture('scutil-proxy-manual.txt').replace('HTTPProxy : proxy.corp.example', `HTTPProxy : ${evil}proxy`)));
    t.equal(mac.proxies[0]?.host, '\\x1b[2J\\x1b]0\\x07\\x9b31mproxy');
    const why = parseScutilProxy(`${evil}\n`);
    t.same(why, { readable: false, why: 'scutil did not print a <dictionary>: its output began "\\x1b[2J\\x1b]0\\x07\\x9b31m"' });
    const gnome = parseGnomeProxy(`${evil}\n`);
    t.ok(!gnome.readable && !CONTROL.test(gnome.why), 'the reason holds no raw control character');
  });

  t.test('a huge output is refused, and quickly', async (t) => {
    const huge = `${fixture('reg-internet-settings-proxy.txt')}${' '.repeat(2 * 1024 * 1024)}`;
    const started = performance.now();
    for (const [name, parse] of Object.entries(PARSERS)) {
      const result = parse(huge);
      t.equal(result.readable, false, name);
      if (!result.readable) t.match(result.why, /characters, more than the 1048576 g2probe reads$/, name);
    }
    t.ok(performance.now() - started < 1000, 'refused without reading it');
  });

  t.test('long lists are cut, and every text bounded', async (t) => {
    const many = Array.from({ length: 5000 }, (_, i) => `h${i}.example`).join(';');
    const value = read(parseInternetSettings(fixture('reg-internet-settings-proxy.txt').replace('*.corp.example;', `${many};${'x'.repeat(5000)};`)));
    t.equal(value.bypass.length, 1000);
    t.ok(value.bypass.every((e) => e.length <= 256), 'each entry at most 255 characters and the ellipsis');
  });

  t.test('garbage is unreadable with a reason, never a throw', async (t) => {
    for (const [name, parse] of Object.entries(PARSERS)) {
      property(t, `${name} on any text`, fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const result = parse(text);
        if (!result.readable && (result.why === '' || CONTROL.test(result.why))) throw new Error(`bad reason: ${JSON.stringify(result.why)}`);
        if (result.readable && CONTROL.test(JSON.stringify(result.value).replace(/\\u00[0-9a-f]{2}|\\[bfnrt"\\]/g, ''))) throw new Error('raw control in a value');
      }, 300);
      const lines = fixture(name.includes('Gnome') ? 'gsettings-proxy-manual.txt' : name.includes('Scutil') ? 'scutil-proxy-manual.txt' : name.includes('Connection') ? 'reg-connections-all.txt' : 'reg-internet-settings-proxy.txt');
      property(t, `${name} on its fixture, cut and spliced`, fc.tuple(fc.nat(lines.length), fc.nat(lines.length), fc.string({ maxLength: 20 })), ([a, b, insert]) => {
        const result = parse(lines.slice(0, Math.min(a, b)) + insert + lines.slice(Math.max(a, b)));
        if (!result.readable && result.why === '') throw new Error('no reason');
      }, 300);
    }
  });
});

t.test('winInetRoute: where WinINet sends a connection', async (t) => {
  const route = (settings: SystemProxySettings, host: string, scheme: 'http' | 'https' = 'https', port?: number) =>
    winInetRoute(settings, port === undefined ? { host, scheme } : { host, scheme, port });
  const via = (settings: SystemProxySettings, host: string, scheme: 'http' | 'https' = 'https', port?: number) => route(settings, host, scheme, port).via;

  t.test('through the proxy, with the reason', async (t) => {
    t.same(route(STATIC, 'www.gotomypc.com'), {
      via: 'proxy',
      proxy: { scheme: null, host: 'proxy.corp.example', port: 8080 },
      why: 'WinINet sends https to www.gotomypc.com through proxy.corp.example:8080',
    });
    t.same(route(DIRECT, 'www.gotomypc.com'), { via: 'direct', why: 'no fixed proxy is switched on' });
  });

  t.test('<local>: a name without a dot, never an address', async (t) => {
    t.same(route(STATIC, 'intranet'), { via: 'direct', why: 'intranet has no dot, and <local> sends such names direct' });
    t.equal(via({ ...STATIC, bypassLocal: false }, 'intranet'), 'proxy');
    const noImplicit = { ...STATIC, bypass: ['<-loopback>'] };
    t.equal(via(noImplicit, '::1'), 'proxy', 'an IPv6 address has no dot and is still no name');
    t.equal(via(noImplicit, 'intranet.'), 'proxy', 'a trailing dot is a dot');
  });

  t.test('wildcards: any run of characters, case-insensitive, anchored at both ends', async (t) => {
    t.equal(via(STATIC, 'app.corp.example'), 'direct');
    t.equal(via(STATIC, 'a.b.corp.example'), 'direct', '* spans dots');
    t.equal(via(STATIC, 'APP.Corp.EXAMPLE'), 'direct');
    t.equal(via(STATIC, 'corp.example'), 'proxy', '*.corp.example does not reach corp.example');
    t.equal(via(STATIC, 'corp.example.evil.example'), 'proxy');
    t.equal(via(STATIC, '10.1.2.3'), 'direct', 'addresses compared as text');
    t.equal(via(STATIC, '110.1.2.3'), 'proxy');
    t.equal(via({ ...STATIC, bypass: ['www.*.example'] }, 'www.gotomypc.example'), 'direct');
    t.equal(via({ ...STATIC, bypass: ['10.1.2.3*'] }, '10.1.2.3'), 'direct', 'a star matches nothing too');
    t.match(route(STATIC, '172.16.5.9'), { via: 'direct', why: 'the exception "172.16.*" matches 172.16.5.9' });
  });

  t.test('an entry without a wildcard is that host alone', async (t) => {
    const bare = { ...STATIC, bypass: ['corp.example'] };
    t.equal(via(bare, 'corp.example'), 'direct');
    t.equal(via(bare, 'www.corp.example'), 'proxy');
    t.equal(via({ ...STATIC, bypass: ['.corp.example'] }, 'www.corp.example'), 'proxy', 'a leading dot is no suffix rule');
    t.equal(via({ ...STATIC, bypass: ['10.0.0.0/8'] }, '10.1.2.3'), 'proxy', 'a mask matches nothing');
  });

  t.test('a port in an entry restricts it to that port', async (t) => {
    t.equal(via(STATIC, 'update.vendor.example', 'https', 8200), 'direct');
    t.equal(via(STATIC, 'update.vendor.example', 'https'), 'proxy', 'https is 443 by default');
    t.equal(via({ ...STATIC, bypass: ['a.example:443'] }, 'a.example'), 'direct');
    t.equal(via({ ...STATIC, bypass: ['a.example:80'] }, 'a.example', 'http'), 'direct');
    t.equal(via({ ...STATIC, bypass: ['a.example:0x50'] }, 'a.example', 'http'), 'proxy');
    t.equal(via({ ...STATIC, bypass: ['[2001:db8::1]:8200'] }, '[2001:db8::1]', 'https', 8200), 'direct');
    t.equal(via({ ...STATIC, bypass: ['2001:db8::*'] }, '2001:db8::1'), 'direct', 'an unbracketed IPv6 entry has no port');
  });

  t.test('a scheme prefix restricts an entry to the scheme (Chromium\'s reading)', async (t) => {
    const https = { ...STATIC, bypass: ['https://secure.example'] };
    t.equal(via(https, 'secure.example', 'https'), 'direct');
    t.equal(via(https, 'secure.example', 'http'), 'proxy');
  });

  t.test('loopback and link-local go direct unless <-loopback>', async (t) => {
    for (const host of ['localhost', 'loopback', '127.0.0.1', '::1', '[::1]', '169.254.10.20', 'fe80::1']) {
      t.equal(via({ ...STATIC, bypassLocal: false }, host), 'direct', host);
      t.equal(via({ ...STATIC, bypassLocal: false, bypass: ['<-LOOPBACK>'] }, host), 'proxy', `${host} with <-loopback>`);
    }
    t.equal(via({ ...STATIC, bypassLocal: false }, '127.0.0.2'), 'proxy', 'only 127.0.0.1 of 127/8');
  });

  t.test('the proxy for the scheme, the one for every scheme, then SOCKS', async (t) => {
    const server = (scheme: 'http' | 'https' | 'socks' | null, host: string) => ({ scheme, host, port: 8080 });
    const perScheme = { ...STATIC, bypass: [], bypassLocal: false, proxies: [server('http', 'web.example'), server('socks', 'socks.example')] };
    t.match(route(perScheme, 'www.gotomypc.com', 'http'), { via: 'proxy', proxy: { host: 'web.example' } });
    t.match(route(perScheme, 'www.gotomypc.com', 'https'), { via: 'proxy', proxy: { host: 'socks.example' } });
    const httpOnly = { ...perScheme, proxies: [server('http', 'web.example')] };
    t.same(route(httpOnly, 'www.gotomypc.com', 'https'), { via: 'direct', why: 'the proxy settings name no proxy for https' });
    const mixed = { ...perScheme, proxies: [server('socks', 'socks.example'), server(null, 'all.example'), server('https', 'tls.example')] };
    t.match(route(mixed, 'www.gotomypc.com', 'https'), { proxy: { host: 'tls.example' } });
    t.match(route(mixed, 'www.gotomypc.com', 'http'), { proxy: { host: 'all.example' } });
  });

  t.test('WPAD or a PAC URL decides first; the fixed settings are the fallback', async (t) => {
    t.same(route({ ...STATIC, autoDetect: true, pacUrl: PAC_URL }, 'www.gotomypc.com'), {
      via: 'script',
      pacUrl: PAC_URL,
      autoDetect: true,
      fallback: route(STATIC, 'www.gotomypc.com'),
      why: `WPAD looks for a PAC script, then the PAC script at ${PAC_URL} decides; the fixed settings apply only when no script loads`,
    });
    t.match(route({ ...DIRECT, autoDetect: true }, 'intranet'), { via: 'script', pacUrl: null, fallback: { via: 'direct' } });
    t.equal(via({ ...STATIC, autoDetect: false }, 'www.gotomypc.com'), 'proxy');
  });

  t.test('the fixtures, end to end', async (t) => {
    const settings = read(winInetSettings(parseInternetSettings(fixture('reg-internet-settings-direct.txt')), parseConnectionSettings(fixture('reg-connections-proxy.txt'))));
    t.equal(via(settings, 'www.gotomypc.com'), 'proxy', 'DefaultConnectionSettings is in force, not the key\'s ProxyEnable 0');
    t.equal(via(settings, 'intranet'), 'direct');
  });

  t.test('an entry full of stars cannot stall the match', async (t) => {
    const entry = `${'*a'.repeat(120)}*b`;
    const started = performance.now();
    t.equal(via({ ...STATIC, bypassLocal: false, bypass: [entry] }, 'a'.repeat(250)), 'proxy');
    t.ok(performance.now() - started < 200, 'linear time');
  });
});
