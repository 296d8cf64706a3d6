// The house rules of src/ (ARCHITECTURE.md): each layer imports only the layers below it, no import circle exists,
// and nothing but the dialer opens a connection.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import t from 'tap';
import { ROOT } from '../helpers/cli.js';

/** Bottom first. A file's layer is its first folder under src/, or its own name for the two top files. */
export const LAYERS = ['core', 'data', 'net', 'pc', 'targets', 'judge', 'probe', 'report', 'run', 'commands', 'cli'] as const;

const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

function layerOf(file: string): string {
  const first = file.split('/')[0]!;
  return first.endsWith('.ts') ? first.slice(0, -3) : first;
}

/** Every relative import of a module, static or dynamic, types included: a type import is a dependency too. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\(\s*)'(\.[^']+)'/g)].map((m) => m[1]!);
  return specs.map((spec) => normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts'));
}

const files = sources(SRC).sort();
const graph = new Map(files.map((file) => [file, importsOf(file)]));

t.test('every module sits in a known layer, and every import names a module that exists', async (t) => {
  for (const [file, deps] of graph) {
    t.ok((LAYERS as readonly string[]).includes(layerOf(file)), `${file} is in a layer`);
    for (const dep of deps) t.ok(graph.has(dep), `${file} imports ${dep}, which exists`);
  }
});

type Graph = ReadonlyMap<string, readonly string[]>;

function upwardImports(graph: Graph): string[] {
  const rank = (file: string) => (LAYERS as readonly string[]).indexOf(layerOf(file));
  return [...graph].flatMap(([file, deps]) => deps.filter((dep) => rank(dep) > rank(file)).map((dep) => `${file} → ${dep}`));
}

function circles(graph: Graph): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const found: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      found.push([...path.slice(path.indexOf(file)), file].join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  return found;
}

t.test('no import runs from a lower layer to a higher one', async (t) => {
  t.same(upwardImports(graph), [], 'upward imports');
});

t.test('no circle of imports', async (t) => {
  t.same(circles(graph), [], 'import circles');
});

/** Ways to reach the network, and where each may appear: the dialer, and the two that ride on a socket it opened. */
const DOORS: { what: string; pattern: RegExp; allowed: readonly string[] }[] = [
  { what: 'net.connect / createConnection', pattern: /\bnet\.(connect|createConnection)\(/, allowed: ['net/dialer.ts'] },
  { what: 'a bare handle connect', pattern: /\.connect6?\(\s*request/, allowed: ['net/dialer.ts'] },
  { what: 'tls.connect', pattern: /\btls\.connect\(/, allowed: ['probe/checks/held.ts', 'probe/checks/tls.ts', 'net/fetch.ts'] },
  { what: 'a DNS resolver or lookup', pattern: /from 'node:dns(\/promises)?'|new Resolver\(|\bdns\.(lookup|resolve)/, allowed: ['net/dialer.ts'] },
  { what: 'undici', pattern: /^import (?!type )[^;]*from 'undici'|import\('undici'\)/m, allowed: [] },
  { what: 'UDP', pattern: /from 'node:dgram'/, allowed: [] },
  { what: 'an HTTP client', pattern: /from 'node:https'|\bhttps?\.(request|get)\(|import \{[^}]*\b(request|get)\b[^}]*\} from 'node:http'/, allowed: ['commands/health.ts'] },
];

/** One call of each kind, to show each pattern finds what it is for. */
const DOOR_SAMPLES: Record<string, string> = {
  'net.connect / createConnection': 'const socket = net.connect({ host, port });',
  'a bare handle connect': 'handle.connect6(request, host, port)',
  'tls.connect': 'tls.connect({ host })',
  'a DNS resolver or lookup': "import { Resolver } from 'node:dns/promises';",
  undici: "import { Agent } from 'undici';",
  UDP: "import dgram from 'node:dgram';",
  'an HTTP client': "import { request } from 'node:http';",
};

t.test('one door: nothing but the dialer opens a connection, asks DNS or builds an HTTP client', async (t) => {
  for (const door of DOORS) {
    const found = files.filter((file) => door.pattern.test(readFileSync(join(SRC, file), 'utf8')));
    t.same(found.filter((file) => !door.allowed.includes(file)), [], `${door.what}: only in ${door.allowed.join(', ') || 'no module'}`);
  }
  // The TLS check, hold's connections and the downloads only ever wrap a socket the dialer opened; health's HTTP request rides on one too.
  t.match(readFileSync(join(SRC, 'probe/checks/tls.ts'), 'utf8'), /tls\.connect\(\{\s*socket,/);
  t.match(readFileSync(join(SRC, 'net/fetch.ts'), 'utf8'), /tls\.connect\(\{ socket,/);
  t.match(readFileSync(join(SRC, 'probe/checks/held.ts'), 'utf8'), /tls\.connect\(\{ socket,/);
  const health = readFileSync(join(SRC, 'commands/health.ts'), 'utf8');
  t.match(health, /request\(\{[^}]*createConnection: \(\) => openSocket\(/, "health's request connects through the dialer");
  t.equal([...health.matchAll(/\brequest\(/g)].length, 1, 'and it is the only request there');
});

t.test('each folder of src/ says what it is in one line, and ARCHITECTURE.md names every layer', async (t) => {
  const folders = [...new Set(files.map((file) => dirname(file)).filter((dir) => dir !== '.'))];
  for (const folder of folders) {
    const lines = readFileSync(join(SRC, folder, 'README.md'), 'utf8').trim().split('\n');
    t.equal(lines.length, 1, `${folder}/README.md is one line`);
    t.match(lines[0], new RegExp(`^# ${folder}: `), `${folder}/README.md names its folder`);
  }
  const map = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  for (const layer of LAYERS) t.match(map, new RegExp(`\\| \`${layer}(/|\\.ts)\` \\|`), `ARCHITECTURE.md's table has ${layer}`);
});

t.test('the checker catches what it is for', async (t) => {
  const made: Graph = new Map([
    ['judge/verdict.ts', ['core/types.ts', 'commands/args.ts']],
    ['commands/args.ts', ['net/guard.ts']],
    ['net/guard.ts', ['commands/args.ts']],
    ['core/types.ts', []],
  ]);
  t.same(upwardImports(made), ['judge/verdict.ts → commands/args.ts', 'net/guard.ts → commands/args.ts']);
  t.same(circles(made), ['commands/args.ts → net/guard.ts → commands/args.ts']);
  t.ok(graph.size > 50, `read ${graph.size} modules`);
  t.ok([...graph.values()].flat().length > 200, `read their ${[...graph.values()].flat().length} imports`);
  t.ok(DOORS.every((door) => door.pattern.test(DOOR_SAMPLES[door.what]!)), 'each door pattern finds its kind of call');
});
