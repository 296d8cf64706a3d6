// g2probe show FILE: a saved report (--out, --json) as the text report the run printed, so a ticket's
// attachment reads like the original run. Sends no packet.
import { UsageError, quote } from '../core/errors.js';
import { readSaved } from '../report/saved.js';
import { renderHoldHtml } from '../report/hold-html.js';
import { renderHoldText } from '../report/hold-text.js';
import { renderHtml } from '../report/html.js';
import { writeStdout } from '../report/output.js';
import { sameFile, writeWhole } from '../report/output-file.js';
import { renderText } from '../report/text.js';
import { painter, parseColor, wantsColor } from '../report/colour.js';
import { HOLDS, savedLines } from '../report/footer.js';
import { COLOR_HELP } from './args.js';
import { parseFlags } from './flags.js';

const SPEC = {
  html: { type: 'string' },
  color: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SHOW_HELP = `Usage: g2probe show FILE [--html OUT]

Prints a report that g2probe saved (with --out, or --json to a file) as the
text report its run printed: the verdict, the ports, GoToMyPC's servers, the
ranges, this PC and the numbered steps. For the engineer who gets the file
with a ticket. Reads reports of schemaVersion 1 and 2, and g2probe hold's
reports (schemaVersion 1); anything in the file a terminal would act on is
shown escaped. Sends no packet.

Examples
  g2probe show g2probe-report.json
  g2probe show g2probe-report.json | less
  g2probe show g2probe-report.json --html report.html
  g2probe show hold.json

Options
  --html OUT          write the report as one self-contained web page to OUT
                      instead (no script, font or image fetched: it opens
                      offline, from a mail attachment, and prints)
${COLOR_HELP}
  -h, --help          this text

Exit codes
  0   the report is on stdout
  64  usage error: a bad flag, or FILE is missing, unreadable, not a g2probe
      report or of a schemaVersion this g2probe does not read (one line on
      stderr says which)
`;

/** The page to OUT, and on success its Saved line on stderr: stdout stays empty, as the page is the output. */
async function savePage(path: string, page: string): Promise<number> {
  const code = await writeWhole('--html', path, page);
  if (code === 0) process.stderr.write(savedLines([{ path, what: HOLDS['--html'] }]));
  return code;
}

export async function showCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const file = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : null;
  const values = parseFlags(file === null ? argv : argv.slice(1), SPEC, { command: 'g2probe show' });
  if (values.help) {
    writeStdout(SHOW_HELP);
    return 0;
  }
  if (file === null) throw new UsageError('show needs the report file: g2probe show FILE');
  if (values.html === '') throw new UsageError('option --html needs a value');
  if (values.color === '') throw new UsageError('option --color needs a value');
  const paint = painter(wantsColor(parseColor(values.color), process.stdout.isTTY === true, env));
  if (values.html !== undefined && sameFile(file, values.html)) throw new UsageError(`--html ${quote(values.html)} is the report being shown: the page would replace it; give another file`);
  const saved = readSaved(file);
  if (saved.kind === 'hold') {
    if (values.html !== undefined) return savePage(values.html, renderHoldHtml(saved.report));
    writeStdout(renderHoldText(saved.report, paint));
    return 0;
  }
  const report = saved.report;
  if (values.html !== undefined) return savePage(values.html, renderHtml(report));
  const text = renderText({
    version: report.tool.version,
    summary: report.summary,
    verdict: report.verdict,
    elapsedMs: Date.parse(report.finishedAt) - Date.parse(report.startedAt),
    ranges: report.ranges,
    planned: report.interrupted ? 'unknown' : null,
    proxies: report.options.proxies,
    dns: report.dns,
    localPolicy: report.localPolicy,
    pac: report.pac,
    proxyPaths: report.proxyPaths,
  }, paint);
  writeStdout(text);
  return 0;
}
