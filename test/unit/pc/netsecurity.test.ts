// Windows Defender Firewall read through PowerShell's NetSecurity cmdlets: the script g2probe runs, its JSON
// parsed on recordings from an English, a German and a Japanese Windows (fixtures/windows/README.md), the
// fallback to netsh, a listing that times out, and the judgement of rules scoped by address.
// Pure code only: nothing here runs PowerShell or netsh (systemRunner runs node itself) or sends a packet.
import path from 'node:path';
import t from 'tap';
import type { FirewallRule, LocalPolicy, RangesInfo } from '../../../src/core/types.js';
import { SummaryBuilder } from '../../../src/judge/summary.js';
import { decideVerdict } from '../../../src/judge/verdict.js';
import { inspectLocalPolicy, systemRunner, type CommandResult, type CommandRunner, type RunOptions } from '../../../src/pc/local-policy.js';
import { NETSECURITY_ARGS, NETSECURITY_SCRIPT, parseNetSecurity } from '../../../src/pc/windows/netsecurity.js';
import { WINHTTP_SETTINGS_ARGS } from '../../../src/pc/windows/winhttp.js';
import { renderText } from '../../../src/report/text.js';
import { parseRange } from '../../../src/targets/ranges.js';
import { SCHEMA, compileSchema } from '../../helpers/schema.js';
import { WINDOWS_ENV, X86, windowsFixture } from '../../helpers/windows.js';

const fixture = windowsFixture;
const EN = fixture('netsecurity-en.json');
const DE = fixture('netsecurity-de.json');
const JA = fixture('netsecurity-ja.json');
const CUT = fixture('netsecurity-cut.json');

const ENV = WINDOWS_ENV;
const INSTALLED = new Set([
  ...['g2svc.exe', 'g2host.exe', 'g2comm.exe', 'g2tray.exe', 'g2mainh.exe', 'g2fileh.exe'].map((name) => X86 + name),
  'C:\\Users\\pat\\AppData\\Local\\Citrix\\GoToMyPC\\g2viewer.exe',
]);
const POWERSHELL = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const NETSH = 'C:\\Windows\\System32\\netsh.exe';
const REG = 'C:\\Windows\\System32\\reg.exe';

const ok = (stdout: string): CommandResult => ({ ok: true, stdout });
const failed = (why: string): CommandResult => ({ ok: false, why });
type Answers = { powershell?: CommandResult; rules?: CommandResult; profiles?: CommandResult; proxy?: CommandResult; winhttp?: CommandResult };

/** PowerShell answers with the English recording unless told otherwise, netsh and reg with their own fixtures; every call is kept. */
function fakeRunner(answers: Answers = {}) {
  const calls: { file: string; args: readonly string[]; options: RunOptions | undefined }[] = [];
  const run: CommandRunner = async (file, args, options) => {
    calls.push({ file, args, options });
    if (path.win32.basename(file).toLowerCase() === 'powershell.exe') return answers.powershell ?? ok(EN);
    const netsh: Record<string, CommandResult> = {
      'advfirewall firewall show rule name=all verbose': answers.rules ?? ok(fixture('netsh-advfirewall-rules.txt')),
      'advfirewall show allprofiles': answers.profiles ?? ok(fixture('netsh-advfirewall-allprofiles.txt')),
      'winhttp show proxy': answers.proxy ?? ok(fixture('netsh-winhttp-direct.txt')),
      [WINHTTP_SETTINGS_ARGS.join(' ')]: answers.winhttp ?? ok(fixture('reg-winhttp-direct.txt')),
    };
    return netsh[args.join(' ')] ?? failed(`unexpected command ${file} ${args.join(' ')}`);
  };
  const netshCalls = () => calls.filter((c) => c.file === NETSH).map((c) => c.args.join(' ')).sort();
  return { run, calls, netshCalls };
}

type Applied = Extract<LocalPolicy, { applies: true }>;
async function inspect(run: CommandRunner, env = ENV, role: 'host' | 'client' | null = null): Promise<Applied> {
  const policy = await inspectLocalPolicy({ platform: 'win32', role, env, run, exists: (file) => INSTALLED.has(file) });
  if (!policy.applies) throw new Error(`expected the Windows section to apply: ${policy.why}`);
  return policy;
}
const verdicts = (policy: Applied) => Object.fromEntries(policy.executables.map((e) => [e.name, e.verdict]));
const byName = (policy: Applied, name: string) => {
  const found = policy.executables.find((e) => e.name === name);
  if (!found) throw new Error(`${name} not found`);
  return found;
};
const rulesOf = (output: string): FirewallRule[] => {
  const read = parseNetSecurity(output).rules;
  if (!read.readable) throw new Error(read.why);
  return read.value;
};

/** The English recording with its rules changed, or a document built from scratch. */
const doc = (rules: unknown[], profiles: unknown = JSON.parse(EN).profiles) => JSON.stringify({ rules, profiles });
const enRules = () => JSON.parse(EN).rules as Record<string, unknown>[];
const withRule = (name: string, change: Record<string, unknown>) =>
  doc(enRules().map((r) => (r.DisplayName === name ? { ...r, ...change } : r)));
