// This PC's own proxy settings in the report, per role: a GNOME session's, read by the real CLI from a stand-in
// gsettings that prints a recording (the Windows ones are read under Wine in test/exe/windows.test.ts).
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FIXTURES } from '../helpers/cli.js';
import { inNamespace, lab, parseReport } from '../helpers/lab.js';

lab(t, "a GNOME session's proxy settings are named in the report and the text, with where they came from", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-gnome-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'gsettings'), `#!/bin/sh\n[ "$*" = "list-recursively org.gnome.system.proxy" ] && exec cat ${FIXTURES}proxy/gsettings-proxy-manual.txt\nexit 1\n`);
  chmodSync(join(dir, 'gsettings'), 0o755);
  const run = await inNamespace(`listen 127.0.0.1 443
export PATH=${dir}:$PATH XDG_CURRENT_DESKTOP=ubuntu:GNOME
g2probe --ranges ${FIXTURES}loopback.txt --no-dns --ports 443 --timeout 500 --json > ${dir}/report.json
g2probe --ranges ${FIXTURES}loopback.txt --no-dns --ports 443 --timeout 500 | head -12
cat ${dir}/report.json`);
  const report = parseReport(t, { ...run, stdout: run.stdout.slice(run.stdout.indexOf('{')) });
  t.match(report.proxyPaths, [{ role: 'client', who: /GNOME/, source: 'gsettings list-recursively org.gnome.system.proxy', said: /^the proxy / }]);
  t.match(run.stdout.replace(/\s+/g, ' '), /This PC's settings: desktop programs \(GNOME's proxy settings\): the proxy /, 'and the text says it');
  t.ok(report.attempts.every((a) => a.path === 'direct'), 'read, not followed: the attempts take the path g2probe was given (none here)');
});
