// The field corpus's OS outputs (../shared/corpus: scutil, gsettings, wininet-reg, winhttp), each fed to g2probe as
// the tool would hand it over on that PC, and read as the corpus's EXPECTED.md says. A test undoes only the wrapper
// SOURCES.md names (a prompt line, a quote marker, `#` comments, HTML entities, list indentation, reg export's
// form); what the program printed stays as it is. Everything goes through discoverProxyPaths and
// inspectLocalPolicy, as a run reads this PC.
import t from 'tap';
import type { CommandResult, CommandRunner, RunOptions } from '../../../src/pc/local-policy.js';
import { inspectLocalPolicy } from '../../../src/pc/local-policy.js';
import { discoverProxyPaths, type DiscoveredPath } from '../../../src/pc/proxy-discovery.js';
import { winInetRoute } from '../../../src/pc/windows/wininet.js';
import { corpusText, withCorpus } from '../../helpers/corpus.js';
import { consoleBytes } from '../../helpers/windows.js';

type Answer = string | CommandResult | ((options?: RunOptions) => CommandResult);

/** Answers each command whose `file args` starts with a key (the longest key first), keeping every call. */
function pc(answers: Record<string, Answer>) {
  const calls: string[] = [];
  const keys = Object.keys(answers).sort((a, b) => b.length - a.length);
  const run: CommandRunner = async (file, args, options) => {
    const command = `${file.split(/[\\/]/).pop()} ${args.join(' ')}`.trim();
    calls.push(command);
    const key = keys.find((k) => command.toLowerCase().startsWith(k.toLowerCase()));
    const answer = key === undefined ? undefined : answers[key];
    if (answer === undefined) return { ok: false, why: 'exited with code 1' };
    return typeof answer === 'string' ? { ok: true, stdout: answer } : typeof answer === 'function' ? answer(options) : answer;
  };
  return { run, calls };
}

const withoutPrompts = (text: string, prompt: RegExp) => text.split('\n').filter((line) => !prompt.test(line)).join('\n');
const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');
const found = async (platform: NodeJS.Platform, env: NodeJS.ProcessEnv, run: CommandRunner): Promise<DiscoveredPath[]> => discoverProxyPaths({ platform, env, run });
const settingsOf = (path: DiscoveredPath | undefined) => {
  if (!path?.settings.readable) throw new Error(`unreadable: ${path?.settings.readable === false ? path.settings.why : 'no path'}`);
  return path.settings.value;
};

withCorpus(t, 'scutil: the global dictionary, never a __SCOPED__ copy', async (t) => {
  // SOURCES.md: `$ scutil --proxy` kept; the interactive session's `$ scutil`, `> get …`, `> d.show`; the user's `// Docker network`.
  const read = async (name: string) => {
    const text = withoutPrompts(corpusText(`scutil/${name}`), /^(\$ |> )/).replace(' // Docker network', '');
    const [path] = await found('darwin', {}, pc({ 'scutil --proxy': text }).run);
    return path;
  };
  const wpad = await read('scutil-en-httptoolkit151-wpad-pac.txt');
  t.equal(wpad?.path.said, 'the PAC file http://wpad.company.com/wpad.dat', 'httptoolkit#151: the PAC, not "no proxy", not a static proxy');
  t.match(settingsOf(wpad), { proxyEnabled: false, proxies: [], pacUrl: 'http://wpad.company.com/wpad.dat', autoDetect: false });

  const privoxy = await read('scutil-en-drduh-privoxy-http-only.txt');
  const rules = privoxy?.rules;
  if (!rules) throw new Error('no path');
  t.match(winInetRoute(settingsOf(privoxy), { host: 'www.gotomypc.com', scheme: 'http' }, rules), { via: 'proxy', proxy: { host: '127.0.0.1', port: 8118 } }, 'drduh: http:// through Privoxy on 127.0.0.1:8118');
  t.match(winInetRoute(settingsOf(privoxy), { host: 'www.gotomypc.com', scheme: 'https' }, rules), { via: 'direct' }, 'and https:// not proxied: no HTTPS key at all');
  t.same(settingsOf(privoxy).bypass, ['*.local', '169.254/16']);

  const scoped = await read('scutil-en-orbstack439-scoped-dshow.txt');
  t.match(settingsOf(scoped), { proxyEnabled: false, proxies: [], pacUrl: '<ADDRESS_FOR_WRONG_PROXY_PAC_FILE>' }, "orbstack#439: global = the PAC; en0's static proxy is not the one in force");
  t.notMatch(scoped?.path.said, /CORRECT_PROXY_ADDRESS/);
});

