// The NTLM lab: squid with its fake NTLM helper, a proxy that wants Windows sign-in (Negotiate) only, and a
// GoTo stand-in behind them, in a namespace of their own. The CLI's JSON is the oracle; no secret may leak.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { md4 } from '../../src/probe/checks/ntlm.js';
import { inNamespace, lab, parseReport, type Attempt, type Report } from '../helpers/lab.js';
import { ntlmSquidLab } from '../helpers/squid.js';

// Distinctive, so a leak anywhere is found by a plain search.
const PASSWORD = 'Ntlm-Lab-9c2e#pw';
const ACCOUNT = 'LAB\\helpdesk';
const NEGOTIATE = { host: '127.0.0.9', port: 3150 };

function find(t: Test, report: Report, ip: string, port: number): Attempt {
  const found = report.attempts.find((a) => a.ip === ip && a.port === port && !a.comparison);
  if (!found) {
    t.fail(`no attempt for ${ip}:${port}`);
    throw new Error('missing attempt');
  }
  return found;
}

function squidDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-ntlm-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every form the password could leak in: itself, in Basic, and the NT hash NTLM derives from it. */
function secretForms(): Record<string, string> {
  const ntHash = md4(Buffer.from(PASSWORD, 'utf16le')).toString('hex');
  return {
    password: PASSWORD,
    'password in Base64': Buffer.from(PASSWORD).toString('base64'),
    'Basic credentials': Buffer.from(`${ACCOUNT}:${PASSWORD}`).toString('base64'),
    'NT hash (hex)': ntHash,
    'NT hash (HEX)': ntHash.toUpperCase(),
    'password SHA-256': createHash('sha256').update(PASSWORD).digest('hex'),
  };
}

