// deploy/: the Kubernetes manifests, the Prometheus scrape config and alerts, and the Grafana dashboard
// that ops use to run g2probe at many sites. Checked offline: nothing here talks to a cluster or a server.
// The Deployment's arguments are checked by the built CLI (npm run build), as test/cli.test.ts runs it.
//
// kubectl's `apply/create --dry-run=client` is not used: even on the client side it asks an API server for
// its resource list (discovery) and fails without one. `kubectl kustomize` builds offline, so the example
// overlay is rendered with it when kubectl is installed (.ci/run cannot install it: Debian has no kubectl).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import t, { type Test } from 'tap';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_PORTS } from '../../src/commands/args.js';
import { METRICS } from '../../src/report/metrics.js';
import { collect, g2probe, ROOT } from '../helpers/cli.js';

const DEPLOY = join(ROOT, 'deploy');
const K8S = join(DEPLOY, 'kubernetes');
const ALERTS = join(DEPLOY, 'prometheus', 'alerts.yml');
const SCRAPE = join(DEPLOY, 'prometheus', 'scrape-config.yml');
const DASHBOARD = join(DEPLOY, 'grafana', 'g2probe-dashboard.json');
const OVERLAY = join(DEPLOY, 'sites', 'example-site');
/** The job the alerts and the dashboard match with up{job="g2probe"}. */
const JOB = 'g2probe';
/** In METRICS but on no panel and in no alert, on purpose. */
const NOT_GRAPHED: readonly string[] = ['g2probe_runs_total'];

// ---------------------------------------------------------------------------------------------------------
// Helpers

type Obj = Record<string, any>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(e.name) ? [path] : [];
  }).sort();
}

function load(path: string): Obj {
  return parse(readFileSync(path, 'utf8')) as Obj;
}

/** Every document of a multi-document YAML text (kubectl kustomize's output). */
function loadAll(text: string): Obj[] {
  return parseAllDocuments(text).flatMap((d) => ('errors' in d && d.errors.length === 0 ? [d.toJS() as Obj] : []));
}

function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/**
 * A test that needs `tool`: skipped with the reason where it is missing, except in CI when `.ci/run`
 * installs it (then missing is a failure, as for the lab's tools in test/helpers/lab.ts).
 */
function withTool(t: Test, tool: string, name: string, installedByCi: boolean, fn: (t: Test) => Promise<void>): void {
  const where = installedByCi ? '.ci/run installs it' : 'Debian has no package for it, so .ci/run does not install it';
  if (hasTool(tool)) t.test(name, fn);
  else if (installedByCi && process.env.CI) t.test(name, async (t) => { t.fail(`${tool} is missing in CI (${where})`); });
  else t.test(name, { skip: `${tool} is not installed (${where})` }, async () => undefined);
}

function subset(small: Obj | undefined, big: Obj | undefined): boolean {
  if (!small || !big || Object.keys(small).length === 0) return false;
  return Object.entries(small).every(([k, v]) => big[k] === v);
}

/** The value of `--name VALUE` or `--name=VALUE` in an argument list. */
function flag(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at >= 0) return args[at + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** Where the Deployment mounts an emptyDir for --ranges-cache. */
const CACHE_DIR = '/var/cache/g2probe';

/**
 * Whether `g2probe serve` accepts these arguments, by the built CLI: with --help last, serve checks every
 * probe flag and then prints its help instead of running, so nothing is probed.
 */
async function serveAccepts(t: Test, args: readonly string[], what: string): Promise<void> {
  t.equal(args[0], 'serve', `${what}: args start with serve`);
  const run = await g2probe([...args, '--help']);
  t.equal(run.code, 0, `${what}: g2probe ${args.join(' ')} is accepted: ${run.stderr.trim()}`);
  t.match(run.stdout, /^Usage: g2probe serve/, `${what}: it is serve's help`);
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects: identifiers that are not functions, keywords, label names
 * (in {…} or after by/on/…), strings, durations or Grafana variables. Enough for the expressions in deploy/.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/#[^\n]*/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w:.$])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)) {
    if (!PROMQL_WORDS.has(m[1]!.toLowerCase())) names.add(m[1]!);
  }
  return [...names];
}

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];
const ALLOWED = new Set<string>(['up', ...Object.entries(METRICS).flatMap(([name, { type }]) =>
  type === 'histogram' ? HISTOGRAM_SUFFIXES.map((s) => name + s) : [name])]);

