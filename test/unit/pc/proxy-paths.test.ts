// pc/proxy-discovery.ts: each role's proxy settings from recorded tool output, with a stand-in command runner.
import { readFileSync } from 'node:fs';
import t from 'tap';
import type { CommandResult, RunOptions } from '../../../src/pc/command.js';
import { discoverProxyPaths, gnomeSettingsDesktop, keepsProxySettings } from '../../../src/pc/proxy-discovery.js';
import { CODE_PAGE_ARGS } from '../../../src/pc/windows/console-text.js';
import { CONNECTION_SETTINGS_ARGS, INTERNET_SETTINGS_ARGS } from '../../../src/pc/windows/wininet.js';
import { consoleBytes, windowsFixture } from '../../helpers/windows.js';

const proxyFixture = (name: string) => readFileSync(new URL(`../../../fixtures/proxy/${name}`, import.meta.url), 'utf8');

/** A runner that answers by the command's file name and first arguments, recording every call. */
function runner(answers: Record<string, string | null>): { calls: string[]; run: (file: string, args: readonly string[]) => Promise<CommandResult> } {
  const calls: string[] = [];
  return {
    calls,
    run: async (file, args) => {
      const key = `${file.split(/[\\/]/).pop()} ${args.join(' ')}`;
      calls.push(`${file} ${args.join(' ')}`);
      const found = Object.entries(answers).find(([prefix]) => key.startsWith(prefix));
      return found && found[1] !== null ? { ok: true, stdout: found[1] } : { ok: false, why: 'not found' };
    },
  };
}

t.test('Windows: the viewer follows the user\'s WinINet settings, the host service the machine\'s WinHTTP', async (t) => {
  const stand = runner({
    'reg.exe query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections': proxyFixture('reg-connections-pac.txt'),
    'reg.exe query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings': proxyFixture('reg-internet-settings-pac.txt'),
    'netsh.exe winhttp show proxy': windowsFixture('netsh-winhttp-direct.txt'),
  });
  const paths = (await discoverProxyPaths({ platform: 'win32', env: { SystemRoot: 'D:\\Windows' }, run: stand.run })).map((d) => d.path);
  t.same(paths.map((p) => p.role), ['client', 'host']);
  t.match(paths[0], { who: /viewer .*WinINet/, said: /^the PAC file http/ });
  t.match(paths[1], { who: /g2svc\.exe .*WinHTTP/, said: 'direct' });
  t.ok(stand.calls.every((c) => c.startsWith('D:\\Windows\\System32\\')), 'every tool by its full path under %SystemRoot%');
});

t.test('Windows: a failed reading says so, and nothing is guessed', async (t) => {
  const paths = (await discoverProxyPaths({ platform: 'win32', env: {}, run: runner({}).run })).map((d) => d.path);
  t.match(paths[0]?.said, /^unknown: /);
  t.match(paths[1]?.said, /^unknown: netsh\.exe winhttp show proxy failed: not found/);
});

t.test('macOS: one path for both roles, from scutil', async (t) => {
  const paths = (await discoverProxyPaths({ platform: 'darwin', env: {}, run: runner({ 'scutil --proxy': proxyFixture('scutil-proxy-manual.txt') }).run })).map((d) => d.path);
  t.match(paths, [{ role: 'both', source: 'scutil --proxy', said: /^the proxy / }]);
});

t.test("Linux: GNOME's settings in a GNOME session only", async (t) => {
  const gnome = runner({ 'gsettings list-recursively org.gnome.system.proxy': proxyFixture('gsettings-proxy-auto.txt') });
  t.match((await discoverProxyPaths({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }, run: gnome.run })).map((d) => d.path), [{ role: 'client', said: /PAC file|automatic detection/ }]);
  t.same(await discoverProxyPaths({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'KDE' }, run: gnome.run }), [], 'another desktop: nothing read');
  t.same(await discoverProxyPaths({ platform: 'linux', env: {}, run: gnome.run }), [], 'no desktop (a server, a container)');
  t.equal(gnome.calls.length, 1, 'gsettings asked once, in the GNOME session');
});

/** A Windows PC's reg, netsh and rasdial, answered by exact command; every call kept. */
function windowsPc(answers: Record<string, string | CommandResult>) {
  const calls: string[] = [];
  const run = async (file: string, args: readonly string[]): Promise<CommandResult> => {
    const key = `${file.split('\\').pop()} ${args.join(' ')}`.trim();
    calls.push(key);
    const answer = answers[key];
    return answer === undefined ? { ok: false, why: `exited with code 1: not answered` } : typeof answer === 'string' ? { ok: true, stdout: answer } : answer;
  };
  return { calls, run };
}
const REG_KEY = `reg.exe ${INTERNET_SETTINGS_ARGS.join(' ')}`;
const REG_CONNECTIONS = `reg.exe ${CONNECTION_SETTINGS_ARGS.join(' ')}`;
const RASDIAL = 'rasdial.exe';
const viewer = async (answers: Record<string, string | CommandResult>) => {
  const pc = windowsPc({ [REG_KEY]: proxyFixture('reg-internet-settings-direct.txt'), ...answers });
  const [client] = await discoverProxyPaths({ platform: 'win32', env: {}, run: pc.run });
  if (!client) throw new Error('no viewer path');
  return { client, calls: pc.calls };
};

