// The estate lab: a GoTo estate that behaves the way public material says GoTo's servers behave
// (shared/research/goto-servers.md), in several variants, then the same estate with each interference.
// A healthy estate must come out ok with nothing flagged; each interference must be caught, with its
// status, reason and evidence. The CLI's JSON is the oracle.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { FIXTURES } from '../helpers/cli.js';
import { inNamespace, lab, parseReport, type Attempt, type Report } from '../helpers/lab.js';
import { squidLab } from '../helpers/squid.js';

const ESTATE = `${FIXTURES}lab-estate.txt`;
const RESOLVER = '127.0.0.53:5353';

/** GoToMyPC's own servers on 127.0.1.1; the platform's names (sign-in, logging, the opener) on 127.0.4.1. */
const NAMES: Record<string, string> = {
  'poll.gotomypc.com': '127.0.1.1',
  'www.gotomypc.com': '127.0.1.1',
  'get.gotomypc.com': '127.0.1.1',
  'authentication.logmeininc.com': '127.0.4.1',
  'logging.getgo.com': '127.0.4.1',
  'launch.getgo.com': '127.0.4.1',
  'api-telemetry.servers.getgo.com': '127.0.4.1',
};
const ZONE = Object.entries(NAMES).map(([name, ip]) => `${name}=a:${ip}`).join(' ');

/** Addresses of the estate's ranges where nothing is in use: silent, as unused addresses on the internet are. */
const UNUSED = ['127.0.1.3', '127.0.1.4', '127.0.1.5', '127.0.1.6', '127.0.2.3', '127.0.2.4', '127.0.2.5', '127.0.2.6', '127.0.3.2', '127.0.4.2'];

/** Who answers where, per variant: `listen.mjs` modes for the web and 8200 servers, `tls:NAME` for 443-only ones. */
interface Variant {
  name: string;
  servers: [mode: string, ip: string, ports: string][];
}

const VARIANTS: Variant[] = [
  {
    name: 'CloudFront in front of the web servers; media servers and a CDN edge with their own certificates',
    servers: [['goto-cdn', '127.0.1.1', '80 443 8200'], ['goto', '127.0.1.2', '80 443 8200'], ['tls:media', '127.0.2.1', '443'], ['tls:edge', '127.0.2.2', '443'], ['goto-cdn', '127.0.3.1', '80 443 8200'], ['tls:platform', '127.0.4.1', '443']],
  },
  {
    name: 'Fastly and Cloudflare, a redirect to www.gotomypc.com, an expired public certificate',
    servers: [['goto-fastly', '127.0.1.1', '80 443 8200'], ['cloudflare', '127.0.1.2', '80 443 8200'], ['tls:media', '127.0.2.1', '443'], ['tls:expired', '127.0.2.2', '443'], ['goto-fastly', '127.0.3.1', '80 443 8200'], ['tls:platform', '127.0.4.1', '443']],
  },
  {
    name: 'Akamai answering 200 pages of its own (not a shape GoTo is known for), CDN edges everywhere on 443',
    servers: [['goto-akamai', '127.0.1.1', '80 443 8200'], ['goto-cdn', '127.0.1.2', '80 443 8200'], ['tls:edge', '127.0.2.1', '443'], ['tls:edge', '127.0.2.2', '443'], ['cloudflare', '127.0.3.1', '80 443 8200'], ['tls:platform', '127.0.4.1', '443']],
  },
];

function estate(variant: Variant): string {
  return `
resolver 127.0.0.53 5353 ${ZONE}
${variant.servers.map(([mode, ip, ports]) => `serve ${mode} ${ip} ${ports}`).join('\n')}
for ip in ${UNUSED.join(' ')}; do iptables -A OUTPUT -p tcp -d "$ip" --syn -j DROP; done`;
}

const PROBE = `g2probe --ranges ${ESTATE} --all --dns-server ${RESOLVER} --timeout 1000 --json`;

const LIVE = new Set(VARIANTS[0]!.servers.map(([, ip]) => ip));
/** Steps that ask someone to change something. */
const ASKS = /\b(open|allow|exempt|disable|remove)\b/i;

