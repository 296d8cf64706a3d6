// Port 443: a TLS handshake with SNI, to see whose certificate chain answers.
import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { escapeText } from '../../core/escape.js';
import type { TlsObservation } from '../../core/types.js';
import { summarize, trustOfChain } from '../../judge/trust.js';
import type { TrustStore } from '../../pc/trust-store.js';
import { startDeadline } from './deadline.js';
import { onInterrupt } from './interrupt.js';

/** An observation without what finishing adds. */
type Seen = TlsObservation extends infer O ? (O extends TlsObservation ? Omit<O, 'kind' | 'servername' | 'elapsedMs'> : never) : never;

export interface TlsCheckOptions {
  /** The SNI: a name GoToMyPC uses, or null for none (the neutral handshake). */
  servername: string | null;
  timeoutMs: number;
  trust: TrustStore;
}

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
export function checkTls(socket: Socket, options: TlsCheckOptions, signal: AbortSignal): Promise<TlsObservation> {
  return new Promise((resolve) => {
    const base = { kind: 'tls' as const, servername: options.servername };
    let done = false;
    // The chain's trust is judged apart from its name: a public chain for another name is a server's own, not
    // inspection, so OpenSSL's verdict (`authorized`) must not include the name check; the name is noted below.
    const secure = tls.connect({
      socket,
      ...(options.servername === null ? {} : { servername: options.servername }),
      secureContext: options.trust.secureContext,
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    const finish = (obs: Seen): void => {
      if (done) return;
      done = true;
      deadline.cancel();
      stopWaiting();
      secure.removeAllListeners().on('error', () => undefined).destroy();
      resolve({ ...base, ...obs, elapsedMs: deadline.elapsed() });
    };
    const deadline = startDeadline(options.timeoutMs, () => finish({ outcome: 'timeout' }));
    const stopWaiting = onInterrupt(signal, () => finish({ outcome: 'interrupted' }));

    secure.once('secureConnect', () => {
      const chain = presentedChain(secure);
      const verdict = trustOfChain(secure.authorized, chain, options.trust);
      const verifyError = secure.authorizationError ? String(secure.authorizationError) : undefined;
      const leaf = secure.getPeerCertificate();
      const names = leaf?.raw ? leafNames(leaf) : [];
      const nameMatches = options.servername !== null && leaf?.raw ? tls.checkServerIdentity(options.servername, leaf) === undefined : null;
      finish({
        outcome: 'handshake',
        protocol: secure.getProtocol() ?? 'unknown',
        chain: chain.map(summarize),
        names,
        ...(nameMatches === null ? {} : { nameMatches }),
        ...verdict,
        ...(verifyError ? { verifyError } : {}),
      });
    });
    secure.once('error', (err: NodeJS.ErrnoException) => {
      finish({ outcome: 'failed', code: err.code ?? 'UNKNOWN', message: err.message });
    });
    secure.once('end', () => finish({ outcome: 'closed' }));
    secure.once('close', () => finish({ outcome: 'closed' }));
  });
}
