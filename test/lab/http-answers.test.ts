// HTTP answers as real products send them, on 80 and 8200: the corpus's block pages (as whole answers where the file
// has a head, as a body under a neutral 200 where it has none), a CDN's 403 that echoes a vendor's name in a URL,
// bare LF, HTTP/0.9, answers over the cap in one write, 10 MB of headers, an endless chunked body, and another
// service on 8200. One namespace, one listener per loopback address, two runs of the CLI; its JSON is the oracle.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { AKAMAI_ECHO_BODY, akamaiEcho, corpusPages } from '../helpers/blockpages.js';
import { corpusBytes, corpusPath, withCorpus } from '../helpers/corpus.js';
import { inNamespace, lab, parseReport, type Attempt, type Report } from '../helpers/lab.js';

/** One address per shape, each answering the same way on 80 and 8200. */
interface Shape {
  name: string;
  /** A listen.mjs mode. */
  mode: string;
  /** What each attempt must be: intercepted with the product (or sign) named, or ok. */
  expect: { status: 'intercepted'; product: string | null; sign: RegExp } | { status: 'ok'; possible?: RegExp };
  /** How the answer must have been read, on both ports. */
  read?: Partial<Record<'framing' | 'lineEnds' | 'truncated' | 'complete', unknown>>;
}

const FORTIGATE = 'blockpage/fortigate-web-filter-violation-malicious-ie-padding.html';

function shapes(dir: string): Shape[] {
  const file = (name: string, bytes: Buffer | string): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const forti = corpusBytes(FORTIGATE);
  const fortiSign = { status: 'intercepted' as const, product: 'FortiGate', sign: /^FortiGate block page/ };
  const fromCorpus = corpusPages().map((page): Shape => ({
    name: `${page.file} (${page.wire ? 'as it crossed the network' : 'a body under a neutral 200'})`,
    mode: page.wire ? `file:${file(page.file, page.wire)}` : `body:${corpusPath(`blockpage/${page.file}`)}`,
    expect: { status: 'intercepted', product: page.product, sign: page.sign },
  }));
  const padded = (head: string, body: Buffer, size: number): Buffer => {
    const pad = Buffer.from(`<!--${' '.repeat(Math.max(0, size - body.length - 7))}-->`);
    const whole = Buffer.concat([body, pad]);
    return Buffer.concat([Buffer.from(head.replace('LENGTH', String(whole.length))), whole]);
  };
  const portal = Buffer.from('<html><body><a href="http://portal.lab.example/login">Sign in to the guest network</a></body></html>');
  return [
    ...fromCorpus,
    {
      name: "a CDN's 403 that echoes a URL with a vendor's name (Akamai's Access Denied)", mode: `file:${file('akamai-403', akamaiEcho(AKAMAI_ECHO_BODY))}`,
      expect: { status: 'ok' },
    },
    {
      name: 'a FortiGate page under a bare-LF HTTP/1.0 head, delimited by the close', mode: `file:${file('forti-lf', Buffer.concat([Buffer.from('HTTP/1.0 403 Forbidden\nContent-Type: text/html\n\n'), forti]))}`,
      expect: fortiSign, read: { framing: 'until-close', lineEnds: 'lf', complete: true },
    },
    { name: 'a FortiGate page with no head at all (HTTP/0.9)', mode: `file:${corpusPath(FORTIGATE)}`, expect: fortiSign, read: { framing: 'not-http', complete: true } },
    {
      name: 'a 20 KB redirect to a portal, in one write', mode: `file:${file('redirect-20k', padded('HTTP/1.1 302 Found\r\nLocation: http://portal.lab.example/login?dst=http%3A%2F%2Fwww.gotomypc.com%2F\r\nContent-Type: text/html\r\nContent-Length: LENGTH\r\nConnection: close\r\n\r\n', portal, 20_000))}`,
      expect: { status: 'intercepted', product: null, sign: /^a redirect to portal\.lab\.example\/login/ }, read: { framing: 'content-length', truncated: true },
    },
    {
      name: 'a 20 KB FortiGate page, in one write', mode: `file:${file('forti-20k', padded('HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nContent-Length: LENGTH\r\nConnection: close\r\n\r\n', forti, 20_000))}`,
      expect: fortiSign, read: { framing: 'content-length', truncated: true },
    },
    { name: '10 MB of headers', mode: 'hugehead', expect: { status: 'intercepted', product: null, sign: /^Via: 1\.1 filter\.lab \(squid\/6\.10\)$/ }, read: { truncated: true } },
    { name: 'an endless chunked body, a FortiGate page first', mode: `endless:${corpusPath(FORTIGATE)}`, expect: fortiSign, read: { framing: 'chunked', truncated: true } },
  ];
}

function find(t: Test, report: Report, ip: string, port: number): Attempt {
  const found = report.attempts.find((a) => a.ip === ip && a.port === port);
  if (!found) {
    t.fail(`no attempt for ${ip}:${port}`);
    throw new Error('missing attempt');
  }
  return found;
}

/** `status/reason [signs]` of an attempt, for the record of what each shape came out as. */
function outcome(a: Attempt): string {
  const signs = a.evidence.signs?.length ? ` [${a.evidence.signs.join('; ')}]` : '';
  const possible = a.evidence.possible?.length ? ` (possible: ${a.evidence.possible.join('; ')})` : '';
  return `${a.status}/${a.reason}${signs}${possible}${a.status === 'ok' || a.status === 'intercepted' ? '' : `: ${a.evidence.why}`}`;
}

