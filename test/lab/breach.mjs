// Forces every path to the network past the start-up checks: each run is parsed as the command line would
// parse it, then its guard flag is cleared, so only the dialer (locked by G2PROBE_LOOPBACK_ONLY in this
// process's environment) stands between it and an outside address. Writes one result per path to OUT_JSON.
// Usage: G2PROBE_LOOPBACK_ONLY=1 node breach.mjs DIST_DIR FIXTURES_DIR OUTSIDE_RANGES_FILE OUT_JSON
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [dist, fixtures, outside, out] = process.argv.slice(2);
const load = (module) => import(pathToFileURL(`${dist}/${module}`).href);
const { parseCli } = await load('commands/args.js');
const { probeCommand } = await load('commands/probe.js');
const { healthCommand } = await load('commands/health.js');
const { GuardBreach, breachCount, isLockedToLoopback } = await load('net/dialer.js');
const { main } = await load('cli.js');

const loopback = `${fixtures}loopback.txt`;
const quick = ['--out', '/dev/null', '--quiet', '--timeout', '500'];
const PATHS = {
  ranges: ['--ranges', outside, '--no-dns'],
  'ranges, handshake only': ['--ranges', outside, '--no-dns', '--connect-only'],
  proxy: ['--ranges', loopback, '--no-dns', '--proxy', 'http://192.0.2.20:3128'],
  'ranges-url': ['--ranges-url', 'https://192.0.2.30/goto-ranges.txt', '--ranges', loopback, '--no-dns'],
  'ranges-url redirect': ['--ranges-url', 'https://127.0.0.1:8443/to-outside', '--ranges', loopback, '--no-dns'],
  'ranges-url through a proxy': ['--ranges-url', 'https://192.0.2.31/goto-ranges.txt', '--ranges', loopback, '--no-dns', '--proxy', 'http://127.0.0.1:3128'],
  resolver: ['--ranges', loopback, '--dns-server', '192.0.2.53'],
  "this PC's resolver": ['--ranges', loopback, '--hosts', 'poll.gotomypc.com'],
  'DNS answer': ['--ranges', loopback, '--dns-server', '127.0.0.1:5353', '--hosts', 'poll.gotomypc.com'],
};

const results = { locked: isLockedToLoopback(), paths: {} };
for (const [name, args] of Object.entries(PATHS)) {
  const options = parseCli([...args, ...quick], process.env);
  options.probe.loopbackOnly = false;
  const before = breachCount();
  try {
    results.paths[name] = { refused: false, code: await probeCommand(options, process.env), breaches: breachCount() - before };
  } catch (err) {
    results.paths[name] = { refused: err instanceof GuardBreach, message: String(err?.message ?? err), breaches: breachCount() - before };
  }
}
// health's own start-up check reads the environment it is given: an empty one leaves only the dialer.
try {
  const before = breachCount();
  results.paths.health = { refused: false, code: await healthCommand(['--listen', '192.0.2.40:9815', '--timeout', '500'], {}), breaches: breachCount() - before };
} catch (err) {
  results.paths.health = { refused: err instanceof GuardBreach, message: String(err?.message ?? err), breaches: 1 };
}
// The backstop: once the dialer has refused, the command line exits 70 even from a command that succeeded.
results.afterwards = await main(['--version'], process.env);
writeFileSync(out, JSON.stringify(results));
process.exit(0);
