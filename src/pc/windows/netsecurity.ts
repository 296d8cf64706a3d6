// Windows Defender Firewall through PowerShell's NetSecurity cmdlets: the one script g2probe runs, and its
// parser. The script prints the rules, their filters and the profiles as one JSON document whose enums are
// numbers and whose paths, ports and addresses are the stored strings, so Windows's language does not matter
// (only the display names are translated, and they are only shown). Pure: text in, data out.
import { escapeText } from '../../core/escape.js';
import type { FirewallAction, FirewallProfile, FirewallProfileState, FirewallRule, Reading } from '../../core/types.js';
import { MAX_ADDRESS_TEXT, MAX_PATH_TEXT } from './advfirewall.js';

/**
 * The ActiveStore is what the firewall enforces: local rules merged with Group Policy's. Each filter type is
 * fetched once for the whole store and joined to its rule by InstanceID: piping every rule into the filter
 * cmdlets costs one CIM query per rule and filter, minutes on a real PC. A rule the bulk query left out (it can
 * without administrator rights) is asked about on its own. Enums are cast to [int], so that no version's
 * ConvertTo-Json can print them as (English) names. One line of single quotes only: the script travels whole
 * as one command-line argument, which no quoting rule can change. Constrained Language Mode would refuse the
 * encoding line, failing the script as a whole: netsh then answers.
 */
export const NETSECURITY_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  // Nothing but the document: no progress records, no warnings.
  "$ProgressPreference = 'SilentlyContinue'",
  "$WarningPreference = 'SilentlyContinue'",
  '[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false',
  "$store = @{ PolicyStore = 'ActiveStore' }",
  'function ById($filters) { $map = @{}; foreach ($f in $filters) { $map[[string]$f.InstanceID] = $f }; $map }',
  'function FilterOf($index, $rule, $cmd) { $f = $index[[string]$rule.InstanceID]; if ($null -eq $f) { $f = @($rule | & $cmd)[0] }; $f }',
  // Null marks a filter that was not found at all, so that it is never mistaken for Any.
  'function Text($filter, $name) { if ($null -eq $filter) { $null } else { [string]$filter.$name } }',
  'function List($filter, $name) { if ($null -eq $filter) { $null } else { ,@(foreach ($v in $filter.$name) { [string]$v }) } }',
  '$apps = ById (Get-NetFirewallApplicationFilter -All @store)',
  '$services = ById (Get-NetFirewallServiceFilter -All @store)',
  '$ports = ById (Get-NetFirewallPortFilter -All @store)',
  '$addresses = ById (Get-NetFirewallAddressFilter -All @store)',
  '$rules = foreach ($r in Get-NetFirewallRule -All @store) {'
    + " $a = FilterOf $apps $r 'Get-NetFirewallApplicationFilter'; $s = FilterOf $services $r 'Get-NetFirewallServiceFilter';"
    + " $p = FilterOf $ports $r 'Get-NetFirewallPortFilter'; $d = FilterOf $addresses $r 'Get-NetFirewallAddressFilter';"
    + ' [ordered]@{ Name = [string]$r.Name; DisplayName = [string]$r.DisplayName; DisplayGroup = [string]$r.DisplayGroup;'
    + ' Enabled = [int]$r.Enabled; Direction = [int]$r.Direction; Action = [int]$r.Action; Profile = [int]$r.Profile;'
    + " Program = Text $a 'Program'; Package = Text $a 'Package'; Service = Text $s 'Service'; Protocol = Text $p 'Protocol';"
    + " RemotePort = List $p 'RemotePort'; RemoteAddress = List $d 'RemoteAddress'; LocalAddress = List $d 'LocalAddress' } }",
  '$profiles = foreach ($f in Get-NetFirewallProfile -All @store) {'
    + ' [ordered]@{ Name = [string]$f.Name; Enabled = [int]$f.Enabled; DefaultOutboundAction = [int]$f.DefaultOutboundAction } }',
  'ConvertTo-Json -Compress -Depth 5 -InputObject ([ordered]@{ rules = @($rules); profiles = @($profiles) })',
].join('; ');

/** powershell.exe's arguments: no profile script to slow it or print, no prompt, no execution policy in the way. */
export const NETSECURITY_ARGS: readonly string[] = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', NETSECURITY_SCRIPT];

