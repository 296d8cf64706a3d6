// The paths a run's attempts take. --proxy, --pac and the *_PROXY variables decide when given; otherwise this PC's
// proxy settings do, as GoToMyPC's programs follow them: the viewer the user's, the host service the machine's.
// --role picks one; with no role both are probed when they differ, each attempt saying whose path it took.
import type { ProxyRoutes } from '../core/proxy.js';
import type { ProbeOptions, ProxyPath, Role } from '../core/types.js';
import type { DiscoveredPath } from '../pc/proxy-discovery.js';
import type { Router } from './attempt.js';
import { pacRun, systemRouter, type PacRun } from './pac-router.js';

/** One path the attempts follow; a null router is direct. `role` is set when the run follows two. */
export interface FollowedPath {
  role?: Role;
  router: Router | null;
  said: string;
}

export interface Paths {
  /** What the report shows: each program's settings, whether followed and why. */
  shown: ProxyPath[];
  /** Empty when the flags or the variables decide (or nothing was discovered): the routes apply as given. */
  followed: FollowedPath[];
}

/** Why the settings are not followed, when the flags or the variables decide. */
function decidedElsewhere(routes: ProxyRoutes, probe: ProbeOptions): string | null {
  if (routes.pac !== null) return routes.pac === 'auto' ? '--pac auto decides the path' : '--pac decides the path';
  const named = [...new Set(routes.proxies.map((p) => p.info.source))];
  if (named.length > 0) return `${named.join(' and ')} ${named.length > 1 ? 'decide' : 'decides'} the path`;
  if (!probe.systemProxy) return '--no-system-proxy: the attempts go direct';
  return null;
}

const ROLE_WORDS: Record<Role, string> = { client: "the viewer's", host: "the host service's" };

function covers(path: ProxyPath, role: Role): boolean {
  return path.role === role || path.role === 'both';
}

export async function choosePaths(discovered: DiscoveredPath[], routes: ProxyRoutes, probe: ProbeOptions, env: NodeJS.ProcessEnv, signal: AbortSignal, pac: PacRun = pacRun()): Promise<Paths> {
  const elsewhere = decidedElsewhere(routes, probe);
  if (elsewhere !== null) return { shown: discovered.map((d) => ({ ...d.path, followed: false, why: elsewhere })), followed: [] };
  const role = probe.role;
  const wanted = discovered.filter((d) => role === null || covers(d.path, role));
  // The same settings make the same path: probed once, for both.
  const distinct = wanted.filter((d, i) => !wanted.slice(0, i).some((e) => e.path.said === d.path.said));
  const two = distinct.length > 1;
  const shown: ProxyPath[] = [];
  const followed: FollowedPath[] = [];
  for (const d of discovered) {
    if (!wanted.includes(d)) {
      shown.push({ ...d.path, followed: false, why: `--role ${role} follows ${ROLE_WORDS[role ?? 'client']} path` });
      continue;
    }
    const first = distinct.find((e) => e.path.said === d.path.said);
    if (first !== d) {
      shown.push({ ...d.path, followed: true, why: `the same settings as ${first?.path.who ?? 'the other'}: one path, probed once` });
      continue;
    }
    const system = await systemRouter(d, routes, probe, env, signal, pac);
    const { router } = system;
    const why = !d.settings.readable ? 'unreadable: the attempts go direct, which may not be the path it takes' : router === null ? 'they say direct' : `the attempts go as ${router.via} says`;
    shown.push({ ...d.path, followed: true, why, ...(system.pac === null ? {} : { pac: system.pac }) });
    const pathRole = d.path.role === 'both' ? undefined : d.path.role;
    followed.push({ ...(two && pathRole ? { role: pathRole } : {}), router, said: d.path.said });
  }
  return { shown, followed };
}
