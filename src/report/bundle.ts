// The support bundle (--bundle FILE.zip): one file for the ticket with the reports, the raw outputs g2probe
// read on this PC, the tool and system versions, and the run's log at debug level. Secrets are scrubbed from
// every part before it is packed: the proxy password in every form it could take, and any user:password@.
import os from 'node:os';
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { CommandResult, CommandRunner } from '../pc/local-policy.js';

/** What a part may hold at most: a sweep's JSON or debug log can run to hundreds of MB; a ticket does not need it all. */
export const MAX_PART_BYTES = 64 * 1024 * 1024;

/** One command g2probe ran to read this PC (netsh, PowerShell, reg, scutil, gsettings), with what it printed. */
export interface RawReading {
  file: string;
  args: readonly string[];
  result: CommandResult;
}

/** A runner that keeps what each command printed, for the bundle. */
export function recordingRunner(run: CommandRunner, readings: RawReading[]): CommandRunner {
  return async (file, args, options) => {
    const result = await run(file, args, options);
    readings.push({ file, args, result });
    return result;
  };
}

/** Text kept to MAX_PART_BYTES, saying where it was cut. */
export class CappedText {
  private parts: string[] = [];
  private size = 0;
  cut = false;

  readonly write = (chunk: string): void => {
    if (this.cut) return;
    if (this.size + chunk.length > MAX_PART_BYTES) {
      this.parts.push(chunk.slice(0, MAX_PART_BYTES - this.size));
      this.cut = true;
      return;
    }
    this.parts.push(chunk);
    this.size += chunk.length;
  };

  text(what: string): string {
    const whole = this.parts.join('');
    return this.cut ? `${whole}\n[g2probe: ${what} cut at ${MAX_PART_BYTES / 1024 / 1024} MB]\n` : whole;
  }
}

export interface BundleParts {
  json: string;
  html: string;
  text: string;
  log: string;
  readings: readonly RawReading[];
  /** Files g2probe read as they are, by name in the bundle (the resolver's configuration). */
  files: Record<string, string>;
  version: string;
  argv: readonly string[];
  /** Every secret of the run (the proxy password): scrubbed wherever it appears, in each form it could take. */
  secrets: readonly string[];
}

/** Every form a secret could leak in: as it is, in Basic's Base64 (alone or after an account), URL-encoded. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 3) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** The text with every secret form replaced by ***, and any URL's user:password@ masked. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/@\s:"']*):[^@\s/"']*@/gi, '$1:***@');
  for (const form of secretForms(secrets)) out = out.split(form).join('***');
  return out;
}

const README = `g2probe support bundle

report.json   the JSON report (g2probe schema describes it; g2probe show report.json prints it)
report.html   the same as one web page
report.txt    the text report the run printed
log.ndjson    the run's log at debug level, one JSON object a line
about.json    g2probe's and this system's versions, and the command line
raw/          what each command g2probe ran to read this PC printed (firewall, proxy settings), and the
              resolver configuration, as read

Secrets are scrubbed from every file: the proxy password in each form it could take, and any
user:password@ in a URL, are ***.
`;

function rawName(index: number, reading: RawReading): string {
  const tool = reading.file.split(/[\\/]/).pop() ?? 'command';
  const words = reading.args.join(' ').replace(/[^A-Za-z0-9.=-]+/g, '-').slice(0, 60);
  return `raw/${String(index + 1).padStart(2, '0')}-${tool}-${words}.txt`.replace(/-+\.txt$/, '.txt');
}

export function buildBundle(parts: BundleParts): Uint8Array {
  const clean = (text: string): Uint8Array => strToU8(scrub(text, parts.secrets));
  const about = {
    g2probe: parts.version,
    node: process.versions.node,
    os: { platform: process.platform, type: os.type(), release: os.release(), version: os.version(), arch: process.arch },
    argv: parts.argv,
    writtenAt: new Date().toISOString(),
  };
  const zip: Zippable = {
    'README.txt': strToU8(README),
    'report.json': clean(parts.json),
    'report.html': clean(parts.html),
    'report.txt': clean(parts.text),
    'log.ndjson': clean(parts.log),
    'about.json': clean(`${JSON.stringify(about, null, 2)}\n`),
  };
  parts.readings.forEach((reading, i) => {
    const { result } = reading;
    const head = `$ ${reading.file} ${reading.args.join(' ')}\n${result.ok ? '' : `(failed: ${result.why})\n`}\n`;
    zip[rawName(i, reading)] = clean(`${head}${result.ok ? result.stdout : ''}`);
  });
  for (const [name, text] of Object.entries(parts.files)) zip[`raw/${name}`] = clean(text);
  return zipSync(zip, { level: 6, mtime: new Date() });
}