// The numbers, from Microsoft's MSFT_NetFirewallRule class (WFasCim.mof; learn.microsoft.com/previous-versions/
// windows/desktop/wfascimprov/msft-netfirewallrule, MicrosoftDocs/win32 desktop-src/FWP/wmi/wfascimprov/
// msft-netfirewallrule.md): Direction Inbound 1, Outbound 2; Action Allow 2, AllowBypass 3, Block 4; Enabled
// 1 enabled, 2 disabled; Profiles a bit mask, Domain 0x1, Private 0x2, Public 0x4, Any 0. The NetSecurity
// module's own enums say the same (its cdxml: NetSecurity.Enabled True 1, False 2; NetSecurity.Profile Any 0,
// Domain 1, Private 2, Public 4, NotApplicable 65535).
const DIRECTION = new Map<number, FirewallRule['direction']>([[1, 'in'], [2, 'out']]);
const ACTION = new Map<number, FirewallAction>([[2, 'allow'], [3, 'bypass'], [4, 'block']]);
const ENABLED = new Map<number, boolean>([[1, true], [2, false]]);
const PROFILE_BITS: readonly [number, FirewallProfile][] = [[1, 'domain'], [2, 'private'], [4, 'public']];

// MSFT_NetFirewallProfile documents these as uint16 without their values (msft-netfirewallprofile.md).
// DefaultOutboundAction is a NetSecurity.Action, the type of New-NetFirewallRule's -Action (NotConfigured,
// Allow, Block): Allow 2 and Block 4 as in MSFT_NetFirewallRule, NotConfigured 0. Enabled is a
// NetSecurity.GpoBoolean: False 0, True 1 (as MS-FASP's FW_PROFILE_CONFIG_ENABLE_FW, 0 off and 1 on),
// NotConfigured 2. NotConfigured's two values come from other projects' code, not from Microsoft's pages.
const PROFILE_ENABLED = new Map<number, FirewallProfileState['state']>([[0, 'off'], [1, 'on'], [2, 'not-configured']]);
const DEFAULT_OUTBOUND = new Map<number, FirewallProfileState['outbound']>([[0, 'not-configured'], [2, 'allow'], [4, 'block']]);
const PROFILE_NAMES: readonly FirewallProfile[] = ['domain', 'private', 'public'];

export interface NetSecurityReading {
  rules: Reading<FirewallRule[]>;
  profiles: Reading<FirewallProfileState[]>;
}

/** Why a part could not be read. Thrown inside the parser only, and returned as data. */
class Unreadable extends Error {}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
/** Own keys only: a "__proto__" or "constructor" in the document must not find Object's prototype. */
const own = (object: Json, key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined);

/** Neither part read, for one reason: the document as a whole, or PowerShell itself, failed. */
export const unreadableBoth = (why: string): NetSecurityReading => ({ rules: { readable: false, why }, profiles: { readable: false, why } });

/** `rule "X" has Action 7`, or `has no Action`: the value as the document holds it, short and escaped. */
const has = (subject: string, key: string, value: unknown): string =>
  `${subject} has ${value === undefined ? `no ${key}` : `${key} ${escapeText(JSON.stringify(value), 40)}`}`;

/** An enum's number, which must be one of `values`. */
function coded<T>(raw: Json, key: string, values: ReadonlyMap<number, T>, subject: string): T {
  const value = own(raw, key);
  const known = typeof value === 'number' ? values.get(value) : undefined;
  if (known === undefined) throw new Unreadable(has(subject, key, value));
  return known;
}

/** The script's JSON document: every rule and every profile, or why each could not be read. Never throws. */
export function parseNetSecurity(output: string): NetSecurityReading {
  const text = output.replace(/^\uFEFF/, '').trim();
  if (text === '') return unreadableBoth('printed nothing');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const end = text.slice(-40);
    return unreadableBoth(`printed no JSON document g2probe can read (cut short?): it began "${escapeText(text, 40)}" and ended "${escapeText(end)}"`);
  }
  if (!isObject(doc)) return unreadableBoth('printed JSON that is not the document g2probe asks for');
  return { rules: part(() => listOf(own(doc, 'rules'), 'rules').map(toRule)), profiles: part(() => toProfiles(listOf(own(doc, 'profiles'), 'profiles'))) };
}

function part<T>(read: () => T): Reading<T> {
  try {
    return { readable: true, value: read() };
  } catch (error) {
    if (error instanceof Unreadable) return { readable: false, why: `printed JSON g2probe cannot read: ${error.message}` };
    throw error;
  }
}

