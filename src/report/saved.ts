// A report saved by --out (or --json), read back for g2probe show: any schemaVersion this version knows, brought
// to the current shape, then checked against the current schema, so what is rendered is what a run would hold.
// The file may come from anywhere (a ticket's attachment): nothing in it is trusted before that check.
import { readFileSync, statSync } from 'node:fs';
import addFormatsModule from 'ajv-formats';
import Ajv2020Module from 'ajv/dist/2020.js';
import { UsageError, describeFsError, inline, quote } from '../core/errors.js';
import { packageFile } from '../core/package-files.js';
import type { HoldReport, Report } from '../core/types.js';
import { SCHEMA_VERSION } from './json.js';

// Both are CommonJS: under NodeNext the default import is module.exports, and its `default` is the export itself.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** A sweep of a million attempts writes a few hundred MB; past this a file is not a report g2probe wrote. */
const MAX_BYTES = 1024 * 1024 * 1024;
export const KNOWN_VERSIONS = [1, 2] as const;
export const HOLD_SCHEMA_VERSION: HoldReport['schemaVersion'] = 1;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Each object of `list` (when it is a list) gets `fields` it lacks. */
function fill(list: unknown, fields: Json): void {
  if (!Array.isArray(list)) return;
  for (const item of list) if (isObject(item)) for (const [key, value] of Object.entries(fields)) if (!(key in item)) item[key] = value;
}

/**
 * The fields later versions added, each at the value that says "not known then": a version 1 report (before the
 * ranges named their lists and ports) and an earlier version 2 one (before the proxy settings were followed and
 * deadlines learned). Nothing present is changed.
 */
function upgrade(report: Json): void {
  const options = report.options;
  if (isObject(options)) fill([options], { systemProxy: false, learnTimeout: false });
  if (report.schemaVersion !== 1) return;
  report.schemaVersion = SCHEMA_VERSION;
  if (isObject(report.ranges)) fill([report.ranges], { lists: [] });
  fill(report.attempts, { expected: true });
  if (isObject(report.dns)) fill(report.dns.results, { ports: [] });
  const summary = report.summary;
  if (isObject(summary)) {
    fill(summary.ports, { unjudged: 0 });
    fill(summary.ranges, { lists: [], serves: null, legacyPorts: [] });
    // Whether every address was tried went unrecorded: not claimed.
    if (Array.isArray(summary.ranges)) fill(summary.ranges.map((r: unknown) => (isObject(r) ? r.addresses : null)), { whole: false });
    // Version 1 named the built-in list's two sources; version 2 calls both built in (their status tells them apart).
    if (Array.isArray(summary.ranges)) for (const range of summary.ranges) if (isObject(range) && (range.source === 'goto-firewall-page' || range.source === 'citrix-online-legacy')) range.source = 'builtin';
    fill(summary.findings, { possible: false });
  }
  fill([report], { pac: null, proxyPaths: [] });
}

/** FILE's JSON, or a UsageError naming the file and what is wrong with it. */
function readJson(path: string, shown: string): Json {
  let text: string;
  try {
    if (statSync(path).size > MAX_BYTES) throw new UsageError(`${shown} is not a g2probe report: it is over 1 GiB`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${shown}: ${describeFsError(err)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${shown} is not a g2probe report: not JSON (${(err as Error).message})`);
  }
  if (!isObject(data) || !('schemaVersion' in data)) throw new UsageError(`${shown} is not a g2probe report: it has no schemaVersion`);
  return data;
}

type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
let validators: { report: Validator; hold: Validator } | undefined;

/** Both schemas in one Ajv: hold's takes its shared definitions from the report's. */
function schemas(): { report: Validator; hold: Validator } {
  if (validators) return validators;
  const ajv = new Ajv2020({ strict: true, allErrors: false });
  addFormats(ajv);
  const report = ajv.compile(JSON.parse(packageFile('schema/report-v2.json')) as object);
  validators = { report, hold: ajv.compile(JSON.parse(packageFile('schema/hold-v1.json')) as object) };
  return validators;
}

function check(validate: Validator, data: Json, shown: string, what: string): void {
  if (validate(data)) return;
  const first = validate.errors?.[0];
  throw new UsageError(`${shown} is not a whole ${what}: ${quote(first?.instancePath || '/', 200)} ${first?.message ?? 'does not match the schema'}`);
}

/** A saved probe report or hold report, whole and valid; a UsageError naming the file and the fault otherwise. */
export function readSaved(path: string): { kind: 'probe'; report: Report } | { kind: 'hold'; report: HoldReport } {
  const shown = inline(path, 1000);
  const data = readJson(path, shown);
  const version = data.schemaVersion;
  if (data.kind === 'hold') {
    if (version !== HOLD_SCHEMA_VERSION) {
      throw new UsageError(`${shown} is a g2probe hold report of schemaVersion ${quote(String(version))}, which this g2probe does not read (it reads ${HOLD_SCHEMA_VERSION})${typeof version === 'number' && version > HOLD_SCHEMA_VERSION ? ': it was written by a newer g2probe, so use that one' : ''}`);
    }
    check(schemas().hold, data, shown, 'g2probe hold report');
    return { kind: 'hold', report: data as unknown as HoldReport };
  }
  if (!KNOWN_VERSIONS.some((v) => v === version)) {
    const newer = typeof version === 'number' && version > SCHEMA_VERSION;
    throw new UsageError(`${shown} has schemaVersion ${quote(String(version))}, which this g2probe does not read (it reads ${KNOWN_VERSIONS.join(' and ')})${newer ? ': it was written by a newer g2probe, so use that one' : ''}`);
  }
  upgrade(data);
  check(schemas().report, data, shown, 'g2probe report');
  return { kind: 'probe', report: data as unknown as Report };
}