/** The METRICS entry a series name belongs to (a histogram's _bucket/_sum/_count), or null for `up`. */
function family(name: string): string | null {
  if (name in METRICS) return name;
  const base = HISTOGRAM_SUFFIXES.reduce((n, s) => (n.endsWith(s) ? n.slice(0, -s.length) : n), name);
  return base in METRICS ? base : null;
}

interface Panel { id?: number; type?: string; title?: string; datasource?: Obj; gridPos?: Obj; targets?: Obj[]; panels?: Panel[] }

function dashboardPanels(dashboard: Obj): Panel[] {
  return (dashboard.panels as Panel[]).flatMap((p) => (p.type === 'row' ? p.panels ?? [] : [p]));
}

function dashboardExprs(dashboard: Obj): { where: string; expr: string }[] {
  return dashboardPanels(dashboard).flatMap((p) => (p.targets ?? []).map((q) => ({ where: `panel "${p.title}" ${q.refId}`, expr: String(q.expr ?? '') })));
}

/** Grafana's variables made concrete, so that promtool can parse a panel's query. */
function concrete(expr: string): string {
  return expr.replace(/\$(?:\{__(?:rate_interval|interval|range)\}|__(?:rate_interval|interval|range)\b)/g, '5m').replace(/\$\{?\w+(?::\w+)?\}?/g, '.*');
}

function alertRules(): Obj[] {
  return (load(ALERTS).groups as Obj[]).flatMap((g) => g.rules as Obj[]);
}

// ---------------------------------------------------------------------------------------------------------

t.test('metricNames finds the series a PromQL expression selects, and nothing else', async (t) => {
  t.same(metricNames('sum by (site, le) (rate(foo_total{a="b", site=~"$site"}[5m])) / on (x) group_left (y) bar:rec offset 5m > bool 1e3'), ['foo_total', 'bar:rec']);
  t.same(metricNames('histogram_quantile(0.9, sum by (le) (h_bucket{x="y"}))'), ['h_bucket']);
  t.same(metricNames('time() - ts > 3 * 300 or vector(0) unless on(job) absent(up{job="j"})'), ['ts', 'up']);
  t.same(metricNames('x{a="} y"} and Inf'), ['x']);
});

t.test('every YAML file under deploy/ parses', async (t) => {
  const files = yamlFiles(DEPLOY).map((f) => relative(ROOT, f));
  for (const expected of ['deploy/kubernetes/deployment.yaml', 'deploy/kubernetes/service.yaml', 'deploy/kubernetes/servicemonitor.yaml',
    'deploy/kubernetes/networkpolicy.yaml', 'deploy/kubernetes/kustomization.yaml', 'deploy/prometheus/scrape-config.yml', 'deploy/prometheus/alerts.yml']) {
    t.ok(files.includes(expected), `${expected} exists`);
  }
  for (const file of files) {
    const docs = parseAllDocuments(readFileSync(join(ROOT, file), 'utf8'), { uniqueKeys: true });
    const list = Array.isArray(docs) ? docs : [];
    t.ok(list.length > 0, `${file}: at least one document`);
    for (const doc of list) {
      t.same(doc.errors.map((e) => e.message), [], `${file}: no YAML errors`);
      t.same(doc.warnings.map((e) => e.message), [], `${file}: no YAML warnings`);
    }
  }
});

