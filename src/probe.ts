// One attempt, stage by stage: TCP handshake (with the target or the proxy), CONNECT, then the port's check.
import type { Socket } from 'node:net';
import { checkHttp } from './checks/http.js';
import { openTunnel } from './checks/proxy.js';
import { checkService } from './checks/service.js';
import { connectTcp } from './checks/tcp.js';
import { checkTls } from './checks/tls.js';
import { classify, round } from './classify.js';
import type { Proxy } from './proxy-settings.js';
import type { TrustStore } from './trust.js';
import type { ApplicationObservation, Attempt, PathKind, Target, TcpObservation, Trace } from './types.js';

/** A target and how to reach it. `comparison` marks the direct attempt --compare-direct adds. */
export interface Job {
  target: Target;
  proxy: Proxy | null;
  comparison: boolean;
}

export interface ProbeSettings {
  timeoutMs: number;
  connectOnly: boolean;
  servername: string;
  trust: TrustStore;
}

/** The check that follows the handshake on each GoToMyPC port; other ports get the handshake only. */
type PortCheck = 'http' | 'tls' | 'service' | null;

function checkFor(port: number): PortCheck {
  return port === 80 ? 'http' : port === 443 ? 'tls' : port === 8200 ? 'service' : null;
}

/** Every stage gets the full timeout as its own deadline; only the 8200 windows are shorter. */
export function trace(job: Job, settings: ProbeSettings, signal: AbortSignal): Promise<Trace> {
  const { target, proxy } = job;
  const path: PathKind = proxy ? 'proxy' : 'direct';
  const check = settings.connectOnly ? null : checkFor(target.port);
  // Through a proxy the tunnel must stay open for the check; a bare CONNECT answer is still evidence.
  const keep = proxy !== null || check !== null;
  const to = proxy ? { host: proxy.host, port: proxy.port } : { host: target.ip, port: target.port };
  // A handshake alone is a sweep's whole attempt: no async frame around it.
  if (!keep) return connectTcp(to, settings.timeoutMs, signal, false).then(({ observation }) => ({ path, connect: observation }));
  return connectTcp(to, settings.timeoutMs, signal, true).then(({ observation: connect, socket }) => stages(job, check, connect, socket, settings, signal));
}

async function stages(job: Job, check: PortCheck, connect: TcpObservation, socket: Socket | null, settings: ProbeSettings, signal: AbortSignal): Promise<Trace> {
  const { target, proxy } = job;
  const path: PathKind = proxy ? 'proxy' : 'direct';
  if (!socket) return { path, connect };
  try {
    if (proxy) {
      const tunnel = await openTunnel(socket, target, proxy, settings.timeoutMs, signal);
      if (tunnel.outcome !== 'answered' || tunnel.status !== 200 || check === null) return { path, connect, proxy: tunnel };
      return { path, connect, proxy: tunnel, app: await runCheck(check, socket, job, settings, signal) };
    }
    return { path, connect, ...(check ? { app: await runCheck(check, socket, job, settings, signal) } : {}) };
  } finally {
    socket.destroy();
  }
}

function runCheck(check: Exclude<PortCheck, null>, socket: Socket, job: Job, settings: ProbeSettings, signal: AbortSignal): Promise<ApplicationObservation> {
  const host = job.target.ip.includes(':') ? `[${job.target.ip}]` : job.target.ip;
  switch (check) {
    case 'http': return checkHttp(socket, { host, timeoutMs: settings.timeoutMs }, signal);
    case 'tls': return checkTls(socket, { servername: settings.servername, timeoutMs: settings.timeoutMs, trust: settings.trust }, signal);
    case 'service': return checkService(socket, { host, timeoutMs: settings.timeoutMs }, signal);
  }
}

function interrupted(t: Trace): boolean {
  return t.connect.outcome === 'interrupted' || t.proxy?.outcome === 'interrupted' || t.app?.outcome === 'interrupted';
}

/** The attempt as reported, or null when the run was interrupted before it finished. */
export function attempt(job: Job, settings: ProbeSettings, signal: AbortSignal): Promise<Attempt | null> {
  const started = performance.now();
  return trace(job, settings, signal).then((seen) => (interrupted(seen) ? null : attemptOf(job, seen, performance.now() - started)));
}

/** What a finished trace reports; `ms` is the whole attempt. */
function attemptOf(job: Job, seen: Trace, ms: number): Attempt {
  const { status, reason, evidence } = classify(seen);
  const { ip, port, range, host } = job.target;
  const connectMs = seen.connect.outcome === 'connected' ? round(seen.connect.elapsedMs) : null;
  const { path } = seen;
  // The common shape is built without spreads, which copy; the report keeps its field order either way.
  if (host === undefined && !job.comparison) return { ip, port, range, path, status, reason, ms: round(ms), connectMs, evidence };
  return { ip, port, range, ...(host === undefined ? {} : { host }), path, ...(job.comparison ? { comparison: true } : {}), status, reason, ms: round(ms), connectMs, evidence };
}
