// Certificates and the roots a chain is judged against.
import type { X509Certificate } from 'node:crypto';

/** One certificate of a presented chain, as a reader of the report needs it. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  sha256: string;
  validFrom: string;
  validTo: string;
}

export interface Root {
  cert: X509Certificate;
  /** Where it is trusted from: `NODE_EXTRA_CA_CERTS`, `system store (/etc/ssl/…)`, `--tls-roots`. */
  source: string;
}

/** The roots a chain is judged against: the public ones (with --tls-roots) and those added on this machine. */
export interface RootSource {
  publicRoots(): Root[];
  extraRoots(): Root[];
}

/**
 * How a presented chain is trusted: by a public root bundled with Node (or one given with --tls-roots),
 * only by a root added on this machine (NODE_EXTRA_CA_CERTS, the system store), or by nothing here.
 */
export type ChainTrust = 'public' | 'extra-root' | 'untrusted';
