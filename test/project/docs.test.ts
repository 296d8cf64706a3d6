// The README and docs/ against the program they describe: the reference names exactly the flags each
// command's --help lists, every relative link and anchor resolves, and every g2probe command line in a code
// block parses. Command lines run with --help appended (rules runs whole: it sends no packet), so nothing
// probes; a misspelled flag or a bad value exits 64 there as it would for a reader.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import t from 'tap';
import { parseCli } from '../../src/commands/args.js';
import { parseDuration } from '../../src/commands/duration.js';
import { parseListen } from '../../src/commands/listen-address.js';
import { UsageError } from '../../src/core/errors.js';
import { ROOT, g2probe } from '../helpers/cli.js';

const DOCS = join(ROOT, 'docs');
const PAGES = ['README.md', ...readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
const read = (page: string): string => readFileSync(join(ROOT, page), 'utf8');

/** The commands, as reference.md's sections name them; '' is g2probe itself. */
const COMMANDS = ['', 'serve', 'rules', 'schema', 'show', 'hold', 'health'] as const;

const flagsIn = (text: string): Set<string> => new Set(text.match(/(?<![\w-])--[a-z][a-z0-9-]*/g) ?? []);

/** Markdown outside fenced code blocks, and the blocks themselves with their language. */
function split(markdown: string): { prose: string; blocks: { lang: string; lines: string[] }[] } {
  const prose: string[] = [];
  const blocks: { lang: string; lines: string[] }[] = [];
  let block: { lang: string; lines: string[] } | null = null;
  for (const line of markdown.split('\n')) {
    const fence = /^\s*```(\S*)/.exec(line);
    if (fence) {
      if (block) {
        blocks.push(block);
        block = null;
      } else {
        block = { lang: fence[1]!, lines: [] };
      }
    } else if (block) {
      block.lines.push(line);
    } else {
      prose.push(line);
    }
  }
  return { prose: prose.join('\n'), blocks };
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const match of split(markdown).prose.matchAll(/^#{1,6} (.+)$/gm)) {
    const text = match[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim();
    const base = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** reference.md's section for a command: from `## g2probe[ cmd]` to the next `## `. */
function section(reference: string, command: string): string {
  const heading = `## g2probe${command ? ` ${command}` : ''}\n`;
  const start = reference.indexOf(heading);
  if (start < 0) return '';
  const end = reference.indexOf('\n## ', start + heading.length);
  return reference.slice(start + heading.length, end < 0 ? undefined : end);
}

async function help(command: string): Promise<string> {
  const run = await g2probe(command ? [command, '--help'] : ['--help']);
  if (run.code !== 0) throw new Error(`g2probe ${command} --help: exit ${run.code}: ${run.stderr}`);
  return run.stdout;
}

t.test('the reference names exactly the flags of each command\'s --help', async (t) => {
  const reference = read('docs/reference.md');
  const probeFlags = flagsIn(await help(''));
  for (const command of COMMANDS) {
    const name = `g2probe${command ? ` ${command}` : ''}`;
    const text = section(reference, command);
    t.ok(text.length > 0, `reference.md has a section "## ${name}"`);
    const listed = flagsIn(await help(command));
    const named = flagsIn(text);
    for (const flag of listed) t.ok(named.has(flag), `${name} --help lists ${flag}: the reference's section names it`);
    // serve takes every probe flag (its help says so); every command takes --help.
    const accepted = new Set([...listed, '--help', ...(command === 'serve' ? probeFlags : [])]);
    for (const flag of named) t.ok(accepted.has(flag), `the reference names ${flag} under ${name}: its --help lists it`);
  }
});

t.test('every relative link and anchor in the README and docs/ resolves', async (t) => {
  let links = 0;
  for (const page of PAGES) {
    const { prose } = split(read(page));
    for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1]!;
      if (/^[a-z]+:/i.test(target)) continue;
      links++;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), path);
      t.ok(existsSync(file), `${page}: ${target} exists`);
      if (anchor !== undefined && existsSync(file) && file.endsWith('.md')) {
        t.ok(anchors(readFileSync(file, 'utf8')).has(anchor), `${page}: ${target}: ${relative(ROOT, file)} has the heading #${anchor}`);
      }
    }
  }
  t.ok(links > 50, `${links} relative links checked`);
});

