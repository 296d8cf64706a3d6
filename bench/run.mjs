// npm run bench: throughput against nmap and a bare net.connect loop, timeout precision, memory, start-up.
// Everything runs on loopback inside a network and PID namespace this script creates; nothing leaves it.
// Usage: node bench/run.mjs [--quick] [--only throughput,timeout,memory,startup,worstcase,sweep,hold,serve] [--record]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostBlocks } from './targets.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
// G2PROBE_BENCH_CLI measures another build (an older commit's bin/g2probe.js) with the same harness.
const CLI = process.env.G2PROBE_BENCH_CLI ?? join(ROOT, 'bin', 'g2probe.js');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const record = args.includes('--record');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',')) : null;
const wanted = (name) => only === null || only.has(name);

function die(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

if (process.env.G2PROBE_BENCH_INSIDE !== '1') {
  if (process.getuid?.() !== 0) die('needs root, to create the network namespace it runs in (and iptables rules inside it)');
  for (const tool of ['unshare', 'ip', 'iptables', 'nmap']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) die(`${tool} is not installed (apt-get install nmap iptables iproute2 util-linux)`);
  }
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) die('dist/ is missing: run npm run build first');
  // A fresh network namespace has only its own loopback, so no packet can leave even by mistake; the
  // PID namespace takes every process started here down with this one.
  const inside = spawnSync('unshare', ['-n', '-p', '-f', '--kill-child', '--mount-proc', process.execPath, fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
    env: { ...process.env, G2PROBE_BENCH_INSIDE: '1', G2PROBE_LOOPBACK_ONLY: '1' },
    timeout: 15 * 60_000,
  });
  process.exit(inside.status ?? 1);
}

const work = mkdtempSync(join(os.tmpdir(), 'g2probe-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function sh(command) {
  const run = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
  if (run.status !== 0) die(`${command}: ${run.stderr.trim()}`);
  return run.stdout;
}

/** Runs a command to completion (bounded), timed from spawn to exit. */
function timed(command, argv, options = {}) {
  const started = performance.now();
  const run = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000, ...options });
  const wallMs = performance.now() - started;
  if (run.error) die(`${command}: ${run.error.message}`);
  return { ...run, wallMs };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;

