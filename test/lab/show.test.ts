// A run's text report and g2probe show of the report it saved are the same text, byte for byte: a healthy run,
// and one with drops, refusals and a firewall on this PC. (show takes no --tls-roots, which the lab's g2probe adds.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FIXTURES, START_SH, reportOnly } from '../helpers/cli.js';
import { inNamespace, lab } from '../helpers/lab.js';

lab(t, 'g2probe show of a saved report prints what the run printed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-show-lab-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const names = ['poll.gotomypc.com', 'www.gotomypc.com'].map((n) => `${n}=a:127.0.0.1`).join(' ');
  const run = await inNamespace(`
listen 127.0.0.1 80 443 8200
resolver 127.0.0.53 53 ${names}
g2probe --ranges ${FIXTURES}loopback.txt --hosts poll.gotomypc.com,www.gotomypc.com --dns-server 127.0.0.53 --timeout 500 --out ${dir}/healthy.json > ${dir}/healthy.txt
${START_SH} show ${dir}/healthy.json > ${dir}/healthy.show; echo "show $?"
iptables -A INPUT -d 127.0.0.3 -p tcp --syn -j DROP
ip rule add to 127.0.0.7 prohibit pref 10
ip rule del pref 0 && ip rule add pref 100 lookup local
g2probe --ranges ${FIXTURES}lab-conditions.txt --no-dns --timeout 500 --out ${dir}/faults.json > ${dir}/faults.txt
${START_SH} show ${dir}/faults.json > ${dir}/faults.show; echo "show $?"`);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /^show 0\nshow 0\n$/);
  for (const name of ['healthy', 'faults']) {
    const printed = readFileSync(join(dir, `${name}.txt`), 'utf8');
    t.ok(printed.length > 500, `${name}: the run printed its report`);
    t.match(printed, /\nSaved: \S+\.json \(the JSON report\)\n$/, `${name}: the run says where its report went`);
    t.equal(readFileSync(join(dir, `${name}.show`), 'utf8'), reportOnly(printed), `${name}: show prints the same text, but the Saved line`);
  }
  t.match(readFileSync(join(dir, 'healthy.txt'), 'utf8'), /^PARTIAL: .*GoToMyPC's own/m, 'the servers answer; 127.0.0.2, where nothing listens, does not');
  t.match(readFileSync(join(dir, 'faults.txt'), 'utf8'), /local-firewall/);
});
