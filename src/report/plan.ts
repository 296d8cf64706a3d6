// `--plan`: what a run would try, as text or JSON, written as it is generated.
import type { ProbeOptions, RangesInfo } from '../core/types.js';
import { plural, portWord } from '../core/words.js';
import type { Plan } from '../targets/plan.js';
import type { Write } from './json.js';
import { SCHEMA_VERSION } from './json.js';
import { rangesFrom } from './text.js';

export function writePlanText(plan: Plan, hosts: readonly string[], ranges: RangesInfo, write: Write): void {
  write(`# ${plural(plan.count, 'attempt')}: ${plural(plan.ranges.length, 'range')} (${rangesFrom(ranges)}, version ${ranges.version}), ${portWord(plan.ports)}. --plan sends no packet to them.\n`);
  if (ranges.update?.warning) write(`# Warning: ${ranges.update.warning}\n`);
  if (hosts.length > 0) write(`# First, on the ports each is used on, the addresses these names resolve to at run time: ${hosts.join(', ')}\n`);
  write('# Each range on the ports it is documented for; "old list" where only the Citrix Online list vouches for it.\n');
  write('# ADDRESS PORT RANGE LIST\n');
  const lists = new Map(plan.ranges.map((r) => [r.cidr, r.lists.join(',')]));
  for (const t of plan.targets()) write(`${t.ip} ${t.port} ${t.range} ${lists.get(t.range ?? '')}${t.expected ? '' : ' (old list)'}\n`);
}

export function writePlanJson(plan: Plan, tool: { name: string; version: string }, options: ProbeOptions, rangeList: RangesInfo, write: Write): void {
  const ranges = plan.ranges.map((r) => ({
    cidr: r.cidr, lists: r.lists, ports: r.ports, legacyPorts: r.legacyPorts, source: r.source, status: r.status,
    hosts: r.hostCount <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r.hostCount) : r.hostCount.toString(),
  }));
  const head = JSON.stringify({ schemaVersion: SCHEMA_VERSION, kind: 'plan', tool, options, rangeList, count: plan.count, ranges }, null, 2);
  write(`${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "targets": [`);
  let first = true;
  for (const t of plan.targets()) {
    write(`${first ? '' : ','}\n    ${JSON.stringify(t)}`);
    first = false;
  }
  write(`${first ? '' : '\n  '}]\n}\n`);
}
