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
  /** Where it is trusted from: `public`, `--tls-roots FILE`, `NODE_EXTRA_CA_CERTS`, `system store (/etc/ssl/…)`. */
  source: string;
}

/** A root as reports name it: its subject, and where it is trusted from (Root.source). */
export interface RootRef {
  subject: string;
  source: string;
}

/** The roots a chain is judged against: the public ones, those the user gave (--tls-roots), and those added on this machine. */
export interface RootSource {
  publicRoots(): Root[];
  givenRoots(): Root[];
  extraRoots(): Root[];
}

/**
 * How a presented chain is trusted: by a public root bundled with Node, by a root the user gave with --tls-roots
 * (judged as a public one: the user vouched for it), only by a root added on this machine (NODE_EXTRA_CA_CERTS,
 * the system store), or by nothing here.
 */
export type ChainTrust = 'public' | 'given-root' | 'extra-root' | 'untrusted';
