// What the hold lab tests share: the command as the lab starts it, the lab's poll server's name, the report read.
import type { Test } from 'tap';
import type { HoldReport } from '../../src/core/types.js';
import { FIXTURES, START_SH } from './cli.js';
import { validateHold } from './schema.js';

/** poll.gotomypc.com at 127.0.0.1, from the lab's resolver. */
export const POLL = 'resolver 127.0.0.53 53 poll.gotomypc.com=a:127.0.0.1';

/**
 * hold as the lab runs it: the lab's roots, its loopback ranges (so a loopback answer is GoTo's address, not a
 * sinkhole), its resolver. Started directly: the lab's g2probe function puts --tls-roots before the command.
 */
export const HOLD = `${START_SH} hold --tls-roots "$LAB_PKI/goto.root.pem" --ranges ${FIXTURES}loopback.txt --hosts poll.gotomypc.com --dns-server 127.0.0.53 --timeout 1000`;

export function parseHold(t: Test, stdout: string, stderr: string): HoldReport {
  let report: unknown;
  try {
    report = JSON.parse(stdout);
  } catch {
    t.fail('not a JSON hold report', { stdout: stdout.slice(0, 2000), stderr: stderr.slice(0, 2000) });
    throw new Error('no report');
  }
  t.same(validateHold(report), [], 'the report follows schema/hold-v1.json');
  return report as HoldReport;
}