/** Shell words of one line, up to the end of its first command: quotes kept together, operators split. */
function segments(line: string): string[][] {
  const out: string[][] = [[]];
  let word: string | null = null;
  const end = (): void => {
    if (word !== null) out.at(-1)!.push(word);
    word = null;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1);
      const stop = close < 0 ? line.length : close;
      word = (word ?? '') + line.slice(i + 1, stop);
      i = stop;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(c)) {
      end();
    } else if (c === '#' && word === null) {
      break;
    } else if ('|;&<>(){}'.includes(c)) {
      end();
      if (out.at(-1)!.length > 0) out.push([]);
      // A redirection's target is no command.
      if (c === '>' || c === '<') {
        while (line[i + 1] === '>' || line[i + 1] === '&' || line[i + 1] === ' ') i++;
        while (i + 1 < line.length && !/\s/.test(line[i + 1]!)) i++;
      }
    } else {
      word = (word ?? '') + c;
    }
  }
  end();
  return out.filter((words) => words.length > 0);
}

const DOCKER_VALUE_FLAGS = new Set(['--name', '-p', '--publish', '-v', '--volume', '-e', '--env', '--restart', '--security-opt', '--cap-drop', '--cap-add', '-u', '--user', '--network', '--mount', '-w', '--entrypoint']);

/** The arguments a command line gives g2probe, or null when it does not run g2probe. */
function g2probeArgs(words: string[]): string[] | null {
  let w = words;
  while (w.length > 0 && (w[0] === '$' || w[0] === 'sudo' || /^[A-Z_]+=/.test(w[0]!))) w = w.slice(1);
  if (/^(\.[/\\])?g2probe(-(win|linux|macos)-\w+(\.exe)?)?$/.test(w[0] ?? '')) return w.slice(1);
  if (w[0] === 'node' && w[1] === 'bin/g2probe.js') return w.slice(2);
  if (w[0] === 'docker' && w[1] === 'run') {
    for (let i = 2; i < w.length; i++) {
      if (DOCKER_VALUE_FLAGS.has(w[i]!)) i++;
      else if (!w[i]!.startsWith('-')) return /(^|\/)g2probe(:[\w.-]+)?$/.test(w[i]!) ? w.slice(i + 1) : null;
    }
  }
  return null;
}

/** Every g2probe command line in the code blocks of the README and docs/, continuation lines joined. */
function commandLines(): { page: string; line: string; args: string[] }[] {
  const found: { page: string; line: string; args: string[] }[] = [];
  for (const page of PAGES) {
    for (const block of split(read(page)).blocks) {
      // Shell blocks, and the `$ ` lines of a block that shows a run.
      const shell = ['sh', 'bash', 'shell', 'powershell'].includes(block.lang);
      if (!shell && block.lang !== '') continue;
      const joined = block.lines.join('\n').replace(/\\\n|&&\n/g, (m) => (m === '&&\n' ? '&& ' : ' ')).split('\n');
      // A file name set once (`f=g2probe-macos-arm64`, PowerShell's `$f = '…'`) stands in for its uses.
      const names = new Map<string, string>();
      for (const line of joined) {
        for (const set of line.matchAll(/(?:^|;\s*)\$?(\w+)\s?=\s?'?([\w.-]+)'?(?=;|\s*$)/g)) names.set(set[1]!, set[2]!);
      }
      for (const raw of joined) {
        const line = raw.replace(/\$(\w+)(?!\s?=)/g, (m, name: string) => names.get(name) ?? m);
        if (!shell && !line.startsWith('$ ')) continue;
        for (const words of segments(line)) {
          const args = g2probeArgs(words);
          if (args !== null) found.push({ page, line: line.trim(), args });
        }
      }
    }
  }
  return found;
}

/** A file a command line names that the reader would have: stood in for, so the line can be run. */
function standIns(args: string[], dir: string): string[] {
  const content: Record<string, string> = { '--ranges': '192.0.2.0/24\n' };
  return args.map((arg, i) => {
    const flag = args[i - 1];
    if (flag === undefined || !(flag in content) || existsSync(join(ROOT, arg))) return arg;
    const file = join(dir, arg.replace(/[^\w.-]/g, '_'));
    writeFileSync(file, content[flag]!);
    return file;
  });
}