withCorpus(t, 'gsettings: GNOME\'s proxy settings, on GNOME and on Cinnamon', async (t) => {
  const GNOME = { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' };
  const list = async (text: string, env: NodeJS.ProcessEnv = GNOME) => (await found('linux', env, pc({ 'gsettings list-recursively org.gnome.system.proxy': text }).run))[0];

  const none = await list(corpusText('gsettings/gsettings-en-vbulletin-forum-list-none.txt'));
  t.equal(none?.path.said, 'direct', "vbulletin: mode 'none' is no proxy");
  t.match(settingsOf(none), { proxyEnabled: false, proxies: [] }, 'the stored http port 8080 makes no proxy appear');

  // SOURCES.md: every line keeps the script's `#`.
  const manual = await list(corpusText('gsettings/gsettings-en-script-comment-list-manual-hashprefixed.txt').replace(/^#/gm, ''));
  t.same(settingsOf(manual).proxies, [{ scheme: 'http', host: '10.0.0.1', port: 3128 }, { scheme: 'https', host: '10.0.0.1', port: 3128 }],
    "mode 'manual': 10.0.0.1:3128 for http and, as the schema says when https has no host, for https");

  // The NixOS notes and the Cinnamon post ran `gsettings get org.gnome.system.proxy mode`, which prints the value as
  // list-recursively prints it after "schema key " (GNOME/glib gio/gsettings-tool.c: g_variant_print for both).
  const nixos = corpusText('gsettings/gsettings-zh-nixos-notes-no-schemas-annotated.txt');
  const outputs = nixos.split('\n').filter((line) => !line.startsWith('$ ') && !line.startsWith('#') && line.trim() !== '').map((line) => line.replace(/\s+# ← .*$/, ''));
  t.same(outputs, ['没有安装架构', "'manual'"], 'the two outputs, the author\'s `# ←` notes and `#` lines dropped');
  // gsettings says it on stderr and exits 1 (g_printerr, return 1); execFile decodes it as the runner was told.
  const missing = pc({ gsettings: (options) => ({ ok: false, why: `exited with code 1: ${Buffer.from(outputs[0] ?? '', 'utf8').toString(options?.encoding ?? 'latin1')}` }) });
  const unavailable = (await found('linux', GNOME, missing.run))[0];
  t.equal(unavailable?.path.said, 'unknown: gsettings list-recursively org.gnome.system.proxy failed: exited with code 1: 没有安装架构', 'no schemas installed: the settings are unavailable, not mode none');
  t.equal(unavailable?.settings.readable, false);
  const installed = await list(`org.gnome.system.proxy mode ${outputs[1]}\n`);
  t.match(settingsOf(installed), { proxyEnabled: true, proxies: [] }, "after installing the schemas: 'manual'");
  t.not(installed?.path.said, 'direct', "'manual' is not said as 'none' is");

  // SOURCES.md: the page stores `&#39;` for the quote.
  const cinnamon = corpusText('gsettings/gsettings-en-cinnamon-blog-get-mode-html-escaped.txt').split('\n')[1]?.replaceAll('&#39;', "'");
  t.equal(cinnamon, "'none'");
  const onCinnamon = await list(`org.gnome.system.proxy mode ${cinnamon}\n`, { XDG_CURRENT_DESKTOP: 'X-Cinnamon' });
  t.match(onCinnamon?.path, { role: 'client', who: /Cinnamon/, said: 'direct' }, 'Cinnamon is read, and says no GNOME system proxy');
});

/** reg export's text as reg query lists the same key: `"Name"=hex:aa,bb,\` lines joined, the bytes as one upper-case run. */
function regExportToQuery(text: string): string {
  const joined = text.replace(/\\\r?\n\s*/g, '');
  const key = /^\[(.+)\]$/m.exec(joined)?.[1] ?? '';
  const values = [...joined.matchAll(/^"([^"]+)"=hex:([0-9a-f,]*)$/gim)].map((m) => `    ${m[1]}    REG_BINARY    ${(m[2] ?? '').replaceAll(',', '').toUpperCase()}`);
  return crlf(['', key, ...values, '', ''].join('\n'));
}

withCorpus(t, 'wininet-reg: the key\'s values, and each connection\'s settings', async (t) => {
  const KEY = 'reg.exe query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
  const CONNECTIONS = `${KEY}\\Connections`;
  const viewer = async (answers: Record<string, Answer>) => (await found('win32', {}, pc(answers).run))[0];

  // SOURCES.md: the notes' 2-space list indentation, the `$ reg query …` lines and the author's `REM full list`.
  const notes = corpusText('wininet-reg/wininet-reg-en-proxynotes-pac-find-and-full.txt');
  const full = withoutPrompts(notes.slice(notes.indexOf('REM full list')), /^\s*(\$ |REM )/).replace(/^ {2}/gm, '');
  const pac = await viewer({ [KEY]: crlf(full), [CONNECTIONS]: { ok: false, why: 'not captured' } });
  t.equal(pac?.path.said, 'the PAC file http://proxy.domain.com/file.pac', 'proxynotes: no manual proxy, the PAC URL');
  t.match(settingsOf(pac), { proxyEnabled: false, pacUrl: 'http://proxy.domain.com/file.pac', autoDetect: null }, 'no DefaultConnectionSettings captured: auto-detect unknown');

  // SOURCES.md: six tabs of the cheat sheet's nesting before every line.
  const cheat = corpusText('wininet-reg/wininet-reg-en-privesc-cheatsheet-tabindented-qword.txt').replace(/^\t{6}/gm, '');
  const plain = await viewer({ [KEY]: crlf(`\n${cheat}`), [CONNECTIONS]: { ok: false, why: 'not captured' } });
  t.equal(plain?.path.said, 'direct', 'privesc cheat sheet: no manual proxy, no PAC URL (a REG_QWORD and a REG_BINARY among the values)');

  const exported = regExportToQuery(corpusText('wininet-reg/wininet-reg-zh-soapffz-regexport-connections-netkeeper.txt'));
  const unknown = await viewer({ [CONNECTIONS]: exported });
  t.equal(unknown?.path.said,
    'direct on the LAN; when connected through "Netkeeper", the viewer follows its settings: automatic detection (WPAD), then the proxy 127.0.0.1:80 except names without a dot (which connection is up is unknown: rasdial.exe failed: exited with code 1)',
    'soapffz: the LAN is direct, the proxy lives on Netkeeper (flags 0x0b, its counter "1,00"); greenvpn says what the LAN says; SavedLegacySettings is no connection');
  t.match(settingsOf(unknown), { proxyEnabled: false, proxies: [] }, 'the LAN\'s settings followed while which is up is unknown');

  // rasdial on a Chinese Windows (code page 936): 已连接 is the label Chinese scripts look for; the name is the entry's.
  const up = await viewer({
    [CONNECTIONS]: exported,
    'rasdial.exe': consoleBytes('已连接\r\nNetkeeper\r\n', 'gbk'),
    'reg.exe query HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage': '\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage\r\n    OEMCP    REG_SZ    936\r\n\r\n',
  });
  t.match(settingsOf(up), { proxyEnabled: true, proxies: [{ scheme: null, host: '127.0.0.1', port: 80 }], bypass: [], bypassLocal: true, pacUrl: null, autoDetect: true }, 'Netkeeper up: the viewer follows its settings');
  t.match(up?.path.said, /\(the settings of the connection "Netkeeper", which is up\)$/);
});

withCorpus(t, 'winhttp: netsh in Japanese and Chinese, as code page 932 and 936 bytes', async (t) => {
  const OEMCP = 'reg.exe query HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage';
  const captures: [string, string, number, unknown][] = [
    ['winhttp-ja-adfs-blog-import-ie-1space.txt', 'shift_jis', 932, { kind: 'proxy', servers: [{ scheme: null, address: 'proxy_address:8080' }], bypass: ['test.com', '*.test.com', 'sts.federation.com', '<local>'] }],
    ['winhttp-ja-notes-direct-no-blank-lines.txt', 'shift_jis', 932, { kind: 'direct' }],
    ['winhttp-zh-hexo-gemini-show-proxy-none-bypass.txt', 'gbk', 936, { kind: 'proxy', servers: [{ scheme: null, address: '127.0.0.1:7897' }], bypass: [] }],
    ['winhttp-zh-zhihu-quote-import-ie-loopback.txt', 'gbk', 936, { kind: 'proxy', servers: [{ scheme: null, address: 'http://xxx.sss.com:8080' }], bypass: ['<-loopback>', '*.ddd.com'] }],
  ];
  for (const [name, label, page, expected] of captures) {
    // SOURCES.md: the prompt lines and the echoed command, and the zhihu quote's `> `.
    const text = withoutPrompts(corpusText(`winhttp/${name}`), /^(C:\\.*>|PS C:\\.*>|netsh )/).replace(/^> /gm, '');
    const bytes = consoleBytes(crlf(text), label);
    for (const codePage of [true, false]) {
      const answers: Record<string, Answer> = { 'netsh.exe winhttp show proxy': bytes, ...(codePage ? { [OEMCP]: `\r\n    OEMCP    REG_SZ    ${page}\r\n` } : {}) };
      const policy = await inspectLocalPolicy({ platform: 'win32', role: 'host', env: { SystemRoot: 'C:\\Windows' }, run: pc(answers).run, exists: () => false });
      t.same(policy.applies && policy.winhttp, { readable: true, value: expected }, `${name}, code page ${codePage ? page : 'unknown'}`);
    }
    const host = (await found('win32', {}, pc({ 'netsh.exe winhttp show proxy': bytes, [OEMCP]: `\r\n    OEMCP    REG_SZ    ${page}\r\n` }).run))[1];
    t.equal(host?.path.source, 'netsh winhttp show proxy', `${name}: the host service's path, from netsh`);
    t.notMatch(host?.path.said, /^unknown/, `${name}: known`);
  }
});
