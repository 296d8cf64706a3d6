// The Windows executable under Wine, in a lab namespace of its own (Wine's server, which opens the sockets,
// starts inside it): the commands a helpdesk runs, a loopback probe checked against the schema, a mistake,
// --out, and the Windows local-policy path end to end with stand-in netsh and PowerShell that print
// recorded output, and g2probe hold on both roles' paths. Run by npm run test:exe with G2PROBE_TEST_WIN_EXE=release/g2probe-win-x64.exe.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { HoldReport, Report } from '../../src/core/types.js';
import { FIXTURES, ROOT, START, collect } from '../helpers/cli.js';
import { inNamespace, lab, labPki } from '../helpers/lab.js';
import { SQUID_PORTS, squidLab } from '../helpers/squid.js';
import { assertValidReport, validateHold } from '../helpers/schema.js';

const WINE = '/usr/lib/wine/wine64';
const STANDIN = fileURLToPath(new URL('standin.cjs', import.meta.url));
const EXE = process.env.G2PROBE_TEST_WIN_EXE ? resolve(ROOT, process.env.G2PROBE_TEST_WIN_EXE) : null;

/** Wine sees the Linux file system as drive Z:. */
const z = (path: string) => `Z:${path.replace(/\//g, '\\')}`;

/** What each command is run with, by name; outputs go to files (Wine's helpers hold on to inherited pipes). */
const COMMANDS: Record<string, string[]> = {
  version: ['--version'],
  help: ['--help'],
  plan: ['--plan', '--ranges', z(`${FIXTURES}loopback.txt`)],
  schema: ['schema'],
  rules: ['rules', '--format', 'windows', '--ranges', z(`${FIXTURES}loopback.txt`)],
  bad: ['--bogus'],
};

