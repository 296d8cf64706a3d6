// A real squid as the lab's corporate proxy: explicit (open and with Basic auth) and transparent on port 80.
// It must only ever run inside a lab namespace: append `start` to an inNamespace script.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SQUID_PORTS = {
  /** Explicit proxy, no auth; CONNECT to 8200 is denied (403), as a strict corporate policy would. */
  open: 3128,
  /** Transparent: fed by the iptables REDIRECT that `intercept()` returns. */
  intercept: 3129,
  /** Explicit proxy that wants Basic auth (407 without it); with good credentials it behaves like `open`. */
  auth: 3130,
} as const;

export interface SquidLab {
  conf: string;
  /** Bash for an inNamespace script: starts squid (its PID joins `pids`) and waits until all ports listen. */
  start: string;
  user: string;
  password: string;
  ports: typeof SQUID_PORTS;
  /** The iptables rule that sends this machine's port-80 traffic for `dest` (an address or CIDR) to squid. */
  intercept: (dest: string) => string;
}

const USER = 'helpdesk';
// Distinctive, so a test can assert it never appears in the probe's output.
const PASSWORD = 'Lab-S3cret-7f3a';

function run(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/**
 * Writes squid.conf, the htpasswd file and room for logs into `dir`. `names` (name → IP) is all squid can
 * resolve, e.g. { 'www.gotomypc.com': '127.0.0.5' } for a client that CONNECTs by name; `extra` ends the file.
 */
/**
 * What every lab squid shares: no resolver in the namespace, so names resolve from a hosts file or fail within
 * a second (default: 30 s, which also stalls intercepted requests while squid checks their Host header); no
 * cache, no pinger, and its files in `dir`.
 */
function settled(dir: string): string {
  return `dns_nameservers 127.0.0.1
dns_timeout 1 second
shutdown_lifetime 0 seconds
cache deny all
pinger_enable off
netdb_filename none
coredump_dir ${dir}
pid_filename ${dir}/squid.pid
cache_log ${dir}/cache.log
access_log stdio:${dir}/access.log`;
}

export function squidLab(dir: string, names: Record<string, string> = {}, extra = ''): SquidLab {
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'squid.conf');
  const htpasswd = join(dir, 'htpasswd');
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, Object.entries(names).map(([name, ip]) => `${ip} ${name}\n`).join(''));
  writeFileSync(htpasswd, `${USER}:${run('openssl', ['passwd', '-apr1', PASSWORD])}\n`);
  const { open, intercept, auth } = SQUID_PORTS;
  writeFileSync(conf, `# g2probe lab proxy
http_port 127.0.0.1:${open}
http_port 127.0.0.1:${auth}
http_port 127.0.0.1:${intercept} intercept
visible_hostname g2probe-lab
${settled(dir)}
hosts_file ${hosts}
dns_retransmit_interval 1 second

auth_param basic program /usr/lib/squid/basic_ncsa_auth ${htpasswd}
auth_param basic realm g2probe-lab
auth_param basic children 2 startup=1 idle=1
acl auth_port localport ${auth}
acl authed proxy_auth REQUIRED
acl CONNECT method CONNECT
acl port8200 port 8200
http_access deny auth_port !authed
http_access deny CONNECT port8200
# No to_localhost denial: every lab target is on 127.0.0.x.
http_access allow all
${extra}`);
  // squid drops to the proxy user before it opens logs and runs the auth helper; a mkdtemp dir is 0700 root.
  const [uid, gid] = [Number(run('id', ['-u', 'proxy'])), Number(run('id', ['-g', 'proxy']))];
  for (const path of [dir, conf, htpasswd, hosts]) chownSync(path, uid, gid);

  const [out, log] = [JSON.stringify(join(dir, 'squid.out')), JSON.stringify(join(dir, 'cache.log'))];
  const start = `
squid -N -f ${JSON.stringify(conf)} >${out} 2>&1 & squid_pid=$!; pids+=($squid_pid)
squid_up() { [ "$(ss -Hltn 'sport = :${open} or sport = :${intercept} or sport = :${auth}' | wc -l)" = 3 ]; }
for _ in $(seq 100); do squid_up && break; kill -0 $squid_pid 2>/dev/null || break; sleep 0.1; done
squid_up || { echo "lab: squid did not start: $(tail -n 3 ${out} ${log} 2>&1)" >&2; exit 98; }
`;
  return {
    conf,
    start,
    user: USER,
    password: PASSWORD,
    ports: SQUID_PORTS,
    // squid's own upstream connections (as user proxy) must not loop back into it.
    intercept: (dest) => `iptables -t nat -A OUTPUT -p tcp -d ${dest} --dport 80 -m owner ! --uid-owner proxy -j REDIRECT --to-ports ${intercept}`,
  };
}

/** The NTLM proxy's port: squid with its fake NTLM helper, which completes any handshake whatever the password. */
export const NTLM_PORT = 3140;

/**
 * A second squid that wants NTLM only (`/usr/lib/squid/ntlm_fake_auth`: it sends a challenge and accepts any
 * Authenticate message that names a user, checking no password). A squid of its own: squid offers every
 * configured scheme on every port, and the Basic lab must not offer NTLM.
 */
export function ntlmSquidLab(dir: string): { start: string; port: number } {
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'squid.conf');
  writeFileSync(conf, `# g2probe lab proxy, NTLM only
http_port 127.0.0.1:${NTLM_PORT}
visible_hostname g2probe-lab-ntlm
${settled(dir)}
auth_param ntlm program /usr/lib/squid/ntlm_fake_auth
auth_param ntlm children 2 startup=1 idle=1
acl authed proxy_auth REQUIRED
http_access deny !authed
http_access allow all
`);
  const [uid, gid] = [Number(run('id', ['-u', 'proxy'])), Number(run('id', ['-g', 'proxy']))];
  for (const path of [dir, conf]) chownSync(path, uid, gid);
  const [out, log] = [JSON.stringify(join(dir, 'squid.out')), JSON.stringify(join(dir, 'cache.log'))];
  const start = `
squid -N -f ${JSON.stringify(conf)} >${out} 2>&1 & ntlm_pid=$!; pids+=($ntlm_pid)
ntlm_up() { [ "$(ss -Hltn 'sport = :${NTLM_PORT}' | wc -l)" = 1 ]; }
for _ in $(seq 100); do ntlm_up && break; kill -0 $ntlm_pid 2>/dev/null || break; sleep 0.1; done
ntlm_up || { echo "lab: NTLM squid did not start: $(tail -n 3 ${out} ${log} 2>&1)" >&2; exit 98; }
`;
  return { start, port: NTLM_PORT };
}
