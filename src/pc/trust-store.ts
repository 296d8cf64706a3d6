// The roots a TLS check verifies against: the public ones Node ships, --tls-roots, and those added on this machine.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import tls from 'node:tls';
import { UsageError, describeFsError, quote } from '../core/errors.js';
import type { Root, RootSource } from '../core/types.js';

/** Bundles that hold a machine's trusted roots, where OpenSSL-based tools look for them. */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/ssl/cert.pem'];

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function parsePemBundle(text: string): X509Certificate[] {
  const certs: X509Certificate[] = [];
  for (const block of text.match(PEM_BLOCK) ?? []) {
    try {
      certs.push(new X509Certificate(block));
    } catch {
      // A damaged entry in a system bundle is not this run's problem; the rest still count.
    }
  }
  return certs;
}

export class TrustStore implements RootSource {
  private context: tls.SecureContext | null = null;
  private extras: Root[] | null = null;
  private publics: Root[] | null = null;

  private givens: Root[] | null = null;

  /** `labRoots`: the PEM certificates of --tls-roots, read from `labRootsFile`. */
  constructor(private readonly env: NodeJS.ProcessEnv, private readonly labRoots: string[], private readonly labRootsFile: string | null = null) {}

  /**
   * The context every TLS check verifies with: Node's public roots plus --tls-roots, nothing from the
   * machine. Built on first use: parsing the roots costs ~20 ms that a connect-only run never needs.
   */
  get secureContext(): tls.SecureContext {
    this.context ??= tls.createSecureContext({ ca: [...tls.rootCertificates, ...this.labRoots] });
    return this.context;
  }

  /** Reads --tls-roots: a user mistake there is a usage error, before any packet is sent. */
  static fromOptions(env: NodeJS.ProcessEnv, tlsRoots: string | null): TrustStore {
    if (tlsRoots === null) return new TrustStore(env, []);
    let text: string;
    try {
      text = readFileSync(tlsRoots, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --tls-roots ${quote(tlsRoots)}: ${describeFsError(err)}`);
    }
    const certs = parsePemBundle(text);
    if (certs.length === 0) throw new UsageError(`--tls-roots ${quote(tlsRoots)} holds no PEM certificate`);
    return new TrustStore(env, certs.map((c) => c.toString()), tlsRoots);
  }

  /** Node's public roots as certificates, parsed on first use (only a chain OpenSSL refused needs them). */
  publicRoots(): Root[] {
    this.publics ??= tls.rootCertificates.map((pem) => ({ cert: new X509Certificate(pem), source: 'public' }));
    return this.publics;
  }

  /** The roots of --tls-roots: trusted as public ones are, and said as the user's own. */
  givenRoots(): Root[] {
    const file = this.labRootsFile;
    this.givens ??= file === null ? [] : this.labRoots.map((pem) => ({ cert: new X509Certificate(pem), source: `--tls-roots ${file}` }));
    return this.givens;
  }

  /**
   * Roots this machine trusts beyond the public bundle, read on first use only (most runs never need
   * them). Windows and macOS keep theirs in the OS store, which Node reads only from v22.15 on.
   */
  extraRoots(): Root[] {
    if (this.extras) return this.extras;
    const known = new Set<string>([...tls.rootCertificates, ...this.labRoots].map((pem) => new X509Certificate(pem).fingerprint256));
    const extras: Root[] = [];
    const add = (certs: X509Certificate[], source: string): void => {
      for (const cert of certs) {
        if (known.has(cert.fingerprint256)) continue;
        known.add(cert.fingerprint256);
        extras.push({ cert, source });
      }
    };
    const fromFile = (path: string, source: string): void => {
      try {
        add(parsePemBundle(readFileSync(path, 'utf8')), source);
      } catch {
        // An unreadable bundle only means fewer roots to compare with; the chain is still reported.
      }
    };
    if (this.env.NODE_EXTRA_CA_CERTS) fromFile(this.env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS');
    const bundle = this.env.SSL_CERT_FILE || SYSTEM_BUNDLES.find((path) => existsSync(path));
    if (bundle) fromFile(bundle, `system store (${bundle})`);
    const systemStore = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
    if (systemStore) add(systemStore('system').map((pem) => new X509Certificate(pem)), 'system store');
    this.extras = extras;
    return extras;
  }
}