function table(head, rows) {
  const cells = [head, ...rows].map((row) => row.map(String));
  const widths = head.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  return [line(cells[0]), `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

sh('ip link set lo up && sysctl -qw net.core.somaxconn=8192');
const ready = join(work, 'sink.ready');
const OPEN = 8200;
const CLOSED = 8201;
const sink = spawnSync('sh', ['-c', `node ${join(HERE, 'sink.mjs')} ${ready} ${OPEN} >/dev/null 2>&1 & echo $!`], { encoding: 'utf8' });
const sinkPid = Number(sink.stdout.trim());
for (let i = 0; i < 100 && !existsSync(ready); i++) spawnSync('sleep', ['0.05']);
if (!existsSync(ready)) die('the loopback listener did not start');
process.on('exit', () => { try { process.kill(sinkPid); } catch { /* already gone */ } });

const reps = quick ? 1 : 3;
const sections = [];
const say = (text) => process.stdout.write(`${text}\n`);

/**
 * The g2probe command on a ranges file; returns wall ms, the probe phase from its log, and the
 * attempts by status from its metrics. With `json` the whole report is streamed to stdout and discarded.
 */
function g2probe(rangesFile, extra, { env = {}, json = false } = {}) {
  const format = json ? ['--json'] : ['--format', 'prometheus'];
  const run = timed(process.execPath, [CLI, '--ranges', rangesFile, '--all', ...format, '--log-level', 'info', ...extra], {
    env: { ...process.env, ...env },
    stdio: ['ignore', json ? 'ignore' : 'pipe', 'pipe'],
  });
  const finished = run.stderr.split('\n').filter((l) => l.includes('"probe finished"')).map((l) => JSON.parse(l))[0];
  if (!finished) die(`g2probe did not finish (exit ${run.status}): ${run.stderr.slice(0, 400)}`);
  const attempts = {};
  for (const m of (run.stdout ?? '').matchAll(/^g2probe_attempts\{port="(\d+)",status="(\w+)",reason="([\w-]+)"\} (\d+)$/gm)) {
    attempts[m[2]] = (attempts[m[2]] ?? 0) + Number(m[4]);
  }
  return { wallMs: run.wallMs, phaseMs: finished.elapsedMs, total: finished.attempts, attempts };
}

function writeTargets(name, blocks, ports) {
  const rangesFile = join(work, `${name}.ranges`);
  const hostsFile = join(work, `${name}.hosts`);
  const pairsFile = join(work, `${name}.pairs`);
  writeFileSync(rangesFile, `${blocks.cidrs.join('\n')}\n`);
  writeFileSync(hostsFile, `${blocks.hosts.join('\n')}\n`);
  writeFileSync(pairsFile, `${blocks.hosts.flatMap((h) => ports.map((p) => `${h} ${p}`)).join('\n')}\n`);
  return { rangesFile, hostsFile, pairsFile };
}

if (wanted('throughput')) {
  const ports = [OPEN, CLOSED];
  const blocks = hostBlocks('127.1.0.0', 10_000);
  const { rangesFile, hostsFile, pairsFile } = writeTargets('throughput', blocks, ports);
  const total = blocks.hosts.length * ports.length;
  say(`throughput: ${fmt(total)} attempts (${fmt(blocks.hosts.length)} hosts × port ${OPEN} listening, ${CLOSED} closed), median of ${reps}`);
  const rows = [];
  for (const c of [64, 256, 1024]) {
    const nmap = [];
    const bare = [];
    const g2 = [];
    for (let i = 0; i < reps; i++) {
      const grepable = join(work, 'nmap.g');
      const n = timed('nmap', ['-sT', '-Pn', '-n', '-p', ports.join(','), '--min-parallelism', String(c), '--max-parallelism', String(c), '-iL', hostsFile, '-oG', grepable]);
      const scanned = Number(/scanned in ([\d.]+) seconds/.exec(n.stdout)?.[1] ?? NaN) * 1000;
      const out = readFileSync(grepable, 'utf8');
      const nOpen = out.match(new RegExp(`${OPEN}/open`, 'g'))?.length ?? 0;
      const nClosed = out.match(new RegExp(`${CLOSED}/closed`, 'g'))?.length ?? 0;
      if (nOpen + nClosed !== total) die(`nmap saw ${nOpen} open and ${nClosed} closed of ${total}`);
      nmap.push({ wallMs: n.wallMs, phaseMs: scanned });

      const b = timed(process.execPath, [join(HERE, 'bare-loop.mjs'), pairsFile, String(c)]);
      const tally = JSON.parse(b.stdout);
      if (tally.ok + tally.refused !== total) die(`the bare loop saw ${JSON.stringify(tally)}`);
      bare.push({ wallMs: b.wallMs, phaseMs: tally.ms });

      const g = g2probe(rangesFile, ['--ports', ports.join(','), '--connect-only', '--concurrency', String(c)]);
      if (g.attempts.ok !== total / 2 || g.attempts.blocked !== total / 2) die(`g2probe saw ${JSON.stringify(g.attempts)}`);
      g2.push(g);
    }
    const rate = (runs, key) => total / (median(runs.map((r) => r[key])) / 1000);
    rows.push({
      c,
      nmap: { phase: rate(nmap, 'phaseMs'), wall: rate(nmap, 'wallMs') },
      bare: { phase: rate(bare, 'phaseMs'), wall: rate(bare, 'wallMs') },
      g2: { phase: rate(g2, 'phaseMs'), wall: rate(g2, 'wallMs') },
    });
  }
  const text = [
    'Attempts per second while probing (nmap: its own "scanned in" time; bare loop and g2probe: first connect to last result, timed in process):',
    '',
    table(['concurrency', 'nmap -sT', 'bare net.connect', 'g2probe', 'g2probe ÷ nmap', 'g2probe ÷ bare'],
      rows.map((r) => [r.c, fmt(r.nmap.phase), fmt(r.bare.phase), fmt(r.g2.phase), ratio(r.g2.phase, r.nmap.phase), ratio(r.g2.phase, r.bare.phase)])),
    '',
    'Whole command, spawn to exit (Node\'s own start-up counts against the bare loop and g2probe):',
    '',
    table(['concurrency', 'nmap -sT', 'bare net.connect', 'g2probe', 'g2probe ÷ nmap', 'g2probe ÷ bare'],
      rows.map((r) => [r.c, fmt(r.nmap.wall), fmt(r.bare.wall), fmt(r.g2.wall), ratio(r.g2.wall, r.nmap.wall), ratio(r.g2.wall, r.bare.wall)])),
  ].join('\n');
  say(text);
  sections.push({ title: `Throughput: ${fmt(total)} connect-only attempts, half listening, half refused`, text });
}

if (wanted('timeout')) {
  const port = 8300;
  const n = 2000;
  const c = 256;
  const timeoutMs = 500;
  sh(`iptables -A INPUT -p tcp --dport ${port} --syn -j DROP`);
  const blocks = hostBlocks('127.2.0.0', n);
  const { rangesFile } = writeTargets('timeout', blocks, [port]);
  const ideal = Math.ceil(n / c) * timeoutMs;
  const runs = [];
  for (let i = 0; i < reps; i++) {
    const g = g2probe(rangesFile, ['--ports', String(port), '--connect-only', '--concurrency', String(c), '--timeout', String(timeoutMs)]);
    if (g.attempts.timeout !== n) die(`expected ${n} timeouts, saw ${JSON.stringify(g.attempts)}`);
    runs.push(g);
  }
  const phase = median(runs.map((r) => r.phaseMs));
  const wall = median(runs.map((r) => r.wallMs));
  const text = [
    `${fmt(n)} targets behind iptables DROP, concurrency ${c}, --timeout ${timeoutMs}: ideal ceil(${n}/${c}) × ${timeoutMs} ms = ${fmt(ideal)} ms.`,
    '',
    table(['measure', 'ms', 'vs ideal'], [
      ['probe phase (median)', fmt(phase), `${phase >= ideal ? '+' : ''}${(((phase - ideal) / ideal) * 100).toFixed(1)}%`],
      ['whole command (median)', fmt(wall), `${wall >= ideal ? '+' : ''}${(((wall - ideal) / ideal) * 100).toFixed(1)}%`],
    ]),
  ].join('\n');
  say(text);
  sections.push({ title: 'Timeout precision', text });
}

if (wanted('memory')) {
  const ports = [CLOSED, CLOSED + 1];
  const rssFile = join(work, 'rss');
  const rows = [];
  for (const attempts of [50_000, 100_000, 200_000]) {
    const blocks = hostBlocks('127.8.0.0', attempts / ports.length);
    const { rangesFile } = writeTargets(`memory-${attempts}`, blocks, ports);
    for (const format of attempts === 200_000 ? ['prometheus', 'json'] : ['prometheus']) {
      rmSync(rssFile, { force: true });
      const extra = ['--ports', ports.join(','), '--connect-only', '--concurrency', '256'];
      const env = { NODE_OPTIONS: `--import ${join(HERE, 'maxrss.mjs')}`, BENCH_RSS_FILE: rssFile };
      const g = g2probe(rangesFile, extra, { env, json: format === 'json' });
      if (g.total !== attempts) die(`expected ${attempts} attempts, saw ${g.total}`);
      const [rssKiB, heapBytes] = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
      rows.push([fmt(attempts), format === 'json' ? 'JSON report to stdout' : 'metrics', fmt(rssKiB / 1024, 1), fmt(heapBytes / 2 ** 20, 1), fmt(attempts / (g.phaseMs / 1000))]);
    }
  }
  const text = [
    'All refused (nothing listens on either port), concurrency 256, `--all --connect-only`. Peak RSS is getrusage\'s at exit;',
    'the heap still reachable after a full collection at exit shows what is held rather than not yet collected.',
    '',
    table(['attempts', 'output', 'peak RSS MB', 'heap held MB', 'attempts/s'], rows),
  ].join('\n');
  say(text);
  sections.push({ title: 'Memory', text });
}

if (wanted('worstcase')) {
  // The default run (built-in ranges, sample 2, its names, --timeout 3000, concurrency 64) where nothing
  // answers: every SYN dropped, or every handshake taken by a middlebox that then says nothing (the slowest
  // path: each check waits out its deadline, the neutral comparison beside it). A loopback copy of the
  // built-in plan's shape: 4 ranges on 443 only, 15 on 80, 443 and 8200, 2 hosts each, and the names'
  // addresses. A build without ports= in range files (G2PROBE_BENCH_CLI) gets the plan it would make: every
  // range on every port.
  const probe = join(work, 'probe.ranges');
  writeFileSync(probe, '127.0.0.1 ports=443\n');
  const perRangePorts = timed(process.execPath, [CLI, '--ranges', probe, '--plan', '--no-dns']).status === 0;
  const lines = ['127.20.0.0/30'];
  for (let i = 0; i < 19; i++) lines.push(`127.20.${i + 1}.0/30${perRangePorts ? (i < 4 ? ' ports=443' : ' ports=80,443,8200') : ''}`);
  const rangesFile = join(work, 'worstcase.ranges');
  writeFileSync(rangesFile, `${lines.join('\n')}\n`);
  // Every name either build asks for: GoToMyPC's own on one address, the rest on another.
  const names = ['poll.gotomypc.com', 'www.gotomypc.com', 'get.gotomypc.com'].map((n) => `${n}=a:127.20.0.1`);
  const others = ['goto.com', 'gotomeeting.com', 'logmeininc.com', 'citrixonline.com', 'expertcity.com', 'authentication.logmeininc.com', 'logging.getgo.com', 'launch.getgo.com', 'api-telemetry.servers.getgo.com'].map((n) => `${n}=a:127.20.0.2`);
  const dnsReady = join(work, 'dns.ready');
  const dns = spawnSync('sh', ['-c', `node ${join(ROOT, 'test', 'lab', 'dns.mjs')} ${dnsReady} 127.0.0.53 53 ${[...names, ...others].join(' ')} >/dev/null 2>&1 & echo $!`], { encoding: 'utf8' });
  const silentReady = join(work, 'silent.ready');
  const silent = spawnSync('sh', ['-c', `node ${join(ROOT, 'test', 'lab', 'listen.mjs')} ${silentReady} silent 127.0.0.1 9999 >/dev/null 2>&1 & echo $!`], { encoding: 'utf8' });
  for (const pid of [dns.stdout, silent.stdout]) process.on('exit', () => { try { process.kill(Number(pid.trim())); } catch { /* already gone */ } });
  for (let i = 0; i < 100 && !(existsSync(dnsReady) && existsSync(silentReady)); i++) spawnSync('sleep', ['0.05']);
  if (!existsSync(dnsReady) || !existsSync(silentReady)) die('the resolver or the silent listener did not start');
  const conditions = [
    ['every SYN dropped', 'iptables -I OUTPUT -p tcp -d 127.20.0.0/16 --syn -j DROP', 'iptables -D OUTPUT -p tcp -d 127.20.0.0/16 --syn -j DROP'],
    ['every handshake accepted, nothing answered', 'iptables -t nat -I OUTPUT -p tcp -d 127.20.0.0/16 -j REDIRECT --to-ports 9999', 'iptables -t nat -D OUTPUT -p tcp -d 127.20.0.0/16 -j REDIRECT --to-ports 9999'],
  ];
  const rows = [];
  for (const [name, on, off] of conditions) {
    sh(on);
    const runs = Array.from({ length: reps }, () => {
      const run = timed(process.execPath, [CLI, '--ranges', rangesFile, '--dns-server', '127.0.0.53', '--format', 'prometheus', '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const finished = run.stderr.split('\n').filter((l) => l.includes('"probe finished"')).map((l) => JSON.parse(l))[0];
      if (!finished) die(`g2probe did not finish (exit ${run.status}): ${run.stderr.slice(0, 400)}`);
      return { wallMs: run.wallMs, attempts: finished.attempts };
    });
    sh(off);
    const attempts = runs[0].attempts;
    // Each attempt waits out one deadline (the handshake's, or the check's, which the comparison shares), 64 at a time.
    const ideal = Math.ceil(attempts / 64) * 3000;
    const wall = median(runs.map((r) => r.wallMs));
    rows.push([name, fmt(attempts), fmt(wall), fmt(ideal), ratio(wall, ideal)]);
  }
  const text = [
    `The default run's shape on loopback (${perRangePorts ? 'each range on the ports it serves' : 'every range on every port: this build has no ports='}), --timeout 3000, concurrency 64, median of ${reps}.`,
    'The ideal is ceil(attempts / 64) × 3 s: each attempt waits out one deadline, the handshake\'s or the check\'s (which the neutral comparison shares).',
    '',
    table(['condition', 'attempts', 'whole run ms', 'ideal ms', '÷ ideal'], rows),
  ].join('\n');
  say(text);
  sections.push({ title: "The default run's worst case", text });
}

