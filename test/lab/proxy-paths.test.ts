// This PC's own proxy settings, read and followed by the real CLI: a GNOME session's, from a stand-in gsettings
// that prints what the test wrote (the Windows ones, per role, are read and followed under Wine in
// test/exe/windows.test.ts). A fixed proxy with its exceptions, a PAC file the settings name, a proxy the guard
// passes by, and the flags that take the decision back.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Attempt, Report } from '../../src/core/types.js';
import { FIXTURES } from '../helpers/cli.js';
import { inNamespace, lab, parseReport } from '../helpers/lab.js';
import { SQUID_PORTS, squidLab } from '../helpers/squid.js';

const PAC = fileURLToPath(new URL('pac.mjs', import.meta.url));

/** gsettings's output for a GNOME session, as glib-networking reads it. */
function gsettings(mode: 'manual' | 'auto', { host = '', port = 0, ignore = [] as string[], url = '' } = {}): string {
  const list = ignore.length === 0 ? '@as []' : `[${ignore.map((h) => `'${h}'`).join(', ')}]`;
  return [
    `org.gnome.system.proxy autoconfig-url '${url}'`,
    `org.gnome.system.proxy ignore-hosts ${list}`,
    `org.gnome.system.proxy mode '${mode}'`,
    'org.gnome.system.proxy use-same-proxy true',
    `org.gnome.system.proxy.http host '${host}'`,
    `org.gnome.system.proxy.http port ${port}`,
    `org.gnome.system.proxy.https host '${host}'`,
    `org.gnome.system.proxy.https port ${port}`,
    "org.gnome.system.proxy.socks host ''",
    'org.gnome.system.proxy.socks port 0',
    '',
  ].join('\n');
}

const byTarget = (report: Report): Record<string, Attempt> => Object.fromEntries(report.attempts.map((a) => [`${a.ip}:${a.port}`, a]));

