// The NetSecurity cmdlets' text listings (Get-NetFirewallRule, Get-NetFirewallProfile, …Filter) read back into facts,
// and the JSON document g2probe's own script (src/pc/windows/netsecurity.ts, NETSECURITY_SCRIPT) would print on
// the PC they came from. A test helper: g2probe itself never reads these listings, whose values are localized.
// Property names are never translated, nor are enum values (True, Outbound, Block); only texts such as Status are.

/** One object of a Format-List listing: its properties as printed, by name. */
export type Listed = Map<string, string>;

/** `Name   : value`; a property name is letters only. */
const PROPERTY = /^([A-Za-z]+)\s*:(?:\s(.*))?$/;

/**
 * The objects of a listing, in order. A blank line ends an object; a line indented under a value continues it
 * (PowerShell wraps a long Status); prompts and the commands typed, `...[snip]...` and trailing spaces are the
 * page's, not the cmdlet's.
 */
export function listed(text: string): Listed[] {
  const objects: Listed[] = [];
  let current: Listed | null = null;
  let last: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (/^(PS [A-Z]:\\.*>|[A-Z]:\\.*>)|Get-NetFirewall|^\.\.\.\[snip\]\.\.\.$/.test(line)) continue;
    if (line.trim() === '') {
      current = null;
      continue;
    }
    const property = PROPERTY.exec(line);
    if (property) {
      if (current === null || current.has(property[1] ?? '')) objects.push((current = new Map()));
      last = property[1] ?? '';
      current.set(last, (property[2] ?? '').trim());
    } else if (current !== null && last !== null && /^\s/.test(raw)) {
      current.set(last, `${current.get(last) ?? ''} ${line.trim()}`.trim());
    } else {
      throw new Error(`not a listing line: ${JSON.stringify(line)}`);
    }
  }
  return objects;
}

const bad = (what: string, value: string | undefined): never => {
  throw new Error(`${what} is ${JSON.stringify(value)}`);
};

/** The script's enums, as MSFT_NetFirewallRule and the NetSecurity module number them (netsecurity.ts). */
const ENABLED: Record<string, number> = { True: 1, False: 2 };
const DIRECTION: Record<string, number> = { Inbound: 1, Outbound: 2 };
const ACTION: Record<string, number> = { Allow: 2, Block: 4 };
const PROFILE_BITS: Record<string, number> = { Domain: 1, Private: 2, Public: 4 };
const GPO_BOOLEAN: Record<string, number> = { False: 0, True: 1, NotConfigured: 2 };
const DEFAULT_ACTION: Record<string, number> = { NotConfigured: 0, Allow: 2, Block: 4 };

const lookup = (table: Record<string, number>, what: string, value: string | undefined): number =>
  value !== undefined && Object.hasOwn(table, value) ? (table[value] ?? 0) : bad(what, value);

/** What a rule's filters say, as the script prints them: null where the capture has no such filter. */
export interface RuleFilters {
  Program: string | null;
  Package: string | null;
  Service: string | null;
  Protocol: string | null;
  RemotePort: string[] | null;
  RemoteAddress: string[] | null;
  LocalAddress: string[] | null;
}

/** A Get-NetFirewallRule object, with its filters, as one of the script's rules. */
export function ruleDocument(rule: Listed, filters: RuleFilters): Record<string, unknown> {
  const profile = rule.get('Profile');
  const mask = profile === 'Any' ? 0 : (profile ?? '').split(',').map((p) => lookup(PROFILE_BITS, 'Profile', p.trim())).reduce((a, b) => a | b, 0);
  return {
    Name: rule.get('Name') ?? bad('Name', undefined),
    DisplayName: rule.get('DisplayName') ?? '',
    DisplayGroup: rule.get('DisplayGroup') ?? '',
    Enabled: lookup(ENABLED, 'Enabled', rule.get('Enabled')),
    Direction: lookup(DIRECTION, 'Direction', rule.get('Direction')),
    Action: lookup(ACTION, 'Action', rule.get('Action')),
    Profile: mask,
    ...filters,
  };
}

/** A Get-NetFirewallProfile object as one of the script's profiles. */
export function profileDocument(profile: Listed): Record<string, unknown> {
  return {
    Name: profile.get('Name') ?? bad('Name', undefined),
    Enabled: lookup(GPO_BOOLEAN, 'Enabled', profile.get('Enabled')),
    DefaultOutboundAction: lookup(DEFAULT_ACTION, 'DefaultOutboundAction', profile.get('DefaultOutboundAction')),
  };
}

/** The application filter's Program and Package ("Any" where empty, as the cmdlet stores none). */
export function applicationFilter(filter: Listed): Pick<RuleFilters, 'Program' | 'Package'> {
  return { Program: filter.get('Program') || 'Any', Package: filter.get('Package') ?? '' };
}

/** The port filter's Protocol and RemotePort (the port GoToMyPC connects to; the script prints no LocalPort). */
export function portFilter(filter: Listed): Pick<RuleFilters, 'Protocol' | 'RemotePort'> {
  return { Protocol: filter.get('Protocol') ?? bad('Protocol', undefined), RemotePort: (filter.get('RemotePort') ?? bad('RemotePort', undefined)).split(',').map((p) => p.trim()) };
}

/** The document the script prints: only the parts the capture shows (a part left out reads as the cmdlet failing). */
export function netSecurityDocument(parts: { rules?: Record<string, unknown>[]; profiles?: Record<string, unknown>[] }): string {
  return `${JSON.stringify(parts)}\r\n`;
}