t.test('kubernetes manifests', async (t) => {
  const manifests = yamlFiles(K8S).filter((f) => !f.endsWith('kustomization.yaml'));
  for (const file of manifests) {
    const m = load(file);
    const name = relative(ROOT, file);
    t.type(m.apiVersion, 'string', `${name}: apiVersion`);
    t.type(m.kind, 'string', `${name}: kind`);
    t.ok(typeof m.metadata?.name === 'string' && m.metadata.name.length > 0, `${name}: metadata.name`);
    t.ok(m.metadata?.labels?.site, `${name}: a site label`);
  }

  const deployment = load(join(K8S, 'deployment.yaml'));
  const service = load(join(K8S, 'service.yaml'));
  const monitor = load(join(K8S, 'servicemonitor.yaml'));
  const policy = load(join(K8S, 'networkpolicy.yaml'));

  t.test('Deployment', async (t) => {
    t.equal(deployment.apiVersion, 'apps/v1');
    t.equal(deployment.kind, 'Deployment');
    t.equal(deployment.spec.replicas, 1, 'one probe per site');
    t.equal(deployment.spec.strategy?.type, 'Recreate', 'an update never runs two probes of a site at once');
    const pod = deployment.spec.template;
    t.ok(subset(deployment.spec.selector.matchLabels, pod.metadata.labels), 'the selector matches the pod labels');
    t.ok(pod.metadata.labels.site, 'the pod has a site label');
    t.ok(deployment.spec.selector.matchLabels.site, 'the selector includes the site');
    t.ok(pod.spec.terminationGracePeriodSeconds > 0 && pod.spec.terminationGracePeriodSeconds <= 30, 'a short grace period');
    t.equal(pod.spec.automountServiceAccountToken, false, 'no service-account token');

    t.equal(pod.spec.containers.length, 1);
    const c = pod.spec.containers[0] as Obj;
    t.match(c.image, /^g2probe:\d+\.\d+\.\d+$/, 'image g2probe:VERSION');
    t.match(readFileSync(join(K8S, 'deployment.yaml'), 'utf8'), /replace with your registry/i, 'a comment says to replace the image');
    const args = c.args as string[];
    t.equal(args[0], 'serve', 'args start with serve');
    t.equal(flag(args, '--listen'), '0.0.0.0:9815');
    t.equal(flag(args, '--every'), '5m');
    t.equal(flag(args, '--jitter'), '30s');
    // g2probe refuses --ranges-cache without --ranges-url: the base has neither, an overlay adds both.
    if (flag(args, '--ranges-cache') !== undefined) t.ok(flag(args, '--ranges-url'), '--ranges-cache comes with --ranges-url');
    await serveAccepts(t, args, 'the Deployment');

    const port = (c.ports as Obj[]).find((p) => p.name === 'metrics');
    t.ok(port, 'a container port named metrics');
    t.equal(port?.containerPort, Number(flag(args, '--listen')?.split(':').pop()), 'the metrics port is the one serve listens on');
    t.equal(port?.protocol ?? 'TCP', 'TCP');
    for (const probe of ['livenessProbe', 'readinessProbe']) {
      t.equal(c[probe]?.httpGet?.path, '/healthz', `${probe} GETs /healthz`);
      t.ok(c[probe]?.httpGet?.port === 'metrics' || c[probe]?.httpGet?.port === port?.containerPort, `${probe} on the metrics port`);
    }
    t.ok(c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory, 'requests and a memory limit');

    const sc = c.securityContext as Obj;
    const podSc = (pod.spec.securityContext ?? {}) as Obj;
    t.equal(sc.runAsNonRoot ?? podSc.runAsNonRoot, true, 'runAsNonRoot');
    t.equal(sc.runAsUser ?? podSc.runAsUser, 1000, 'runAsUser 1000 (the image\'s node user)');
    t.equal(sc.readOnlyRootFilesystem, true, 'readOnlyRootFilesystem');
    t.equal(sc.allowPrivilegeEscalation, false, 'allowPrivilegeEscalation false');
    t.same(sc.capabilities?.drop, ['ALL'], 'capabilities drop ALL');
    t.equal((sc.seccompProfile ?? podSc.seccompProfile)?.type, 'RuntimeDefault', 'seccompProfile RuntimeDefault');

    // The root filesystem is read-only: the cache directory must be a writable volume, an emptyDir.
    const mount = (c.volumeMounts as Obj[] | undefined)?.find((v) => v.mountPath === CACHE_DIR);
    t.ok(mount, `${CACHE_DIR} (for --ranges-cache) is mounted`);
    t.notOk(mount?.readOnly, 'and writable');
    const volume = (pod.spec.volumes as Obj[] | undefined)?.find((v) => v.name === mount?.name);
    t.ok(volume && 'emptyDir' in volume, 'from an emptyDir');
  });

  t.test('Service', async (t) => {
    const pod = deployment.spec.template;
    const container = pod.spec.containers[0] as Obj;
    t.equal(service.apiVersion, 'v1');
    t.equal(service.kind, 'Service');
    t.equal(service.spec.type ?? 'ClusterIP', 'ClusterIP');
    t.ok(subset(service.spec.selector, pod.metadata.labels), 'the selector matches the pod labels');
    t.ok(service.spec.selector.site, 'the selector includes the site');
    t.equal(service.metadata.labels.site, pod.metadata.labels.site, 'the Service carries the site (copied to the target)');
    const port = (service.spec.ports as Obj[]).find((p) => p.name === 'metrics');
    t.ok(port, 'a port named metrics');
    t.equal(port?.port, 9815);
    const containerPort = (container.ports as Obj[]).find((p) => p.name === 'metrics');
    t.ok(port?.targetPort === containerPort?.name || port?.targetPort === containerPort?.containerPort, 'targetPort is the container\'s metrics port');
  });

  t.test('ServiceMonitor', async (t) => {
    t.equal(monitor.apiVersion, 'monitoring.coreos.com/v1');
    t.equal(monitor.kind, 'ServiceMonitor');
    t.ok(subset(monitor.spec.selector.matchLabels, service.metadata.labels), 'the selector matches the Service labels');
    t.ok(monitor.spec.selector.matchLabels.site, 'the selector includes the site (one monitor per site)');
    t.same(monitor.spec.targetLabels, ['site'], 'targetLabels copies the site');
    const servicePort = (service.spec.ports as Obj[]).find((p) => p.name === 'metrics');
    t.equal(monitor.spec.endpoints.length, 1);
    const endpoint = monitor.spec.endpoints[0] as Obj;
    t.equal(endpoint.port, servicePort?.name, 'the endpoint is the Service\'s metrics port, by name');
    t.equal(endpoint.path ?? '/metrics', '/metrics');
    t.equal(endpoint.interval, '60s');
    t.equal(service.metadata.labels[monitor.spec.jobLabel], JOB, `jobLabel gives job="${JOB}", as the alerts expect`);
  });

  t.test('NetworkPolicy: the probe\'s ports to anywhere, DNS and the metrics port', async (t) => {
    const pod = deployment.spec.template;
    t.equal(policy.apiVersion, 'networking.k8s.io/v1');
    t.equal(policy.kind, 'NetworkPolicy');
    t.ok(subset(policy.spec.podSelector.matchLabels, pod.metadata.labels), 'the podSelector matches the pod labels');
    const egress = policy.spec.egress as Obj[];
    const allowed = (port: number, protocol: string) => egress.some((rule) => rule.to === undefined
      && (rule.ports as Obj[]).some((p) => p.port === port && (p.protocol ?? 'TCP') === protocol));
    // To anywhere: a rule narrowed to GoTo's ranges would miss the addresses of GoTo's names and make
    // g2probe report the policy instead of the site (the file says why).
    for (const port of DEFAULT_PORTS) t.ok(allowed(port, 'TCP'), `egress TCP ${port} to any destination`);
    t.ok(allowed(53, 'UDP') && allowed(53, 'TCP'), 'egress DNS');
    const ingress = policy.spec.ingress as Obj[];
    t.ok(ingress.some((rule) => (rule.ports as Obj[]).some((p) => p.port === 9815 || p.port === 'metrics')), 'ingress to the metrics port');
  });

  t.test('kustomization', async (t) => {
    const k = load(join(K8S, 'kustomization.yaml'));
    t.equal(k.kind, 'Kustomization');
    const resources = k.resources as string[];
    for (const file of ['deployment.yaml', 'service.yaml', 'servicemonitor.yaml']) t.ok(resources.includes(file), `lists ${file}`);
    for (const file of resources) t.ok(existsSync(join(K8S, file)), `${file} exists`);
    // Every manifest is either a resource or an opt-in line the user uncomments.
    const text = readFileSync(join(K8S, 'kustomization.yaml'), 'utf8');
    for (const file of manifests.map((f) => relative(K8S, f))) {
      t.ok(resources.includes(file) || new RegExp(`^\\s*#\\s*- ${file.replace('.', '\\.')}`, 'm').test(text), `${file} listed or commented in`);
    }
    t.match(text, /site:/, 'the comment shows how to set the site');
  });
});

