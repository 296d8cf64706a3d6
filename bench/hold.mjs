// g2probe hold's cost, for bench/run.mjs: packets and bytes to open a held connection and per exchange (iptables
// counters on lo, both directions), and memory per connection held (peak RSS of 500 connections against 2).
// Run in a fresh network namespace (run.mjs starts it with unshare -n); prints its numbers as one JSON line.
// Usage: node hold.mjs CLI quick|full
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, bench, die, sh } from './namespace.mjs';

const [CLI, mode] = process.argv.slice(2);
const { work, start: startServer } = bench('hold');
const start = (script, argv) => startServer(script, argv, { LAB_PKI: work });

sh('ip link set lo up');
sh(`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=poll.gotomypc.com -addext subjectAltName=DNS:poll.gotomypc.com -keyout ${work}/goto.key -out ${work}/goto.chain.pem 2>/dev/null`);
const names = Array.from({ length: 250 }, (_, i) => `h${i}.poll.lab`);
start(join(ROOT, 'test', 'lab', 'listen.mjs'), ['poll', '127.0.0.1', '443', '8200']);
start(join(ROOT, 'test', 'lab', 'dns.mjs'), ['127.0.0.53', '53', 'poll.gotomypc.com=a:127.0.0.1', ...names.map((n) => `${n}=a:127.0.0.1`)]);
const ranges = join(work, 'hold.ranges');
writeFileSync(ranges, '127.0.0.1/32\n');

function hold(argv, env = {}) {
  const run = spawnSync(process.execPath, [CLI, 'hold', '--tls-roots', `${work}/goto.chain.pem`, '--ranges', ranges, '--dns-server', '127.0.0.53', '--json', ...argv], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  if (run.status !== 0) die(`hold ${argv.join(' ')} exited ${run.status}: ${run.stderr.slice(0, 400)}`);
  return JSON.parse(run.stdout);
}

function counted(port, argv) {
  sh(`iptables -F OUTPUT && iptables -A OUTPUT -p tcp --dport ${port} && iptables -A OUTPUT -p tcp --sport ${port}`);
  const report = hold(['--hosts', 'poll.gotomypc.com', '--ports', String(port), ...argv]);
  const counters = sh('iptables -nvxL OUTPUT').split('\n').filter((l) => /tcp/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
  const line = report.lines[0];
  if (line.state !== 'held') die(`hold on ${port} did not hold: ${line.why}`);
  return { packets: counters.reduce((n, c) => n + c[0], 0), bytes: counters.reduce((n, c) => n + c[1], 0), exchanges: line.sessions.reduce((n, x) => n + x.answeredMs.length, 0) };
}

const ports = [443, 8200].map((port) => {
  const short = counted(port, ['--for', '1s', '--every', 'never']);
  const long = counted(port, ['--for', mode === 'quick' ? '6s' : '21s', '--every', '1s']);
  const perExchange = (long.packets - short.packets) / (long.exchanges - short.exchanges);
  const bytesPerExchange = (long.bytes - short.bytes) / (long.exchanges - short.exchanges);
  return { port, opening: short.packets - short.exchanges * perExchange, openingBytes: short.bytes - short.exchanges * bytesPerExchange, perExchange, bytesPerExchange };
});

const rssFile = join(work, 'rss');
function peak(hosts) {
  rmSync(rssFile, { force: true });
  const report = hold(['--hosts', hosts.join(','), '--for', '3s', '--every', '1s'], { NODE_OPTIONS: `--import ${join(ROOT, 'bench', 'maxrss.mjs')}`, BENCH_RSS_FILE: rssFile });
  if (!report.lines.every((l) => l.state === 'held')) die('the memory hold did not hold every connection');
  return { lines: report.lines.length, kib: Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1).split(' ')[0]) };
}

process.stdout.write(`${JSON.stringify({ ports, memory: { one: peak(['poll.gotomypc.com']), many: peak(names) } })}\n`);
