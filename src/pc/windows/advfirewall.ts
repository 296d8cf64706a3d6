// Windows Defender Firewall as netsh prints it, in English. netsh translates its labels and values, so
// output in another language is reported as unreadable rather than guessed at. Pure: text in, data out.
import { escapeText } from '../../core/escape.js';
import type { FirewallAction, FirewallProfile, FirewallProfileState, FirewallRule, Reading } from '../../core/types.js';

const LOCALIZED = 'could not read (localized output?)';

/** Why output could not be read, quoting its first line so that an error netsh printed is not lost. */
export function notRead(output: string): string {
  const first = output.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== '');
  return first === undefined ? 'netsh printed nothing' : `${LOCALIZED}: g2probe reads netsh's English output, and this began "${escapeText(first, 80)}"`;
}

const NO_RULES = 'No rules match the specified criteria.';
const DASHES = /^-{10,}$/;
/** `Key:   value`. Continuation lines (an ICMP rule's type/code table) start with spaces and never match. */
const KEY_LINE = /^([A-Za-z][A-Za-z ]*?):[ \t]*(.*)$/;
const RULE_KEYS = new Set([
  'Rule Name', 'Description', 'Enabled', 'Direction', 'Profiles', 'Grouping', 'LocalIP', 'RemoteIP', 'Protocol',
  'LocalPort', 'RemotePort', 'Edge traversal', 'Program', 'Service', 'InterfaceTypes', 'Security', 'Rule source', 'Action',
]);
const PROFILES: Record<string, FirewallProfile[]> = {
  domain: ['domain'], private: ['private'], public: ['public'], any: ['domain', 'private', 'public'],
};
/** Program paths run longer than escapeText's default cut, and a cut path would never match a file. */
export const MAX_PATH_TEXT = 1024;
/** Group Policy can scope a rule to hundreds of ranges: the judgement reads them all, the reports show the start. */
export const MAX_ADDRESS_TEXT = 64 * 1024;

const unreadable = <T>(why: string): Reading<T> => ({ readable: false, why });
/** Own keys only: "constructor" or "toString" in netsh's output must not find Object's prototype. */
const lookup = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

/** `netsh advfirewall firewall show rule name=all verbose`: every rule, or why they could not be read. */
export function parseFirewallRules(output: string): Reading<FirewallRule[]> {
  const lines = output.split(/\r?\n/).map((line) => line.trimEnd());
  if (lines.some((line) => line.trim() === NO_RULES)) return { readable: true, value: [] };
  const blocks: Map<string, string>[] = [];
  let current: Map<string, string> | null = null;
  let stray = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const match = KEY_LINE.exec(line);
    // A rule starts only where a Rule Name line is followed by the dashes, so a name or description
    // holding a line break cannot start a rule of its own.
    if (match?.[1] === 'Rule Name' && DASHES.test(lines[i + 1] ?? '')) {
      current = new Map([['Rule Name', match[2] ?? '']]);
      blocks.push(current);
      i++;
    } else if (line === '') {
      current = null;
    } else if (match && RULE_KEYS.has(match[1] ?? '')) {
      // Later lines win: netsh prints the Description first, so text injected into it cannot override real fields.
      if (current) current.set(match[1] ?? '', (match[2] ?? '').trim());
      else stray = true;
    }
  }
  if (blocks.length === 0) return unreadable(notRead(output));
  if (stray) return unreadable('netsh printed rule fields outside any rule: the output is not in the format g2probe reads');
  try {
    return { readable: true, value: blocks.map(toRule) };
  } catch (error) {
    if (error instanceof Unreadable) return unreadable(error.message);
    throw error;
  }
}

/** A rule g2probe cannot read: one bad rule makes the whole list unreadable, never half-read. */
class Unreadable extends Error {}

function toRule(block: Map<string, string>): FirewallRule {
  const name = escapeText(block.get('Rule Name') ?? '');
  const notEnglish = (what: string, value: string) =>
    new Unreadable(`${LOCALIZED}: rule "${name}" has ${what} "${escapeText(value, 40)}", not a value netsh prints in English`);
  const field = <T>(key: string, values: Record<string, T>): T => {
    const value = block.get(key);
    if (value === undefined) throw new Unreadable(`${LOCALIZED}: rule "${name}" has no ${key} line`);
    const known = lookup(values, value.toLowerCase());
    if (known === undefined) throw notEnglish(key, value);
    return known;
  };
  const profiles = new Set<FirewallProfile>();
  for (const word of (block.get('Profiles') ?? 'Any').split(',')) {
    const known = lookup(PROFILES, word.trim().toLowerCase());
    if (!known) throw notEnglish('profile', word);
    for (const profile of known) profiles.add(profile);
  }
  const anyOrNull = (value: string | undefined, max?: number): string | null =>
    value === undefined || value === '' || value.toLowerCase() === 'any' ? null : escapeText(value, max);
  return {
    name,
    enabled: field('Enabled', { yes: true, no: false }),
    direction: field('Direction', { in: 'in', out: 'out' } as const),
    profiles: [...profiles],
    action: field<FirewallAction>('Action', { allow: 'allow', block: 'block', bypass: 'bypass' }),
    program: anyOrNull(block.get('Program'), MAX_PATH_TEXT),
    package: null,
    service: anyOrNull(block.get('Service')),
    protocol: escapeText(block.get('Protocol') ?? 'Any'),
    remotePorts: escapeText(block.get('RemotePort') ?? 'Any'),
    remoteIPs: escapeText(block.get('RemoteIP') ?? 'Any', MAX_ADDRESS_TEXT),
    localIPs: escapeText(block.get('LocalIP') ?? 'Any', MAX_ADDRESS_TEXT),
    grouping: escapeText(block.get('Grouping') ?? ''),
  };
}

const PROFILE_HEADER = /^(Domain|Private|Public) Profile Settings:$/;
const STATES: Record<string, FirewallProfileState['state']> = { on: 'on', off: 'off', notconfigured: 'not-configured' };
const OUTBOUND: Record<string, FirewallProfileState['outbound']> = {
  allowoutbound: 'allow', blockoutbound: 'block', notconfigured: 'not-configured',
};

/** `netsh advfirewall show allprofiles`: per profile, on or off, and the default for outbound connections. */
export function parseFirewallProfiles(output: string): Reading<FirewallProfileState[]> {
  const sections: { profile: FirewallProfile; state?: string; policy?: string }[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    const header = PROFILE_HEADER.exec(line);
    const section = sections[sections.length - 1];
    if (header) sections.push({ profile: (header[1] ?? '').toLowerCase() as FirewallProfile });
    // salt's netsh wrapper notes "Not Configured" printed with a space: values are compared without spaces.
    else if (section && /^State\s/.test(line)) section.state = line.slice(5).replace(/\s+/g, '').toLowerCase();
    else if (section && /^Firewall Policy\s/.test(line)) section.policy = line.slice(15).replace(/\s+/g, '').toLowerCase();
  }
  if (sections.length === 0) return unreadable(notRead(output));
  const profiles: FirewallProfileState[] = [];
  for (const { profile, state, policy } of sections) {
    const outbound = lookup(OUTBOUND, policy?.split(',')[1] ?? '');
    const known = lookup(STATES, state ?? '');
    if (!known || !outbound) return unreadable(`${LOCALIZED}: the ${profile} profile has no State or Firewall Policy line g2probe can read`);
    profiles.push({ profile, state: known, outbound });
  }
  return { readable: true, value: profiles };
}
