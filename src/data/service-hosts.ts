// The names GoToMyPC uses, each with the TCP ports it is used on and where that is known from
// (shared/research/goto-servers.md): resolved, then probed on those ports before the ranges. Marketing
// apex names (goto.com, gotomeeting.com, logmeininc.com) are not GoToMyPC's servers and are not here.

export interface ServiceHost {
  name: string;
  /** What the name is for, in the words a helpdesk can repeat. */
  use: string;
  /** GoToMyPC does not work without it; the other names are reported, but their silence decides nothing. */
  essential: boolean;
  /** The TCP ports GoToMyPC is known to use the name on; its addresses are probed there only. */
  ports: readonly number[];
  source: string;
  /** The host keeps a connection to it open all the time: what g2probe hold holds (and why that is known). */
  heldOpen?: string;
  /** What public material says of its addresses, if anything (g2probe rules names the names its ranges miss). */
  addresses?: HostAddresses;
}

export type HostAddresses =
  /** Served from clouds: in none of GoTo's published ranges, and changing. */
  | { kind: 'cloud'; source: string }
  /** An address a source once gave for it; whether it still has it is unknown. */
  | { kind: 'seen'; address: string; source: string };

// GoTo's domain allow-list for its apps (shared/research/goto-servers.md).
const GETGO_CLOUD: HostAddresses = { kind: 'cloud', source: "GoTo's domain allow-list puts *.getgo.com in AWS and OCI" };

const CONFIG = 'GoToMyPC\'s own configuration strings (ThreatHunting-Keywords, tools/G-H/GoToMyPC.csv)';

export const SERVICE_HOSTS: readonly ServiceHost[] = [
  {
    name: 'poll.gotomypc.com',
    use: 'GoToMyPC broker that host PCs keep a connection to and poll for connection requests',
    essential: true,
    ports: [80, 443],
    // No source says it listens on 8200.
    source: `${CONFIG}: PollServer poll.gotomypc.com; a Zeek hunting guide finds it in HTTP Host headers and TLS SNI`,
    heldOpen: 'old Citrix/Expertcity papers: the host keeps a persistent connection to the poll (broker) server and polls it with short HTTP requests',
    addresses: { kind: 'seen', address: '66.151.158.177', source: 'an old Snort rule, sid 1429, and the LOLRMM catalogue' },
  },
  {
    name: 'www.gotomypc.com',
    use: 'GoToMyPC sign-in, downloads and the web viewer',
    essential: true,
    ports: [80, 443],
    source: `${CONFIG}: DownloadServer=https://www.gotomypc.com`,
  },
  {
    name: 'get.gotomypc.com',
    use: 'GoToMyPC product and sign-up site',
    essential: false,
    ports: [443],
    source: 'links to GoToMyPC across the web point to https://get.gotomypc.com/',
  },
  {
    name: 'authentication.logmeininc.com',
    use: 'GoTo sign-in (accounts, single sign-on)',
    essential: false,
    ports: [443],
    source: 'GoTo\'s domain allow-list: *.logmeininc.com, "Authentication (critical)"; its OAuth and SAML endpoints are on this name',
  },
  {
    name: 'logging.getgo.com',
    use: 'GoToMyPC\'s logging server',
    essential: false,
    ports: [443],
    source: `${CONFIG}: LoggingServer=logging.getgo.com`,
    addresses: GETGO_CLOUD,
  },
  {
    name: 'launch.getgo.com',
    use: 'GoTo Opener, which starts GoTo apps from the browser',
    essential: false,
    ports: [443],
    source: CONFIG,
    addresses: GETGO_CLOUD,
  },
  {
    name: 'api-telemetry.servers.getgo.com',
    use: 'GoTo telemetry',
    essential: false,
    ports: [443],
    source: CONFIG,
    addresses: GETGO_CLOUD,
  },
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
