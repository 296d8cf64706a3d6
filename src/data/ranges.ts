// The published GoTo ranges, list by list, each with the TCP ports it documents and where it comes from
// (shared/research/goto-servers.md has the sources and how sure each is).
import type { RangeListInfo, RangeSpec } from '../core/types.js';

interface BuiltinList extends RangeListInfo {
  ports: number[];
  cidrs: readonly string[];
}

export const BUILTIN_LISTS: readonly BuiltinList[] = [
  {
    name: 'goto-meeting',
    title: 'GoTo Meeting media servers (video, audio, screen sharing, edge), for TCP 443',
    status: 'current',
    ports: [443],
    // The TCP 443 table of the page, exactly; on it 1853 and 8200 are UDP media ports with TCP fallback to 443.
    source: 'GoTo, "Minimal Firewall Settings for Using the V10 GoTo Meeting, GoTo Webinar, and GoTo Training Desktop App": support.goto.com/meeting/help/minimal-firewall-settings-for-using-the-v10-goto-meeting-goto-webinar-and-goto-training-desktop-app',
    cidrs: [
      '23.239.228.0/22',
      '23.239.232.0/23',
      '23.239.234.0/23',
      '23.239.236.0/23',
      '67.217.64.0/19',
      '68.64.0.0/19',
      '78.108.112.0/20',
      '173.199.0.0/18',
      '202.173.24.0/21',
      '216.115.208.0/20',
    ],
  },
  {
    name: 'gotomypc',
    title: 'GoToMyPC / Citrix Online list of the GoToMyPC era (possibly retired), for TCP 80, 443 and 8200',
    status: 'legacy',
    ports: [80, 443, 8200],
    source: 'www.citrixonline.com/iprange, named on GoTo\'s "Firewalls and GoToMyPC" page; copied in kb.k12usa.com/Print50001.aspx, citing Citrix\'s OSDFirewallSpec.pdf',
    cidrs: [
      '216.115.208.0/20',
      '216.219.112.0/20',
      '66.151.158.0/24',
      '66.151.150.160/27',
      '66.151.115.128/26',
      '64.74.80.0/24',
      '202.173.24.0/21',
      '67.217.64.0/19',
      '78.108.112.0/20',
      '68.64.0.0/19',
      '206.183.100.0/22',
      '173.199.0.0/18',
      '103.15.16.0/22',
      '180.153.30.0/23',
      '140.207.108.0/23',
    ],
  },
];

/**
 * One entry per range, in the order the lists give them: a range on both lists (six are) serves the ports of
 * both, and a port only the legacy list documents for it stays a legacy port.
 */
function merge(lists: readonly BuiltinList[]): RangeSpec[] {
  const byCidr = new Map<string, { lists: string[]; current: Set<number>; legacy: Set<number> }>();
  for (const list of lists) {
    for (const cidr of list.cidrs) {
      let entry = byCidr.get(cidr);
      if (!entry) byCidr.set(cidr, (entry = { lists: [], current: new Set(), legacy: new Set() }));
      entry.lists.push(list.name);
      for (const port of list.ports) entry[list.status].add(port);
    }
  }
  return [...byCidr].map(([cidr, { lists: names, current, legacy }]) => {
    const ports = [...new Set([...current, ...legacy])].sort((a, b) => a - b);
    return {
      cidr,
      lists: names,
      ports,
      legacyPorts: ports.filter((port) => !current.has(port)),
      source: 'builtin',
      status: current.size > 0 ? 'current' : 'legacy',
    };
  });
}

export const BUILTIN_RANGES: readonly RangeSpec[] = merge(BUILTIN_LISTS);

/** The lists as reports show them, without their ranges. */
export const BUILTIN_LIST_INFO: readonly RangeListInfo[] = BUILTIN_LISTS.map(({ cidrs: _cidrs, ...info }) => info);