t.test("Windows: a named dial-up or VPN connection's settings, while it is up", async (t) => {
  const named = proxyFixture('reg-connections-named.txt');
  const up = await viewer({ [REG_CONNECTIONS]: named, [RASDIAL]: windowsFixture('rasdial-connected.txt') });
  t.match(up.client.path, { said: 'the proxy vpnproxy.corp.example:3128 except names without a dot (the settings of the connection "Corp VPN", which is up)', source: /; rasdial$/ });
  t.match(up.client.settings, { readable: true, value: { proxies: [{ host: 'vpnproxy.corp.example', port: 3128 }] } }, 'and the attempts follow them');

  const down = await viewer({ [REG_CONNECTIONS]: named, [RASDIAL]: windowsFixture('rasdial-none.txt') });
  t.equal(down.client.path.said, 'direct', 'none up: the LAN\'s settings');

  const unknown = await viewer({ [REG_CONNECTIONS]: named });
  t.equal(unknown.client.path.said,
    'direct on the LAN; when connected through "Corp VPN", the viewer follows its settings: the proxy vpnproxy.corp.example:3128 except names without a dot (which connection is up is unknown: rasdial.exe failed: exited with code 1: not answered)',
    'rasdial unanswered: never called plainly direct');
  t.match(unknown.client.settings, { readable: true, value: { proxyEnabled: false } }, 'the LAN\'s settings followed, the connection\'s said');

  const same = await viewer({ [REG_CONNECTIONS]: proxyFixture('reg-connections-named.txt').replace(/^ {4}Corp VPN .*\r\n/m, '') });
  t.equal(same.client.path.said, 'direct');
  t.notOk(same.calls.includes(RASDIAL), 'rasdial not asked when every connection says what the LAN says');
});

t.test('Windows: rasdial and reg in Chinese, decoded from code page 936', async (t) => {
  const gbk = (text: string) => consoleBytes(text, 'gbk');
  const named = proxyFixture('reg-connections-named.txt').replace('Corp VPN', gbk('宽带连接'));
  const { client, calls } = await viewer({
    [REG_CONNECTIONS]: named,
    [RASDIAL]: gbk('已连接\r\n宽带连接\r\n'),
    [`reg.exe ${CODE_PAGE_ARGS.join(' ')}`]: '\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage\r\n    OEMCP    REG_SZ    936\r\n\r\n',
  });
  t.match(client.path.said, /\(the settings of the connection "宽带连接", which is up\)$/, 'the entry name matched and shown as written');
  t.equal(calls.filter((c) => c.includes('OEMCP')).length, 1, 'the code page asked once');
});

t.test('Linux: the desktops whose programs follow GNOME\'s settings, as Chromium picks them', async (t) => {
  const cases: [NodeJS.ProcessEnv, string | null][] = [
    [{ XDG_CURRENT_DESKTOP: 'GNOME' }, 'GNOME'],
    [{ XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }, 'GNOME'],
    [{ XDG_CURRENT_DESKTOP: 'Budgie:GNOME' }, 'GNOME'],
    [{ XDG_CURRENT_DESKTOP: 'X-Cinnamon' }, 'Cinnamon'],
    [{ XDG_CURRENT_DESKTOP: 'Unity' }, 'Unity'],
    [{ XDG_CURRENT_DESKTOP: 'Pantheon' }, 'Pantheon'],
    [{ XDG_CURRENT_DESKTOP: 'MATE', DESKTOP_SESSION: 'mate' }, 'MATE'],
    [{ DESKTOP_SESSION: 'gnome' }, 'GNOME'],
    [{ XDG_CURRENT_DESKTOP: 'KDE' }, null],
    [{ XDG_CURRENT_DESKTOP: 'KDE', DESKTOP_SESSION: 'gnome' }, null],
    [{ XDG_CURRENT_DESKTOP: 'XFCE' }, null],
    [{ XDG_CURRENT_DESKTOP: 'LXQt' }, null],
    [{ XDG_CURRENT_DESKTOP: 'Deepin' }, null],
    [{}, null],
  ];
  for (const [env, desktop] of cases) t.equal(gnomeSettingsDesktop(env), desktop, JSON.stringify(env));
  const cinnamon = runner({ 'gsettings list-recursively org.gnome.system.proxy': proxyFixture('gsettings-proxy-manual.txt') });
  t.match((await discoverProxyPaths({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'X-Cinnamon' }, run: cinnamon.run })).map((d) => d.path), [
    { role: 'client', who: "desktop programs (GNOME's proxy settings, which Cinnamon uses)", said: /^the proxy http=proxy\.corp\.example:3128/ },
  ]);
  t.ok(keepsProxySettings('linux', { XDG_CURRENT_DESKTOP: 'X-Cinnamon' }), '--proxy-user may be for them');
  t.notOk(keepsProxySettings('linux', { XDG_CURRENT_DESKTOP: 'KDE' }));
});

t.test('scutil and gsettings are read as UTF-8', async (t) => {
  const asked: (string | undefined)[] = [];
  const run = async (_file: string, _args: readonly string[], options?: RunOptions): Promise<CommandResult> => {
    asked.push(options?.encoding);
    return { ok: false, why: 'exited with code 1' };
  };
  await discoverProxyPaths({ platform: 'darwin', env: {}, run });
  await discoverProxyPaths({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'GNOME' }, run });
  t.same(asked, ['utf8', 'utf8']);
});