lab(t, 'NTLM through squid: ok with the password from the environment or a file, 407 without credentials, Negotiate explained', async (t) => {
  const squid = ntlmSquidLab(squidDir(t));
  const proxy = `http://127.0.0.1:${squid.port}`;
  const run = await inNamespace(`
${squid.start}
listen 127.0.0.1 80 443 8200
serve negotiate ${NEGOTIATE.host} ${NEGOTIATE.port}
ranges=$(mktemp); printf '127.0.0.1\\n' > "$ranges"
dir=$(mktemp -d); printf '%s\\n' '${PASSWORD}' > "$dir/pw"; chmod 600 "$dir/pw"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
echo '=== env'
start=$(ms)
G2PROBE_PROXY_PASSWORD='${PASSWORD}' g2probe --ranges "$ranges" --ports 80,443 --proxy ${proxy} --proxy-user 'LAB\\helpdesk' --timeout 3000 --json --out "$dir/report.json" --log-level trace
echo "=== ms $(( $(ms) - start ))"
echo '=== file'
g2probe --ranges "$ranges" --ports 443 --proxy ${proxy} --proxy-user 'helpdesk@lab.example' --proxy-password-file "$dir/pw" --timeout 3000 --json
echo '=== none'
start=$(ms)
g2probe --ranges "$ranges" --ports 443 --proxy ${proxy} --timeout 3000 --json
echo "=== ms $(( $(ms) - start ))"
echo '=== negotiate'
G2PROBE_PROXY_PASSWORD='${PASSWORD}' g2probe --ranges "$ranges" --ports 443 --proxy http://${NEGOTIATE.host}:${NEGOTIATE.port} --proxy-user 'LAB\\helpdesk' --timeout 3000 --json
echo '=== text'
G2PROBE_PROXY_PASSWORD='${PASSWORD}' g2probe --ranges "$ranges" --ports 443 --proxy http://${NEGOTIATE.host}:${NEGOTIATE.port} --proxy-user 'LAB\\helpdesk' --timeout 3000
echo '=== unreadable'
g2probe --ranges "$ranges" --ports 443 --proxy ${proxy} --proxy-user 'LAB\\helpdesk' --proxy-password-file "$dir/missing" --timeout 3000 --json; echo "exit $?"
echo '=== prompt'
# On a terminal (script's pty) with no password given: asked for, typed once the prompt shows, never echoed.
mkfifo "$dir/keys"
{ declare -f g2probe; echo "g2probe --ranges $ranges --ports 443 --proxy ${proxy} --proxy-user 'LAB\\helpdesk' --timeout 3000 --out $dir/prompt.json -q"; } > "$dir/ask.sh"
script -qefc "LAB_PKI=$LAB_PKI bash $dir/ask.sh" /dev/null < "$dir/keys" > "$dir/prompt.tty" 2>&1 & tty_pid=$!; pids+=($tty_pid)
exec 3> "$dir/keys"
for _ in $(seq 100); do grep -q 'at the proxy: ' "$dir/prompt.tty" && break; sleep 0.1; done
printf '%s\r' '${PASSWORD}' >&3
wait $tty_pid; echo "exit $?"
exec 3>&-
cat "$dir/prompt.tty"
echo '=== prompted'
cat "$dir/prompt.json"
echo '=== out'
cat "$dir/report.json"`);
  const parts = Object.fromEntries([...run.stdout.matchAll(/^=== (\w+)(?: (\d+))?$\n?([\s\S]*?)(?=^=== |(?![\s\S]))/gm)].map((m, i) => [`${m[1]}${m[2] ? `:${i}` : ''}`, m[2] ?? m[3]!]));
  const report = (name: string): Report => parseReport(t, { ...run, stdout: parts[name] ?? '' });
  const [okMs, noneMs] = Object.entries(parts).filter(([k]) => k.startsWith('ms:')).map(([, v]) => Number(v));

  const env = report('env');
  for (const port of [80, 443]) {
    t.match(find(t, env, '127.0.0.1', port), { status: 'ok', path: 'proxy', evidence: { proxyAuth: 'ntlm' } }, `NTLM opens the tunnel on ${port}`);
  }
  t.match(find(t, env, '127.0.0.1', 443).evidence, { stage: 'tls', tls: { trust: 'given-root' } }, 'TLS through the NTLM tunnel');
  t.match(env.options, { proxies: { https: { url: `http://LAB%5Chelpdesk:***@127.0.0.1:${squid.port}` } } }, 'the account is shown, the password is not');

  const file = report('file');
  t.match(find(t, file, '127.0.0.1', 443), { status: 'ok', evidence: { proxyAuth: 'ntlm' } }, 'the password from --proxy-password-file, a user@domain account');

  const none = report('none');
  const refused = find(t, none, '127.0.0.1', 443);
  t.match(refused, { status: 'blocked', reason: 'proxy-auth-required', evidence: { stage: 'proxy', proxy: { status: 407, credentialsSent: false, headers: { 'proxy-authenticate': /NTLM/ } }, why: /requires authentication/ } });
  t.notOk(refused.evidence.proxyAuth, 'no scheme without credentials');
  t.match(none.summary.proxySchemes, ['ntlm']);
  t.match(none.verdict.advice.map((s) => s.text).join('\n'), /It offers NTLM, which g2probe speaks: give the Windows account as DOMAIN\\user/);

  const negotiate = report('negotiate');
  const windows = find(t, negotiate, '127.0.0.1', 443);
  t.match(windows, { status: 'blocked', reason: 'proxy-auth-required', evidence: { stage: 'proxy', proxy: { status: 407 }, why: /the proxy wants Windows sign-in \(Negotiate\).*GoToMyPC will use the user's Windows sign-in through it, which g2probe cannot give, so what lies behind the proxy is untested, not known to be blocked/ } });
  const advice = negotiate.verdict.advice.map((s) => s.text).join('\n');
  t.match(advice, /The proxy wants Windows sign-in \(Negotiate, that is Kerberos\)/);
  t.match(advice, /g2probe cannot test that/);
  t.match(advice, /Check that the user is signed in to the domain/);
  t.match(advice, /CONNECT to ports 80, 443 and 8200 of the GoTo servers/);
  t.notMatch(advice, /--proxy-user USER/, 'no advice to give a password Negotiate cannot use');
  t.match(parts.text!.replace(/\s+/g, ' '), /The proxy wants Windows sign-in \(Negotiate, that is Kerberos\)/, 'the plain report says it too');

  t.match(parts.unreadable, /exit 64/);
  t.match(run.stderr, /cannot read --proxy-password-file "[^"]*missing": ENOENT/);

  t.match(parts.prompt, /Password for LAB\\helpdesk at the proxy: /, 'the prompt on the terminal');
  t.match(find(t, report('prompted'), '127.0.0.1', 443), { status: 'ok', evidence: { proxyAuth: 'ntlm' } }, 'the typed password used for NTLM');
  const outputs: Record<string, string> = { stdout: run.stdout, 'stderr and logs': run.stderr, '--out file': parts.out ?? '', 'the terminal': parts.prompt ?? '' };
  t.ok((parts.out ?? '').includes('"proxyAuth":"ntlm"'), 'the --out file was written');
  for (const [where, text] of Object.entries(outputs)) {
    for (const [form, value] of Object.entries(secretForms())) t.notOk(text.includes(value), `no ${form} in ${where}`);
  }
  // The CONNECT stage's share of an attempt: its time less the handshake with the proxy and the check through the tunnel.
  const handshake = (a: Attempt): number => Math.round((a.ms - (a.connectMs ?? 0) - a.evidence.elapsedMs) * 10) / 10;
  t.comment(`NTLM CONNECT (three messages): ${handshake(find(t, env, '127.0.0.1', 80))} ms on 80, ${handshake(find(t, env, '127.0.0.1', 443))} ms on 443 (concurrent); one refused CONNECT: ${refused.evidence.elapsedMs} ms; whole runs: ${okMs} ms and ${noneMs} ms`);
}, ['squid', 'openssl']);
