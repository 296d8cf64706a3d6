import type { RangeSpec } from '../types.js';

/**
 * The published GoTo ranges. `current` is GoTo's own firewall page; `legacy` is the Citrix Online list
 * from the GoToMyPC era, kept because older installs and old firewall rules still refer to it.
 */
const CURRENT = [
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
];

const LEGACY = [
  '216.219.112.0/20',
  '66.151.158.0/24',
  '66.151.150.160/27',
  '66.151.115.128/26',
  '64.74.80.0/24',
  '206.183.100.0/22',
  '103.15.16.0/22',
  '180.153.30.0/23',
  '140.207.108.0/23',
];

export const BUILTIN_RANGES: readonly RangeSpec[] = [
  ...CURRENT.map((cidr): RangeSpec => ({ cidr, source: 'goto-firewall-page', status: 'current' })),
  ...LEGACY.map((cidr): RangeSpec => ({ cidr, source: 'citrix-online-legacy', status: 'legacy' })),
];
