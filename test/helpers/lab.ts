// The namespace test lab: each scenario runs in a network namespace of its own (unshare -n) with only
// its own loopback, so firewall rules and listeners never touch this machine's real network.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { CLI, collect, type Run } from './cli.js';

const LISTEN = fileURLToPath(new URL('../lab/listen.mjs', import.meta.url));

/** Why the lab cannot run here, or null when it can. */
function unavailable(): string | null {
  if (process.platform !== 'linux') return 'the lab needs Linux network namespaces';
  if (process.getuid?.() !== 0) return 'the lab needs root (unshare -n and iptables)';
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && iptables -nL OUTPUT >/dev/null'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `cannot build a namespace with iptables: ${probe.error?.message ?? probe.stderr.trim()}`;
  return null;
}

const reason = unavailable();

/** In CI a lab that cannot start is a failure; elsewhere it is skipped with the reason. */
export function lab(t: Test, name: string, fn: (t: Test) => Promise<void>): void {
  if (reason === null) {
    t.test(name, fn);
  } else if (process.env.CI) {
    t.test(name, async (t) => { t.fail(`lab cannot start in CI: ${reason}`); });
  } else {
    t.test(name, { skip: reason }, async () => undefined);
  }
}

const PRELUDE = `
set -u
pids=()
trap 'kill "\${pids[@]}" 2>/dev/null' EXIT
listen() {
  local ready; ready=$(mktemp)
  node ${JSON.stringify(LISTEN)} "$ready" "$@" & pids+=($!)
  for _ in $(seq 200); do [ -s "$ready" ] && return 0; sleep 0.025; done
  echo "lab: listener on $* did not start" >&2; exit 99
}
g2probe() { node ${JSON.stringify(CLI)} "$@"; }
`;

/**
 * Runs `script` (bash) in a fresh network namespace; `listen HOST PORT…` and `g2probe ARGS…` are defined.
 * Without `loopback`, lo stays down as the kernel made it: the namespace has no route at all.
 */
export function inNamespace(script: string, { loopback = true, timeoutMs = 60_000 } = {}): Promise<Run> {
  const up = loopback ? 'ip link set lo up\n' : '';
  return collect('unshare', ['-n', 'bash', '-c', PRELUDE + up + script], {}, timeoutMs);
}

export interface Attempt {
  ip: string;
  port: number;
  status: string;
  reason: string;
  ms: number;
  evidence: { code: string | null; elapsedMs: number; local?: string; why: string };
}

export interface Report {
  attempts: Attempt[];
  summary: { total: number; counts: Record<string, number> };
  verdict: { status: string; exitCode: number; text: string; advice: { text: string }[] };
}

export function parseReport(t: Test, run: Run): Report {
  try {
    return JSON.parse(run.stdout) as Report;
  } catch {
    t.fail('stdout is not a JSON report', { stdout: run.stdout.slice(0, 2000), stderr: run.stderr.slice(0, 2000) });
    throw new Error('no report');
  }
}
