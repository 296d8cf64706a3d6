// The field corpus's firewall listings (../shared/corpus/firewall-ps): the NetSecurity cmdlets' text output, read back
// into facts by a test helper, turned into the JSON document g2probe's own script would print on that PC, and judged
// by g2probe as EXPECTED.md says. A part the capture does not show is left out of the document, as when the cmdlet
// fails (g2probe then says it is unknown); a filter the capture does not show is given the widest value, Any, unless
// the source says what it is, so that a verdict that holds holds whatever the filter was.
import t from 'tap';
import type { LocalPolicy } from '../../../src/core/types.js';
import { inspectLocalPolicy, type CommandRunner } from '../../../src/pc/local-policy.js';
import { parseNetSecurity } from '../../../src/pc/windows/netsecurity.js';
import { corpusText, withCorpus } from '../../helpers/corpus.js';
import { applicationFilter, listed, netSecurityDocument, portFilter, profileDocument, ruleDocument, type Listed, type RuleFilters } from '../../helpers/firewall-listing.js';
import { WINDOWS_ENV, X86 } from '../../helpers/windows.js';

const ANY: RuleFilters = { Program: 'Any', Package: '', Service: 'Any', Protocol: 'Any', RemotePort: ['Any'], RemoteAddress: ['Any'], LocalAddress: ['Any'] };
const INSTALLED = new Set([`${X86}g2svc.exe`, `${X86}g2comm.exe`, 'C:\\Users\\pat\\AppData\\Local\\Citrix\\GoToMyPC\\g2viewer.exe']);

const capture = (name: string): Listed[] => listed(corpusText(`firewall-ps/${name}`));
const one = (name: string): Listed => {
  const objects = capture(name);
  if (objects.length !== 1) throw new Error(`${name}: ${objects.length} objects`);
  return objects[0] as Listed;
};

/** g2probe's reading of this PC when PowerShell prints `document`; netsh and reg answer nothing. */
async function judged(document: string): Promise<Extract<LocalPolicy, { applies: true }>> {
  const run: CommandRunner = async (file) => (file.toLowerCase().endsWith('powershell.exe') ? { ok: true, stdout: document } : { ok: false, why: 'exited with code 1' });
  const policy = await inspectLocalPolicy({ platform: 'win32', role: null, env: WINDOWS_ENV, run, exists: (file) => INSTALLED.has(file) });
  if (!policy.applies) throw new Error(policy.why);
  return policy;
}
const program = (policy: Extract<LocalPolicy, { applies: true }>, name: string) => {
  const found = policy.executables.find((e) => e.name === name);
  if (!found) throw new Error(`${name} not judged`);
  return found;
};

withCorpus(t, 'the listings are read into facts', async (t) => {
  const counts = Object.fromEntries([
    'firewall-ps-en-0xdf-fighter-profiles-block-block-snip.txt', 'firewall-ps-zh-blog-profiles-all-disabled.txt', 'firewall-ps-fr-tp-reseau-profile-domain-only.txt',
  ].map((name) => [name, capture(name).map((p) => p.get('Name'))]));
  t.same(counts, {
    'firewall-ps-en-0xdf-fighter-profiles-block-block-snip.txt': ['Domain', 'Private', 'Public'],
    'firewall-ps-zh-blog-profiles-all-disabled.txt': ['Domain', 'Private', 'Public'],
    'firewall-ps-fr-tp-reseau-profile-domain-only.txt': ['Domain'],
  });
  t.equal(one('firewall-ps-en-0xdf-fighter-rule-wrapped-status-trailing-spaces.txt').get('Status'), 'The rule was parsed successfully from the store. (65536)', 'a wrapped Status joined');
  t.same(portFilter(one('firewall-ps-en-wsl-ssh-notes-portfilter-md-breaks.txt')), { Protocol: 'TCP', RemotePort: ['Any'] }, 'wsl-ssh: TCP, remote port Any (its LocalPort 22 is no part of the document)');
  t.equal(one('firewall-ps-en-wsl-ssh-notes-portfilter-md-breaks.txt').get('LocalPort'), '22');
  t.same(applicationFilter(one('firewall-ps-en-ncsi-notes-appfilter-unexpanded.txt')), { Program: '%SystemRoot%\\System32\\svchost.exe', Package: '' });
});

withCorpus(t, 'profiles: off everywhere, blocking everywhere, the Domain profile alone', async (t) => {
  const profiles = (name: string) => capture(name).map(profileDocument);

  const off = await judged(netSecurityDocument({ profiles: profiles('firewall-ps-zh-blog-profiles-all-disabled.txt') }));
  t.match(off.firewall.profiles, { readable: true, value: [{ profile: 'domain', state: 'off' }, { profile: 'private', state: 'off' }, { profile: 'public', state: 'off' }] });
  t.match(program(off, 'g2svc.exe').why, /The firewall is off in every profile, though, so no rule can stop it\.$/, 'zh blog: the firewall off on all profiles');

  const blocking = await judged(netSecurityDocument({ profiles: profiles('firewall-ps-en-0xdf-fighter-profiles-block-block-snip.txt') }));
  t.match(program(blocking, 'g2svc.exe').why, /outbound connections are blocked by default in the domain, private and public profiles, unless a rule allows it\.$/,
    'Fighter: "All the profiles are set to block unless otherwise allowed."');

  const domain = await judged(netSecurityDocument({ profiles: profiles('firewall-ps-fr-tp-reseau-profile-domain-only.txt') }));
  t.same(domain.firewall.profiles, { readable: true, value: [{ profile: 'domain', state: 'on', outbound: 'not-configured' }] }, 'TP réseau: a firewall is on, in the Domain profile');
  t.match(program(domain, 'g2svc.exe').why, /outbound connections are allowed by default in the domain profile, unless a rule blocks it\.$/);
});

