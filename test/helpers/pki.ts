// Lab certificates made with the openssl CLI: a stand-in public chain for the GoTo servers, and the chains
// an inspecting middlebox would present instead. EC P-256 keeps generation to a few milliseconds per key.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabChain {
  /** The leaf's private key. */
  key: string;
  /** Leaf then intermediates: what a server sends. The root is left out, as real servers do. */
  chain: string;
  /** The self-signed root, to trust (or not) on the client side. */
  root: string;
}

export type ChainName = 'goto' | 'inspect' | 'zscaler' | 'extra';

/**
 * More leaves under the goto chain's issuing CA, as GoTo's estate presents them (shared/research/goto-servers.md):
 * publicly trusted certificates for other names than www.gotomypc.com, and one that has expired.
 */
export type GotoLeafName = 'media' | 'edge' | 'platform' | 'expired';

export interface LabPki {
  dir: string;
  chains: Record<ChainName | GotoLeafName, LabChain>;
}

const LEAF_SUBJECT = '/CN=www.gotomypc.com';
const LEAF_SAN = 'DNS:www.gotomypc.com,DNS:*.gotomypc.com,DNS:poll.gotomypc.com';

const GOTO_LEAVES: Record<GotoLeafName, { subject: string; san: string; days: [from: number, to: number] }> = {
  // A GoTo Meeting media server: its own name, nothing of GoToMyPC.
  media: { subject: '/CN=mcs.goto-lab-media.example', san: 'DNS:mcs.goto-lab-media.example,DNS:*.goto-lab-media.example', days: [-1, 30] },
  // A CDN edge: the CDN's own wildcard.
  edge: { subject: '/CN=*.cloudfront.net', san: 'DNS:*.cloudfront.net,DNS:cloudfront.net', days: [-1, 30] },
  // The GoTo platform's names (sign-in, logging, the opener).
  platform: { subject: '/CN=*.getgo.com', san: 'DNS:*.getgo.com,DNS:*.servers.getgo.com,DNS:*.logmeininc.com,DNS:get.gotomypc.com', days: [-1, 30] },
  // A public certificate that lapsed: still not inspection.
  expired: { subject: '/CN=www.gotomypc.com', san: LEAF_SAN, days: [-60, -30] },
};

// Root first, then any intermediates; the last CA issues the leaf.
const CHAINS: Record<ChainName, string[]> = {
  goto: ['/CN=G2probe Lab Public Root/O=G2probe Lab', '/CN=G2probe Lab Issuing CA/O=G2probe Lab'],
  inspect: ['/CN=Example Gateway Inspection CA/O=Example Security Gateway'],
  zscaler: ['/CN=Zscaler Root CA/O=Zscaler Inc./OU=Zscaler Inc.', '/CN=Zscaler Intermediate Root CA (zscaler.net)/O=Zscaler Inc.'],
  extra: ['/CN=Contoso Corporate Root CA/O=Contoso Ltd'],
};

const CA_EXT = [
  'basicConstraints=critical,CA:TRUE',
  'keyUsage=critical,keyCertSign,cRLSign',
  'subjectKeyIdentifier=hash',
  'authorityKeyIdentifier=keyid:always',
];
const leafExt = (san: string): string[] => [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=serverAuth',
  `subjectAltName=${san}`,
  'subjectKeyIdentifier=hash',
  'authorityKeyIdentifier=keyid:always',
];

function openssl(args: string[]): void {
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.stderr.trim()}`);
}

/** A time in openssl's YYYYMMDDHHMMSSZ form. */
function stamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace(/[-T:]/g, '')}Z`;
}

// OpenSSL 3.0's x509 has no -not_before; only `openssl ca` can backdate, and it needs this much of a CA.
const CA_CONFIG = (dir: string) => `[ca]
default_ca = lab
[lab]
database = ${dir}/index.txt
new_certs_dir = ${dir}
serial = ${dir}/serial
default_md = sha256
unique_subject = no
policy = any
[any]
commonName = supplied
`;