withTool(t, 'kubectl', 'the example overlay sets the site everywhere (kubectl kustomize, offline)', false, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-kustomize-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // No kubeconfig of whoever runs the tests: kustomize needs none, and this makes sure none is read.
  const env = { KUBECONFIG: join(dir, 'no-kubeconfig') };

  const check = async (t: Test, overlay: string, kinds: string[]) => {
    const run = await collect('kubectl', ['kustomize', overlay], env);
    t.equal(run.code, 0, run.stderr);
    t.notMatch(run.stdout, /change-me/, 'no placeholder site is left');
    const docs = loadAll(run.stdout);
    t.same(docs.map((d) => d.kind).sort(), [...kinds].sort());
    const byKind = (kind: string) => docs.find((d) => d.kind === kind) as Obj;
    for (const d of docs) t.equal(d.metadata.labels?.site, 'example-site', `${d.kind}: site label`);
    const deployment = byKind('Deployment');
    t.equal(deployment.spec.selector.matchLabels.site, 'example-site', 'Deployment selector');
    t.equal(deployment.spec.template.metadata.labels.site, 'example-site', 'pod labels');
    t.ok(subset(byKind('Service').spec.selector, deployment.spec.template.metadata.labels), 'the Service selects the pod');
    t.ok(subset(byKind('ServiceMonitor').spec.selector.matchLabels, byKind('Service').metadata.labels), 'the ServiceMonitor selects the Service');
    if (kinds.includes('NetworkPolicy')) t.ok(subset(byKind('NetworkPolicy').spec.podSelector.matchLabels, deployment.spec.template.metadata.labels), 'the NetworkPolicy selects the pod');
    return docs;
  };

  await t.test('as shipped', async (t) => { await check(t, OVERLAY, ['Deployment', 'Service', 'ServiceMonitor']); });
  await t.test('with the NetworkPolicy and the overlay\'s patches uncommented', async (t) => {
    cpSync(DEPLOY, join(dir, 'deploy'), { recursive: true });
    const base = join(dir, 'deploy', 'kubernetes', 'kustomization.yaml');
    const text = readFileSync(base, 'utf8');
    const enabled = text.replace(/^(\s*)#\s*- networkpolicy\.yaml/m, '$1- networkpolicy.yaml');
    t.not(enabled, text, 'the opt-in line is there');
    writeFileSync(base, enabled);
    // The overlay's commented `patches:` block, from its first line to the end of the file.
    const overlay = join(dir, 'deploy', 'sites', 'example-site', 'kustomization.yaml');
    const otext = readFileSync(overlay, 'utf8');
    const at = otext.indexOf('# patches:');
    t.ok(at > 0, 'the overlay shows how to add probe flags');
    writeFileSync(overlay, otext.slice(0, at) + otext.slice(at).replace(/^# ?/gm, ''));
    const docs = await check(t, join(dir, 'deploy', 'sites', 'example-site'), ['Deployment', 'Service', 'ServiceMonitor', 'NetworkPolicy']);
    const args = (docs.find((d) => d.kind === 'Deployment')?.spec.template.spec.containers[0].args ?? []) as string[];
    t.equal(flag(args, '--ranges-cache'), CACHE_DIR, 'the patch caches the list in the emptyDir');
    t.ok(flag(args, '--ranges-url'), 'with --ranges-url');
    await serveAccepts(t, args, 'the patched Deployment');
  });
});

t.test('prometheus scrape config and alerts', async (t) => {
  const scrape = load(SCRAPE);
  const jobs = scrape.scrape_configs as Obj[];
  t.equal(jobs.length, 1);
  const job = jobs[0]!;
  t.equal(job.job_name, JOB, `job_name ${JOB}, as the alerts expect`);
  t.ok((job.static_configs as Obj[]).length >= 1, 'static targets');
  for (const sc of job.static_configs as Obj[]) {
    t.ok(typeof sc.labels?.site === 'string' && sc.labels.site.length > 0, `${sc.targets}: a site label`);
    for (const target of sc.targets as string[]) t.match(target, /:9815$/, `${target}: the metrics port`);
  }

  const rules = alertRules();
  for (const rule of rules) {
    t.type(rule.alert, 'string', 'every rule is an alert');
    t.ok(rule.annotations?.summary && rule.annotations?.description, `${rule.alert}: summary and description`);
    t.ok(rule.labels?.severity, `${rule.alert}: a severity`);
  }
  const using = (pattern: RegExp) => rules.filter((r) => pattern.test(String(r.expr)));
  t.ok(using(/g2probe_port_reachable/).some((r) => r.for === '15m'), 'a port unreachable for 15m');
  t.ok(using(/g2probe_verdict/).some((r) => /blocked/.test(r.expr)), 'verdict blocked');
  t.ok(using(/g2probe_verdict/).some((r) => /intercepted/.test(r.expr)), 'verdict intercepted');
  t.ok(using(/g2probe_last_run_timestamp_seconds/).some((r) => /time\(\)/.test(r.expr)), 'no run finished lately');
  t.ok(using(/g2probe_ranges_update_ok/).length > 0, 'ranges update failing');
  t.ok(using(new RegExp(`\\bup\\{job="${JOB}"\\}`)).length > 0, 'target down');
  for (const rule of using(/\bup\b/)) t.match(rule.expr, new RegExp(`job="${JOB}"`), `${rule.alert}: up of the g2probe job only`);
});

t.test('grafana dashboard', async (t) => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Obj;
  t.ok(dashboard.schemaVersion >= 36, `schemaVersion ${dashboard.schemaVersion}`);
  t.type(dashboard.title, 'string');
  t.type(dashboard.uid, 'string');
  const vars = dashboard.templating.list as Obj[];
  const ds = vars.find((v) => v.type === 'datasource');
  t.equal(ds?.query, 'prometheus', 'a Prometheus datasource variable');
  const site = vars.find((v) => v.name === 'site');
  t.ok(site, 'a site variable');
  t.equal(site?.type, 'query');
  t.equal(site?.multi, true, 'multi-value');
  t.match(site?.definition ?? site?.query?.query ?? site?.query, /^label_values\(g2probe_verdict,\s*site\)$/);

  const panels = dashboardPanels(dashboard);
  t.ok(panels.length >= 7, `${panels.length} panels`);
  const ids = panels.map((p) => p.id);
  t.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  const dsRef = (d: Obj | undefined) => d?.uid === `\${${ds?.name}}` || d?.uid === '${DS_PROMETHEUS}';
  for (const p of panels) {
    t.ok(typeof p.title === 'string' && p.title.length > 0, `panel ${p.id}: a title`);
    t.ok(dsRef(p.datasource), `"${p.title}": the datasource variable`);
    t.ok(p.gridPos, `"${p.title}": a position`);
    t.ok((p.targets ?? []).length > 0, `"${p.title}": queries`);
    for (const q of p.targets ?? []) {
      t.ok(typeof q.expr === 'string' && q.expr.length > 0, `"${p.title}" ${q.refId}: an expr`);
      if (q.datasource) t.ok(dsRef(q.datasource), `"${p.title}" ${q.refId}: the datasource variable`);
    }
    const refIds = (p.targets ?? []).map((q) => q.refId);
    t.equal(new Set(refIds).size, refIds.length, `"${p.title}": refIds are unique`);
  }

  const titles = panels.map((p) => `${p.type} ${p.title} ${(p.targets ?? []).map((q) => q.expr).join(' ')}`);
  const has = (what: string, pattern: RegExp) => t.ok(titles.some((x) => pattern.test(x)), what);
  has('reachability per port and site as a state timeline or status history', /^(state-timeline|status-history) .*g2probe_port_reachable/s);
  has('the current verdict', /g2probe_verdict/);
  has('attempts by status and reason', /g2probe_attempts/);
  has('connect time quantiles', /histogram_quantile\(.*g2probe_connect_duration_seconds_bucket/s);
  has('DNS per host', /g2probe_dns_ok/);
  has('last run age', /time\(\) - g2probe_last_run_timestamp_seconds/);
  has('ranges source and version', /g2probe_ranges_info/);

  for (const { where, expr } of dashboardExprs(dashboard)) {
    t.match(expr, /site=~"\$site"/, `${where}: filtered by the site variable`);
    // The buckets describe the last run (gauge-like): rate() over them would be meaningless.
    if (/_bucket/.test(expr)) {
      t.notMatch(expr, /\b(?:rate|irate|increase)\s*\(/, `${where}: no rate() over the per-run buckets`);
      t.match(expr, /by \([^)]*\ble\b[^)]*\)/, `${where}: keeps le for histogram_quantile`);
    }
  }
});

t.test('every PromQL expression names only metrics g2probe exposes (src/report/metrics.ts) or up', async (t) => {
  const exprs = [
    ...alertRules().map((r) => ({ where: `alert ${r.alert}`, expr: String(r.expr) })),
    ...dashboardExprs(JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Obj),
  ];
  const used = new Set<string>();
  for (const { where, expr } of exprs) {
    const names = metricNames(expr);
    t.ok(names.length > 0, `${where}: selects some series`);
    for (const name of names) {
      t.ok(ALLOWED.has(name), `${where}: ${name} is in METRICS`);
      const fam = family(name);
      if (fam) used.add(fam);
    }
  }
  // A metric added to METRICS shows up here until the dashboard or the alerts use it (or it is listed).
  const unused = Object.keys(METRICS).filter((name) => !used.has(name) && !NOT_GRAPHED.includes(name));
  t.same(unused, [], 'every metric is graphed or alerted on');
});

withTool(t, 'promtool', 'promtool accepts the alerts, the scrape config and the dashboard\'s queries', true, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-promtool-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));

  const rules = await collect('promtool', ['check', 'rules', ALERTS]);
  t.equal(rules.code, 0, `promtool check rules: ${rules.stdout}${rules.stderr}`);
  t.match(rules.stdout, /SUCCESS/);

  // A minimal prometheus.yml around the scrape config, with the alerts as its rule file.
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, JSON.stringify({
    global: { scrape_interval: '60s', evaluation_interval: '60s' },
    rule_files: [ALERTS],
    scrape_configs: load(SCRAPE).scrape_configs,
  }, null, 2));
  const checked = await collect('promtool', ['check', 'config', config]);
  t.equal(checked.code, 0, `promtool check config: ${checked.stdout}${checked.stderr}`);
  t.match(checked.stdout, /SUCCESS/);

  // The dashboard's queries, with Grafana's variables filled in, as recording rules promtool parses.
  const queries = dashboardExprs(JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Obj);
  const file = join(dir, 'dashboard-queries.yml');
  writeFileSync(file, JSON.stringify({
    groups: [{ name: 'dashboard', rules: queries.map(({ expr }, i) => ({ record: `g2probe_dashboard:query_${i}`, expr: concrete(expr) })) }],
  }, null, 2));
  const parsed = await collect('promtool', ['check', 'rules', file]);
  t.equal(parsed.code, 0, `the dashboard's queries parse: ${parsed.stdout}${parsed.stderr}`);
  t.match(parsed.stdout, new RegExp(`SUCCESS: ${queries.length} rules found`));
});

