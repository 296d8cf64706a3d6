// The field corpus: real artifacts nobody on this project wrote (PAC files, block pages, inspection CAs, OS outputs),
// read where they lie, beside the repository (../shared/corpus), never copied in. What each means is in its EXPECTED.md.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Test } from 'tap';
import { ROOT } from './cli.js';

export const CORPUS = resolve(process.env.G2PROBE_CORPUS ?? resolve(ROOT, '../shared/corpus'));

/** A corpus file's path. */
export function corpusPath(relative: string): string {
  return resolve(CORPUS, relative);
}

/** A corpus file's bytes. */
export function corpusBytes(relative: string): Buffer {
  return readFileSync(corpusPath(relative));
}

/** A corpus file's text, as stored (UTF-8). */
export function corpusText(relative: string): string {
  return corpusBytes(relative).toString('utf8');
}

/** Tests on the corpus: in CI a missing corpus is a failure; elsewhere they are skipped with the reason. */
export function withCorpus(t: Test, name: string, fn: (t: Test) => Promise<void>): void {
  if (existsSync(CORPUS)) t.test(name, fn);
  else if (process.env.CI) t.test(name, async (t) => { t.fail(`the corpus is not at ${CORPUS} (set G2PROBE_CORPUS)`); });
  else t.test(name, { skip: `the corpus is not at ${CORPUS} (set G2PROBE_CORPUS)` }, async () => undefined);
}