/** Writes every chain into `dir` (created if missing; scratch files go to dir/work) and returns the paths. */
export function makeLabPki(dir: string): LabPki {
  const work = join(dir, 'work');
  mkdirSync(work, { recursive: true });
  const ext = join(work, 'ext.cnf');
  const leafSections = Object.entries(GOTO_LEAVES).map(([name, leaf]) => `[leaf_${name}]\n${leafExt(leaf.san).join('\n')}\n`).join('');
  writeFileSync(ext, `[ca]\n${CA_EXT.join('\n')}\n[leaf]\n${leafExt(LEAF_SAN).join('\n')}\n${leafSections}`);
  const caConfig = join(work, 'ca.cnf');
  writeFileSync(caConfig, CA_CONFIG(work));
  writeFileSync(join(work, 'index.txt'), '');
  writeFileSync(join(work, 'serial'), '1000\n');
  // Valid from yesterday, so a client clock a little behind still accepts the leaf.
  const start = Date.now() - 86_400_000;
  const key = (path: string) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
  const chains = {} as Record<ChainName | GotoLeafName, LabChain>;
  for (const [name, cas] of Object.entries(CHAINS) as [ChainName, string[]][]) {
    const w = (suffix: string) => join(work, `${name}.${suffix}`);
    const out: LabChain = { key: join(dir, `${name}.key`), chain: join(dir, `${name}.chain.pem`), root: join(dir, `${name}.root.pem`) };
    const caCerts: string[] = [];
    cas.forEach((subject, i) => {
      const [caKey, caCert] = [w(`ca${i}.key`), w(`ca${i}.pem`)];
      key(caKey);
      if (i === 0) {
        openssl(['req', '-x509', '-new', '-key', caKey, '-subj', subject, '-days', '3650',
          '-config', ext, '-extensions', 'ca', '-out', caCert]);
      } else {
        const csr = w(`ca${i}.csr`);
        openssl(['req', '-new', '-key', caKey, '-subj', subject, '-out', csr]);
        openssl(['x509', '-req', '-in', csr, '-CA', w(`ca${i - 1}.pem`), '-CAkey', w(`ca${i - 1}.key`),
          '-CAcreateserial', '-days', '3650', '-extfile', ext, '-extensions', 'ca', '-out', caCert]);
      }
      caCerts.push(caCert);
    });
    const issuer = caCerts.length - 1;
    const [csr, leaf] = [w('leaf.csr'), w('leaf.pem')];
    key(out.key);
    openssl(['req', '-new', '-key', out.key, '-subj', LEAF_SUBJECT, '-out', csr]);
    openssl(['ca', '-batch', '-notext', '-preserveDN', '-config', caConfig, '-cert', w(`ca${issuer}.pem`),
      '-keyfile', w(`ca${issuer}.key`), '-startdate', stamp(start), '-enddate', stamp(start + 30 * 86_400_000),
      '-extfile', ext, '-extensions', 'leaf', '-in', csr, '-out', leaf]);
    const intermediates = caCerts.slice(1).reverse().map((f) => readFileSync(f, 'utf8'));
    writeFileSync(out.chain, [readFileSync(leaf, 'utf8'), ...intermediates].join(''));
    writeFileSync(out.root, readFileSync(caCerts[0]!, 'utf8'));
    chains[name] = out;
  }
  const day = 86_400_000;
  for (const [name, leaf] of Object.entries(GOTO_LEAVES) as [GotoLeafName, (typeof GOTO_LEAVES)[GotoLeafName]][]) {
    const [csr, cert] = [join(work, `${name}.csr`), join(work, `${name}.pem`)];
    const out: LabChain = { key: join(dir, `${name}.key`), chain: join(dir, `${name}.chain.pem`), root: chains.goto.root };
    key(out.key);
    openssl(['req', '-new', '-key', out.key, '-subj', leaf.subject, '-out', csr]);
    openssl(['ca', '-batch', '-notext', '-preserveDN', '-config', caConfig, '-cert', join(work, 'goto.ca1.pem'),
      '-keyfile', join(work, 'goto.ca1.key'), '-startdate', stamp(Date.now() + leaf.days[0] * day), '-enddate', stamp(Date.now() + leaf.days[1] * day),
      '-extfile', ext, '-extensions', `leaf_${name}`, '-in', csr, '-out', cert]);
    writeFileSync(out.chain, [readFileSync(cert, 'utf8'), readFileSync(join(work, 'goto.ca1.pem'), 'utf8')].join(''));
    chains[name] = out;
  }
  return { dir, chains };
}