/** One outbound rule for g2comm.exe, everything else Any. */
const rule = (change: Record<string, unknown> = {}) => ({
  Name: '{test}', DisplayName: 'Test rule', DisplayGroup: '', Enabled: 1, Direction: 2, Action: 4, Profile: 0,
  Program: `${X86}g2comm.exe`, Package: '', Service: 'Any', Protocol: 'TCP', RemotePort: ['Any'], RemoteAddress: ['Any'], LocalAddress: ['Any'],
  ...change,
});

t.test('the script', async (t) => {
  t.same(NETSECURITY_ARGS, ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', NETSECURITY_SCRIPT]);
  t.notMatch(NETSECURITY_SCRIPT, /["\r\n]/, 'one line, no double quote: it survives the command line whole');
  t.match(NETSECURITY_SCRIPT, /\$store = @\{ PolicyStore = 'ActiveStore' \}/, 'the ActiveStore, what is enforced');
  for (const cmdlet of ['Get-NetFirewallApplicationFilter', 'Get-NetFirewallServiceFilter', 'Get-NetFirewallPortFilter', 'Get-NetFirewallAddressFilter']) {
    t.equal(NETSECURITY_SCRIPT.split(`(${cmdlet} -All @store)`).length, 2, `${cmdlet}: fetched once for the store`);
  }
  t.match(NETSECURITY_SCRIPT, /foreach \(\$r in Get-NetFirewallRule -All @store\)/);
  t.match(NETSECURITY_SCRIPT, /Get-NetFirewallProfile -All @store/);
  t.notMatch(NETSECURITY_SCRIPT, /Get-NetFirewallRule[^;]*\|/, 'no rule is piped into a filter cmdlet, but for one the bulk query missed');
  t.match(NETSECURITY_SCRIPT, /\[Console\]::OutputEncoding = New-Object System\.Text\.UTF8Encoding \$false/);
  for (const cast of ['Enabled', 'Direction', 'Action', 'Profile', 'DefaultOutboundAction']) t.match(NETSECURITY_SCRIPT, new RegExp(`${cast} = \\[int\\]\\$[rf]\\.${cast}`), `${cast} as a number`);
  t.match(NETSECURITY_SCRIPT, /ConvertTo-Json -Compress -Depth 5 -InputObject/);
});

t.test('parseNetSecurity on the English recording', async (t) => {
  const { rules, profiles } = parseNetSecurity(EN);
  if (!rules.readable) throw new Error(rules.why);
  t.equal(rules.value.length, 14);
  t.same(rules.value[0], {
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
  const named = (name: string) => rules.value.find((r) => r.name === name);
  t.match(named('GoToMyPC Host - g2svc'), { program: `${X86}g2svc.exe`, service: null, remotePorts: '80,443,8200', action: 'allow' });
  t.match(named('Block GoToMyPC communications'), { action: 'block', profiles: ['domain', 'private', 'public'], remotePorts: '443,8200' });
  t.match(named('Block outbound TCP 8200'), { program: null, service: null, package: null, protocol: 'TCP', remotePorts: '8200' });
  t.match(named('Block HTTPS to the office network'), { remoteIPs: '10.0.0.0/255.0.0.0' });
  t.match(named('Block g2host on the lab subnet'), { localIPs: '192.168.50.0/255.255.255.0', protocol: 'Any' });
  t.match(named('Block GoToMyPC tray (disabled)'), { enabled: false });
  t.match(named('GoToMyPC inbound'), { direction: 'in' });
  t.match(named('Block GoToMyPC file transfer to the Internet'), { profiles: ['public'], remoteIPs: 'Internet' });
  t.match(named('Block Contoso Mail & Calendar'), { program: null, package: /^S-1-15-2-/ }, 'PowerShell 5.1 writes & as \\u0026');
  t.match(named("Block the viewer's GoTo media range"), { remoteIPs: '216.115.208.0/255.255.240.0' });
  t.same(profiles, {
    readable: true,
    value: [
      { profile: 'domain', state: 'on', outbound: 'not-configured' },
      { profile: 'private', state: 'on', outbound: 'allow' },
      { profile: 'public', state: 'on', outbound: 'block' },
    ],
  });
});

t.test('the language does not matter', async (t) => {
  const [en, de, ja] = [EN, DE, JA].map(rulesOf);
  t.equal(de?.[0]?.name, 'Kernnetzwerk - DNS (UDP ausgehend)', 'German display names are kept');
  t.equal(ja?.[0]?.grouping, 'コア ネットワーク', 'Japanese display names are kept');
  const meaning = (rules: FirewallRule[] | undefined) => rules?.map(({ name: _name, grouping: _grouping, ...rest }) => rest);
  t.same(meaning(de), meaning(en), 'German: the same rules');
  t.same(meaning(ja), meaning(en), 'Japanese: the same rules');
  t.same(parseNetSecurity(DE).profiles, parseNetSecurity(EN).profiles);
  t.same(parseNetSecurity(JA).profiles, parseNetSecurity(EN).profiles);

  const judged = async (output: string) => {
    const policy = await inspect(fakeRunner({ powershell: ok(output) }).run);
    return {
      verdicts: verdicts(policy),
      decided: policy.executables.map((e) => e.rules.map((r) => [r.action, r.ports, r.remoteIPs])),
      general: policy.firewall.generalBlocks.map((r) => r.ports),
      source: policy.firewall.source,
    };
  };
  const english = await judged(EN);
  t.same(english.verdicts, {
    'g2comm.exe': 'blocked', 'g2fileh.exe': 'no-rule', 'g2host.exe': 'allowed', 'g2mainh.exe': 'no-rule',
    'g2svc.exe': 'allowed', 'g2tray.exe': 'no-rule', 'g2viewer.exe': 'blocked',
  });
  t.same(await judged(DE), english, 'German: the same verdicts');
  t.same(await judged(JA), english, 'Japanese: the same verdicts');
  const japanese = await inspect(fakeRunner({ powershell: ok(JA) }).run);
  t.match(byName(japanese, 'g2comm.exe').why, /^Blocked going out on TCP 443 and 8200 by the firewall rule "GoToMyPC 通信をブロック"/);
});

t.test('inspectLocalPolicy reads PowerShell first', async (t) => {
  const { run, calls, netshCalls } = fakeRunner({ rules: failed('netsh must not be asked'), profiles: failed('netsh must not be asked') });
  const policy = await inspect(run);
  const ps = calls.find((c) => c.file === POWERSHELL);
  t.same(ps?.args, NETSECURITY_ARGS, 'by its absolute path, with the script');
  t.same(ps?.options, { encoding: 'utf8', timeoutMs: 20_000 });
  t.same(netshCalls(), [], 'netsh not asked: the WinHTTP proxy comes from the registry');
  t.same(calls.find((c) => c.file !== POWERSHELL), { file: REG, args: WINHTTP_SETTINGS_ARGS, options: undefined }, 'reg by its absolute path, as latin1');
  t.same(policy.winhttp, { readable: true, value: { kind: 'direct' } });
  t.same(policy.firewall.source, { rules: 'powershell', profiles: 'powershell' });
  t.same(policy.firewall.rules, { readable: true, value: { total: 14 } });

  t.same(byName(policy, 'g2comm.exe').rules, [{ name: 'Block GoToMyPC communications', action: 'block', profiles: ['domain', 'private', 'public'], ports: [443, 8200], remoteIPs: 'Any' }]);
  t.equal(byName(policy, 'g2comm.exe').why, 'Blocked going out on TCP 443 and 8200 by the firewall rule "Block GoToMyPC communications"; a block rule wins over any allow rule.', '%ProgramFiles% (x86) and upper case matched');
  t.match(byName(policy, 'g2svc.exe'), { verdict: 'allowed', why: /^Allowed going out on TCP 80, 443 and 8200 by the firewall rule "GoToMyPC Host - g2svc"\. The block rule "Block outbound TCP 8200" for every program covers TCP 8200 as well/ });
  t.same(policy.firewall.generalBlocks, [{ name: 'Block outbound TCP 8200', action: 'block', profiles: ['domain', 'private', 'public'], ports: [8200], remoteIPs: 'Any' }],
    'not the block to 10.0.0.0/8, which cannot touch GoTo, nor the Store app\'s');
  t.notMatch(JSON.stringify(policy.executables), /office network|Contoso/, 'neither is said to stop any program');

  const host = byName(policy, 'g2host.exe');
  t.equal(host.verdict, 'allowed', 'a block scoped to a local address is never a definite block');
  t.same(host.rules.map((r) => r.name), ['GoToMyPC Host - g2host']);
  t.match(host.why, /The block rule "Block g2host on the lab subnet" names it and may stop it: it applies only while this PC uses the local address 192\.168\.50\.0\/255\.255\.255\.0, which g2probe does not check\./);

  const fileh = byName(policy, 'g2fileh.exe');
  t.equal(fileh.verdict, 'no-rule', 'Internet may hold GoTo: said, not counted');
  t.match(fileh.why, /^No firewall rule allows it, and outbound connections are blocked by default in the public profile/);
  t.match(fileh.why, /The block rule "Block GoToMyPC file transfer to the Internet" names it and may stop it: it applies to the remote addresses Internet, which may hold GoTo's servers\./);

  t.same(byName(policy, 'g2viewer.exe').rules, [{ name: "Block the viewer's GoTo media range", action: 'block', profiles: ['domain', 'private', 'public'], ports: [443], remoteIPs: '216.115.208.0/255.255.240.0' }],
    'a block of one of GoTo\'s ranges, by its mask');
  t.equal(byName(policy, 'g2tray.exe').verdict, 'no-rule', 'a disabled block counts for nothing');
  t.same(byName(policy, 'g2mainh.exe').rules, [], 'an inbound rule counts for nothing');
});

t.test('PowerShell and reg are found under %SystemRoot%, its name in any case', async (t) => {
  const files = async (env: NodeJS.ProcessEnv) => {
    const { run, calls } = fakeRunner();
    await inspect(run, env);
    return [...new Set(calls.map((c) => c.file))].sort();
  };
  const rest: NodeJS.ProcessEnv = { ...ENV };
  delete rest.SystemRoot;
  t.same(await files({ ...rest, SYSTEMROOT: 'D:\\WINNT' }), ['D:\\WINNT\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'D:\\WINNT\\System32\\reg.exe']);
  t.same(await files(rest), [REG, POWERSHELL].sort(), 'no SystemRoot: C:\\Windows');
  for (const hostile of ['\\\\evil.example\\share', 'Windows', 'C:\\']) {
    t.same(await files({ ...rest, SystemRoot: hostile }), [REG, POWERSHELL].sort(), `${hostile}: not trusted to hold Windows`);
  }
});

t.test('netsh answers for what PowerShell could not give', async (t) => {
  t.test('PowerShell failed: netsh reads both', async (t) => {
    const { run, netshCalls } = fakeRunner({ powershell: failed('exited with code 1: Get-NetFirewallRule : Access is denied.') });
    const policy = await inspect(run);
    t.same(netshCalls(), ['advfirewall firewall show rule name=all verbose', 'advfirewall show allprofiles']);
    t.same(policy.firewall.source, { rules: 'netsh', profiles: 'netsh' });
    t.same(policy.firewall.rules, { readable: true, value: { total: 11 } }, "netsh's fixture");
    t.equal(byName(policy, 'g2comm.exe').verdict, 'blocked');
  });

  t.test('PowerShell printed a cut document: netsh reads both', async (t) => {
    const policy = await inspect(fakeRunner({ powershell: ok(CUT) }).run);
    t.same(policy.firewall.source, { rules: 'netsh', profiles: 'netsh' });
  });

  t.test('a rule PowerShell gave that g2probe cannot read: netsh reads the rules, PowerShell keeps the profiles', async (t) => {
    const { run, netshCalls } = fakeRunner({ powershell: ok(withRule('Block outbound TCP 8200', { Action: 7 })) });
    const policy = await inspect(run);
    t.same(netshCalls(), ['advfirewall firewall show rule name=all verbose']);
    t.same(policy.firewall.source, { rules: 'netsh', profiles: 'powershell' });
    t.same(policy.firewall.profiles.readable && policy.firewall.profiles.value[0], { profile: 'domain', state: 'on', outbound: 'not-configured' }, "PowerShell's profiles, not netsh's");
  });

  t.test('neither can: both reasons are given', async (t) => {
    const policy = await inspect(fakeRunner({
      powershell: failed('spawn C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe ENOENT'),
      rules: ok(fixture('netsh-advfirewall-rules-de.txt')),
      profiles: ok(fixture('netsh-advfirewall-allprofiles-de.txt')),
    }).run);
    t.same(policy.firewall.source, { rules: null, profiles: null });
    const rules = policy.firewall.rules;
    t.equal(rules.readable, false);
    if (!rules.readable) t.match(rules.why, /^could not read \(localized output\?\): .*; PowerShell's NetSecurity cmdlets, tried first, failed: spawn .*powershell\.exe ENOENT$/);
    t.equal(byName(policy, 'g2comm.exe').verdict, 'unknown');
    t.match(byName(policy, 'g2comm.exe').why, /Nor could the profiles, so nothing is known of the firewall here\.$/);
  });
});

t.test('a listing that times out says so, and what is still known', async (t) => {
  const timedOut = { powershell: failed('did not finish within 20 s'), rules: failed('did not finish within 10 s') };
  const policy = await inspect(fakeRunner(timedOut).run);
  t.same(policy.firewall.source, { rules: null, profiles: 'netsh' });
  t.same(policy.firewall.generalBlocks, []);
  const comm = byName(policy, 'g2comm.exe');
  t.equal(comm.verdict, 'unknown', 'never guessed');
  t.equal(comm.why,
    "The firewall rules could not be read: netsh advfirewall firewall show rule name=all verbose failed: did not finish within 10 s; PowerShell's NetSecurity cmdlets, tried first, failed: did not finish within 20 s. "
    + 'The profiles were read: outbound connections are allowed by default in the domain and private profiles, unless a rule blocks it; blocked by default in the public profile, unless a rule allows it.');

  const off = fixture('netsh-advfirewall-allprofiles.txt').replace(/State(\s+)ON/g, 'State$1OFF');
  const allOff = await inspect(fakeRunner({ ...timedOut, profiles: ok(off) }).run);
  t.match(byName(allOff, 'g2comm.exe').why, /did not finish within 10 s.*The firewall is off in every profile, though, so no rule can stop it\.$/);

  const someOff = fixture('netsh-advfirewall-allprofiles.txt').replace(/State(\s+)ON/, 'State$1OFF');
  t.match(byName(await inspect(fakeRunner({ ...timedOut, profiles: ok(someOff) }).run), 'g2comm.exe').why,
    /The profiles were read: outbound connections are allowed by default in the private profile, unless a rule blocks it; blocked by default in the public profile, unless a rule allows it; the firewall is off in the domain profile\.$/);

  const cut = await inspect(fakeRunner({ powershell: ok(CUT), rules: failed('did not finish within 10 s') }).run);
  const rules = cut.firewall.rules;
  if (!rules.readable) t.match(rules.why, /tried first, printed no JSON document g2probe can read \(cut short\?\): it began "\{"rules":\[\{"Name":"CoreNet-DNS-Out-UDP".*" and ended ".*Block g2host"$/);
  else t.fail('the rules should be unreadable');
});

t.test('a rule scoped by address blocks only what it names', async (t) => {
  const comm = async (change: Record<string, unknown>) => byName(await inspect(fakeRunner({ powershell: ok(doc([rule(change)])) }).run, ENV, 'host'), 'g2comm.exe');
  for (const [addresses, verdict] of [
    [['Any'], 'blocked'],
    [['67.217.64.0/255.255.224.0'], 'blocked'],
    [['67.217.64.0/19'], 'blocked'],
    [['67.217.80.5'], 'blocked'],
    [['67.217.95.250-67.217.96.10'], 'blocked'],
    [['10.0.0.0/8', '67.217.64.0/19'], 'blocked'],
    [['10.0.0.0/255.0.0.0'], 'no-rule'],
    [['10.0.0.0/8'], 'no-rule'],
    [['10.0.0.1-10.255.255.255'], 'no-rule'],
    [['67.217.63.255'], 'no-rule'],
    [['LocalSubnet', 'DNS', 'DHCP', 'WINS', 'DefaultGateway', 'LocalSubnet4', 'PlayToDevice'], 'no-rule'],
    [['fe80::/64', '2001:db8::1-2001:db8::9'], 'no-rule'],
    [['Internet'], 'no-rule'],
    [['Intranet'], 'no-rule'],
    [['a.b.c.d'], 'no-rule'],
    [['67.217.64.0/255.0.255.0'], 'no-rule'],
  ] as const) {
    t.equal((await comm({ RemoteAddress: addresses })).verdict, verdict, addresses.join(','));
  }
  for (const addresses of [['LocalSubnet', 'DNS', 'DHCP', 'WINS', 'DefaultGateway', 'LocalSubnet4'], ['fe80::/64', '2001:db8::1-2001:db8::9'], ['Internet6']]) {
    t.match((await comm({ RemoteAddress: addresses })).why, /The block rule "Test rule" names it but does not reach GoTo's servers/, `${addresses.join(',')}: cannot be GoTo's, not even maybe`);
  }
  t.match((await comm({ RemoteAddress: ['10.0.0.0/8'] })).why, /The block rule "Test rule" names it but does not reach GoTo's servers: its remote addresses \(10\.0\.0\.0\/8\) hold none of GoTo's published ranges\./);
  t.match((await comm({ RemoteAddress: ['Internet'] })).why, /names it and may stop it: it applies to the remote addresses Internet, which may hold GoTo's servers/);
  t.match((await comm({ RemoteAddress: ['a.b.c.d'] })).why, /may stop it: it applies to the remote addresses a\.b\.c\.d/, 'an unknown form may hold anything');
  t.same((await comm({ RemoteAddress: ['67.217.64.0/19'], RemotePort: ['443', '8200'] })).rules.map((r) => r.ports), [[443, 8200]]);

  // 23.239.228.0/22 is a GoTo Meeting range, documented for TCP 443 only.
  const meeting = await comm({ RemoteAddress: ['23.239.228.0/22'], RemotePort: ['8200'] });
  t.equal(meeting.verdict, 'no-rule');
  t.match(meeting.why, /the GoTo ranges among its remote addresses \(23\.239\.228\.0\/22\) serve none of the ports it covers/);
  t.same((await comm({ RemoteAddress: ['23.239.228.0/22'] })).rules.map((r) => r.ports), [[443]]);

  const local = await comm({ LocalAddress: ['192.168.1.10'] });
  t.equal(local.verdict, 'no-rule', 'a local address scope is never a definite block');
  t.match(local.why, /may stop it: it applies only while this PC uses the local address 192\.168\.1\.10, which g2probe does not check/);
  t.equal((await comm({ LocalAddress: ['Any'] })).verdict, 'blocked');

  const mayAllow = await comm({ Action: 2, LocalAddress: ['192.168.1.10'] });
  t.equal(mayAllow.verdict, 'allowed', 'an allow that may apply is counted');
  t.match(mayAllow.why, /The allow rule "Test rule" names it but may not apply: it applies only while this PC uses the local address 192\.168\.1\.10/);

  const allow = await comm({ Action: 2, RemoteAddress: ['10.0.0.0/8'] });
  t.equal(allow.verdict, 'no-rule', 'an allow rule for addresses that are not GoTo\'s does not let it out');
  t.match(allow.why, /^No firewall rule allows it, .*The allow rule "Test rule" names it but does not reach GoTo's servers/);
});

t.test('block rules for every program, scoped by address', async (t) => {
  const policy = async (change: Record<string, unknown>) =>
    inspect(fakeRunner({ powershell: ok(doc([rule({ Program: 'Any', RemotePort: ['8200'], ...change }), rule({ DisplayName: 'Allow g2comm', Action: 2 })])) }).run, ENV, 'host');
  t.same((await policy({})).firewall.generalBlocks.map((r) => r.ports), [[8200]]);
  for (const addresses of [['10.0.0.0/8'], ['LocalSubnet'], ['Internet']]) {
    const read = await policy({ RemoteAddress: addresses });
    t.same(read.firewall.generalBlocks, [], `${addresses}: not a block of GoToMyPC`);
    t.equal(byName(read, 'g2comm.exe').verdict, 'allowed');
  }
  t.match(byName(await policy({ RemoteAddress: ['Internet'] }), 'g2comm.exe').why, /The block rule "Test rule" for every program covers TCP 8200 and may stop it: it applies to the remote addresses Internet/);
  t.notMatch(byName(await policy({ RemoteAddress: ['10.0.0.0/8'] }), 'g2comm.exe').why, /Test rule/, 'a block that cannot touch GoTo is not mentioned as one');
  t.same((await policy({ Package: 'S-1-15-2-1', Program: 'Any' })).firewall.generalBlocks, [], 'a Store app\'s rule is not for every program');
  t.same((await policy({ Service: '*' })).firewall.generalBlocks, [], 'a rule for services only is not for every program');
});

t.test('an allow rule for every program lets GoToMyPC out on its ports, and says which stay blocked by default', async (t) => {
  const BLOCKING = [{ Name: 'Domain', Enabled: 1, DefaultOutboundAction: 4 }, { Name: 'Private', Enabled: 1, DefaultOutboundAction: 4 }, { Name: 'Public', Enabled: 1, DefaultOutboundAction: 4 }];
  const web = rule({ DisplayName: 'http_out', Program: 'Any', Action: 2, RemotePort: ['80', '443'] });
  const policy = await inspect(fakeRunner({ powershell: ok(doc([web], BLOCKING)) }).run, ENV, 'host');
  const svc = byName(policy, 'g2svc.exe');
  t.equal(svc.verdict, 'allowed');
  t.same(svc.rules.map((r) => [r.name, r.ports]), [['http_out', [80, 443]]]);
  t.equal(svc.why, 'Allowed going out on TCP 80 and 443 by the firewall rule "http_out" for every program. No rule allows TCP 8200, and outbound connections are blocked by default in the domain, private and public profiles: there it cannot connect on that port.');
  const ALLOWING = BLOCKING.map((p) => ({ ...p, DefaultOutboundAction: 2 }));
  const allowing = await inspect(fakeRunner({ powershell: ok(doc([web], ALLOWING)) }).run, ENV, 'host');
  t.notMatch(byName(allowing, 'g2svc.exe').why, /No rule allows/, 'where outbound is allowed by default, nothing is said of the other ports');
  const disabled = await inspect(fakeRunner({ powershell: ok(doc([{ ...web, Enabled: 2 }], BLOCKING)) }).run, ENV, 'host');
  t.equal(byName(disabled, 'g2svc.exe').verdict, 'no-rule', 'a disabled allow counts for nothing');
  const store = await inspect(fakeRunner({ powershell: ok(doc([{ ...web, Package: 'S-1-15-2-1' }], BLOCKING)) }).run, ENV, 'host');
  t.equal(byName(store, 'g2svc.exe').verdict, 'no-rule', "a Store app's allow is that app's only");
});

t.test('the text report says which tool read the firewall', async (t) => {
  const range = parseRange('192.0.2.0/24', { lists: ['lab.txt'] });
  if (!range) throw new Error('lab range');
  const summary = new SummaryBuilder([range], [443]).summary();
  const ranges: RangesInfo = { origin: 'file', location: 'lab.txt', lists: [], version: '0123456789ab', count: 1, update: null };
  const lines = async (answers: Answers) => {
    const localPolicy = await inspect(fakeRunner(answers).run, ENV, 'host');
    const text = renderText({ version: '1', summary, verdict: decideVerdict(summary, 'host', null, localPolicy), elapsedMs: 0, ranges, planned: null, proxies: { http: null, https: null, noProxy: null, pac: null }, dns: null, localPolicy, pac: null });
    // Long lines wrap with a four-space indent: joined again, each is one line of the section.
    return text.replace(/\n {4}/g, ' ').split('\n').filter((line) => /^ {2}Firewall /.test(line));
  };
  t.same(await lines({}), ["  Firewall read with PowerShell's NetSecurity cmdlets"]);
  t.same(await lines({ powershell: failed('exited with code 1') }), ['  Firewall read with netsh']);
  t.same(await lines({ powershell: ok(withRule('Block outbound TCP 8200', { Profile: 9 })) }), ["  Firewall read with netsh (rules), PowerShell's NetSecurity cmdlets (profiles)"]);
  const neither = await lines({ powershell: failed('exited with code 1'), rules: failed('did not finish within 10 s') });
  t.equal(neither.length, 2);
  t.equal(neither[0], "  Firewall read with no tool (rules), netsh (profiles)");
  t.match(neither[1], /^ {2}Firewall rules: netsh advfirewall firewall show rule name=all verbose failed: did not finish within 10 s;/);
});

t.test('the section, with where the firewall came from, fits the report schema, old reports too', async (t) => {
  const validate = compileSchema({ $schema: SCHEMA.$schema, $defs: SCHEMA.$defs, $ref: '#/$defs/LocalPolicy' });
  const valid = (policy: unknown) => (validate(JSON.parse(JSON.stringify(policy))) ? 'valid' : JSON.stringify(validate.errors));
  for (const [name, answers] of [
    ['PowerShell', {}],
    ['netsh', { powershell: failed('exited with code 1') }],
    ['both', { powershell: ok(withRule('Block outbound TCP 8200', { Profile: 9 })) }],
    ['neither', { powershell: failed('exited with code 1'), rules: failed('did not finish within 10 s'), profiles: failed('did not finish within 10 s') }],
  ] as const) {
    t.equal(valid(await inspect(fakeRunner(answers).run)), 'valid', name);
  }
  const policy = await inspect(fakeRunner().run);
  const { source: _source, ...old } = policy.firewall;
  t.equal(valid({ ...policy, firewall: old }), 'valid', 'a report from before: no source');
  t.not(valid({ ...policy, firewall: { ...policy.firewall, source: { rules: 'wmi', profiles: null } } }), 'valid', 'an unknown tool');
  t.not(valid({ ...policy, firewall: { ...policy.firewall, source: { rules: 'netsh' } } }), 'valid', 'both parts said');
});

t.test('netsh rules are scoped the same way', async (t) => {
  const rules = fixture('netsh-advfirewall-rules.txt');
  const at = rules.search(/Rule Name:\s+Block GoToMyPC communications/);
  const end = rules.indexOf('Rule Name:', at + 10);
  const scoped = (remote: string) => rules.slice(0, at) + rules.slice(at, end).replace(/RemoteIP:(\s+)Any/, `RemoteIP:$1${remote}`) + rules.slice(end);
  const comm = async (remote: string) => byName(await inspect(fakeRunner({ powershell: failed('missing'), rules: ok(scoped(remote)) }).run, ENV, 'host'), 'g2comm.exe').verdict;
  t.equal(await comm('Any'), 'blocked');
  t.equal(await comm('10.0.0.0/8'), 'allowed', 'its allow rule decides');
  t.equal(await comm('LocalSubnet'), 'allowed');
  t.equal(await comm('216.219.112.0/20'), 'blocked');
});

t.test('malformed and hostile documents are unreadable, with a reason, never a throw', async (t) => {
  const why = (output: string, part: 'rules' | 'profiles' = 'rules') => {
    const read = parseNetSecurity(output)[part];
    return read.readable ? 'readable' : read.why;
  };
  t.equal(why(''), 'printed nothing');
  t.equal(why('\uFEFF \r\n'), 'printed nothing');
  t.match(why('Get-NetFirewallRule : Zugriff verweigert'), /^printed no JSON document g2probe can read \(cut short\?\): it began "Get-NetFirewallRule : Zugriff verweigert"/);
  for (const notDoc of ['[]', 'null', '42', '"rules"']) t.equal(why(notDoc), 'printed JSON that is not the document g2probe asks for', notDoc);
  t.equal(why('{"profiles":[]}'), 'printed JSON g2probe cannot read: the document has no list of rules');
  t.equal(why('{"rules":[]}', 'profiles'), 'printed JSON g2probe cannot read: the document has no list of profiles');
  t.equal(why(doc([], [])), 'readable', 'no rules is a list');
  t.equal(why(doc([], []), 'profiles'), 'printed JSON g2probe cannot read: the document lists no profile');
  t.equal(why(`\uFEFF${EN}`), 'readable', 'a byte order mark is skipped');

  for (const [change, reason] of [
    [{ Action: 7 }, 'rule "Test rule" has Action 7'],
    [{ Action: 'Block' }, 'rule "Test rule" has Action "Block"'],
    [{ Action: 4.5 }, 'rule "Test rule" has Action 4.5'],
    [{ Enabled: true }, 'rule "Test rule" has Enabled true'],
    [{ Direction: undefined }, 'rule "Test rule" has no Direction'],
    [{ Profile: 8 }, 'rule "Test rule" has Profile 8'],
    [{ Profile: 65535 }, 'rule "Test rule" has Profile 65535'],
    [{ Profile: -1 }, 'rule "Test rule" has Profile -1'],
    [{ Program: null }, 'rule "Test rule" came without its application filter'],
    [{ Service: null }, 'rule "Test rule" came without its service filter'],
    [{ Protocol: null }, 'rule "Test rule" came without its port filter'],
    [{ RemoteAddress: null }, 'rule "Test rule" came without its address filter'],
    [{ RemotePort: [['80']] }, 'rule "Test rule" has RemotePort [["80"]]'],
    [{ Program: 42 }, 'rule "Test rule" has Program 42'],
  ] as const) {
    t.equal(why(doc([rule(change)])), `printed JSON g2probe cannot read: ${reason}`, reason);
  }
  t.equal(why(doc([rule(), 'rule'])), 'printed JSON g2probe cannot read: rule 2 is not an object');
  t.equal(why(doc([rule({ Action: 7 })]), 'profiles'), 'readable', 'an unreadable rule leaves the profiles readable');

  t.test('what ConvertTo-Json does to lists of one', async (t) => {
    const single = JSON.stringify({ rules: rule({ RemotePort: '8200', RemoteAddress: '10.0.0.0/255.0.0.0', LocalAddress: { value: ['Any'], Count: 1 } }), profiles: { Name: 'Public', Enabled: 0, DefaultOutboundAction: 2 } });
    const read = parseNetSecurity(single);
    t.match(read.rules, { readable: true, value: [{ remotePorts: '8200', remoteIPs: '10.0.0.0/255.0.0.0', localIPs: 'Any' }] });
    t.same(read.profiles, { readable: true, value: [{ profile: 'public', state: 'off', outbound: 'allow' }] });
    t.match(parseNetSecurity(doc([rule({ RemotePort: { value: ['80', '443'], Count: 2 } })])).rules, { readable: true, value: [{ remotePorts: '80,443' }] });
    t.match(parseNetSecurity(doc([rule({ RemotePort: [], RemoteAddress: [''], Program: '', Protocol: '' })])).rules,
      { readable: true, value: [{ remotePorts: 'Any', remoteIPs: 'Any', program: null, protocol: 'Any' }] }, 'empty is Any');
  });

  t.test('names: escaped, cut, never taken from the prototype', async (t) => {
    const read = rulesOf(doc([rule({ DisplayName: '\x1b]0;owned\x07Block \x9b31m', Program: 'C:\\\x1b[2Jx.exe' })]))[0];
    t.equal(read?.name, '\\x1b]0;owned\\x07Block \\x9b31m');
    t.equal(read?.program, 'C:\\\\x1b[2Jx.exe');
    t.equal(rulesOf(doc([rule({ DisplayName: '', Name: 'ID-only' })]))[0]?.name, 'ID-only', 'the ID when there is no display name');
    t.equal(rulesOf(doc([rule({ DisplayName: 7, Name: null })]))[0]?.name, 'rule 1');
    t.equal(rulesOf(doc([rule({ DisplayName: 'x'.repeat(5000) })]))[0]?.name, `${'x'.repeat(200)}…`);
    const proto = `{"rules":[{"__proto__":{"Enabled":1},${JSON.stringify(rule()).slice(1).replace('"Enabled":1,', '')}],"profiles":[]}`;
    t.equal(why(proto), 'printed JSON g2probe cannot read: rule "Test rule" has no Enabled', '__proto__ is a key like any other');
    const policy = await inspect(fakeRunner({ powershell: ok(doc([rule({ DisplayName: '\x1b[31mBlock' })])) }).run, ENV, 'host');
    t.notMatch(JSON.stringify(policy), /\\u001b/, 'no raw escape reaches the report');
  });

  t.test('profiles', async (t) => {
    const profile = (change: Record<string, unknown>) => why(doc([], [{ Name: 'Domain', Enabled: 1, DefaultOutboundAction: 0, ...change }]), 'profiles');
    t.equal(profile({}), 'readable');
    t.equal(profile({ Name: 'domain' }), 'readable', 'names compared without case');
    t.equal(profile({ Name: 'Domäne' }), 'printed JSON g2probe cannot read: profile 1 has Name "Domäne"');
    t.equal(profile({ Name: 'constructor' }), 'printed JSON g2probe cannot read: profile 1 has Name "constructor"');
    t.equal(profile({ Enabled: 3 }), 'printed JSON g2probe cannot read: the domain profile has Enabled 3');
    t.equal(profile({ Enabled: 'True' }), 'printed JSON g2probe cannot read: the domain profile has Enabled "True"');
    t.equal(profile({ DefaultOutboundAction: 1 }), 'printed JSON g2probe cannot read: the domain profile has DefaultOutboundAction 1');
    t.equal(profile({ DefaultOutboundAction: undefined }), 'printed JSON g2probe cannot read: the domain profile has no DefaultOutboundAction');
    const twice = why(doc([], [{ Name: 'Public', Enabled: 1, DefaultOutboundAction: 4 }, { Name: 'PUBLIC', Enabled: 0, DefaultOutboundAction: 2 }]), 'profiles');
    t.equal(twice, 'printed JSON g2probe cannot read: the public profile is listed twice');
    const states = parseNetSecurity(doc([], [0, 1, 2].map((n, i) => ({ Name: ['Domain', 'Private', 'Public'][i], Enabled: n, DefaultOutboundAction: [0, 2, 4][i] })))).profiles;
    t.same(states, { readable: true, value: [
      { profile: 'domain', state: 'off', outbound: 'not-configured' },
      { profile: 'private', state: 'on', outbound: 'allow' },
      { profile: 'public', state: 'not-configured', outbound: 'block' },
    ] });
  });
});

t.test('systemRunner: the encoding and the time limit are the caller\'s', async (t) => {
  const text = 'Kernnetzwerk – Über コア';
  const script = `process.stdout.write(${JSON.stringify(text)})`;
  t.same(await systemRunner(process.execPath, ['-e', script], { encoding: 'utf8' }), { ok: true, stdout: text });
  const latin1 = await systemRunner(process.execPath, ['-e', script]);
  t.ok(latin1.ok && latin1.stdout !== text && latin1.stdout.startsWith('Kernnetzwerk '), 'netsh\'s default, latin1, keeps the bytes');
  t.same(await systemRunner(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { timeoutMs: 300 }), { ok: false, why: 'did not finish within 0.3 s' });
});