lab(t, "a GNOME session's proxy settings are followed: the fixed proxy and its exceptions, the PAC file they name, the guard, and the flags that decide instead", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-gnome-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const squid = squidLab(dir);
  const settings: Record<string, string> = {
    manual: gsettings('manual', { host: '127.0.0.1', port: SQUID_PORTS.open, ignore: ['127.0.0.2'] }),
    pac: gsettings('auto', { url: 'http://127.0.0.1:8081/per-target.pac' }),
    outside: gsettings('manual', { host: 'proxy.corp.example', port: 3128 }),
    outsidePac: gsettings('auto', { url: 'http://192.0.2.1/proxy.pac' }),
  };
  for (const [name, text] of Object.entries(settings)) writeFileSync(join(dir, `${name}.txt`), text);
  // The stand-in prints the recording $GSETTINGS names.
  writeFileSync(join(dir, 'gsettings'), `#!/bin/sh\n[ "$*" = "list-recursively org.gnome.system.proxy" ] && exec cat "${dir}/$GSETTINGS.txt"\nexit 1\n`);
  chmodSync(join(dir, 'gsettings'), 0o755);
  const probe = (name: string, recording: string, flags = '') =>
    `GSETTINGS=${recording} g2probe --ranges ${FIXTURES}loopback.txt --no-dns --ports 443,8200 --timeout 1500 ${flags} --json > ${dir}/${name}.json 2> ${dir}/${name}.err; echo "@@${name} $?"`;
  const runs: [string, string, string?][] = [
    ['manual', 'manual'],
    ['pac', 'pac'],
    ['outside', 'outside'],
    ['outsidePac', 'outsidePac'],
    ['noSystem', 'manual', '--no-system-proxy'],
    ['host', 'manual', '--role host'],
    ['explicit', 'manual', `--proxy http://127.0.0.1:${SQUID_PORTS.open}`],
  ];
  const run = await inNamespace(`${squid.start}
start ${PAC} 127.0.0.1 8081
listen 127.0.0.1 443 8200
export PATH=${dir}:$PATH XDG_CURRENT_DESKTOP=ubuntu:GNOME
${runs.map(([name, recording, flags]) => probe(name, recording, flags)).join('\n')}
GSETTINGS=manual g2probe --ranges ${FIXTURES}loopback.txt --no-dns --ports 443 --timeout 1500 | head -8`, { timeoutMs: 120_000 });
  t.equal(run.code, 0, run.stderr);
  const exit = (name: string) => Number(new RegExp(`@@${name} (\\d+)`).exec(run.stdout)?.[1]);
  const read = (name: string) => parseReport(t, { ...run, stdout: readFileSync(join(dir, `${name}.json`), 'utf8') });
  for (const [name] of runs) t.notOk([64, 70].includes(exit(name)), `${name}: neither a usage error nor a guard breach (exit ${exit(name)}): ${readFileSync(join(dir, `${name}.err`), 'utf8')}`);

  const manual = read('manual');
  t.match(manual.proxyPaths, [{ role: 'client', source: 'gsettings list-recursively org.gnome.system.proxy', followed: true, why: /GNOME: the fixed proxy settings/ }]);
  const viaProxy = byTarget(manual);
  t.match(viaProxy['127.0.0.1:443'], { path: 'proxy', status: 'ok', route: { via: 'GNOME: the fixed proxy settings', rule: /GNOME sends https to 127\.0\.0\.1 through 127\.0\.0\.1:3128/, entry: 'PROXY 127.0.0.1:3128' } }, '443: through the proxy GNOME names');
  t.match(viaProxy['127.0.0.1:8200'], { path: 'proxy', status: 'blocked', reason: 'proxy-denied' }, '8200: the same proxy, which refuses CONNECT to 8200: the finding a user of these settings would meet');
  t.match(viaProxy['127.0.0.2:443'], { path: 'direct', route: { rule: 'the exception "127.0.0.2" matches 127.0.0.2', entry: 'DIRECT' } }, 'an address in ignore-hosts: direct, saying which exception');
  t.equal(viaProxy['127.0.0.1:443']?.role, undefined, 'one path: the attempts name no role');
  t.match(run.stdout.replace(/\s+/g, ' '), /Path of desktop programs \(GNOME's proxy settings\): the proxy http=127\.0\.0\.1:3128, https=127\.0\.0\.1:3128 except 127\.0\.0\.2/, 'the text names the path it followed');

  const pac = byTarget(read('pac'));
  t.match(read('pac').proxyPaths, [{ followed: true, pac: { url: 'http://127.0.0.1:8081/per-target.pac', source: 'GNOME settings', usable: true } }]);
  t.match(pac['127.0.0.1:443'], { path: 'proxy', status: 'ok', route: { via: 'GNOME: the PAC file http://127.0.0.1:8081/per-target.pac', answer: 'PROXY 127.0.0.1:3128', entry: 'PROXY 127.0.0.1:3128' } }, 'the PAC file the settings name decides 443');
  t.match(pac['127.0.0.1:8200'], { path: 'direct', status: 'ok', route: { answer: 'DIRECT' } }, 'and 8200');

  const outside = byTarget(read('outside'));
  t.match(outside['127.0.0.1:443'], {
    path: 'direct',
    route: { entry: null, skipped: [{ entry: 'PROXY proxy.corp.example:3128', why: /loopback-only guard passes it by/ }], why: /tried DIRECT, which is not the path GNOME: the fixed proxy settings gives/ },
  }, 'a proxy outside loopback is passed by under the guard, and the attempt says it took another path');
  t.match(read('outsidePac').proxyPaths, [{ followed: true, why: 'they say direct', pac: { usable: false, why: /192\.0\.2\.1 lies outside 127\.0\.0\.0\/8 and ::1, and the loopback-only guard passes it by: every attempt goes DIRECT, as GNOME does/ } }], 'a PAC URL outside loopback: not fetched, and said so');

  t.match(read('noSystem').proxyPaths, [{ followed: false, why: '--no-system-proxy: the attempts go direct' }]);
  t.ok(read('noSystem').attempts.every((a) => a.path === 'direct' && a.route === undefined), '--no-system-proxy: direct, no route');
  t.match(read('host').proxyPaths, [{ followed: false, why: "--role host follows the host service's path" }], "--role host: GNOME's are the desktop programs' settings, not a service's");
  t.match(read('explicit').proxyPaths, [{ followed: false, why: '--proxy decides the path' }]);
  t.ok(read('explicit').attempts.every((a) => a.route === undefined && a.path === 'proxy'), '--proxy: its own path');
}, ['openssl', 'squid']);
