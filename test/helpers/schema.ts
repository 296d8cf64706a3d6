// The published JSON Schema of the report (schema/report-v2.json), compiled once, strictly: every report a
// test reads is checked against it, so the schema and the reports cannot drift apart unnoticed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import addFormatsModule from 'ajv-formats';
import Ajv2020Module, { type ErrorObject } from 'ajv/dist/2020.js';
import type { Test } from 'tap';

// Both are CommonJS: under NodeNext the default import is module.exports, and its `default` is the export itself.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

export const SCHEMA_PATH = fileURLToPath(new URL('../../schema/report-v2.json', import.meta.url));
export const SCHEMA_TEXT = readFileSync(SCHEMA_PATH, 'utf8');
export const SCHEMA = JSON.parse(SCHEMA_TEXT) as Record<string, unknown>;

/** Strict: an unknown keyword or a type mistake in the schema itself is an error, not a warning. */
export function compileSchema(schema: object = SCHEMA) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

let validator: ReturnType<typeof compileSchema> | undefined;

/** The offending key or the values allowed, when ajv keeps them in params rather than in the message. */
function detail(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `: ${JSON.stringify(params.additionalProperty)}`;
  if (error.keyword === 'enum') return `: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'const') return `: ${JSON.stringify(params.allowedValue)}`;
  if (error.keyword === 'propertyNames') return `: ${JSON.stringify(params.propertyName)}`;
  return '';
}

/** Empty when `value` is a valid report; otherwise one `instancePath message` line per problem. */
export function validateReport(value: unknown): string[] {
  validator ??= compileSchema();
  if (validator(value)) return [];
  return (validator.errors ?? []).map((error) => {
    // An error about a key (propertyNames) names the key, not only the object that holds it.
    const key = error.propertyName === undefined ? '' : ` key ${JSON.stringify(error.propertyName)}`;
    return `${error.instancePath || '/'}${key} ${error.message ?? error.keyword}${detail(error)}`;
  });
}

/** One assertion: the report matches the schema, with the problems listed when it does not. */
export function assertValidReport(t: Test, value: unknown, name = 'the report'): void {
  t.same(validateReport(value), [], `${name} matches schema/report-v2.json`);
}

export const HOLD_SCHEMA = JSON.parse(readFileSync(fileURLToPath(new URL('../../schema/hold-v1.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
let holdValidator: ReturnType<typeof compileSchema> | undefined;

/** g2probe hold's report against schema/hold-v1.json, which takes its shared definitions from report-v2.json. */
export function validateHold(value: unknown): string[] {
  if (!holdValidator) {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(SCHEMA);
    holdValidator = ajv.compile(HOLD_SCHEMA);
  }
  if (holdValidator(value)) return [];
  return (holdValidator.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}${detail(error)}`);
}
