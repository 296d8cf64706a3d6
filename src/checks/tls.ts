// Port 443: a TLS handshake with SNI, to see whose certificate chain answers.
import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { TlsObservation } from '../types.js';
import { judgeChain, summarize, type TrustStore } from '../trust.js';
import { startDeadline } from './deadline.js';
import { onInterrupt } from './interrupt.js';

export interface TlsCheckOptions {
  servername: string;
  timeoutMs: number;
  trust: TrustStore;
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
    const secure = tls.connect({ socket, servername: options.servername, secureContext: options.trust.secureContext, rejectUnauthorized: false });
    const finish = (obs: Omit<TlsObservation, 'kind' | 'servername' | 'elapsedMs'>): void => {
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
      const verdict = judgeChain(secure.authorized, chain, () => options.trust.extraRoots());
      const verifyError = secure.authorizationError ? String(secure.authorizationError) : undefined;
      finish({
        outcome: 'handshake',
        protocol: secure.getProtocol() ?? 'unknown',
        chain: chain.map(summarize),
        ...verdict,
        ...(verifyError && verdict.trust !== 'public' ? { verifyError } : {}),
      });
    });
    secure.once('error', (err: NodeJS.ErrnoException) => {
      finish({ outcome: 'failed', code: err.code ?? 'UNKNOWN', message: err.message });
    });
    secure.once('end', () => finish({ outcome: 'closed' }));
    secure.once('close', () => finish({ outcome: 'closed' }));
  });
}
