// pc/proxy-discovery.ts: each role's proxy settings from recorded tool output, with a stand-in command runner.
import { readFileSync } from 'node:fs';
import t from 'tap';
import type { CommandResult } from '../../../src/pc/local-policy.js';
import { discoverProxyPaths } from '../../../src/pc/proxy-discovery.js';
import { windowsFixture } from '../../helpers/windows.js';

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
