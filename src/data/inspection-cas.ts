// Issuer names that TLS-inspecting products put in the certificates they mint. A chain that is not
// publicly issued already tells the user "something re-signs your HTTPS"; naming the product tells
// them who to ask: their IT department (gateway) or their own antivirus (personal suite).
// Naming the wrong product is worse than naming none, so every pattern is tied to a product-specific
// CA or organisation name, never to a bare brand that also ran a public CA (Symantec, GeoTrust)
// or signs ordinary certificates (Cisco).

export interface InspectionProduct {
  /** Plain product name for the report, e.g. "Zscaler Internet Access". */
  product: string;
  vendor: string;
  /** Who runs it: the network (a gateway), a security suite on this PC, or a debugging proxy someone started on it. */
  kind: 'gateway' | 'personal-suite' | 'debugging-proxy';
  /** Case-insensitive patterns matched against a certificate's subject/issuer CN and O. */
  patterns: RegExp[];
  /** Where the issuer names come from (vendor docs URL), for reviewers. */
  source: string;
}

export const INSPECTION_PRODUCTS: readonly InspectionProduct[] = [
  // Corporate gateways.
  {
    product: 'Zscaler Internet Access',
    vendor: 'Zscaler',
    kind: 'gateway',
    // "Zscaler Root CA", "Zscaler Intermediate Root CA (zscloud.net)", O=Zscaler Inc.
    patterns: [/\bZscaler\b/i],
    source: 'https://help.zscaler.com/unified/choosing-ca-certificate-ssl-inspection',
  },
  {
    product: 'Fortinet FortiGate',
    vendor: 'Fortinet',
    kind: 'gateway',
    // Default deep-inspection CA is Fortinet_CA_SSL: CN=FortiGate CA (or the unit serial), O=Fortinet / Fortinet Ltd.
    // No trailing \b on Fortinet so that "Fortinet_CA_SSL" matches too.
    patterns: [/\bFortinet/i, /\bFortiGate\b/i],
    source: 'https://docs.fortinet.com/document/fortiproxy/7.4.3/cli-reference/143620',
  },
  {
    product: 'Palo Alto Networks NGFW / Prisma Access',
    vendor: 'Palo Alto Networks',
    kind: 'gateway',
    // PAN-OS has no fixed forward-trust name (the admin creates it); firewall-generated certificates carry
    // O=Palo Alto Networks and Prisma Access ships a default "Forward-Trust-CA".
    patterns: [/\bPalo Alto Networks\b/i, /\bForward[- _]?Trust\b/i],
    source: 'https://live.paloaltonetworks.com/t5/prisma-access-cloud-management/enabling-decryption-with-prisma-access-cloud-management/ta-p/396764',
  },
  {
    product: 'Blue Coat ProxySG (Symantec / Broadcom Edge SWG)',
    vendor: 'Broadcom',
    kind: 'gateway',
    // The issuer keyring is named by the admin; only vendor-named defaults are recognisable.
    patterns: [/\bBlue ?Coat\b/i, /\bProxySG\b/i, /\bSymantec SSL Visibility\b/i],
    source: 'https://knowledge.broadcom.com/external/article/367733/client-browser-intermittently-sees-a-dif.html',
  },
  {
    product: 'Sophos Firewall',
    vendor: 'Sophos',
    kind: 'gateway',
    // Built-in SecurityAppliance_SSL_CA: CN=Sophos SSL CA_<serial>, O=Sophos (no \b after "CA": "_" follows).
    patterns: [/\bSophos SSL CA/i, /^Sophos$/i],
    source: 'https://www.avanet.com/en/kb/how-to-install-ssl-ca-certificate-for-sophos-https-scanning/',
  },
  {
    product: 'Netskope',
    vendor: 'Netskope',
    kind: 'gateway',
    // Root CN=caadmin.netskope.com, intermediate CN=ca.<tenant>.goskope.com, O=Netskope Inc.
    patterns: [/\bNetskope\b/i, /\.goskope\.com$/i],
    source: 'https://docs.netskope.com/en/certificates/',
  },
  {
    product: 'Cisco Umbrella',
    vendor: 'Cisco',
    kind: 'gateway',
    // "Cisco Umbrella Root CA", "Cisco Umbrella Secondary SubCA <pop>-SG"; block-page leaves say O=OpenDNS, Inc.
    patterns: [/\bCisco Umbrella\b/i, /\bOpenDNS\b/i],
    source: 'https://support.umbrella.com/hc/en-us/articles/14723683519380-Why-Is-the-Expiration-of-Certificates-from-the-Cisco-Umbrella-Proxy-Within-Days-of-the-Present-Date',
  },

  // Personal security suites that scan HTTPS on the PC itself.
  {
    product: 'Norton 360',
    vendor: 'Gen Digital',
    kind: 'personal-suite',
    patterns: [/\bNorton Web\/Mail Shield\b/i],
    source: 'https://github.com/matlab/matlab-mcp-server/issues/100',
  },
  {
    product: 'Avast Antivirus',
    vendor: 'Gen Digital',
    kind: 'personal-suite',
    // Older builds wrote the brand as "avast!".
    patterns: [/\bavast!? Web\/Mail Shield\b/i],
    source: 'https://github.com/mscdex/node-imap/issues/741',
  },
  {
    product: 'AVG AntiVirus',
    vendor: 'Gen Digital',
    kind: 'personal-suite',
    patterns: [/\bAVG Web\/Mail Shield\b/i],
    source: 'https://github.com/curl/curl/issues/11268',
  },
  {
    product: 'Kaspersky',
    vendor: 'Kaspersky',
    kind: 'personal-suite',
    // "Kaspersky Anti-Virus Personal Root Certificate", "Kaspersky Web Anti-Virus Certification Authority", O=AO Kaspersky Lab.
    patterns: [/\bKaspersky\b/i],
    source: 'https://github.com/keybase/client/issues/7228',
  },
  {
    product: 'ESET',
    vendor: 'ESET',
    kind: 'personal-suite',
    patterns: [/\bESET SSL Filter\b/i],
    source: 'https://github.com/the-last-byte/ESET-NPM-Breakage-Fix',
  },
  {
    product: 'Bitdefender',
    vendor: 'Bitdefender',
    kind: 'personal-suite',
    // "Bitdefender Personal CA.Net-Defender".
    patterns: [/\bBitdefender\b/i],
    source: 'https://github.com/SafeExamBrowser/seb-win/issues/62',
  },

  // Debugging proxies someone runs on this PC (developers, support): each mints its own root on first use.
  {
    product: 'Charles Proxy',
    vendor: 'XK72',
    kind: 'debugging-proxy',
    // "Charles Proxy CA (<date>, <host>)", O=XK72 Ltd: corpus ca/charles-proxy-ca-76col.pem.
    patterns: [/\bCharles Proxy CA\b/i, /^XK72 Ltd$/i],
    source: 'https://www.charlesproxy.com/documentation/using-charles/ssl-certificates/',
  },
  {
    product: 'mitmproxy',
    vendor: 'mitmproxy',
    kind: 'debugging-proxy',
    // CN=mitmproxy, O=mitmproxy: corpus ca/mitmproxy-ca-cert-archivebox.pem.
    patterns: [/^mitmproxy$/i],
    source: 'https://docs.mitmproxy.org/stable/concepts/certificates/',
  },
  {
    product: 'Fiddler',
    vendor: 'Progress Telerik',
    kind: 'debugging-proxy',
    // CN=DO_NOT_TRUST_FiddlerRoot, O=DO_NOT_TRUST.
    patterns: [/\bDO_NOT_TRUST_FiddlerRoot\b/i],
    source: 'https://docs.telerik.com/fiddler-everywhere/installation-and-setup/trust-certificate',
  },
  {
    product: 'Burp Suite',
    vendor: 'PortSwigger',
    kind: 'debugging-proxy',
    // CN=PortSwigger CA, O=PortSwigger.
    patterns: [/^PortSwigger CA$/i, /^PortSwigger$/i],
    source: 'https://portswigger.net/burp/documentation/desktop/external-browser-config/certificate',
  },
];

/** The first product whose pattern matches any of the given DN strings (CN/O values), or null. */
export function inspectionProduct(names: readonly string[]): InspectionProduct | null {
  for (const entry of INSPECTION_PRODUCTS) {
    if (entry.patterns.some((pattern) => names.some((name) => pattern.test(name)))) return entry;
  }
  return null;
}
