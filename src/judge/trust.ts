// Whose chain answered on 443: one leading to a public root, to a root the user gave, to a root added on this
// machine, or to none.
import type { X509Certificate } from 'node:crypto';
import { escapeText } from '../core/escape.js';
import type { CertificateSummary, ChainVerdict, Root, RootRef, RootSource } from '../core/types.js';

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

function refOf(root: Root): RootRef {
  return { subject: oneLineName(root.cert.subject), source: root.source };
}

/**
 * `authorized` is OpenSSL's answer against the public roots and those the user gave (names aside). A chain one of
 * the user's roots anchors is said as theirs, never as public. When OpenSSL says no, a chain that still leads to a
 * public root (an expired leaf, say) is public all the same: inspection mints fresh certificates under its own
 * root. Only then are the roots added on this machine consulted.
 */
export function trustOfChain(authorized: boolean, chain: readonly X509Certificate[], roots: RootSource): ChainVerdict {
  const given = roots.givenRoots();
  const mine = given.length > 0 ? anchorOf(chain, given) : null;
  if (mine) return { trust: 'given-root', root: refOf(mine) };
  if (authorized || anchorOf(chain, roots.publicRoots())) return { trust: 'public' };
  const root = anchorOf(chain, roots.extraRoots());
  if (root) return { trust: 'extra-root', root: refOf(root) };
  return { trust: 'untrusted' };
}
