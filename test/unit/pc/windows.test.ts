// Windows local policy: the netsh parsers on fixtures of netsh's real output (fixtures/windows/README.md
// says where the format comes from), and inspectLocalPolicy with a fake runner and file system.
// Pure code only: nothing here runs netsh or sends a packet.
import path from 'node:path';
import t from 'tap';
import type { LocalPolicy } from '../../../src/core/types.js';
import { inspectLocalPolicy, systemRunner, type CommandRunner } from '../../../src/pc/local-policy.js';
import { parseFirewallProfiles, parseFirewallRules } from '../../../src/pc/windows/advfirewall.js';
import { parseWinHttpProxy } from '../../../src/pc/windows/winhttp.js';
import { WINDOWS_ENV, X86, windowsFixture } from '../../helpers/windows.js';

const fixture = windowsFixture;
const RULES = fixture('netsh-advfirewall-rules.txt');
const PROFILES = fixture('netsh-advfirewall-allprofiles.txt');
const PROXY = fixture('netsh-winhttp-proxy.txt');

const ENV = WINDOWS_ENV;
const INSTALLED = new Set([
  ...['g2svc.exe', 'g2host.exe', 'g2comm.exe', 'g2tray.exe', 'g2mainh.exe'].map((name) => X86 + name),
  'C:\\Users\\pat\\AppData\\Local\\Citrix\\GoToMyPC\\g2viewer.exe',
]);

/**
 * Answers each netsh command with a fixture (or a replacement), and records what was asked, each program by its
 * name. PowerShell is missing here, as on a Windows without it: these tests are netsh's (netsecurity.test.ts has
 * PowerShell's).
 */
function fakeRunner(outputs: { rules?: string; profiles?: string; proxy?: string } = {}) {
  const calls: string[] = [];
  const run: CommandRunner = async (file, args) => {
    const program = path.win32.basename(file, '.exe').toLowerCase();
    if (program === 'powershell') {
      calls.push('powershell');
      return { ok: false, why: `spawn ${file} ENOENT` };
    }
    const command = [program, ...args].join(' ');
    calls.push(command);
    const answer: Record<string, string> = {
      'netsh advfirewall firewall show rule name=all verbose': outputs.rules ?? RULES,
      'netsh advfirewall show allprofiles': outputs.profiles ?? PROFILES,
      'netsh winhttp show proxy': outputs.proxy ?? PROXY,
    };
    const stdout = answer[command];
    return stdout === undefined ? { ok: false, why: `unexpected command ${command}` } : { ok: true, stdout };
  };
  return { run, calls };
}

async function inspectWindows(run: CommandRunner, role: 'host' | 'client' | null = null, env = ENV) {
  const policy = await inspectLocalPolicy({ platform: 'win32', role, env, run, exists: (file) => INSTALLED.has(file) });
  if (!policy.applies) throw new Error(`expected the Windows section to apply: ${policy.why}`);
  return policy;
}

type Applied = Extract<LocalPolicy, { applies: true }>;
const verdicts = (policy: Applied) => Object.fromEntries(policy.executables.map((e) => [e.name, e.verdict]));
const byName = (policy: Applied, name: string) => {
  const found = policy.executables.find((e) => e.name === name);
  if (!found) throw new Error(`${name} not found`);
  return found;
};

t.test('fixtures keep the CRLF line ends netsh prints', async (t) => {
  for (const name of ['netsh-advfirewall-rules.txt', 'netsh-advfirewall-allprofiles.txt', 'netsh-winhttp-proxy.txt', 'netsh-advfirewall-rules-de.txt']) {
    const text = fixture(name);
    t.match(text, /\r\n/, name);
    t.notMatch(text, /[^\r]\n/, `${name}: no bare LF`);
  }
});