if (wanted('sweep')) {
  // A /20 as a network admin meets GoTo's ranges: most addresses silent. Host i (in plan order) listens on
  // 80, 443 and 8200 when i % 10 is 0, refuses (RST) when it is 1, and is dropped otherwise: nftables sets,
  // so every tool sees the same truth, and each tool's counts are checked against it.
  const ports = [80, 443, 8200];
  const blocks = hostBlocks('127.3.0.0', 4094);
  const { rangesFile, hostsFile } = writeTargets('sweep', blocks, ports);
  const listening = blocks.hosts.filter((_, i) => i % 10 === 0);
  const refusing = blocks.hosts.filter((_, i) => i % 10 === 1);
  const dropped = blocks.hosts.filter((_, i) => i % 10 > 1);
  const truth = { open: listening.length * 3, closed: refusing.length * 3, silent: dropped.length * 3 };
  const total = blocks.hosts.length * 3;
  const sweepReady = join(work, 'sweep.ready');
  // 8200 is the throughput listener's port (OPEN), already listening on every address.
  const sweepSink = spawnSync('sh', ['-c', `node ${join(HERE, 'sink.mjs')} ${sweepReady} 80 443 >/dev/null 2>&1 & echo $!`], { encoding: 'utf8' });
  process.on('exit', () => { try { process.kill(Number(sweepSink.stdout.trim())); } catch { /* already gone */ } });
  for (let i = 0; i < 100 && !existsSync(sweepReady); i++) spawnSync('sleep', ['0.05']);
  if (!existsSync(sweepReady)) die('the sweep listener did not start');
  const rules = join(work, 'sweep.nft');
  const loss = (on) => (on ? '    tcp flags & (syn | ack) == syn ip daddr 127.3.0.0/20 numgen random mod 10 < 3 drop\n' : '');
  const nft = (lossy) => {
    writeFileSync(rules, `table inet sweep {
  set dropped { type ipv4_addr; elements = { ${dropped.join(', ')} } }
  set refusing { type ipv4_addr; elements = { ${refusing.join(', ')} } }
  chain input {
    type filter hook input priority 0; policy accept;
${loss(lossy)}    tcp flags & (syn | ack) == syn ip daddr @dropped drop
    tcp flags & (syn | ack) == syn ip daddr @refusing reject with tcp reset
  }
}
`);
    sh(`nft delete table inet sweep 2>/dev/null; nft -f ${rules}`);
  };
  const progress = (what, r) => process.stderr.write(`  sweep: ${what} ${fmt(r.wallMs)} ms, ${r.open} / ${r.closed} / ${r.silent}\n`);
  const nmapRun = (timing) => {
    const grepable = join(work, 'sweep.g');
    const n = timed('nmap', ['-sT', '-Pn', '-n', timing, '-p', ports.join(','), '-iL', hostsFile, '-oG', grepable], { timeout: 600_000 });
    const out = readFileSync(grepable, 'utf8');
    const count = (state) => (out.match(new RegExp(`/${state}/`, 'g'))?.length ?? 0);
    // Grepable output lists a host's ports only when one of them is not filtered.
    const open = count('open');
    const closed = count('closed');
    const r = { wallMs: n.wallMs, open, closed, silent: total - open - closed };
    progress(`nmap ${timing}`, r);
    return r;
  };
  const g2Run = (extra = []) => {
    const r = g2probe(rangesFile, ['--connect-only', '--no-dns', ...extra]);
    const result = { wallMs: r.wallMs, open: r.attempts.ok ?? 0, closed: r.attempts.blocked ?? 0, silent: r.attempts.timeout ?? 0 };
    progress(`g2probe ${extra.join(' ')}`, result);
    return result;
  };
  const right = (r) => r.open === truth.open && r.closed === truth.closed && r.silent === truth.silent;
  const rows = [];
  const lossyRows = [];
  nft(false);
  const runs = { t4: [], t5: [], g2: [], fixed: [] };
  for (let i = 0; i < reps; i++) {
    runs.t4.push(nmapRun('-T4'));
    runs.t5.push(nmapRun('-T5'));
    runs.g2.push(g2Run());
  }
  // Learning's share, once: the same in-flight count, every silent attempt waiting the whole 3 s. (The old
  // defaults, 64 in flight, would take at least 9,822 × 3 s / 64 = 460 s.)
  if (!quick) runs.fixed.push(g2Run(['--fixed-timeout']));
  const g2 = median(runs.g2.map((r) => r.wallMs));
  const row = (name, list) => {
    const wall = median(list.map((r) => r.wallMs));
    const r = list[0];
    rows.push([name, fmt(wall), `${fmt(r.open)} / ${fmt(r.closed)} / ${fmt(r.silent)}`, list.every(right) ? 'yes' : 'NO', ratio(wall, g2)]);
  };
  row('nmap -sT -T4', runs.t4);
  row('nmap -sT -T5', runs.t5);
  row('g2probe --all --connect-only (defaults)', runs.g2);
  if (runs.fixed.length > 0) row('g2probe --fixed-timeout (no learning, the same 1024 in flight)', runs.fixed);
  if (!runs.g2.every(right)) die(`g2probe's sweep counts are wrong: ${JSON.stringify(runs.g2)} against ${JSON.stringify(truth)}`);

  nft(true);
  const lossyG2 = g2Run();
  // nmap backs off under loss as under congestion: minutes, so only outside --quick.
  const lossy = quick ? [] : [['nmap -sT -T4', nmapRun('-T4')]];
  for (const [name, r] of [...lossy, ['g2probe (defaults)', lossyG2]]) {
    lossyRows.push([name, fmt(r.wallMs), `${fmt(r.open)} / ${fmt(r.closed)} / ${fmt(r.silent)}`, fmt(truth.open - r.open)]);
  }
  sh('nft delete table inet sweep');
  if (lossyG2.open !== truth.open) die(`with 30% of SYNs lost, g2probe called ${truth.open - lossyG2.open} listening ports silent`);
  const text = [
    `${fmt(blocks.hosts.length)} hosts (127.3.0.0/20) × ports 80, 443 and 8200 = ${fmt(total)} attempts: 10% of the hosts listen, 10% refuse, 80% are dropped (nftables sets). Whole command, spawn to exit, median of ${reps}; the truth is ${fmt(truth.open)} open / ${fmt(truth.closed)} refused / ${fmt(truth.silent)} silent.`,
    '',
    table(['tool', 'wall ms', 'open / refused / silent', 'counts right', '÷ g2probe'], rows),
    '',
    `The same sweep with 30% of the SYNs to it dropped at random (\`numgen random mod 10 < 3\`), once each${quick ? ' (nmap only without --quick: it takes minutes)' : ''}:`,
    '',
    table(['tool', 'wall ms', 'open / refused / silent', 'listening ports called silent'], lossyRows),
  ].join('\n');
  say(text);
  sections.push({ title: 'A mostly silent sweep, against nmap', text });
}