/** The values --help does not check (serve's, hold's and rules' own), checked by the parsers that take them. */
function checkOwnValues(args: string[]): void {
  const command = args[0];
  const value = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
  if (command === 'serve' || command === 'hold' || command === 'health') {
    for (const flag of ['--every', '--jitter', '--for']) {
      const raw = args.includes(flag) ? value(flag) : undefined;
      if (raw !== undefined && !(command === 'hold' && flag === '--every' && raw === 'never')) parseDuration(raw, flag, 0, 86_400_000);
    }
    if (args.includes('--listen')) parseListen(value('--listen') ?? '', '--listen');
  }
}

/** At most `width` at once, results in order. */
async function pooled<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

t.test('every g2probe command line in the README and docs/ parses', async (t) => {
  const lines = commandLines();
  t.ok(lines.length >= 25, `${lines.length} command lines found`);
  t.ok(lines.some((l) => l.page === 'README.md'), 'the README\'s among them');
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-docs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // g2probe's own flags go through its parser here; a command's through the CLI: rules whole (it sends no
  // packet and checks its values only then), the others stopped by --help.
  const env = { G2PROBE_PROXY_PASSWORD: 'docs', G2PROBE_LOOPBACK_ONLY: '1' };
  const runs = await pooled(lines.map(({ args }) => async () => {
    const withFiles = standIns(args, dir);
    if (!(COMMANDS as readonly string[]).includes(args[0] ?? '')) {
      try {
        parseCli(withFiles, env);
        return { code: 0, stderr: '' };
      } catch (err) {
        return { code: err instanceof UsageError ? err.exitCode : 70, stderr: String(err) };
      }
    }
    return args[0] === 'rules' ? g2probe(withFiles) : g2probe([...withFiles, '--help'], env);
  }), 3);
  lines.forEach(({ page, line, args }, i) => {
    const where = `${page}: ${line}`;
    t.equal(runs[i]!.code, 0, `${where} (${runs[i]!.stderr.trim() || 'parses'})`);
    t.doesNotThrow(() => checkOwnValues(args), where);
  });
});

t.test('the checks catch a misspelled flag and a bad value', async (t) => {
  t.throws(() => parseCli(['--sampel', '3'], {}), { message: /unknown option --sampel/ }, 'a misspelled flag, in the parser');
  t.throws(() => parseCli(['--timeout', '3s'], {}), { message: /bad --timeout value/ }, 'a bad value, in the parser');
  t.equal((await g2probe(['--sampel', '3', '--help'])).code, 64, 'a misspelled flag');
  t.equal((await g2probe(['--role', 'hots', '--help'])).code, 64, 'a bad value');
  t.equal((await g2probe(['hold', '--evry', '5m', '--help'])).code, 64, 'a misspelled flag of a command');
  t.throws(() => checkOwnValues(['serve', '--every', '5x']), 'a bad duration');
  t.same(g2probeArgs(segments('docker run -d --name g2probe -p 9815:9815 g2probe:0.1.0 serve --every 5m # x')[0]!), ['serve', '--every', '5m']);
  t.same(segments('sha256sum --check SHA256SUMS && ./g2probe-linux-x64 --plan > plan.txt').map(g2probeArgs), [null, ['--plan']]);
});

t.test('the README is a front door: at most 160 lines', async (t) => {
  const lines = read('README.md').trimEnd().split('\n').length;
  t.ok(lines <= 160, `README.md has ${lines} lines`);
});

t.test('LICENSE is the MIT licence package.json names', async (t) => {
  const license = read('LICENSE');
  t.match(license, /^MIT License\n\nCopyright \(c\) 2026 g2probe developers\n/);
  const pkg = JSON.parse(read('package.json')) as { license: string; files: string[] };
  t.equal(pkg.license, 'MIT');
  t.ok(pkg.files.includes('LICENSE') && pkg.files.includes('docs/'), 'the package ships the licence and docs/');
});
