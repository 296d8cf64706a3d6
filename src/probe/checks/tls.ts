// Port 443: a TLS handshake with SNI, to see whose certificate chain answers.
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { escapeText } from '../../core/escape.js';
import type { TlsObservation } from '../../core/types.js';
import { summarize, trustOfChain } from '../../judge/trust.js';
import type { Check } from './check.js';
import { settleOnce } from './settle.js';

/** An observation without what finishing adds. */
type Seen = TlsObservation extends infer O ? (O extends TlsObservation ? Omit<O, 'kind' | 'servername' | 'elapsedMs'> : never) : never;

/** The leaf's names: its subjectAltName DNS names and addresses, else its CN. */
function leafNames(cert: tls.PeerCertificate): string[] {
  const san = (cert.subjectaltname ?? '').split(', ').filter((entry) => /^(DNS|IP Address):/.test(entry)).map((entry) => entry.slice(entry.indexOf(':') + 1));
  const names = san.length > 0 ? san : [cert.subject?.CN].flat().filter((cn): cn is string => typeof cn === 'string');
  return names.slice(0, 20).map((name) => escapeText(name, 100));
}

/** The chain as presented, leaf first, from Node's linked peer-certificate objects. */
function presentedChain(socket: tls.TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && chain.length < 10) {
    const x509 = new X509Certificate(cert.raw);
    if (seen.has(x509.fingerprint256)) break;
    seen.add(x509.fingerprint256);
    chain.push(x509);
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** Never rejects. Verification never aborts the handshake: an inspecting proxy's chain is the evidence. */
export const checkTls: Check<TlsObservation> = (socket, { name, voice, timeoutMs, signal, trust }) => {
  // The SNI: the name GoToMyPC uses, or none (the neutral handshake).
  const servername = voice === 'neutral' ? null : name;
  const base = { kind: 'tls' as const, servername };
  return settleOnce<Seen, TlsObservation>({ timeoutMs, signal, expired: () => ({ outcome: 'timeout' }), interrupted: () => ({ outcome: 'interrupted' }) }, (settle) => {
    // The chain's trust is judged apart from its name: a public chain for another name is a server's own, not
    // inspection, so OpenSSL's verdict (`authorized`) must not include the name check; the name is noted below.
    const secure = tls.connect({
      socket,
      ...(servername === null ? {} : { servername }),
      secureContext: trust.secureContext,
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    secure.once('secureConnect', () => {
      const chain = presentedChain(secure);
      const verdict = trustOfChain(secure.authorized, chain, trust);
      const verifyError = secure.authorizationError ? String(secure.authorizationError) : undefined;
      const leaf = secure.getPeerCertificate();
      const names = leaf?.raw ? leafNames(leaf) : [];
      const nameMatches = servername !== null && leaf?.raw ? tls.checkServerIdentity(servername, leaf) === undefined : null;
      settle({
        outcome: 'handshake',
        protocol: secure.getProtocol() ?? 'unknown',
        chain: chain.map(summarize),
        names,
        ...(nameMatches === null ? {} : { nameMatches }),
        ...verdict,
        ...(verifyError ? { verifyError } : {}),
      });
    });
    secure.once('error', (err: NodeJS.ErrnoException) => settle({ outcome: 'failed', code: err.code ?? 'UNKNOWN', message: err.message }));
    secure.once('end', () => settle({ outcome: 'closed' }));
    secure.once('close', () => settle({ outcome: 'closed' }));
    return (seen, elapsedMs) => {
      secure.removeAllListeners().on('error', () => undefined).destroy();
      return { ...base, ...seen, elapsedMs };
    };
  });
};
