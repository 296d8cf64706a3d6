// The benchmarks give nmap and the bare loop the very targets g2probe plans: same hosts, same count.
import t from 'tap';
// @ts-expect-error bench/ is plain JavaScript, run directly by node, without declarations
import { hostBlocks } from '../../bench/targets.mjs';
import { buildPlan } from '../../src/targets/plan.js';
import { parseRangesText } from '../../src/targets/ranges.js';

for (const [base, count] of [['127.1.0.0', 10_000], ['127.2.0.0', 2000], ['127.8.0.0', 100_000], ['127.3.0.0', 1]] as const) {
  t.test(`${count} hosts from ${base}`, async (t) => {
    const { cidrs, hosts } = hostBlocks(base, count) as { cidrs: string[]; hosts: string[] };
    t.equal(hosts.length, count);
    t.ok(cidrs.length <= 20, `a few blocks (${cidrs.length})`);
    const plan = buildPlan(parseRangesText(`${cidrs.join('\n')}\n`, 'bench'), { ports: [8200], sample: 12, seed: 'x', all: true });
    const planned = [...plan.targets()].map((target) => target.ip);
    t.equal(planned.length, count, 'g2probe plans as many');
    t.same(planned, hosts, 'and exactly those, in the same order');
  });
}
