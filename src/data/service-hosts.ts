// The names GoToMyPC and GoTo services use, kept beside the ranges: resolved, then probed before the ranges.

export interface ServiceHost {
  name: string;
  /** What the name is for, in the words a helpdesk can repeat. */
  use: string;
  /** GoToMyPC does not work without it; the other names are GoTo's wider estate, reported but not decisive. */
  essential: boolean;
}

export const SERVICE_HOSTS: readonly ServiceHost[] = [
  { name: 'poll.gotomypc.com', use: 'GoToMyPC broker that host PCs poll for connection requests', essential: true },
  { name: 'www.gotomypc.com', use: 'GoToMyPC sign-in and the web viewer', essential: true },
  { name: 'get.gotomypc.com', use: 'GoToMyPC downloads and updates', essential: false },
  { name: 'goto.com', use: 'GoTo accounts and sign-in', essential: false },
  { name: 'gotomeeting.com', use: 'GoTo services domain', essential: false },
  { name: 'logmeininc.com', use: 'GoTo (formerly LogMeIn) services domain', essential: false },
  { name: 'citrixonline.com', use: 'Citrix Online-era domain, still used by older installs', essential: false },
  { name: 'expertcity.com', use: 'Expertcity-era domain (GoToMyPC\'s first owner), still used by older installs', essential: false },
];

/** Addresses a DNS filter answers with in place of the real ones. Loopback and private answers count only outside the run's ranges. */
export interface SinkholeRange {
  cidr: string;
  why: string;
}

export const SINKHOLES: readonly SinkholeRange[] = [
  { cidr: '0.0.0.0/8', why: 'an unroutable address (0.0.0.0), the usual answer of a DNS filter or hosts-file blocklist' },
  { cidr: '::/128', why: 'the unspecified address (::), the usual answer of a DNS filter or hosts-file blocklist' },
  { cidr: '127.0.0.0/8', why: 'a loopback address: this PC itself, not a GoTo server' },
  { cidr: '::1/128', why: 'the loopback address: this PC itself, not a GoTo server' },
  { cidr: '10.0.0.0/8', why: 'a private address: a filter\'s block page or a split-horizon DNS, not a GoTo server' },
  { cidr: '172.16.0.0/12', why: 'a private address: a filter\'s block page or a split-horizon DNS, not a GoTo server' },
  { cidr: '192.168.0.0/16', why: 'a private address: a filter\'s block page or a split-horizon DNS, not a GoTo server' },
  { cidr: '100.64.0.0/10', why: 'a shared (carrier-grade NAT) address, not a GoTo server' },
  { cidr: '169.254.0.0/16', why: 'a link-local address, not a GoTo server' },
  { cidr: 'fc00::/7', why: 'a private (unique local) address, not a GoTo server' },
  { cidr: 'fe80::/10', why: 'a link-local address, not a GoTo server' },
  // Cisco Umbrella (OpenDNS) answers blocked names with its block-page servers, 146.112.61.104–110
  // (support.umbrella.com, "Block page IP addresses").
  { cidr: '146.112.61.104/29', why: 'a Cisco Umbrella (OpenDNS) block page' },
];
