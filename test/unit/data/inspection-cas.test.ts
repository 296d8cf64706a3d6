// Inspection-CA table: data/inspection-cas.ts.
// Pure code only: names are matched as strings, no certificate is parsed or fetched.
import t from 'tap';
import { INSPECTION_PRODUCTS, inspectionProduct } from '../../../src/data/inspection-cas.js';

// Issuer CN / O values as these products write them (see each entry's source).
const REALISTIC: Record<string, readonly string[]> = {
  'Zscaler Internet Access': ['Zscaler Root CA', 'Zscaler Intermediate Root CA (zscloud.net) (t) ', 'Zscaler Inc.'],
  'Fortinet FortiGate': ['FortiGate CA', 'Fortinet', 'Fortinet Ltd.', 'Fortinet_CA_SSL'],
  'Palo Alto Networks NGFW / Prisma Access': ['Forward-Trust-CA', 'Palo Alto Networks'],
  'Blue Coat ProxySG (Symantec / Broadcom Edge SWG)': ['Blue Coat ProxySG', 'Symantec SSL Visibility Appliance'],
  'Sophos Firewall': ['Sophos SSL CA_C320ABPCBJ8BQ6B', 'Sophos'],
  Netskope: ['caadmin.netskope.com', 'ca.example.goskope.com', 'Netskope Inc.'],
  'Cisco Umbrella': ['Cisco Umbrella Root CA', 'Cisco Umbrella Secondary SubCA ams-SG', 'OpenDNS, Inc.'],
  'Norton 360': ['Norton Web/Mail Shield Root', 'Norton Web/Mail Shield Self-signed Root'],
  'Avast Antivirus': ['Avast Web/Mail Shield Root', 'avast! Web/Mail Shield Root'],
  'AVG AntiVirus': ['AVG Web/Mail Shield Root'],
  Kaspersky: ['Kaspersky Anti-Virus Personal Root Certificate', 'Kaspersky Web Anti-Virus Certification Authority', 'AO Kaspersky Lab'],
  ESET: ['ESET SSL Filter CA'],
  Bitdefender: ['Bitdefender Personal CA.Net-Defender'],
  'Charles Proxy': ['Charles Proxy CA (11 Jul 2018\\, C02VQ1WGHTDD)', 'XK72 Ltd'],
  mitmproxy: ['mitmproxy'],
  Fiddler: ['DO_NOT_TRUST_FiddlerRoot'],
  'Burp Suite': ['PortSwigger CA', 'PortSwigger'],
};

const PUBLIC_CAS = [
  'DigiCert Global Root G2',
  'DigiCert TLS RSA SHA256 2020 CA1',
  'DigiCert Inc',
  "Let's Encrypt",
  'R3',
  'ISRG Root X1',
  'Internet Security Research Group',
  'GlobalSign',
  'GlobalSign nv-sa',
  'Sectigo RSA Domain Validation Secure Server CA',
  'Sectigo Limited',
  'Amazon RSA 2048 M02',
  'Amazon',
  'Symantec Class 3 Secure Server CA - G4',
  'Symantec Corporation',
  'Cisco Systems',
  'Entrust',
  'GeoTrust',
];

t.test('every product carries a source and usable patterns', async (t) => {
  t.ok(INSPECTION_PRODUCTS.length > 0);
  const names = new Set<string>();
  for (const entry of INSPECTION_PRODUCTS) {
    t.notOk(names.has(entry.product), `${entry.product} listed once`);
    names.add(entry.product);
    t.match(entry.source, /^https:\/\//, `${entry.product} cites a URL`);
    t.ok(entry.patterns.length > 0, `${entry.product} has patterns`);
    for (const pattern of entry.patterns) {
      t.ok(pattern.flags.includes('i'), `${entry.product} ${pattern} is case-insensitive`);
      // A g/y regex keeps lastIndex between test() calls and would miss on the second name.
      t.notOk(/[gy]/.test(pattern.flags), `${entry.product} ${pattern} is stateless`);
    }
  }
});

t.test('each product matches its realistic issuer names', async (t) => {
  for (const entry of INSPECTION_PRODUCTS) {
    const samples = REALISTIC[entry.product];
    if (samples === undefined) {
      t.fail(`no samples for ${entry.product}`);
      continue;
    }
    for (const name of samples) {
      t.equal(inspectionProduct([name])?.product, entry.product, `${JSON.stringify(name)} → ${entry.product}`);
    }
  }
  t.same(Object.keys(REALISTIC).sort(), INSPECTION_PRODUCTS.map((entry) => entry.product).sort(), 'samples cover exactly the table');
});

t.test('matching is case-insensitive and looks at every name given', async (t) => {
  t.equal(inspectionProduct(['ZSCALER ROOT CA'])?.product, 'Zscaler Internet Access');
  t.equal(inspectionProduct(['example.com', 'eset ssl filter ca'])?.product, 'ESET');
  t.equal(inspectionProduct([]), null);
  t.equal(inspectionProduct(['']), null);
});

t.test('the lab chains', async (t) => {
  t.equal(inspectionProduct(['Zscaler Intermediate Root CA (zscaler.net)'])?.product, 'Zscaler Internet Access');
  t.equal(inspectionProduct(['Zscaler Inc.'])?.product, 'Zscaler Internet Access');
  t.equal(inspectionProduct(['Zscaler Intermediate Root CA (zscaler.net)', 'Zscaler Inc.'])?.vendor, 'Zscaler');
  t.equal(inspectionProduct(['Example Gateway Inspection CA', 'Example Security Gateway']), null, 'unknown gateway stays unnamed');
  t.equal(inspectionProduct(['Example Gateway Inspection CA']), null);
  t.equal(inspectionProduct(['Example Security Gateway']), null);
  t.equal(inspectionProduct(['G2probe Lab Public Root']), null);
  t.equal(inspectionProduct(['G2probe Lab Public Root', 'G2probe Lab', 'G2probe Lab Issuing CA']), null);
});

t.test('public CA names are never taken for an inspection product', async (t) => {
  for (const name of PUBLIC_CAS) {
    t.equal(inspectionProduct([name]), null, `${JSON.stringify(name)} → null`);
  }
  t.equal(inspectionProduct(PUBLIC_CAS), null, 'all at once');
});

t.test('kinds split gateways from personal suites', async (t) => {
  const kindOf = (name: string): string | undefined => inspectionProduct([name])?.kind;
  t.equal(kindOf('Zscaler Root CA'), 'gateway');
  t.equal(kindOf('Cisco Umbrella Root CA'), 'gateway');
  t.equal(kindOf('Kaspersky Anti-Virus Personal Root Certificate'), 'personal-suite');
  t.equal(kindOf('AVG Web/Mail Shield Root'), 'personal-suite');
});
