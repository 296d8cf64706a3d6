// PAC files from a lab server, through the real fetch (caps, redirects, the guard) and the sandbox: per host
// and per port, a list with a fallback, and each broken kind reported with its reason.
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../helpers/cli.js';
import { inNamespace, lab } from '../helpers/lab.js';

const PAC = fileURLToPath(new URL('pac.mjs', import.meta.url));
const LOAD = fileURLToPath(new URL('pac-load.mjs', import.meta.url));

type Answer = { ok: true; entries: unknown[]; text: string } | { ok: false; why: string };
type Loaded = Record<string, { why?: string; answers?: Answer[]; loadMs: number; findMs?: number }>;

lab(t, 'a PAC served over HTTP: followed per target; every broken one says why', async (t) => {
  const run = await inNamespace(`start ${PAC} 127.0.0.1 8081
G2PROBE_LOOPBACK_ONLY=1 node ${LOAD} ${ROOT}dist http://127.0.0.1:8081`);
  t.equal(run.code, 0, run.stderr);
  const loaded = JSON.parse(run.stdout) as Loaded;
  const texts = (path: string) => loaded[path]?.answers?.map((a) => (a.ok ? a.text : a.why));
  t.same(texts('/per-target.pac'), ['PROXY 127.0.0.1:3128; DIRECT', 'DIRECT', 'PROXY 127.0.0.1:3128', 'DIRECT'], 'per host, per port, by address');
  t.same(texts('/dead-first.pac')?.[0], 'PROXY 127.0.0.1:9; PROXY 127.0.0.1:3128; DIRECT', 'the whole list, in order');
  t.match(loaded['/syntax.pac']?.why, /^not a PAC file: /);
  t.match(texts('/throws.pac')?.[0], /^FindProxyForURL threw: no route/);
  t.match(texts('/loop.pac')?.[0], /ran past 1000 ms and was stopped/);
  t.match(loaded['/huge.pac']?.why, /over the 1 MiB limit/);
  t.match(loaded['/login']?.why, /sent "text\/html", not a PAC file/);
  t.match(loaded['/to-outside']?.why, /redirected to 192\.0\.2\.1, outside loopback, which the loopback-only guard refuses/);
  t.match(loaded['/missing.pac']?.why, /answered 404/);
  const good = loaded['/per-target.pac']!;
  t.comment(`per-target.pac: fetched and compiled in ${good.loadMs.toFixed(1)} ms; ${good.findMs!.toFixed(3)} ms per target`);
});