withCorpus(t, 'rules: each judged as its source says', async (t) => {
  const rule = (name: string, filters: Partial<RuleFilters> = {}) => ruleDocument(one(name), { ...ANY, ...filters });

  // "This rule is blocking all outbound TCP." (0xdf, Object): the source's port filter.
  const block = await judged(netSecurityDocument({ rules: [rule('firewall-ps-en-0xdf-object-blockoutbound-rule-jenkins.txt', { Protocol: 'TCP' })] }));
  t.same(block.firewall.generalBlocks, [{ name: 'BlockOutboundDC', action: 'block', profiles: ['domain', 'private', 'public'], ports: [80, 443, 8200], remoteIPs: 'Any' }],
    'BlockOutboundDC: outbound, block, any program: it stops GoToMyPC on 80, 443 and 8200');
  t.match(program(block, 'g2svc.exe').why, /The block rule "BlockOutboundDC" for every program covers TCP 80, 443 and 8200 as well, and block wins over allow\./);

  // Fighter: "only 80 and 443 are allowed out on TCP", the profiles blocking by default.
  const fighter = await judged(netSecurityDocument({
    rules: [rule('firewall-ps-en-0xdf-fighter-rule-wrapped-status-trailing-spaces.txt', { Protocol: 'TCP', RemotePort: ['80', '443'] })],
    profiles: capture('firewall-ps-en-0xdf-fighter-profiles-block-block-snip.txt').map(profileDocument),
  }));
  const svc = program(fighter, 'g2svc.exe');
  t.equal(svc.verdict, 'allowed', 'http_out: an allow rule for every program lets it out');
  t.match(svc.why, /^Allowed going out on TCP 80 and 443 by the firewall rule "http_out" for every program\. No rule allows TCP 8200, and outbound connections are blocked by default/,
    'on 80 and 443, and not on 8200');

  // Inbound rules say nothing of GoToMyPC's connections out, whatever their filters.
  const inbound = await judged(netSecurityDocument({ rules: [rule('firewall-ps-es-gitbook-deny-winrm-inbound-block.txt'), rule('firewall-ps-ja-win11-notes-openssh-rule-private-packagefamily.txt', { Protocol: 'TCP' })] }));
  t.same(inbound.firewall.generalBlocks, [], 'Deny WinRM: an inbound block, read in a Spanish listing, stops nothing going out');
  t.equal(program(inbound, 'g2svc.exe').verdict, 'no-rule');
  const read = parseNetSecurity(netSecurityDocument({ rules: [rule('firewall-ps-ja-win11-notes-openssh-rule-private-packagefamily.txt'), rule('firewall-ps-es-gitbook-deny-winrm-inbound-block.txt')] })).rules;
  t.match(read, { readable: true, value: [
    { name: 'OpenSSH SSH Server (sshd)', enabled: true, direction: 'in', action: 'allow', profiles: ['private'] },
    { name: 'Deny WinRM', enabled: true, direction: 'in', action: 'block', profiles: ['domain', 'private', 'public'] },
  ] }, 'OpenSSH-Server-In-TCP: Private only (so an Ethernet on the Public profile cannot connect); Deny WinRM: any profile');

  // iCloud's rule is a packaged app's (its Group is the package's resource string): its application filter names the package.
  const icloud = one('firewall-ps-zh-blog-icloud-uwp-outbound-rule.txt');
  const packageName = /^@\{([^?]+)\?/.exec(icloud.get('Group') ?? '')?.[1] ?? '';
  t.equal(packageName, 'AppleInc.iCloud_12.2.10.0_x86__nzyj5cx40ttqa');
  const app = await judged(netSecurityDocument({ rules: [ruleDocument(icloud, { ...ANY, Package: packageName })] }));
  t.match(parseNetSecurity(netSecurityDocument({ rules: [ruleDocument(icloud, { ...ANY, Package: packageName })] })).rules, { readable: true, value: [{ name: 'iCloud', direction: 'out', action: 'allow', profiles: ['domain', 'private', 'public'] }] });
  t.same(app.executables.map((e) => e.verdict), ['no-rule', 'no-rule', 'no-rule'], "iCloud's allow is the app's own: it lets no GoToMyPC program out");

  // NCSI notes: the netprofm rule, disabled, with its application and service filters from the same notes.
  const netprofm = ruleDocument(one('firewall-ps-en-ncsi-notes-rule-win11-wide-labels.txt'), { ...ANY, ...applicationFilter(one('firewall-ps-en-ncsi-notes-appfilter-unexpanded.txt')), Service: 'netprofm' });
  t.match(parseNetSecurity(netSecurityDocument({ rules: [netprofm] })).rules, { readable: true, value: [{ name: 'netprofm', enabled: false, program: '%SystemRoot%\\System32\\svchost.exe', service: 'netprofm' }] },
    'the program kept as stored, %SystemRoot% unexpanded');
  const disabled = await judged(netSecurityDocument({ rules: [{ ...netprofm, Program: 'Any', Service: 'Any', Action: 4 }] }));
  t.same(disabled.firewall.generalBlocks, [], 'a disabled rule counts for nothing, even made a block for every program');
});
