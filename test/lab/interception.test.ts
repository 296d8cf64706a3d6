// The interception lab: transparent and explicit squid, TLS servers with lab CAs, an HTTP server on 8200,
// a reset middlebox and a silent acceptor, each in a namespace of its own. The CLI's JSON is the oracle.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { inNamespace, lab, labPki, parseReport, type Attempt, type Report } from '../helpers/lab.js';
import { squidLab } from '../helpers/squid.js';

/** A ranges file written by the script itself: one address per argument. */
const ranges = (...ips: string[]): string => `ranges=$(mktemp); printf '%s\\n' ${ips.join(' ')} > "$ranges"`;

function find(t: Test, report: Report, ip: string, port: number, comparison = false): Attempt {
  const found = report.attempts.find((a) => a.ip === ip && a.port === port && Boolean(a.comparison) === comparison);
  if (!found) {
    t.fail(`no attempt for ${ip}:${port}`);
    throw new Error('missing attempt');
  }
  return found;
}

function squidDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-squid-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

lab(t, "direct: TLS inspection (unknown, named, extra local root), a firewall's page on 8200, a reset middlebox", async (t) => {
  const pki = labPki();
  const run = await inNamespace(`
listen 127.0.0.1 80 443 8200
serve tls:inspect 127.0.0.2 443
serve tls:zscaler 127.0.0.3 443
serve tls:extra 127.0.0.4 443
serve blockpage 127.0.0.5 8200
listen 127.0.0.6 443 8200
serve http 127.0.0.7 8200
# The middlebox: lets the handshake through, then resets the connection at the first payload byte.
iptables -A OUTPUT -p tcp -d 127.0.0.6 -m multiport --dports 443,8200 -m conntrack --ctstate ESTABLISHED -m length --length 53:65535 -j REJECT --reject-with tcp-reset
${ranges('127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7')}
NODE_EXTRA_CA_CERTS=${pki.chains.extra.root} g2probe --ranges "$ranges" --timeout 2000 --json`);
  const report = parseReport(t, run);
  t.equal(run.stderr, '');
  for (const port of [80, 443, 8200]) {
    t.match(find(t, report, '127.0.0.1', port), { status: 'ok', reason: 'connected', path: 'direct' }, `the GoTo stand-in is ok on ${port}`);
  }
  t.match(find(t, report, '127.0.0.1', 80).evidence, { stage: 'http', http: { status: 301 } });
  const goto443 = find(t, report, '127.0.0.1', 443).evidence;
  t.match(goto443, { stage: 'tls', tls: { trust: 'given-root', givenRoot: { source: `--tls-roots ${pki.chains.goto.root}` }, servername: 'www.gotomypc.com', protocol: /^TLSv1\.[23]$/ } });
  t.match(goto443.why, 'the chain leads to a root you gave (--tls-roots ', 'the lab root is said as the one given, not as a public root');
  t.notMatch(goto443.why, /public root/);
  t.match(find(t, report, '127.0.0.1', 8200).evidence, { stage: 'service', recognised: true, why: /^GoTo's service answered GET \/Jedi\?request=ping&jedi=100 \(Host: www\.gotomypc\.com\) with HTTP 400/ });

  const unknown = find(t, report, '127.0.0.2', 443);
  t.match(unknown, { status: 'intercepted', reason: 'tls-inspection', evidence: { stage: 'tls', tls: { trust: 'untrusted', verifyError: /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)$/ } } });
  t.notOk(unknown.evidence.tls?.product, 'an unknown inspection CA is not given a name');
  t.match(unknown.evidence.tls?.chain?.[0], { subject: /CN=www\.gotomypc\.com/, issuer: /Example Gateway Inspection CA/, sha256: /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/ });

  t.match(find(t, report, '127.0.0.3', 443), { status: 'intercepted', reason: 'tls-inspection', evidence: { tls: { product: 'Zscaler Internet Access' } } });
  t.match(find(t, report, '127.0.0.4', 443), {
    status: 'intercepted',
    reason: 'tls-inspection',
    evidence: { tls: { trust: 'extra-root', extraRoot: { subject: /Contoso Corporate Root CA/, source: 'NODE_EXTRA_CA_CERTS' } } },
  });
  t.match(find(t, report, '127.0.0.5', 8200), { status: 'intercepted', reason: 'http-proxy', evidence: { stage: 'service', http: { status: 403, product: 'FortiGate' }, signs: [/^FortiGate block page \("Web Filter Block Override"\)$/] } });
  t.match(find(t, report, '127.0.0.7', 8200), { status: 'ok', evidence: { stage: 'service', recognised: false, why: /answered, not recognised/ } }, 'an HTTP answer on 8200 without a middlebox sign is not interception');
  t.match(find(t, report, '127.0.0.6', 443), { status: 'blocked', reason: 'reset', evidence: { stage: 'tls', code: 'ECONNRESET' } });
  t.match(find(t, report, '127.0.0.6', 8200), { status: 'blocked', reason: 'reset', evidence: { stage: 'service', code: 'ECONNRESET' } });

  t.equal(report.verdict.status, 'intercepted');
  t.equal(run.code, 4);
  t.match(report.verdict.text, /^Something on this network inspects HTTPS: the certificate for 443 was issued by /);
});

lab(t, 'the plain report says who inspects HTTPS and what to do', async (t) => {
  const run = await inNamespace(`
serve tls:zscaler 127.0.0.3 443
${ranges('127.0.0.3')}
g2probe --ranges "$ranges" --ports 443`);
  t.equal(run.code, 4);
  const flat = run.stdout.replace(/\s+/g, ' ');
  t.match(flat, 'INTERCEPTED: Something on this network inspects HTTPS: the certificate for 443 was issued by CN=Zscaler Intermediate Root CA (zscaler.net), O=Zscaler Inc. (Zscaler Internet Access), which no public root vouches for.');
  t.match(flat, '1. Exempt the GoTo ranges (the Ranges table) from HTTPS inspection in Zscaler Internet Access');
});

lab(t, 'an extra root from the system store (bind-mounted bundle) is named as such', async (t) => {
  const pki = labPki();
  const run = await inNamespace(`
bundle=$(mktemp); cat /etc/ssl/certs/ca-certificates.crt ${pki.chains.extra.root} > "$bundle"
mount --bind "$bundle" /etc/ssl/certs/ca-certificates.crt
serve tls:extra 127.0.0.4 443
${ranges('127.0.0.4')}
env -u NODE_EXTRA_CA_CERTS -u SSL_CERT_FILE node ${JSON.stringify(join(process.cwd(), 'bin', 'g2probe.js'))} --ranges "$ranges" --ports 443 --json`);
  const report = parseReport(t, run);
  t.match(find(t, report, '127.0.0.4', 443).evidence.tls, { trust: 'extra-root', extraRoot: { source: 'system store (/etc/ssl/certs/ca-certificates.crt)' } });
});

lab(t, 'transparent squid on port 80: intercepted/http-proxy with the headers that decided it', async (t) => {
  const squid = squidLab(squidDir(t));
  const run = await inNamespace(`
${squid.start}
${squid.intercept('127.0.0.0/24')}
listen 127.0.0.1 80
${ranges('127.0.0.1', '127.0.0.2')}
g2probe --ranges "$ranges" --ports 80 --timeout 3000 --json`);
  const report = parseReport(t, run);
  const relayed = find(t, report, '127.0.0.1', 80);
  t.match(relayed, { status: 'intercepted', reason: 'http-proxy', evidence: { stage: 'http', http: { status: 301, headers: { via: /squid/ } } } }, 'squid relayed the real answer but added Via');
  const failed = find(t, report, '127.0.0.2', 80);
  t.match(failed, { status: 'intercepted', reason: 'http-proxy', evidence: { http: { status: 503, headers: { 'x-squid-error': /ERR_CONNECT_FAIL/ } } } }, 'squid answered for an address where nothing listens');
  t.equal(report.verdict.status, 'intercepted');
  t.match(report.verdict.text, /^A web proxy or filter answers port 80 in place of the GoTo servers \(.*squid/);
  t.match(report.summary.findings, [{ port: 80, reason: 'http-proxy', product: /squid/ }]);
}, ['squid', 'openssl']);

lab(t, 'the canary: handshakes everywhere, answers nowhere, all equally close: a possible finding', async (t) => {
  const run = await inNamespace(`
serve silent 127.0.0.1 9080
iptables -t nat -A OUTPUT -p tcp -d 127.0.0.0/24 --dport 80 -j REDIRECT --to-ports 9080
g2probe --ranges fixtures/loopback-24.txt --sample 5 --ports 80,8200 --timeout 600 --concurrency 1 --json`);
  const report = parseReport(t, run);
  const on80 = report.attempts.filter((a) => a.port === 80);
  t.equal(on80.length, 5);
  for (const a of on80) t.match(a, { status: 'timeout', evidence: { stage: 'http' } }, 'each attempt alone is only silent');
  t.match(report.summary.findings, [{ port: 80, reason: 'http-proxy', possible: true, evidence: { kind: 'canary', addresses: 5, otherPortsSilent: true } }],
    `handshake times ${JSON.stringify(on80.map((a) => a.connectMs))}`);
  t.match(report.summary.ports.find((p: { port: number }) => p.port === 80), { state: 'blocked' }, 'timing alone names no one: the port stays what its attempts say');
  t.match(report.verdict.text, /Possibly something in the path accepts every connection on port 80 itself: 5 different addresses/);
});

lab(t, 'explicit squid: CONNECT 200 then the checks through the tunnel, 403 on 8200, 407 without credentials', async (t) => {
  const squid = squidLab(squidDir(t));
  const run = await inNamespace(`
${squid.start}
listen 127.0.0.1 80 443 8200
${ranges('127.0.0.1')}
echo '=== open'
g2probe --ranges "$ranges" --proxy http://127.0.0.1:${squid.ports.open} --timeout 3000 --json
echo '=== auth'
HTTPS_PROXY=http://127.0.0.1:${squid.ports.auth} g2probe --ranges "$ranges" --ports 443 --timeout 3000 --json
echo '=== wrong'
g2probe --ranges "$ranges" --ports 443 --proxy http://127.0.0.1:${squid.ports.auth} --proxy-user ${squid.user}:not-it --timeout 3000 --json
echo '=== end'`);
  const [open, auth, wrong] = run.stdout.split(/^=== \w+$/m).slice(1, 4).map((part) => parseReport(t, { ...run, stdout: part }));
  t.match(find(t, open!, '127.0.0.1', 80), { status: 'ok', path: 'proxy', evidence: { stage: 'http', http: { status: 301 } } }, 'HTTP through the tunnel reaches the server');
  t.match(find(t, open!, '127.0.0.1', 443), { status: 'ok', path: 'proxy', evidence: { stage: 'tls', tls: { trust: 'given-root' } } }, 'TLS through the tunnel');
  t.match(find(t, open!, '127.0.0.1', 8200), { status: 'blocked', reason: 'proxy-denied', path: 'proxy', evidence: { stage: 'proxy', proxy: { status: 403, headers: { 'x-squid-error': /ERR_ACCESS_DENIED/ } } } });
  t.match(open!.options, { proxies: { http: { url: `http://127.0.0.1:${squid.ports.open}`, source: '--proxy' } } });
  t.match(find(t, auth!, '127.0.0.1', 443), {
    status: 'blocked', reason: 'proxy-auth-required',
    evidence: { proxy: { status: 407, credentialsSent: false, headers: { 'proxy-authenticate': /Basic realm="g2probe-lab"/ } } },
  });
  t.match(auth!.options, { proxies: { https: { source: 'HTTPS_PROXY' }, http: null } });
  t.match(find(t, wrong!, '127.0.0.1', 443), { reason: 'proxy-auth-required', evidence: { proxy: { credentialsSent: true }, why: /rejected the credentials/ } });
}, ['squid', 'openssl']);

lab(t, 'credentials work and never appear in the report, the --out file, stderr or logs; --compare-direct', async (t) => {
  const squid = squidLab(squidDir(t));
  const secret = squid.password;
  const basic = Buffer.from(`${squid.user}:${secret}`).toString('base64');
  const run = await inNamespace(`
${squid.start}
listen 127.0.0.1 80 443 8200
${ranges('127.0.0.1')}
out=$(mktemp -d)/report.json
HTTPS_PROXY=http://${squid.user}:${secret}@127.0.0.1:${squid.ports.auth} HTTP_PROXY=http://127.0.0.1:${squid.ports.auth} \\
  g2probe --ranges "$ranges" --proxy-user ${squid.user}:${secret} --compare-direct --timeout 3000 --json --out "$out" --log-level trace
echo '=== file'
cat "$out"`);
  const [json, file] = run.stdout.split(/^=== file$/m);
  const report = parseReport(t, { ...run, stdout: json! });
  for (const [where, text] of [['stdout', json!], ['--out file', file!], ['stderr and logs', run.stderr]] as const) {
    t.notMatch(text, secret, `no password in ${where}`);
    t.notMatch(text, basic, `no Basic credentials in ${where}`);
  }
  t.match(run.stderr, /probe started/, 'the logs did run at trace level');
  t.match(find(t, report, '127.0.0.1', 443), { status: 'ok', path: 'proxy' }, 'with credentials the tunnel opens');
  t.match(find(t, report, '127.0.0.1', 8200), { status: 'blocked', reason: 'proxy-denied', path: 'proxy' });
  t.match(find(t, report, '127.0.0.1', 8200, true), { status: 'ok', path: 'direct', comparison: true });
  t.match(report.options, { proxies: { https: { url: `http://${squid.user}:***@127.0.0.1:${squid.ports.auth}` } }, compareDirect: true });
  t.match(report.summary.comparison, [
    { port: 80, configured: 'reachable', direct: 'reachable', differs: false },
    { port: 443, configured: 'reachable', direct: 'reachable', differs: false },
    { port: 8200, configured: 'blocked', direct: 'reachable', differs: true },
  ]);
  t.match(report.verdict.advice.map((a) => a.text).join('\n'), /8200: blocked through the proxy, reachable directly/);
  // Known: the proxy denies 8200 and tunnels 443. Only reported: GoToMyPC falls back to 443. So partial, not blocked.
  t.equal(report.verdict.status, 'partial');
  t.match(report.verdict.text, /^GoToMyPC may connect through the proxy on 443 only: the proxy refuses to open tunnels \(CONNECT\) to 8200, while 443 is open through it\. That is squid's default .* GoToMyPC prefers 8200 and is reported to fall back to 443; g2probe cannot test that fallback\./);
  t.match(report.verdict.advice.map((a) => a.text).join('\n'), /squid does this by default \(http_access deny CONNECT !SSL_ports.*acl SSL_ports port 8200/);
  t.equal(report.verdict.exitCode, 1);
}, ['squid', 'openssl']);

lab(t, 'NO_PROXY sends the listed addresses direct', async (t) => {
  const squid = squidLab(squidDir(t));
  const run = await inNamespace(`
${squid.start}
listen 127.0.0.1 443
listen 127.0.0.2 443
${ranges('127.0.0.1', '127.0.0.2')}
HTTPS_PROXY=127.0.0.1:${squid.ports.open} NO_PROXY=127.0.0.2 g2probe --ranges "$ranges" --ports 443 --json`);
  const report = parseReport(t, run);
  t.match(find(t, report, '127.0.0.1', 443), { status: 'ok', path: 'proxy' });
  t.match(find(t, report, '127.0.0.2', 443), { status: 'ok', path: 'direct' });
  t.match(report.options, { proxies: { noProxy: '127.0.0.2' } });
}, ['squid', 'openssl']);