t.test('parseFirewallRules', async (t) => {
  t.test('every rule of the verbose listing', async (t) => {
    const read = parseFirewallRules(RULES);
    if (!read.readable) throw new Error(read.why);
    t.same(read.value.map((r) => r.name), [
      'Core Networking - DNS (UDP-Out)',
      'Core Networking - Packet Too Big (ICMPv6-Out)',
      'GoToMyPC Host - g2svc',
      'GoToMyPC Host - g2host',
      'GoToMyPC Host - g2comm',
      'Block GoToMyPC communications',
      'GoToMyPC inbound',
      'GoToMyPC tray (disabled)',
      'Block outbound SMTP',
      'Block outbound 8000-8999 on public networks',
      'GoToMyPC viewer',
    ]);
    const [dns, icmp, svc, host, , block, inbound, disabled, smtp, highPorts] = read.value;
    t.same(dns, {
      name: 'Core Networking - DNS (UDP-Out)',
      enabled: true,
      direction: 'out',
      profiles: ['domain', 'private', 'public'],
      action: 'allow',
      program: '%SystemRoot%\\system32\\svchost.exe',
      package: null,
      service: 'dnscache',
      protocol: 'UDP',
      remotePorts: '53',
      remoteIPs: 'Any',
      localIPs: 'Any',
      grouping: 'Core Networking',
    });
    t.equal(icmp?.protocol, 'ICMPv6', 'the type/code table under Protocol is not a field');
    t.equal(icmp?.program, 'System');
    t.equal(svc?.program, '%ProgramFiles% (x86)\\Citrix\\GoToMyPC\\g2svc.exe', 'the program is kept as stored');
    t.equal(svc?.remotePorts, '80,443,8200');
    t.equal(host?.protocol, 'Any');
    t.equal(host?.remotePorts, 'Any', 'no RemotePort line for protocol Any');
    t.equal(block?.action, 'block');
    t.equal(inbound?.direction, 'in');
    t.equal(disabled?.enabled, false);
    t.equal(smtp?.program, null, 'program Any');
    t.same(highPorts?.profiles, ['public']);
    t.equal(highPorts?.grouping, '');
  });

  t.test('LF line ends read the same', async (t) => {
    t.same(parseFirewallRules(RULES.replace(/\r\n/g, '\n')), parseFirewallRules(RULES));
  });

  t.test('"No rules match the specified criteria." is an empty list', async (t) => {
    t.same(parseFirewallRules(fixture('netsh-advfirewall-rules-none.txt')), { readable: true, value: [] });
  });

  t.test('localized output is unreadable, not guessed', async (t) => {
    const read = parseFirewallRules(fixture('netsh-advfirewall-rules-de.txt'));
    t.equal(read.readable, false);
    if (!read.readable) t.match(read.why, /^could not read \(localized output\?\): .* began "Regelname: +GoToMyPC Host - g2svc"$/);
  });

  t.test('nothing printed', async (t) => {
    t.same(parseFirewallRules('\r\n'), { readable: false, why: 'netsh printed nothing' });
  });

  t.test('an unknown value makes the whole list unreadable, naming the rule', async (t) => {
    for (const value of ['Zulassen', 'constructor']) {
      const read = parseFirewallRules(RULES.replace(/(Action:\s+)Block/, `$1${value}`));
      t.equal(read.readable, false, value);
      if (!read.readable) t.match(read.why, /rule "Block GoToMyPC communications" has Action ".+", not a value netsh prints in English/);
    }
  });

  t.test('a missing field makes the list unreadable', async (t) => {
    const read = parseFirewallRules(RULES.replace(/Direction:\s+In\r\n/, ''));
    t.equal(read.readable, false);
    if (!read.readable) t.match(read.why, /rule "GoToMyPC inbound" has no Direction line/);
  });

  t.test('a line break in a name cannot hide a rule or forge one', async (t) => {
    const read = parseFirewallRules(RULES.replace('Block GoToMyPC communications', 'Friendly\r\nEnabled:                              No'));
    t.equal(read.readable, false, 'fields outside any rule: unreadable rather than a rule silently lost');
  });

  t.test('a line break in a description cannot override the real fields', async (t) => {
    const read = parseFirewallRules(RULES.replace('Remote access tools are not allowed on this network.', 'x\r\nEnabled:                              No'));
    if (!read.readable) throw new Error(read.why);
    t.equal(read.value.find((r) => r.name === 'Block GoToMyPC communications')?.enabled, true);
  });

  t.test('terminal escapes in a rule name are neutralized', async (t) => {
    const read = parseFirewallRules(RULES.replace('Block GoToMyPC communications', '\x1b[2J\x1b]0;owned\x07Block \x9b31m'));
    if (!read.readable) throw new Error(read.why);
    const name = read.value[5]?.name ?? '';
    t.notMatch(name, /[\u0000-\u001f\u007f-\u009f]/);
    t.equal(name, '\\x1b[2J\\x1b]0;owned\\x07Block \\x9b31m');
  });
});

t.test('parseFirewallProfiles', async (t) => {
  t.same(parseFirewallProfiles(PROFILES), {
    readable: true,
    value: [
      { profile: 'domain', state: 'on', outbound: 'allow' },
      { profile: 'private', state: 'on', outbound: 'allow' },
      { profile: 'public', state: 'on', outbound: 'block' },
    ],
  });
  const notConfigured = parseFirewallProfiles(PROFILES.replace(/State(\s+)ON/, 'State$1Not Configured').replace('BlockInbound,AllowOutbound', 'NotConfigured,NotConfigured'));
  t.same(notConfigured.readable && notConfigured.value[0], { profile: 'domain', state: 'not-configured', outbound: 'not-configured' });
  const de = parseFirewallProfiles(fixture('netsh-advfirewall-allprofiles-de.txt'));
  t.equal(de.readable, false);
  if (!de.readable) t.match(de.why, /localized output/);
  const noPolicy = parseFirewallProfiles(PROFILES.replace(/Firewall Policy.*\r\n/, ''));
  t.equal(noPolicy.readable, false);
  if (!noPolicy.readable) t.match(noPolicy.why, /domain profile/);
});