/** What a healthy estate must not show: every one is a false alarm. */
function falseAlarms(report: Report): string[] {
  const alarms: string[] = [];
  if (report.verdict.status !== 'ok') alarms.push(`verdict ${report.verdict.status}: ${report.verdict.text}`);
  for (const a of report.attempts) {
    if (a.status === 'intercepted' || a.status === 'blocked') alarms.push(`${a.ip}:${a.port} ${a.status}/${a.reason}: ${a.evidence.why}`);
    else if (LIVE.has(a.ip) && a.status !== 'ok') alarms.push(`${a.ip}:${a.port} (a server) ${a.status}/${a.reason}`);
  }
  for (const f of report.summary.findings) alarms.push(`finding${f.possible ? ' (possible)' : ''}: ${f.text}`);
  for (const step of report.verdict.advice) if (ASKS.test(step.text)) alarms.push(`a step asks for a change: ${step.text}`);
  for (const p of report.summary.ports) if (p.state !== 'reachable') alarms.push(`port ${p.port} ${p.state}`);
  return alarms;
}

let falseAlarmCount = 0;
let healthyRuns = 0;

for (const variant of VARIANTS) {
  for (const connectOnly of [false, true]) {
    lab(t, `healthy estate (${variant.name})${connectOnly ? ', --connect-only' : ''}: ok, exit 0, nothing flagged`, async (t) => {
      const run = await inNamespace(`${estate(variant)}\n${PROBE}${connectOnly ? ' --connect-only' : ''}`);
      const report = parseReport(t, run);
      const alarms = falseAlarms(report);
      falseAlarmCount += alarms.length;
      healthyRuns++;
      t.same(alarms, [], 'no false alarm');
      t.equal(run.code, 0);
      t.equal(run.stderr, '');
      t.same(report.attempts.filter((a) => a.range?.startsWith('127.0.2.') || a.range?.startsWith('127.0.4.')).filter((a) => a.port !== 443), [], 'a range that serves only 443 is probed on 443 only');
      t.same(report.summary.ranges.map((r) => [r.cidr, r.ports['80']!.state, r.ports['8200']!.state]), [
        ['127.0.1.0/29', 'reachable', 'reachable'], ['127.0.2.0/29', 'not-served', 'not-served'], ['127.0.3.0/30', 'reachable', 'reachable'], ['127.0.4.0/30', 'not-served', 'not-served'],
      ]);
      t.ok(report.attempts.filter((a) => !LIVE.has(a.ip)).every((a) => a.status === 'timeout' && a.evidence.stage === 'connect'), 'unused addresses stay silent, and are only that');
      t.match(report.verdict.text, /sampled addresses answered on no port while others in the same ranges did: most likely unused addresses, not a firewall/);
      if (!connectOnly) {
        const served = report.attempts.filter((a) => LIVE.has(a.ip));
        t.ok(served.every((a) => a.evidence.exchanges === undefined), 'nothing was cut or left unanswered, so nothing needed comparing');
        t.ok(served.filter((a) => a.port === 8200).every((a) => a.evidence.recognised === true && /400/.test(a.evidence.why)), "8200 answers GoTo's own 400 to the ping");
        t.ok(served.filter((a) => a.port === 443).every((a) => a.evidence.tls?.trust === 'given-root' && /^--tls-roots /.test(a.evidence.tls.givenRoot?.source ?? '') && /leads to a root you gave \(--tls-roots /.test(a.evidence.why)),
          'every chain on 443 leads to the lab root given with --tls-roots, said as such (never as public), whatever its names');
        const poll = served.find((a) => a.host === 'poll.gotomypc.com' && a.port === 80);
        t.match(poll?.evidence, { stage: 'http', recognised: variant.name.startsWith('Akamai') ? false : true }, 'a name\'s address is asked with its name as Host');
      }
    });
  }
}

function find(t: Test, report: Report, ip: string, port: number): Attempt {
  const found = report.attempts.find((a) => a.ip === ip && a.port === port && a.host === undefined);
  if (!found) {
    t.fail(`no attempt for ${ip}:${port}`);
    throw new Error('missing attempt');
  }
  return found;
}

let caught = 0;
const INTERFERENCES = 6;

function squidDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-squid-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const HEALTHY = VARIANTS[0]!;

lab(t, 'a transparent proxy on 80: intercepted/http-proxy, its Via the evidence', async (t) => {
  const squid = squidLab(squidDir(t), NAMES);
  const run = await inNamespace(`${squid.start}\n${estate(HEALTHY)}\n${squid.intercept('127.0.0.0/16')}\n${PROBE}`);
  const report = parseReport(t, run);
  for (const ip of ['127.0.1.1', '127.0.1.2', '127.0.3.1']) {
    const attempt = find(t, report, ip, 80);
    t.match(attempt, { status: 'intercepted', reason: 'http-proxy', evidence: { stage: 'http' } }, `${ip}:80`);
    t.ok(attempt.evidence.signs?.some((sign) => /^Via: .*\(squid\//.test(sign)), `${ip}:80: squid named by its own Via`);
  }
  t.match(report.summary.ports.find((p) => p.port === 80), { state: 'intercepted' });
  t.same(report.summary.ports.filter((p) => p.port !== 80).map((p) => p.state), ['reachable', 'reachable'], 'the other ports are untouched');
  t.equal(report.verdict.status, 'intercepted');
  t.equal(run.code, 4);
  t.match(report.verdict.text, /^A web proxy or filter answers port 80 in place of the GoTo servers \(.*squid/);
  caught++;
}, ['squid', 'openssl']);

lab(t, 'TLS inspection by a named CA: intercepted/tls-inspection on every 443, the product named', async (t) => {
  const run = await inNamespace(`${estate(HEALTHY)}
serve tls:zscaler 127.0.0.1 9443
iptables -t nat -A OUTPUT -p tcp -d 127.0.0.0/16 --dport 443 -j REDIRECT --to-ports 9443
${PROBE}`);
  const report = parseReport(t, run);
  const on443 = report.attempts.filter((a) => a.port === 443);
  t.ok(on443.length > 0 && on443.every((a) => a.status === 'intercepted' && a.reason === 'tls-inspection' && a.evidence.tls?.product === 'Zscaler Internet Access'), 'every 443 attempt names Zscaler');
  t.equal(report.verdict.status, 'intercepted');
  t.equal(run.code, 4);
  t.match(report.verdict.text, /inspects HTTPS: the certificate for 443 was issued by CN=Zscaler Intermediate Root CA/);
  t.match(report.verdict.advice[0]?.text, /^Exempt the GoTo ranges .* from HTTPS inspection in Zscaler Internet Access/);
  caught++;
});

lab(t, "a firewall's block page on 8200: intercepted/http-proxy, the page the evidence", async (t) => {
  const run = await inNamespace(`${estate(HEALTHY)}
serve blockpage 127.0.0.1 9820
iptables -t nat -A OUTPUT -p tcp -d 127.0.0.0/16 --dport 8200 -j REDIRECT --to-ports 9820
${PROBE}`);
  const report = parseReport(t, run);
  for (const ip of ['127.0.1.1', '127.0.1.2', '127.0.3.1']) {
    t.match(find(t, report, ip, 8200), { status: 'intercepted', reason: 'http-proxy', evidence: { stage: 'service', http: { status: 403, product: 'FortiGate' }, signs: [/^FortiGate block page \("Web Filter Block Override"\)$/] } }, `${ip}:8200`);
  }
  t.equal(report.verdict.status, 'intercepted');
  t.equal(run.code, 4);
  caught++;
});

lab(t, '8200 dropped: blocked/no-answer where servers answer the other ports', async (t) => {
  const run = await inNamespace(`${estate(HEALTHY)}
iptables -I OUTPUT -p tcp --dport 8200 --syn -j DROP
${PROBE}`);
  const report = parseReport(t, run);
  for (const ip of ['127.0.1.1', '127.0.1.2', '127.0.3.1']) t.match(find(t, report, ip, 8200), { status: 'timeout', reason: 'no-answer', evidence: { stage: 'connect' } });
  t.match(report.summary.ports.find((p) => p.port === 8200), { state: 'blocked', unjudged: 0 });
  t.equal(report.verdict.status, 'blocked');
  t.equal(run.code, 2);
  t.match(report.verdict.text, /^GoToMyPC cannot connect: outbound TCP port 8200 reached no GoTo server \(the attempts timed out/, "GoToMyPC's names are not used on 8200: the sentence does not blame them");
  t.match(report.verdict.advice.map((s) => s.text).join('\n'), /Outbound TCP 8200 is dropped silently/);
  caught++;
});

lab(t, "an SNI and Host filter (iptables -m string on GoToMyPC's names, resetting): blocked/app-filter with both exchanges", async (t) => {
  const run = await inNamespace(`${estate(HEALTHY)}
iptables -I OUTPUT -p tcp -m multiport --dports 80,443 -m string --string gotomypc --algo bm -j REJECT --reject-with tcp-reset
${PROBE}`);
  const report = parseReport(t, run);
  t.match(find(t, report, '127.0.1.2', 443), {
    status: 'blocked', reason: 'app-filter',
    evidence: { stage: 'tls', exchanges: { gotomypc: { sent: 'a TLS ClientHello with SNI www.gotomypc.com', outcome: 'reset' }, neutral: { sent: 'a TLS ClientHello without SNI', outcome: 'answered' } } },
  });
  t.match(find(t, report, '127.0.1.2', 80), {
    status: 'blocked', reason: 'app-filter',
    evidence: { stage: 'http', exchanges: { gotomypc: { sent: 'GET / (Host: www.gotomypc.com)', outcome: 'reset' }, neutral: { sent: 'GET / (Host: 127.0.1.2)', outcome: 'answered' } } },
  });
  const platform = report.attempts.find((a) => a.host === 'authentication.logmeininc.com');
  t.match(platform, { status: 'ok' }, 'a name without "gotomypc" in it passes the filter: it is the names that are filtered');
  t.same(report.summary.ports.map((p) => p.state), ['blocked', 'blocked', 'reachable'], 'a filter that cuts GoToMyPC blocks the port, even where other names get through');
  t.equal(report.verdict.status, 'blocked');
  t.equal(run.code, 2);
  const steps = report.verdict.advice.map((s) => s.text).join('\n');
  t.match(steps, /application-control rule .* recognises GoToMyPC on TCP 80 and 443.*allow the GoToMyPC application/);
  t.notMatch(steps, /dropped silently/, 'the unused addresses beside the filter are not blamed on a firewall');
  caught++;
});

lab(t, 'a signature filter on 8200 (iptables -m string on "Jedi", resetting): blocked/app-filter', async (t) => {
  const run = await inNamespace(`${estate(HEALTHY)}
iptables -I OUTPUT -p tcp --dport 8200 -m string --string Jedi --algo bm -j REJECT --reject-with tcp-reset
${PROBE}`);
  const report = parseReport(t, run);
  for (const ip of ['127.0.1.1', '127.0.1.2', '127.0.3.1']) {
    t.match(find(t, report, ip, 8200), {
      status: 'blocked', reason: 'app-filter',
      evidence: { stage: 'service', exchanges: { gotomypc: { sent: /^GET \/Jedi\?request=ping&jedi=100/, outcome: 'reset' }, neutral: { outcome: 'answered', answer: 'HTTP 400' } } },
    }, `${ip}:8200`);
  }
  t.same(report.summary.ports.map((p) => p.state), ['reachable', 'reachable', 'blocked']);
  t.equal(report.verdict.status, 'blocked');
  t.equal(run.code, 2);
  t.match(report.verdict.advice[0]?.text, /application-control rule .* on TCP 8200/);
  caught++;
});

t.teardown(() => {
  if (healthyRuns > 0) console.log(`# estate lab: ${falseAlarmCount} false alarms over ${healthyRuns} healthy runs (${VARIANTS.length} variants, with and without --connect-only); ${caught} of ${INTERFERENCES} interferences caught`);
});
