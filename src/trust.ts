// Which roots a presented chain may lead to: the public ones Node ships, or ones added on this machine.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import tls from 'node:tls';
import { UsageError, quote } from './errors.js';
import { escapeText } from './http-head.js';
import { describeFsError } from './ranges.js';
import type { CertificateSummary, ChainTrust } from './types.js';

export interface Root {
  cert: X509Certificate;
  /** Where it is trusted from: `NODE_EXTRA_CA_CERTS`, `system store (/etc/ssl/…)`, `--tls-roots`. */
  source: string;
}

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

export class TrustStore {
  private context: tls.SecureContext | null = null;
  private extras: Root[] | null = null;
  private publics: Root[] | null = null;

  constructor(private readonly env: NodeJS.ProcessEnv, private readonly labRoots: string[]) {}

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
    return new TrustStore(env, certs.map((c) => c.toString()));
  }

  /** Node's public roots and --tls-roots as certificates, parsed on first use (only a chain OpenSSL refused needs them). */
  publicRoots(): Root[] {
    this.publics ??= [...tls.rootCertificates, ...this.labRoots].map((pem) => ({ cert: new X509Certificate(pem), source: 'public' }));
    return this.publics;
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

/**
 * The root among `roots` that anchors `chain` (leaf first), or null. Each presented certificate must
 * be signed by the next, and one of them must be a root or be signed by one.
 */
export function anchorOf(chain: readonly X509Certificate[], roots: readonly Root[]): Root | null {
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]!;
    if (i > 0 && !issued(chain[i - 1]!, cert)) return null;
    for (const root of roots) {
      if (root.cert.fingerprint256 === cert.fingerprint256 || issued(cert, root.cert)) return root;
    }
  }
  return null;
}

function issued(child: X509Certificate, parent: X509Certificate): boolean {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
}

const NAME_ORDER = ['CN', 'OU', 'O'];

/** A distinguished name on one line, the way people read it: "CN=…, O=…, C=…" whatever the certificate's order. */
export function oneLineName(name: string): string {
  const rank = (part: string): number => {
    const at = NAME_ORDER.indexOf(part.slice(0, part.indexOf('=')));
    return at < 0 ? NAME_ORDER.length : at;
  };
  return name.split('\n').filter(Boolean).map((part, i) => ({ part, i })).sort((a, b) => rank(a.part) - rank(b.part) || a.i - b.i).map((x) => x.part).join(', ');
}

export function summarize(cert: X509Certificate): CertificateSummary {
  return {
    // Names come from whoever answered on 443: never let their control characters reach a terminal.
    subject: escapeText(oneLineName(cert.subject), 300),
    issuer: escapeText(oneLineName(cert.issuer), 300),
    sha256: cert.fingerprint256,
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
  };
}

export interface TrustResult {
  trust: ChainTrust;
  extraRoot?: { subject: string; source: string };
}

/** The roots a chain is judged against: the public ones (with --tls-roots) and those added on this machine. */
export interface RootSource {
  publicRoots(): Root[];
  extraRoots(): Root[];
}

/**
 * `authorized` is OpenSSL's answer against the public roots (names aside). When it says no, a chain that still
 * leads to a public root (an expired leaf, say) is public all the same: inspection mints fresh certificates
 * under its own root. Only then are the roots added on this machine consulted.
 */
export function judgeChain(authorized: boolean, chain: readonly X509Certificate[], roots: RootSource): TrustResult {
  if (authorized || anchorOf(chain, roots.publicRoots())) return { trust: 'public' };
  const root = anchorOf(chain, roots.extraRoots());
  if (root) return { trust: 'extra-root', extraRoot: { subject: oneLineName(root.cert.subject), source: root.source } };
  return { trust: 'untrusted' };
}