t.test('parseWinHttpProxy', async (t) => {
  t.same(parseWinHttpProxy(fixture('netsh-winhttp-direct.txt')), { readable: true, value: { kind: 'direct' } });
  t.same(parseWinHttpProxy(PROXY), {
    readable: true,
    value: { kind: 'proxy', servers: [{ scheme: null, address: 'proxy.corp.example:8080' }], bypass: ['<local>', '*.corp.example', '10.*'] },
  });
  t.same(parseWinHttpProxy(fixture('netsh-winhttp-per-scheme.txt')), {
    readable: true,
    value: {
      kind: 'proxy',
      servers: [
        { scheme: 'http', address: 'proxy.corp.example:8080' },
        { scheme: 'https', address: 'proxy.corp.example:8443' },
      ],
      bypass: [],
    },
  });
  const secret = parseWinHttpProxy(PROXY.replace('proxy.corp.example:8080', 'http://pat:s3cret@proxy.corp.example:8080'));
  t.notMatch(JSON.stringify(secret), /s3cret|pat:/);
  t.same(secret.readable && secret.value.kind === 'proxy' && secret.value.servers, [{ scheme: null, address: 'http://***@proxy.corp.example:8080' }]);
  t.same(parseWinHttpProxy(fixture('netsh-winhttp-de.txt')), { readable: true, value: { kind: 'direct' } }, 'German: read by its layout (winhttp.test.ts has the other languages)');
});