/** ConvertTo-Json writes a list of one as the item itself, and Windows PowerShell 5.1 can wrap a list as {value, Count}. */
function items(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  const wrapped = isObject(value) ? own(value, 'value') : undefined;
  return Array.isArray(wrapped) ? wrapped : [value];
}

function listOf(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value) && !isObject(value)) throw new Unreadable(`the document has no list of ${what}`);
  return items(value);
}

function toRule(raw: unknown, index: number): FirewallRule {
  if (!isObject(raw)) throw new Unreadable(`rule ${index + 1} is not an object`);
  const label = (key: string) => {
    const value = own(raw, key);
    return typeof value === 'string' ? value : '';
  };
  // DisplayName is what wf.msc and netsh show; Name, the rule's ID, is there when a display name is not.
  const name = escapeText(label('DisplayName') || label('Name') || `rule ${index + 1}`);
  const subject = `rule "${name}"`;
  const bad = (key: string, value: unknown) => new Unreadable(has(subject, key, value));
  /** A filter's field: null means the script found no such filter for the rule, which is not Any. */
  const filtered = <T>(key: string, filter: string, read: (value: unknown) => T | undefined): T => {
    const value = own(raw, key);
    if (value === null || value === undefined) throw new Unreadable(`rule "${name}" came without its ${filter} filter`);
    const known = read(value);
    if (known === undefined) throw bad(key, value);
    return known;
  };
  const mask = own(raw, 'Profile');
  if (typeof mask !== 'number' || !Number.isInteger(mask) || mask < 0 || mask > 7) throw bad('Profile', mask);
  const anyOrNull = (max?: number) => (value: unknown): string | null | undefined =>
    typeof value !== 'string' ? undefined : value === '' || value.toLowerCase() === 'any' ? null : escapeText(value, max);
  const list = (max?: number) => (value: unknown): string | undefined => {
    const values = items(value);
    if (!values.every((item) => typeof item === 'string')) return undefined;
    const words = values.map((item) => item.trim()).filter((item) => item !== '');
    return words.length === 0 ? 'Any' : escapeText(words.join(','), max);
  };
  return {
    name,
    enabled: coded(raw, 'Enabled', ENABLED, subject),
    direction: coded(raw, 'Direction', DIRECTION, subject),
    profiles: PROFILE_BITS.filter(([bit]) => mask === 0 || (mask & bit) !== 0).map(([, profile]) => profile),
    action: coded(raw, 'Action', ACTION, subject),
    program: filtered('Program', 'application', anyOrNull(MAX_PATH_TEXT)),
    package: filtered('Package', 'application', anyOrNull()),
    service: filtered('Service', 'service', anyOrNull()),
    protocol: filtered('Protocol', 'port', (value) => (typeof value !== 'string' ? undefined : escapeText(value.trim() || 'Any'))),
    remotePorts: filtered('RemotePort', 'port', list()),
    remoteIPs: filtered('RemoteAddress', 'address', list(MAX_ADDRESS_TEXT)),
    localIPs: filtered('LocalAddress', 'address', list(MAX_ADDRESS_TEXT)),
    grouping: escapeText(label('DisplayGroup')),
  };
}

function toProfiles(raws: unknown[]): FirewallProfileState[] {
  if (raws.length === 0) throw new Unreadable('the document lists no profile');
  const profiles: FirewallProfileState[] = [];
  for (const [index, raw] of raws.entries()) {
    if (!isObject(raw)) throw new Unreadable(`profile ${index + 1} is not an object`);
    const name = own(raw, 'Name');
    // Domain, Private and Public are the profiles' names in every language: they are keys, not labels.
    const profile = PROFILE_NAMES.find((p) => typeof name === 'string' && name.toLowerCase() === p);
    if (profile === undefined) throw new Unreadable(has(`profile ${index + 1}`, 'Name', name));
    if (profiles.some((p) => p.profile === profile)) throw new Unreadable(`the ${profile} profile is listed twice`);
    const subject = `the ${profile} profile`;
    profiles.push({ profile, state: coded(raw, 'Enabled', PROFILE_ENABLED, subject), outbound: coded(raw, 'DefaultOutboundAction', DEFAULT_OUTBOUND, subject) });
  }
  return profiles;
}