const addressOf = (i: number): string => `127.0.10.${i + 1}`;
const BANNER = '127.0.10.100';
const GOTO = '127.0.10.101';

withCorpus(t, 'lab', async (t) => {
  lab(t, 'HTTP answers of the field on 80 and 8200: caught and named, judged on what was read; another service on 8200 is possible', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'g2probe-answers-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const all = shapes(dir);
    const ranges = join(dir, 'ranges.txt');
    writeFileSync(ranges, [...all.map((_, i) => addressOf(i)), BANNER, GOTO].join('\n'));
    writeFileSync(join(dir, 'healthy.txt'), `${GOTO}\n${BANNER}\n`);
    const run = await inNamespace(`
serve ${all.map((shape, i) => `${JSON.stringify(shape.mode)} ${addressOf(i)} 80 8200 --`).join(' ')} banner ${BANNER} 80 8200 -- goto ${GOTO} 80 8200
echo '=== field'
g2probe --ranges ${ranges} --ports 80,8200 --timeout 2000 --json
echo '=== healthy'
g2probe --ranges ${join(dir, 'healthy.txt')} --ports 8200 --timeout 2000 --json
echo '=== end'`, { timeoutMs: 120_000 });
    const [field, healthy] = run.stdout.split(/^=== \w+$/m).slice(1, 3).map((part) => parseReport(t, { ...run, stdout: part }));
    let right = 0;
    all.forEach((shape, i) => {
      for (const port of [80, 8200]) {
        const a = find(t, field!, addressOf(i), port);
        t.comment(`${port} ${shape.name}: ${outcome(a)}`);
        const expect = shape.expect;
        const ok = expect.status === 'intercepted'
          ? a.status === 'intercepted' && a.reason === 'http-proxy' && (a.evidence.signs ?? []).some((s) => expect.sign.test(s)) && (a.evidence.http?.product ?? null) === expect.product
          : a.status === 'ok' && !a.evidence.signs && (expect.possible ? (a.evidence.possible ?? []).some((p) => expect.possible!.test(p)) : !a.evidence.possible);
        t.ok(ok, `${port} ${shape.name}: ${expect.status}${expect.status === 'intercepted' ? ` by ${expect.product ?? expect.sign}` : ''}`, { got: outcome(a) });
        if (shape.read) t.match(a.evidence.http?.read, shape.read, `${port} ${shape.name}: read as ${JSON.stringify(shape.read)}`);
        const read = a.evidence.http?.read;
        t.ok(read?.complete || read?.truncated, `${port} ${shape.name}: read to its end or to the cap, not cut by the deadline`, { read });
        if (ok) right++;
      }
    });
    t.comment(`field shapes: ${right} of ${all.length * 2} attempts judged right`);

    t.notMatch(JSON.stringify(field!.summary.findings), /fortinet\.com|127\.0\.10\.10\b/i, "no finding from the CDN's echo");
    const banner = find(t, field!, BANNER, 8200);
    t.match(banner, { status: 'ok', evidence: { recognised: false, service: { unsolicited: /^SSH-2\.0-OpenSSH_9\.6p1/ }, possible: [/^another service answered on 8200: it spoke before GoToMyPC's client had \(SSH-2\.0-OpenSSH/] } }, 'an SSH banner on 8200: another service, possible');
    t.match(find(t, field!, BANNER, 80), { status: 'ok', evidence: { possible: [/^bytes that are not HTTP answered GET \//] } }, 'and on 80: bytes that are not HTTP');
    for (const port of [80, 8200]) t.match(find(t, field!, GOTO, port), { status: 'ok', evidence: { recognised: true } }, `the GoTo stand-in beside them on ${port}: ok, recognised`);
    t.notOk(find(t, field!, GOTO, 80).evidence.possible ?? find(t, field!, GOTO, 8200).evidence.possible, 'and nothing possible about it');

    t.equal(field!.verdict.status, 'intercepted');
    const advice = field!.verdict.advice.map((s) => s.text).join('\n');
    for (const product of ['squid', 'FortiGate', 'Cisco Umbrella', 'Palo Alto Networks (PAN-OS)', 'McAfee (Skyhigh) Web Gateway', "Vodafone Turkey's network filter"]) {
      t.ok(advice.includes(`(${product})`), `the advice names ${product}`);
    }
    t.match(field!.verdict.text, /^A web proxy or filter answers port 80 in place of the GoTo servers \(/);

    t.equal(healthy!.verdict.status, 'ok', 'another service on 8200 beside a healthy GoTo server: still ok');
    t.equal(healthy!.verdict.exitCode, 0);
    t.match(healthy!.verdict.text, /^GoToMyPC should connect: .* Possibly something in the way on port 8200: another service answered on 8200: it spoke before GoToMyPC's client had/);
    t.match(healthy!.summary.findings, [{ port: 8200, possible: true, text: /another service answered/ }]);
    t.match(healthy!.verdict.advice, [{ text: /^Possibly something in the way, on a sign too weak to judge on: .*another service answered/ }]);
    t.equal(run.stderr, '');
  }, []);
});
