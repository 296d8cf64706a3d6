// The Prometheus side of the tests: promtool's verdict on an exposition, and the samples read back from it.
import { spawnSync } from 'node:child_process';
import type { Test } from 'tap';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of a text exposition (0.0.4); comments skipped. Enough for g2probe's own output, whose label values never hold `",`. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(/,(?=[a-zA-Z_])/).filter(Boolean)) {
      const at = pair.indexOf('=');
      labels[pair.slice(0, at)] = JSON.parse(pair.slice(at + 1)) as string;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** One sample's value by name and labels (every label given must match), or undefined. */
export function valueOf(samples: Sample[], name: string, labels: Record<string, string | number> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === String(v)))?.value;
}

/** Why promtool cannot run here, or null. In CI a missing promtool fails the test that needs it. */
export function promtoolMissing(): string | null {
  return spawnSync('sh', ['-c', 'command -v promtool']).status === 0 ? null : 'promtool is not installed (Debian package prometheus; .ci/run installs it)';
}

/** `promtool check metrics` must accept the exposition with no complaint, lint warnings included. */
export function assertPromtoolAccepts(t: Test, exposition: string, what: string): void {
  const missing = promtoolMissing();
  if (missing) {
    if (process.env.CI) t.fail(`${what}: ${missing}`);
    else t.comment(`not checked with promtool: ${missing}`);
    return;
  }
  const check = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  t.equal(check.status, 0, `promtool check metrics accepts ${what}`);
  t.equal(`${check.stdout}${check.stderr}`.trim(), '', `promtool has no lint complaint about ${what}`);
}
