// --plan sends no packet: the namespace's netfilter counters see every packet that leaves a socket.
import t from 'tap';
import { FIXTURES } from '../helpers/cli.js';
import { inNamespace, lab } from '../helpers/lab.js';

const COUNT = `iptables -A OUTPUT; ip6tables -A OUTPUT
count() { echo $(( $(iptables -nvxL OUTPUT | awk 'NR==3 {print $1}') + $(ip6tables -nvxL OUTPUT | awk 'NR==3 {print $1}') )); }`;

lab(t, '--plan sends no packet; a real run on the same targets does', async (t) => {
  const run = await inNamespace(`${COUNT}
listen 127.0.0.1 80 443 8200
before=$(count)
g2probe --plan > /dev/null
g2probe --plan --json > /dev/null
g2probe --plan --all --ranges ${FIXTURES}loopback-24.txt > /dev/null
g2probe --plan --ranges ${FIXTURES}lab-conditions.txt --json > /dev/null
echo "plan $(( $(count) - before ))"
g2probe --ranges ${FIXTURES}lab-conditions.txt --timeout 100 > /dev/null
echo "probe $(( $(count) - before ))"`);
  t.equal(run.stderr, '');
  const [plan, probe] = [/plan (\d+)/, /probe (\d+)/].map((re) => Number(re.exec(run.stdout)?.[1] ?? NaN));
  t.equal(plan, 0, 'no packet during --plan');
  t.ok(probe! > 0, `the control run sent packets (${probe})`);
});
