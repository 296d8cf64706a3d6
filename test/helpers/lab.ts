// The namespace test lab: each scenario runs in a network namespace of its own (unshare -n) with only
// its own loopback, so firewall rules and listeners never touch this machine's real network.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { START_SH, collect, type Run } from './cli.js';
import { makeLabPki, type LabPki } from './pki.js';
import { assertValidReport } from './schema.js';

const LISTEN = fileURLToPath(new URL('../lab/listen.mjs', import.meta.url));
const DNS = fileURLToPath(new URL('../lab/dns.mjs', import.meta.url));
const LISTS = fileURLToPath(new URL('../lab/lists.mjs', import.meta.url));

/** Why the lab cannot run here, or null when it can. */
function unavailable(): string | null {
  if (process.platform !== 'linux') return 'the lab needs Linux network namespaces';
  if (process.getuid?.() !== 0) return 'the lab needs root (unshare -n and iptables)';
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && iptables -nL OUTPUT >/dev/null'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `cannot build a namespace with iptables: ${probe.error?.message ?? probe.stderr.trim()}`;
  return null;
}

const reason = unavailable();

/** Why a scenario's own tools (squid, openssl) are missing, or null. */
function missing(tools: readonly string[]): string | null {
  const absent = tools.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  return absent.length === 0 ? null : `the lab needs ${absent.join(' and ')} (.ci/run installs them)`;
}

/** In CI a lab that cannot start is a failure; elsewhere it is skipped with the reason. */
export function lab(t: Test, name: string, fn: (t: Test) => Promise<void>, tools: readonly string[] = ['openssl']): void {
  const why = reason ?? missing(tools);
  if (why === null) {
    t.test(name, fn);
  } else if (process.env.CI) {
    t.test(name, async (t) => { t.fail(`lab cannot start in CI: ${why}`); });
  } else {
    t.test(name, { skip: why }, async () => undefined);
  }
}

const PRELUDE = `
set -u
pids=()
# Wait (bounded) for them to go, so nothing from a scenario outlives inNamespace(): squid takes ~2 s to exit.
trap 'kill "\${pids[@]}" 2>/dev/null; for _ in $(seq 50); do kill -0 "\${pids[@]}" 2>/dev/null || break; sleep 0.1; done' EXIT
# start SCRIPT ARGS…: a lab server that writes its ready file (its first argument) once it listens.
start() {
  local script=$1 ready pid; shift; ready=$(mktemp)
  node "$script" "$ready" "$@" & pid=$!; pids+=($pid)
  for _ in $(seq 400); do
    [ -s "$ready" ] && { rm -f "$ready"; return 0; }
    kill -0 $pid 2>/dev/null || break
    sleep 0.025
  done
  echo "lab: $(basename "$script") $* did not start" >&2; exit 99
}
serve() { start ${JSON.stringify(LISTEN)} "$@"; }
listen() { serve goto "$@"; }
# resolver HOST PORT NAME=ANSWER…: the lab's DNS server (test/lab/dns.mjs).
resolver() { start ${JSON.stringify(DNS)} "$@"; }
# lists HOST PORT: the lab's HTTPS range-list server (test/lab/lists.mjs), its own certificate trusted by
# every g2probe started after it (NODE_EXTRA_CA_CERTS), as a corporate root would be.
lists() {
  local dir; dir=$(mktemp -d)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=g2probe-lab-lists \
    -addext "subjectAltName=IP:$1,DNS:localhost" -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null || { echo "lab: openssl failed" >&2; exit 99; }
  export NODE_EXTRA_CA_CERTS="$dir/cert.pem"
  start ${JSON.stringify(LISTS)} "$1" "$2" "$dir/cert.pem" "$dir/key.pem"
}
# In the lab the goto chain's root plays the public root GoTo's real certificates chain to.
g2probe() { ${START_SH} --tls-roots "$LAB_PKI/goto.root.pem" "$@"; }
`;

let pki: LabPki | undefined;

/** The lab's certificates, made once per test process and removed when it exits. */
export function labPki(): LabPki {
  if (!pki) {
    const dir = mkdtempSync(join(tmpdir(), 'g2probe-pki-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    pki = makeLabPki(dir);
  }
  return pki;
}

export interface NamespaceOptions {
  /** Bring lo up (default). Without it lo stays down as the kernel made it: the namespace has no route at all. */
  loopback?: boolean;
  timeoutMs?: number;
  /**
   * Extra environment for the script (a key set to undefined removes it); LAB_PKI defaults to labPki()'s
   * directory. The rest is this process's environment, which may carry NODE_EXTRA_CA_CERTS or SSL_CERT_FILE.
   */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `script` (bash) in a fresh network namespace. Defined there: `listen HOST PORT…` (a GoToMyPC stand-in),
 * `serve MODE HOST PORT… [-- MODE HOST PORT…]…` (any modes of test/lab/listen.mjs, in one process), `resolver HOST PORT NAME=ANSWER…` (test/lab/dns.mjs),
 * `lists HOST PORT` (test/lab/lists.mjs), `g2probe ARGS…`, and the `pids` array of background processes that are
 * killed on exit.
 */
export function inNamespace(script: string, { loopback = true, timeoutMs = 60_000, env = {} }: NamespaceOptions = {}): Promise<Run> {
  const up = loopback ? 'ip link set lo up\n' : '';
  // A PID namespace too, with the script as its init: when a scenario overruns and is killed, everything it
  // started dies with it, instead of holding the output pipe (and the test) open. --mount-proc brings a private
  // mount namespace, so a script may also bind-mount over system files (a CA bundle) unseen outside.
  const unshare = ['-n', '-p', '-f', '--kill-child', '--mount-proc'];
  return collect('unshare', [...unshare, 'bash', '-c', PRELUDE + up + script], { LAB_PKI: env.LAB_PKI ?? labPki().dir, ...env }, timeoutMs);
}

/** The report the CLI writes, typed by the one public definition. */
export type { Attempt, Report } from '../../src/core/types.js';
import type { Report } from '../../src/core/types.js';

export function parseReport(t: Test, run: Run): Report {
  let report: unknown;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    t.fail('stdout is not a JSON report', { stdout: run.stdout.slice(0, 2000), stderr: run.stderr.slice(0, 2000) });
    throw new Error('no report');
  }
  assertValidReport(t, report);
  return report as Report;
}