if (wanted('startup')) {
  const runs = quick ? 5 : 20;
  const measure = (argv) => median(Array.from({ length: runs }, () => {
    const r = timed(process.execPath, argv);
    if (r.status !== 0) die(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.wallMs;
  }));
  const node = measure(['-e', '0']);
  const version = measure([CLI, '--version']);
  const plan = measure([CLI, '--plan']);
  const text = [
    `Median of ${runs} runs, spawn to exit; \`node -e 0\` is the floor any Node command pays.`,
    '',
    table(['command', 'median ms', '÷ node -e 0'], [
      ['node -e 0', fmt(node), '1.00×'],
      ['g2probe --version', fmt(version), ratio(version, node)],
      ['g2probe --plan (built-in ranges)', fmt(plan), ratio(plan, node)],
    ]),
  ].join('\n');
  say(text);
  sections.push({ title: 'Start-up', text });
}

if (wanted('hold')) {
  // In a network namespace of its own, inside this one: the other sections' listeners hold 443 and 8200 here.
  const run = timed('unshare', ['-n', process.execPath, join(HERE, 'hold.mjs'), CLI, quick ? 'quick' : 'full'], { timeout: 300_000 });
  if (run.status !== 0) die(`hold: ${run.stderr.trim().slice(0, 600)}`);
  const { ports, memory } = JSON.parse(run.stdout);
  const rows = ports.map((p) => [String(p.port), fmt(p.opening, 1), fmt(p.perExchange, 1), fmt(p.bytesPerExchange), fmt(p.opening + 16 * p.perExchange), fmt((p.openingBytes + 16 * p.bytesPerExchange) / 1024, 1)]);
  const perConnection = (memory.many.kib - memory.one.kib) / (memory.many.lines - memory.one.lines);
  const text = [
    'Packets on lo, both directions, counted by iptables; a connection opened and closed with two exchanges (`--for 1s --every never`),',
    'and one exchange a second: the difference gives the cost of one exchange (GoToMyPC\'s ping and its answer, with their ACKs).',
    '',
    table(['port', 'packets to open and close', 'packets per exchange', 'bytes per exchange', 'packets per 15 min at 60 s', 'KB per 15 min'], rows),
    '',
    `Memory: peak RSS ${fmt(memory.one.kib / 1024, 1)} MB holding ${memory.one.lines} connections, ${fmt(memory.many.kib / 1024, 1)} MB holding ${memory.many.lines}: about ${fmt(perConnection, 1)} KB per connection held (TLS on half of them).`,
  ].join('\n');
  say(text);
  sections.push({ title: 'hold: what a held connection costs', text });
}

if (wanted('serve')) {
  // In a network namespace of its own too: serve's port and its listeners must not meet the other sections'.
  const run = timed('unshare', ['-n', process.execPath, join(HERE, 'serve.mjs'), CLI, quick ? 'quick' : 'full'], { timeout: 300_000 });
  if (run.status !== 0) die(`serve: ${run.stderr.trim().slice(0, 600)}`);
  const { limit, maxConnections, emfile, phases } = JSON.parse(run.stdout);
  const ms = (v) => (v === null ? '-' : fmt(v, 1));
  const failures = (failed) => Object.entries(failed).map(([why, n]) => `${n} ${why}`).join(', ') || '0';
  const rows = phases.map((p) => [
    p.name, `${p.load.silent.peak} / ${p.load.slow.peak}`, fmt(p.load.silent.opened + p.load.slow.opened), String(p.fdsMax),
    fmt(p.load.scrapes.total), failures(p.load.scrapes.failed), ms(p.load.scrapes.p50Ms), ms(p.load.scrapes.p99Ms), ms(p.load.scrapes.maxMs), `${p.runs} in ${p.seconds} s`,
  ]);
  const text = [
    `\`g2probe serve --every 1s\` with \`ulimit -n ${limit}\` (so at most ${maxConnections} connections), a run of 6 connect-only attempts a second; each phase`,
    'runs `test/lab/serve-load.mjs`: silent clients that send nothing, slowloris clients that send a header byte every 2 s (each reconnects 50 ms',
    'after it is cut), and scrapers that GET /metrics on a new connection, 100 ms apart. Descriptors: the most serve held, sampled every 100 ms.',
    '',
    table(['phase', 'silent / slow at once', 'their connections', 'serve\'s descriptors', 'scrapes', 'failed', 'p50 ms', 'p99 ms', 'max ms', 'runs finished'], rows),
    '',
    emfile ? 'A run ran out of descriptors (EMFILE in the log).' : 'No run ran out of descriptors (no EMFILE in the log).',
  ].join('\n');
  say(text);
  sections.push({ title: 'serve under load', text });
}

if (record) {
  const cpu = os.cpus();
  const nmapVersion = /Nmap version ([\d.]+)/.exec(sh('nmap --version'))?.[1] ?? 'unknown';
  const machine = `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Linux ${os.release()}, Node ${process.versions.node}, nmap ${nmapVersion}`;
  const body = [
    '# Benchmark results',
    '',
    `Recorded by \`npm run bench -- --record\` on ${new Date().toISOString().slice(0, 10)}.`,
    `Machine: ${machine}.`,
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.text, '']),
  ].join('\n');
  writeFileSync(join(HERE, 'RESULTS.md'), body);
  say(`\nrecorded in ${join('bench', 'RESULTS.md')}`);
}