if (EXE === null) {
  t.test('the Windows executable under Wine', { skip: 'npm run test:exe runs it, after npm run dist, with G2PROBE_TEST_WIN_EXE set' }, async () => undefined);
} else {
  lab(t, 'the Windows executable under Wine: the commands, a probe, a mistake, --out, and the local-policy path', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'g2probe-wine-'));
    // squid drops to its own user, so it gets a directory of its own (Wine wants the prefix's to be root's).
    const squidDir = mkdtempSync(join(tmpdir(), 'g2probe-wine-squid-'));
    t.teardown(() => { rmSync(dir, { recursive: true, force: true }); rmSync(squidDir, { recursive: true, force: true }); });
    const squid = squidLab(squidDir);
    // Built outside the namespace: it needs the registry's Windows Node, which npm run dist has cached.
    const standin = await collect(process.execPath, [join(ROOT, 'build', 'dist.mjs'), '--script', STANDIN, '--target', 'win-x64', '--out', join(dir, 'standin.exe')], {}, 120_000);
    t.equal(standin.code, 0, `the stand-in netsh and PowerShell are built: ${standin.stderr}`);
    const run = (name: string, args: string[]) => `$W "$EXE" ${args.map((a) => JSON.stringify(a)).join(' ')} > ${dir}/${name}.out 2> ${dir}/${name}.err; echo $? > ${dir}/${name}.rc`;
    const windows = `${FIXTURES}windows`;
    const lab = await inNamespace(`
export WINEPREFIX=${dir}/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" HOME=${dir}
W=${WINE}; EXE=${JSON.stringify(EXE)}
started=$(date +%s%N)
# A new prefix says Windows 7, where Node 22 refuses to start.
$W wineboot --init > ${dir}/boot.log 2>&1 && $W winecfg /v win10 >> ${dir}/boot.log 2>&1 || { echo "lab: wineboot failed" >&2; cat ${dir}/boot.log >&2; exit 99; }
echo "@@prefix $(( ($(date +%s%N) - started) / 1000000 ))"
SYS=$WINEPREFIX/drive_c/windows/system32
# Stand-ins in place of Wine's own netsh (which prints nothing) and the PowerShell Wine lacks.
mkdir -p $SYS/WindowsPowerShell/v1.0
cp ${dir}/standin.exe $SYS/netsh.exe && cp ${dir}/standin.exe $SYS/reg.exe && cp ${dir}/standin.exe $SYS/WindowsPowerShell/v1.0/powershell.exe || exit 99
# Wine prefers its built-in netsh and reg to files in system32 unless told otherwise.
export WINEDLLOVERRIDES="$WINEDLLOVERRIDES;netsh.exe=n;reg.exe=n"
export G2PROBE_STANDIN_FIXTURES=${JSON.stringify(z(windows))} G2PROBE_STANDIN_POWERSHELL=netsecurity-de.json
mkdir -p "$WINEPREFIX/drive_c/Program Files (x86)/Citrix/GoToMyPC" && touch "$WINEPREFIX/drive_c/Program Files (x86)/Citrix/GoToMyPC/g2svc.exe"
listen 127.0.0.1 80 443 8200
${squid.start}
${Object.entries(COMMANDS).map(([name, args]) => run(name, args)).join('\n')}
started=$(date +%s%N)
${run('probe', ['--loopback-only', '--ranges', z(`${FIXTURES}loopback.txt`), '--no-dns', '--json', '--timeout', '1000', '--role', 'host', '--tls-roots', z(`${labPki().dir}/goto.root.pem`), '--out', z(`${dir}/saved.json`)])}
echo "@@probe $(( ($(date +%s%N) - started) / 1000000 ))"
# The viewer's WinINet settings name the lab's squid; the host service's WinHTTP says direct: both are followed.
export G2PROBE_STANDIN_WININET=lab
${run('paths', ['--loopback-only', '--ranges', z(`${FIXTURES}loopback.txt`), '--no-dns', '--json', '--timeout', '1000', '--ports', '443,8200', '--tls-roots', z(`${labPki().dir}/goto.root.pem`)])}
# hold follows the host service's path by default (WinHTTP: direct); --role client, the viewer's (WinINet: squid).
${run('hold-host', ['hold', '--loopback-only', '--ranges', z(`${FIXTURES}loopback.txt`), '--no-dns', '--json', '--ports', '443', '--for', '2s', '--every', '1s'])}
${run('hold-client', ['hold', '--loopback-only', '--ranges', z(`${FIXTURES}loopback.txt`), '--no-dns', '--json', '--ports', '443', '--for', '2s', '--every', '1s', '--role', 'client'])}
$W wineserver -k 2>/dev/null; /usr/lib/wine/wineserver64 -k 2>/dev/null
true`, { timeoutMs: 180_000 });
    t.equal(lab.code, 0, lab.stderr);
    const read = (name: string, what: 'out' | 'err' | 'rc') => readFileSync(join(dir, `${name}.${what}`), 'utf8');
    t.comment(`prefix ready in ${/@@prefix (\d+)/.exec(lab.stdout)?.[1]} ms; the probe took ${/@@probe (\d+)/.exec(lab.stdout)?.[1]} ms`);

    // The same words as on Linux: the executable is the same program.
    const linux = async (args: string[]) => (await collect(START[0], [...START.slice(1), ...args])).stdout;
    t.equal(read('version', 'out'), await linux(['--version']), '--version as on Linux');
    t.equal(read('help', 'out'), await linux(['--help']), '--help as on Linux');
    t.equal(read('schema', 'out'), await linux(['schema']), 'schema as on Linux');
    const path = (text: string) => text.replaceAll(z(`${FIXTURES}loopback.txt`), `${FIXTURES}loopback.txt`);
    t.equal(path(read('plan', 'out')), await linux(COMMANDS.plan!.map(path)), '--plan as on Linux, but for the path');
    // The header names the file (quoted, and wrapped where it is long); the rules themselves must be the same.
    const rules = (text: string) => text.split('\n').filter((line) => !line.startsWith('#'));
    t.same(rules(read('rules', 'out')), rules(await linux(COMMANDS.rules!.map(path))), 'rules --format windows as on Linux, but for the header');
    t.ok(rules(read('rules', 'out')).some((line) => line.startsWith('New-NetFirewallRule')), 'and they are rules');
    for (const name of ['version', 'help', 'plan', 'schema', 'rules']) t.equal(read(name, 'rc').trim(), '0', `${name}: exit 0`);

    t.equal(read('bad', 'rc').trim(), '64', 'a bad flag: exit 64');
    t.equal(read('bad', 'err'), 'g2probe: unknown option --bogus (g2probe --help lists them)\n', 'in one line');
    t.equal(read('bad', 'out'), '', 'nothing on stdout');

    t.match(read('probe', 'err'), /^Saved: Z:\\\S*\\saved\.json \(the JSON report\)\r?\n$/, 'the probe: on stderr only where --out went, as a Windows path (stdout holds the JSON)');
    const report = JSON.parse(read('probe', 'out')) as Report;
    assertValidReport(t, report);
    t.same(JSON.parse(readFileSync(join(dir, 'saved.json'), 'utf8')), report, '--out holds the same report');
    const seen = Object.fromEntries(report.attempts.map((a) => [`${a.ip}:${a.port}`, `${a.status}/${a.reason}${a.evidence.recognised ? ' recognised' : ''}`]));
    for (const port of [80, 443, 8200]) {
      t.equal(seen[`127.0.0.1:${port}`], 'ok/connected recognised', `${port}: the GoTo stand-in answered and was recognised, through Windows sockets under Wine`);
      t.equal(seen[`127.0.0.2:${port}`], 'blocked/refused', `${port}: nobody listens there: refused`);
    }
    t.equal(Number(read('probe', 'rc')), report.verdict.exitCode, 'exit code is the verdict');

    const policy = report.localPolicy;
    t.ok(policy?.applies, 'the Windows local-policy path ran');
    if (!policy?.applies) return;
    t.same(policy.firewall.source, { rules: 'powershell', profiles: 'powershell' }, 'the firewall read from PowerShell');
    t.same(policy.firewall.rules, { readable: true, value: { total: 14 } }, "every rule of the German recording, read whatever the language");
    t.equal(policy.firewall.profiles.readable && policy.firewall.profiles.value.find((p) => p.profile === 'public')?.outbound, 'block', 'and the profiles');
    const g2svc = policy.executables.find((e) => e.name === 'g2svc.exe');
    t.match(g2svc?.path, /Citrix\\GoToMyPC\\g2svc\.exe$/i, 'the GoToMyPC service found in Program Files (x86)');
    t.equal(g2svc?.verdict, 'allowed', `and judged by the recorded rules: ${g2svc?.why}`);
    t.match(g2svc?.why, /"Ausgehend TCP 8200 blockieren" for every program covers TCP 8200/, 'with the general block rule named');
    t.same(policy.winhttp, { readable: true, value: { kind: 'direct' } }, 'WinHTTP read from WinHttpSettings, through the stand-in reg');
    t.match(report.proxyPaths, [
      { role: 'client', source: /^reg query HKCU/, said: /^the PAC file / },
      { role: 'host', source: 'reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections (WinHttpSettings)', said: 'direct' },
    ], "each role's settings, read with reg: the viewer's PAC, the host service's direct path");

    const paths = JSON.parse(read('paths', 'out')) as Report;
    assertValidReport(t, paths);
    t.match(paths.proxyPaths, [
      { role: 'client', said: 'the proxy 127.0.0.1:3128 except <-loopback>', followed: true, why: 'the attempts go as WinINet: the fixed proxy settings says' },
      { role: 'host', said: 'direct', followed: true, why: 'they say direct' },
    ], 'no role, and the two paths differ: both followed');
    const took = Object.fromEntries(paths.attempts.map((a) => [`${a.role} ${a.ip}:${a.port}`, a]));
    t.match(took['client 127.0.0.1:443'], { path: 'proxy', status: 'ok', route: { via: 'WinINet: the fixed proxy settings', entry: `PROXY 127.0.0.1:${SQUID_PORTS.open}` } }, "the viewer's 443: through squid, as WinINet says");
    t.match(took['client 127.0.0.1:8200'], { path: 'proxy', status: 'blocked', reason: 'proxy-denied' }, "the viewer's 8200: squid refuses CONNECT to it");
    t.match(took['host 127.0.0.1:8200'], { path: 'direct', status: 'ok' }, "the host service's 8200: direct, and answered");
    t.equal(paths.attempts.length, 8, 'each target once per path');
    t.match(paths.summary.paths, [{ role: 'client', ports: [{ port: 443, state: 'reachable' }, { port: 8200, state: 'blocked' }] }, { role: 'host', ports: [{ port: 443, state: 'reachable' }, { port: 8200, state: 'reachable' }] }]);
    t.match(paths.verdict.text, /The two paths differ: the viewer's path \(the proxy 127\.0\.0\.1:3128 except <-loopback>\) fails on port 8200, where the other gets through\./);

    // g2probe hold on Windows sockets: the host service's path, then the viewer's.
    const holds = ['hold-host', 'hold-client'].map((name) => {
      const held = JSON.parse(read(name, 'out')) as HoldReport;
      t.same(validateHold(held), [], `${name}: the report follows schema/hold-v1.json`);
      t.equal(read(name, 'rc').trim(), '0', `${name}: held, exit 0`);
      return held.lines[0]!;
    });
    t.match(holds[0], { path: 'direct', state: 'held', route: "the host service's settings: direct" }, "hold's default is the host service's path: WinHTTP's direct");
    t.match(holds[1], { path: 'proxy', proxy: `127.0.0.1:${SQUID_PORTS.open}`, state: 'held', route: /^WinINet: the fixed proxy settings/ }, "--role client: the viewer's, through squid as WinINet says");
  }, [WINE, 'squid']);
}
