// g2probe schema: the JSON Schema of the report, for whoever reads reports with a program. Sends no packet.
import { packageFile } from '../core/package-files.js';
import { writeStdout } from '../report/output.js';
import { parseFlags } from './flags.js';

const SPEC = {
  hold: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The schema ships beside dist/ in the package, and inside the single executables. */
export const SCHEMA_FILE = 'schema/report-v2.json';
/** g2probe hold's report; its shared definitions are references into SCHEMA_FILE. */
export const HOLD_SCHEMA_FILE = 'schema/hold-v1.json';

const SCHEMA_HELP = `Usage: g2probe schema [--hold]

Prints the JSON Schema (draft 2020-12) of the report that g2probe --json and
--out write, to validate reports or to generate code that reads them. Sends no
packet.

The report's schemaVersion field names the schema it follows. It goes up only
with a change that would break an existing reader (a field removed, renamed or
retyped, a new status or reason); the schema printed is always the one for the
schemaVersion this g2probe writes.

Options
  --hold              the schema of g2probe hold's report instead
                      (schema/hold-v1.json, whose shared definitions refer to
                      report-v2.json by its $id)
  -h, --help          this text

Exit codes
  0   the schema is on stdout
  64  usage error: a bad flag (one line on stderr names it)
`;

/** Writes the schema (or the help) to stdout; a bad flag is a UsageError, reported by the caller. */
export function schemaCommand(argv: readonly string[]): number {
  const values = parseFlags(argv, SPEC, { command: 'g2probe schema' });
  writeStdout(values.help ? SCHEMA_HELP : packageFile(values.hold ? HOLD_SCHEMA_FILE : SCHEMA_FILE));
  return 0;
}
