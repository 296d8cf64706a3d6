// The support bundle through the real CLI: a run through squid's NTLM proxy with the password from the environment
// and another on the command line, in a GNOME session (a stand-in gsettings), unpacked and read back. Every part
// is there and matches what the run wrote; no form of either password is anywhere in it.
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import t from 'tap';
import type { Report } from '../../src/core/types.js';
import { md4 } from '../../src/probe/checks/ntlm.js';
import { reportOnly } from '../helpers/cli.js';
import { inNamespace, lab } from '../helpers/lab.js';
import { assertValidReport } from '../helpers/schema.js';
import { ntlmSquidLab } from '../helpers/squid.js';

const PASSWORD = 'Bundle-Lab-4e1f#pw';
const ARGV_PASSWORD = 'Argv-Lab-77c0!pw';

function forms(password: string, account: string): Record<string, string> {
  const nt = md4(Buffer.from(password, 'utf16le')).toString('hex');
  return {
    [`${password}`]: password,
    [`${password} in Base64`]: Buffer.from(password).toString('base64').replace(/=+$/, ''),
    [`${password} as Basic`]: Buffer.from(`${account}:${password}`).toString('base64'),
    [`${password} NT hash`]: nt,
    [`${password} NT hash, upper case`]: nt.toUpperCase(),
    [`${password} URL-encoded`]: encodeURIComponent(password),
    [`${password} SHA-256`]: createHash('sha256').update(password).digest('hex'),
  };
}

lab(t, '--bundle: the reports, what was read on this PC, the versions and the debug log, with every secret scrubbed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-bundle-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // squid drops to its own user: a directory of its own, not one inside this 0700 one.
  const squidDir = mkdtempSync(join(tmpdir(), 'g2probe-bundle-squid-'));
  t.teardown(() => rmSync(squidDir, { recursive: true, force: true }));
  const squid = ntlmSquidLab(squidDir);
  writeFileSync(join(dir, 'gsettings'), `#!/bin/sh\n[ "$*" = "list-recursively org.gnome.system.proxy" ] && printf "org.gnome.system.proxy mode 'none'\\norg.gnome.system.proxy ignore-hosts @as []\\n" && exit 0\nexit 1\n`);
  chmodSync(join(dir, 'gsettings'), 0o755);
  const proxy = `http://127.0.0.1:${squid.port}`;
  const run = await inNamespace(`${squid.start}
listen 127.0.0.1 80 443 8200
export PATH=${dir}:$PATH XDG_CURRENT_DESKTOP=GNOME
printf '127.0.0.1\\n' > ${dir}/one.txt
G2PROBE_PROXY_PASSWORD='${PASSWORD}' g2probe --ranges ${dir}/one.txt --no-dns --proxy ${proxy} --proxy-user 'LAB\\helpdesk' --timeout 3000 --out ${dir}/report.json --bundle ${dir}/bundle.zip > ${dir}/stdout.txt; echo "env $?"
g2probe --ranges ${dir}/one.txt --no-dns --ports 443 --proxy ${proxy} --proxy-user 'LAB\\helpdesk:${ARGV_PASSWORD}' --timeout 3000 --bundle ${dir}/argv.zip > /dev/null; echo "argv $?"`, { timeoutMs: 120_000 });
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /^env 0\nargv 0\n$/);

  const unpack = (name: string): Record<string, string> => Object.fromEntries(Object.entries(unzipSync(readFileSync(join(dir, name)))).map(([file, bytes]) => [file, strFromU8(bytes)]));
  const bundle = unpack('bundle.zip');
  const names = Object.keys(bundle).sort();
  for (const part of ['README.txt', 'about.json', 'log.ndjson', 'report.html', 'report.json', 'report.txt']) t.ok(part in bundle, `${part} in the bundle`);
  t.ok(names.some((n) => /^raw\/\d+-gsettings-list-recursively-org\.gnome\.system\.proxy\.txt$/.test(n)), `what gsettings printed (${names.join(', ')})`);
  t.equal(bundle['report.json'], readFileSync(join(dir, 'report.json'), 'utf8'), 'report.json is the --out report');
  t.equal(bundle['report.txt'], reportOnly(readFileSync(join(dir, 'stdout.txt'), 'utf8')), 'report.txt is what the run printed, without its Saved lines');
  const report = JSON.parse(bundle['report.json']!) as Report;
  assertValidReport(t, report);
  t.match(report.attempts.find((a) => a.port === 443), { status: 'ok', evidence: { proxyAuth: 'ntlm' } }, 'the run signed in with NTLM');
  t.match(bundle['report.html'], /^<!doctype html>/);
  const log = bundle['log.ndjson']!.trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string });
  t.ok(log.some((l) => l.level === 20 && l.msg === 'attempt'), 'the log at debug level, though stderr showed warn and above');
  t.match(JSON.parse(bundle['about.json']!), { g2probe: /^\d+\.\d+\.\d+/, node: /^\d+\.\d+\.\d+$/, os: { platform: 'linux', arch: process.arch, release: /\S/ } }, 'the versions');

  const argv = unpack('argv.zip');
  const line = (JSON.parse(argv['about.json']!) as { argv: string[] }).argv;
  t.ok(line.includes('--proxy-user') && line.includes('LAB\\helpdesk:***') && line.includes(proxy), `the command line, its password scrubbed: ${line.join(' ')}`);
  for (const [name, files] of [['bundle.zip', bundle], ['argv.zip', argv]] as const) {
    const all = Object.values(files).join('\n');
    for (const [form, value] of Object.entries({ ...forms(PASSWORD, 'LAB\\helpdesk'), ...forms(ARGV_PASSWORD, 'LAB\\helpdesk') })) {
      t.notOk(all.includes(value), `${name}: no ${form}`);
    }
  }
  t.comment(`bundle: ${(readFileSync(join(dir, 'bundle.zip')).length / 1024).toFixed(1)} KB, ${names.length} files`);
}, ['squid', 'openssl']);
