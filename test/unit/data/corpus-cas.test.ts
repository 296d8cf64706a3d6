// The inspection CAs of the field corpus (../shared/corpus/ca, EXPECTED.md): each certificate read from the file as
// its source stored it (CRLF, 76-column base64, a label line, no final newline, a C string literal), and a chain it
// issued judged as inspection by the product EXPECTED.md names. Expectations are EXPECTED.md's, not the code's.
import t from 'tap';
import type { Trace } from '../../../src/core/types.js';
import { classify } from '../../../src/judge/classify.js';
import { summarize } from '../../../src/judge/trust.js';
import { parsePemBundle } from '../../../src/pc/trust-store.js';
import { corpusText, withCorpus } from '../../helpers/corpus.js';

interface Expected {
  file: string;
  /** The product as g2probe's table names it. */
  product: string;
  /** EXPECTED.md's "Node X509Certificate.subject", its lines joined with " | ". */
  subject: string;
  sha256: string;
}

const CAS: Expected[] = [
  { file: 'charles-proxy-ca-76col.pem', product: 'Charles Proxy', subject: 'CN=Charles Proxy CA (11 Jul 2018\\, C02VQ1WGHTDD) | OU=https://charlesproxy.com/ssl | O=XK72 Ltd | L=Auckland | ST=Auckland | C=NZ', sha256: 'B2:DF:48:3E:38:0E:18:D7:B6:75:FB:E7:10:09:DF:80:01:94:5C:B5:E0:ED:C0:90:91:9E:F3:C4:7E:97:BA:C5' },
  { file: 'cisco-umbrella-root-ca.cer', product: 'Cisco Umbrella', subject: 'O=Cisco | CN=Cisco Umbrella Root CA', sha256: '20:33:7C:06:F7:49:28:7D:52:6D:07:52:C4:29:48:34:21:CE:83:0A:C2:8B:32:2B:84:B1:18:BE:5A:F5:78:7D' },
  { file: 'fortinet-ca-ssl-fg200e-student-laptop.cer', product: 'Fortinet FortiGate', subject: 'C=US | ST=California | L=Sunnyvale | O=Fortinet | OU=Certificate Authority | CN=FG200ETK19919581 | emailAddress=support@fortinet.com', sha256: '77:F1:5F:E1:CB:4D:AA:92:B8:05:04:CD:68:47:FC:16:11:03:14:F2:F3:6E:85:3A:F5:89:35:FF:16:77:81:DA' },
  { file: 'kaspersky-intercepted-leaf-data.heroku.com-mbed-c-literal.txt', product: 'Kaspersky', subject: 'CN=data.heroku.com', sha256: 'B3:D2:1D:F9:16:68:72:34:DD:AA:19:6D:94:E9:BF:45:C9:0C:21:8A:61:97:AE:DD:5D:31:36:37:6D:8D:4A:B8' },
  { file: 'mitmproxy-ca-cert-archivebox.pem', product: 'mitmproxy', subject: 'CN=mitmproxy | O=mitmproxy', sha256: 'E8:55:4E:89:17:9F:34:39:1A:C4:D1:6F:2C:50:38:A7:74:DF:D5:F5:C8:94:36:7B:03:C5:EE:35:17:C5:1E:51' },
  { file: 'netskope-root-caadmin-sha1.crt', product: 'Netskope', subject: 'C=US | ST=California | L=Los Altos | O=netSkope Inc | OU=Cert Management | CN=caadmin.netskope.com | emailAddress=certadmin@netskope.com', sha256: '55:33:55:59:11:54:5D:6C:02:2F:DE:A0:D2:97:15:65:33:09:A3:96:4C:FC:EE:1B:BE:54:18:37:83:DB:47:F6' },
  { file: 'palo-alto-ps-lab-root-ca.pem', product: 'Palo Alto Networks NGFW / Prisma Access', subject: 'CN=Palo Alto Networks - Professional Services Root CA', sha256: 'FD:EF:61:E1:43:9E:1E:8C:59:F8:4D:F4:96:AE:C3:DE:9F:9B:AC:C0:FC:0B:1B:27:D6:27:04:9D:25:76:F5:D8' },
  { file: 'sophos-ssl-ca-school-firewall-certdata-label.pem', product: 'Sophos Firewall', subject: 'C=GB | ST=Oxfordshire | O=Sophos | OU=NSG | CN=Sophos SSL CA_C4005CM7MF2DV28 | emailAddress=support@sophos.com', sha256: '22:F7:AE:9E:BF:D4:88:1D:A4:D8:74:84:D7:6A:65:78:8E:65:76:A3:E6:0B:AA:31:FF:BA:A1:2E:13:F7:85:55' },
  { file: 'zscaler-root-ca-2014.pem', product: 'Zscaler Internet Access', subject: 'C=US | ST=California | L=San Jose | O=Zscaler Inc. | OU=Zscaler Inc. | CN=Zscaler Root CA | emailAddress=support@zscaler.com', sha256: '04:F6:1F:1D:13:AA:E1:D1:65:73:DC:2C:37:F7:96:FD:F4:AC:97:71:3A:69:59:EB:B1:1D:24:73:95:8B:1A:53' },
];

/** Undoes only the wrapper SOURCES.md names: the Mbed program's C string literal (quotes dropped, `\n` a newline). */
function unwrapped(file: string, text: string): string {
  if (!file.endsWith('-c-literal.txt')) return text;
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\n/g, '\n')).join('');
}

withCorpus(t, 'each inspection CA of the corpus is read as stored and judged as inspection by the product EXPECTED.md names', async (t) => {
  for (const ca of CAS) {
    const certs = parsePemBundle(unwrapped(ca.file, corpusText(`ca/${ca.file}`)));
    t.equal(certs.length, 1, `${ca.file}: one certificate read`);
    const cert = certs[0]!;
    t.equal(cert.fingerprint256, ca.sha256, `${ca.file}: the SHA-256 EXPECTED.md states`);
    t.equal(cert.subject.split('\n').join(' | '), ca.subject, `${ca.file}: the subject`);
    // A GoTo name answered with a chain this certificate issued (or, for the Kaspersky leaf, is part of): no public root vouches for it.
    const chain = cert.ca ? [{ ...summarize(cert), subject: 'CN=www.gotomypc.com' }] : [summarize(cert)];
    const trace: Trace = {
      path: 'direct',
      connect: { kind: 'tcp', outcome: 'connected', elapsedMs: 1, localAddress: '127.0.0.1', localPort: 40000 },
      app: { kind: 'tls', outcome: 'handshake', servername: 'www.gotomypc.com', protocol: 'TLSv1.3', chain, names: [], trust: 'untrusted', verifyError: 'SELF_SIGNED_CERT_IN_CHAIN', elapsedMs: 2 },
    };
    const judged = classify(trace, { ip: '127.0.0.1', expected: true });
    t.same([judged.status, judged.reason, judged.evidence.tls?.product], ['intercepted', 'tls-inspection', ca.product], `${ca.file}: ${judged.evidence.why}`);
  }
});