t.test('the textfile script writes every verdict and keeps the old file after an error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-textfile-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // A stand-in g2probe on PATH: prints its arguments and one series, and exits with STUB_RC.
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'out'));
  writeFileSync(join(dir, 'bin', 'g2probe'), '#!/bin/sh\necho "# args: $*"\necho "g2probe_build_info{version=\\"$STUB_RC\\"} 1"\nexit "$STUB_RC"\n', { mode: 0o755 });
  const prom = join(dir, 'out', 'g2probe.prom');
  const run = (rc: number) => collect('sh', [join(DEPLOY, 'textfile', 'g2probe-textfile'), '--role', 'host'],
    { PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`, STUB_RC: String(rc), G2PROBE_TEXTFILE_DIR: join(dir, 'out') });

  for (const rc of [0, 2, 4]) {
    const r = await run(rc);
    t.equal(r.code, 0, `verdict exit ${rc}: the script succeeds`);
    t.match(readFileSync(prom, 'utf8'), `version="${rc}"`, `verdict exit ${rc}: its metrics are written`);
  }
  t.match(readFileSync(prom, 'utf8'), '# args: --format prometheus --quiet --role host', 'g2probe is asked for metrics, with the given flags');
  const failed = await run(64);
  t.equal(failed.code, 64, 'a usage error is passed on');
  t.match(readFileSync(prom, 'utf8'), 'version="4"', 'and the previous file is kept');
  t.same(readdirSync(join(dir, 'out')), ['g2probe.prom'], 'no temporary file is left');
  t.match(readFileSync(join(DEPLOY, 'textfile', 'g2probe.cron'), 'utf8'), /^\*\/5 \* \* \* \* \S+ g2probe-textfile/m, 'the cron file runs it every 5 minutes');
  const hold = await collect('sh', [join(DEPLOY, 'textfile', 'g2probe-textfile'), 'hold', '--for', '15m'],
    { PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`, STUB_RC: '2', G2PROBE_TEXTFILE_DIR: join(dir, 'out') });
  t.equal(hold.code, 0, 'hold: a cut (exit 2) is written too');
  t.match(readFileSync(join(dir, 'out', 'g2probe_hold.prom'), 'utf8'), '# args: hold --format prometheus --quiet --for 15m', 'hold: its own file, the command first');
  t.match(readFileSync(prom, 'utf8'), 'version="4"', "and the probe's file is left alone");
  t.match(readFileSync(join(DEPLOY, 'textfile', 'g2probe.cron'), 'utf8'), /^0 \* \* \* \* \S+ g2probe-textfile hold --for 15m$/m, 'hold once an hour');
});

t.test('docs/ops.md names only deploy/ files that exist', async (t) => {
  const text = readFileSync(join(ROOT, 'docs', 'ops.md'), 'utf8');
  t.ok(text.includes('## Running at many sites'), 'the section is there');
  // Made by the reader: the copy of the example overlay.
  const made = ['deploy/sites/paris'];
  const paths = [...new Set([...text.matchAll(/\bdeploy\/[\w./-]*[\w/]/g)].map((m) => m[0]))].filter((p) => !made.some((m) => p === m || p.startsWith(`${m}/`)));
  t.ok(paths.length > 0);
  for (const path of paths) t.ok(existsSync(join(ROOT, path)), `${path} exists`);
});