t.test('inspectLocalPolicy', async (t) => {
  t.test('does not apply off Windows, and runs nothing', async (t) => {
    const { run, calls } = fakeRunner();
    let looked = 0;
    const policy = await inspectLocalPolicy({ platform: 'linux', role: null, env: ENV, run, exists: () => ++looked > 0 });
    t.equal(policy.applies, false);
    if (!policy.applies) t.match(policy.why, /^Windows only: /);
    t.same(calls, []);
    t.equal(looked, 0);
  });

  t.test('on Windows: each program found, judged by its outbound rules', async (t) => {
    const { run, calls } = fakeRunner();
    const policy = await inspectWindows(run);
    t.same(calls.sort(), [
      'netsh advfirewall firewall show rule name=all verbose',
      'netsh advfirewall show allprofiles',
      'netsh winhttp show proxy',
      'powershell',
      'reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections',
    ], 'reg (unanswered here) first for the WinHTTP proxy, then netsh');
    t.same(verdicts(policy), {
      'g2comm.exe': 'blocked',
      'g2host.exe': 'allowed',
      'g2mainh.exe': 'no-rule',
      'g2svc.exe': 'allowed',
      'g2tray.exe': 'no-rule',
      'g2viewer.exe': 'allowed',
    });
    t.same(policy.missing, ['g2fileh.exe', 'g2printh.exe', 'gopcsrv.exe', 'g2audioh.exe', 'g2pre.exe', 'G2ProcessFactory.exe', 'g2vistahelper.exe']);
    t.ok(policy.searched.includes('C:\\Program Files (x86)\\Citrix\\GoToMyPC'));
    t.ok(policy.searched.includes('C:\\Users\\pat\\AppData\\Local\\Citrix\\GoToMyPC'));

    const comm = byName(policy, 'g2comm.exe');
    t.equal(comm.path, `${X86}g2comm.exe`);
    t.equal(comm.role, 'host');
    t.same(comm.rules, [{ name: 'Block GoToMyPC communications', action: 'block', profiles: ['domain', 'private', 'public'], ports: [443, 8200], remoteIPs: 'Any' }]);
    t.equal(comm.why, 'Blocked going out on TCP 443 and 8200 by the firewall rule "Block GoToMyPC communications"; a block rule wins over any allow rule.');

    const svc = byName(policy, 'g2svc.exe');
    t.same(svc.rules.map((r) => [r.name, r.ports]), [['GoToMyPC Host - g2svc', [80, 443, 8200]]], '%ProgramFiles% (x86) expanded');
    t.match(svc.why, /^Allowed going out on TCP 80, 443 and 8200 by the firewall rule "GoToMyPC Host - g2svc"\. The block rule "Block outbound 8000-8999 on public networks" for every program covers TCP 8200 as well/);

    t.match(byName(policy, 'g2tray.exe').why, /No firewall rule allows it, and outbound connections are blocked by default in the public profile/, 'a disabled rule counts for nothing');
    t.same(byName(policy, 'g2mainh.exe').rules, [], 'an inbound rule counts for nothing');

    t.same(policy.firewall.rules, { readable: true, value: { total: 11 } });
    t.same(policy.firewall.generalBlocks.map((r) => [r.name, r.ports]), [['Block outbound 8000-8999 on public networks', [8200]]], 'SMTP is not a GoToMyPC port');
    t.same(policy.winhttp.readable && policy.winhttp.value.kind, 'proxy');
  });

  t.test('the role picks the programs', async (t) => {
    t.same(Object.keys(verdicts(await inspectWindows(fakeRunner().run, 'client'))), ['g2viewer.exe']);
    t.notOk(Object.keys(verdicts(await inspectWindows(fakeRunner().run, 'host'))).includes('g2viewer.exe'));
  });

  t.test('a 32-bit Node: %ProgramFiles% in a rule is still the 64-bit folder', async (t) => {
    const rules = RULES.replace('%ProgramFiles% (x86)\\Citrix\\GoToMyPC\\g2svc.exe', '%ProgramFiles%\\Citrix\\GoToMyPC\\g2svc.exe');
    const env = { ...ENV, ProgramFiles: 'C:\\Program Files (x86)' };
    t.equal(byName(await inspectWindows(fakeRunner({ rules }).run, 'host', env), 'g2svc.exe').verdict, 'no-rule', 'the rule names C:\\Program Files, not (x86)');
  });

  t.test('a firewall that is off decides nothing', async (t) => {
    const policy = await inspectWindows(fakeRunner({ profiles: PROFILES.replace(/State(\s+)ON/g, 'State$1OFF') }).run, 'host');
    t.equal(byName(policy, 'g2comm.exe').verdict, 'no-rule');
    t.match(byName(policy, 'g2comm.exe').why, /the firewall is off in every profile/);
    t.same(policy.firewall.generalBlocks, []);
  });

  t.test('terminal escapes in a rule name stay escaped in the result', async (t) => {
    const rules = RULES.replace('Block GoToMyPC communications', '\x1b]0;owned\x07Block');
    const comm = byName(await inspectWindows(fakeRunner({ rules }).run, 'host'), 'g2comm.exe');
    t.notMatch(JSON.stringify(comm), /\\u00(1b|07)/, 'no raw control characters left');
    t.match(comm.why, /"\\x1b\]0;owned\\x07Block"/);
  });

  t.test('a failing or throwing runner becomes data, never a throw', async (t) => {
    const failing: CommandRunner = async () => ({ ok: false, why: 'spawn netsh ENOENT' });
    const throwing: CommandRunner = async () => {
      throw new Error('boom\x1b[31m');
    };
    for (const [label, run] of [['failing', failing], ['throwing', throwing]] as const) {
      const policy = await inspectWindows(run, 'host');
      t.equal(policy.firewall.rules.readable, false, label);
      if (!policy.firewall.rules.readable) t.match(policy.firewall.rules.why, /^netsh advfirewall firewall show rule name=all verbose failed: /, label);
      t.equal(policy.firewall.profiles.readable, false, label);
      t.equal(policy.winhttp.readable, false, label);
      t.same(new Set(Object.values(verdicts(policy))), new Set(['unknown']), label);
      t.notMatch(JSON.stringify(policy), /\\u001b/, `${label}: the error text is escaped`);
    }
  });

  t.test('profiles unreadable: the no-rule verdict says so', async (t) => {
    const policy = await inspectWindows(fakeRunner({ profiles: fixture('netsh-advfirewall-allprofiles-de.txt') }).run, 'host');
    t.match(byName(policy, 'g2tray.exe').why, /the default for outbound connections could not be read: could not read \(localized output\?\)/);
  });
});

t.test('systemRunner turns failures into data', async (t) => {
  const missing = await systemRunner('g2probe-no-such-command', []);
  t.equal(missing.ok, false);
  if (!missing.ok) t.match(missing.why, /ENOENT/);

  // netsh exits 1 when no rule matches, with its message on stdout: that is output, not a failure.
  const noMatch = await systemRunner(process.execPath, ['-e', 'process.stdout.write("No rules match the specified criteria.\\r\\n"); process.exit(1)']);
  t.same(noMatch, { ok: true, stdout: 'No rules match the specified criteria.\r\n' });

  const silent = await systemRunner(process.execPath, ['-e', 'process.stderr.write("The requested operation requires elevation.\\n"); process.exit(2)']);
  t.same(silent, { ok: false, why: 'exited with code 2: The requested operation requires elevation.' });
});
