// The HTML report in a real browser: Debian's Chromium, driven by playwright-core, run in a network namespace of
// its own (unshare -n: it can reach nothing, not even its own update and safe-browsing servers). Pages of a
// healthy, a blocked, an intercepted and a mixed lab run, one of a report full of hostile names and one of very
// long names: on a 1366×768 laptop the verdict and the first step in view without scrolling, failures first;
// on a 412 px phone no sideways scroll; on paper no colour needed and no table cut; no console error; no request
// but the page itself; the filter working with CSS alone; screenshots checked for obvious breakage. Then serve's
// page, opened in the browser over HTTP inside serve's own lab namespace. The runs themselves are lab runs.
// G2PROBE_SCREENSHOTS=DIR keeps the screenshots (both screens, every page) there to be looked at.
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import t from 'tap';
import type { Report } from '../../src/core/types.js';
import { START_SH } from '../helpers/cli.js';
import { inNamespace, lab } from '../helpers/lab.js';

const CHROMIUM = '/usr/bin/chromium';
/** A common laptop's screen, and a common phone's (CSS pixels). */
const VIEWPORT = { width: 1366, height: 768 };
const PHONE = { width: 412, height: 915 };
/** An A4 page's printable width at 96 CSS pixels to the inch, with 10 mm margins. */
const PRINTED_WIDTH = 718;
const BROWSE = fileURLToPath(new URL('browse.mjs', import.meta.url));
/** The header's colour per status, as the page's stylesheet sets it. */
const COLOURS: Record<string, string> = { ok: 'rgb(26, 127, 55)', blocked: 'rgb(207, 34, 46)', intercepted: 'rgb(130, 80, 223)', partial: 'rgb(154, 103, 0)' };

/** The page at `file` in a new tab, with every console problem and every request it makes recorded. */
async function open(browser: Browser, file: string): Promise<{ page: Page; problems: string[]; requests: string[]; url: string; renderMs: number }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  const started = performance.now();
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems, requests, url, renderMs: performance.now() - started };
}

/** The screenshots, kept where G2PROBE_SCREENSHOTS says (they go with the test's directory otherwise). */
function keepShots(dir: string): void {
  const keep = process.env.G2PROBE_SCREENSHOTS;
  if (!keep) return;
  mkdirSync(keep, { recursive: true });
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.png'))) copyFileSync(join(dir, file), join(keep, file));
}

/** Where the verdict and the first step end, and how wide the page is, as laid out now. */
function layout(page: Page): Promise<{ verdictTop: number; verdictBottom: number; stepBottom: number | null; scrollWidth: number }> {
  return page.evaluate(() => ({
    verdictTop: document.querySelector('#verdict')!.getBoundingClientRect().top,
    verdictBottom: document.querySelector('#verdict')!.getBoundingClientRect().bottom,
    stepBottom: document.querySelector('#steps li')?.getBoundingClientRect().bottom ?? null,
    scrollWidth: document.documentElement.scrollWidth,
  }));
}

/** Each table's rows as the rank of their first status tag (lower is worse): failures first means never falling. */
function tableRanks(page: Page): Promise<Record<string, number[]>> {
  const order = ['blocked', 'intercepted', 'timeout', 'error', 'unconfirmed', 'unknown', 'ok', 'reachable'];
  return page.evaluate((order) => Object.fromEntries([...document.querySelectorAll('section[id]')].filter((s) => s.querySelector('table')).map((section) => [
    section.id,
    [...section.querySelectorAll('tbody tr')].map((tr) => {
      const tags = [...tr.querySelectorAll('.tag')].map((tag) => order.indexOf(tag.textContent ?? '')).filter((r) => r >= 0);
      return tags.length === 0 ? order.length : Math.min(...tags);
    }),
  ])), order);
}

const LONG = `${'very-long-label-without-a-break-'.repeat(4)}.gotomypc.example`;

lab(t, 'the HTML report in headless Chromium: verdict and first step in view on a laptop, failures first, no sideways scroll on a phone, prints; serve\'s page', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-html-'));
  t.teardown(() => { keepShots(dir); rmSync(dir, { recursive: true, force: true }); });
  const one = `${dir}/one.txt`;
  writeFileSync(one, '127.0.0.1\n');
  const run = await inNamespace(`
listen 127.0.0.1 80 443 8200
g2probe --ranges ${one} --no-dns --timeout 1000 --html ${dir}/healthy.html --out ${dir}/healthy.json > /dev/null; echo "healthy $?"
printf '127.0.0.2\\n' > ${dir}/nobody.txt
g2probe --ranges ${dir}/nobody.txt --ports 443,8200 --no-dns --timeout 500 --out ${dir}/blocked.json > /dev/null; echo "blocked $?"
serve tls:inspect 127.0.0.5 443
printf '127.0.0.5\\n' > ${dir}/inspected.txt
g2probe --ranges ${dir}/inspected.txt --ports 443 --no-dns --timeout 1000 --out ${dir}/intercepted.json > /dev/null; echo "intercepted $?"
resolver 127.0.0.1 5353 poll.gotomypc.com=a:127.0.0.1 gone.gotomypc.com=nxdomain
printf '127.0.0.1\\n127.0.0.2\\n127.0.0.3\\n127.0.0.4\\n' > ${dir}/mixed.txt
g2probe --ranges ${dir}/mixed.txt --hosts poll.gotomypc.com,gone.gotomypc.com --dns-server 127.0.0.1:5353 --timeout 1000 --html ${dir}/mixed.html --out ${dir}/mixed.json > /dev/null; echo "mixed $?"
for name in blocked intercepted; do ${START_SH} show ${dir}/$name.json --html ${dir}/$name.html; echo "show $name $?"; done
serve poll 127.0.0.9 443 8200
printf '127.0.0.9\\n' > ${dir}/held.txt
${START_SH} hold --ranges ${dir}/held.txt --no-dns --timeout 1000 --for 2s --every 1s --html ${dir}/hold.html > /dev/null; echo "hold $?"`);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /^healthy 0\nblocked 2\nintercepted 4\nmixed 2\nshow blocked 0\nshow intercepted 0\nhold 0\n$/, 'verdicts ok, blocked, intercepted, blocked with some ok; and a hold that held');

  // A report whose every name is an attack on the page: it must show them as text.
  const hostile = JSON.parse(readFileSync(join(dir, 'blocked.json'), 'utf8')) as Report;
  hostile.verdict.text = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">';
  hostile.verdict.advice[0]!.text = '</li></ol><iframe src="http://192.0.2.1/"></iframe>';
  if (hostile.attempts[0]) hostile.attempts[0].evidence.why = '"><style>*{display:none}</style>';
  writeFileSync(join(dir, 'hostile.json'), JSON.stringify(hostile));
  // The mixed run with names and evidence far wider than a phone: they must wrap, not widen the page.
  const long = JSON.parse(readFileSync(join(dir, 'mixed.json'), 'utf8')) as Report;
  for (const a of long.attempts) {
    a.host = LONG;
    a.evidence.why = `${a.evidence.why} ${'x'.repeat(120)}`;
  }
  for (const r of long.dns!.results) r.host = LONG;
  long.verdict.advice[0]!.evidence = [`https://${LONG}/${'path'.repeat(30)}`];
  writeFileSync(join(dir, 'long.json'), JSON.stringify(long));
  const shown = await inNamespace(`for name in hostile long; do ${START_SH} show ${dir}/$name.json --html ${dir}/$name.html; echo "show $?"; done`);
  t.match(shown.stdout, /^show 0\nshow 0\n$/, shown.stderr);

  // Chromium in a network namespace of its own; playwright talks to it over a pipe, which crosses namespaces.
  const launcher = join(dir, 'chromium');
  writeFileSync(launcher, `#!/bin/sh\nexec unshare -n ${CHROMIUM} "$@"\n`);
  chmodSync(launcher, 0o755);
  const browser: Browser = await chromium.launch({ executablePath: launcher, args: ['--no-first-run', '--disable-background-networking', '--disable-component-update'] });
  t.teardown(() => browser.close());

  for (const [name, status] of [['healthy', 'ok'], ['blocked', 'blocked'], ['intercepted', 'intercepted'], ['mixed', 'blocked'], ['long', 'blocked'], ['hostile', 'blocked']] as const) {
    const file = join(dir, `${name}.html`);
    t.ok(existsSync(file), `${name}: the page was written`);
    const { page, problems, requests, url, renderMs } = await open(browser, file);

    t.same(problems, [], `${name}: no console error or warning`);
    t.same(requests, [url], `${name}: nothing fetched but the page itself`);
    const laptop = await layout(page);
    t.ok(laptop.verdictTop >= 0 && laptop.verdictBottom <= VIEWPORT.height, `${name}: the verdict is in view without scrolling (ends at ${laptop.verdictBottom.toFixed(0)} px)`);
    t.ok(laptop.stepBottom !== null && laptop.stepBottom <= VIEWPORT.height, `${name}: the first step is in view without scrolling at ${VIEWPORT.width}×${VIEWPORT.height} (ends at ${laptop.stepBottom?.toFixed(0)} px)`);
    t.ok(laptop.scrollWidth <= VIEWPORT.width, `${name}: no sideways scroll on the laptop (${laptop.scrollWidth} px)`);
    t.equal(await page.locator('#verdict').evaluate((e) => getComputedStyle(e).backgroundColor), COLOURS[status], `${name}: coloured ${status}`);
    t.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined, `${name}: nothing in the report ran`);
    t.equal(await page.locator('iframe, img, script').count(), 0, `${name}: no element came from the report`);
    t.same(await page.locator('main > section').evaluateAll((sections) => sections.slice(0, 2).map((s) => s.id)), ['steps', 'ports'], `${name}: what to do first, then the evidence`);
    for (const [table, ranks] of Object.entries(await tableRanks(page))) {
      t.ok(ranks.every((r, i) => i === 0 || ranks[i - 1]! <= r), `${name}: failures first in #${table} (${ranks.join(' ')})`);
    }

    const rows = page.locator('#attempts tbody tr');
    const total = await rows.count();
    t.ok(total > 0, `${name}: every attempt in the table (${total})`);
    const other = status === 'ok' ? 'blocked' : 'ok';
    await page.locator(`#f-${other}`).check();
    const visible = await rows.evaluateAll((trs, s) => trs.filter((tr) => getComputedStyle(tr).display !== 'none').map((tr) => tr.className === `r-${s}`), other);
    t.ok(visible.every(Boolean), `${name}: the ${other} filter shows only ${other} rows (${visible.length})`);
    await page.locator('#f-all').check();
    await page.evaluate(() => window.scrollTo(0, 0));

    const shot = await page.screenshot();
    writeFileSync(join(dir, `${name}-${VIEWPORT.width}x${VIEWPORT.height}.png`), shot);
    // The screenshot read back through a canvas, on a blank page (the report's own policy forbids even a data: image):
    // the banner's colour at its corner, and more than one colour below it.
    const blank = await browser.newPage();
    const pixels = await blank.evaluate(async (png) => {
      const image = new Image();
      image.src = `data:image/png;base64,${png}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const at = (x: number, y: number) => Array.from(context.getImageData(x, y, 1, 1).data.slice(0, 3));
      const body = context.getImageData(0, 200, image.width, 400).data;
      const colours = new Set<number>();
      for (let i = 0; i < body.length; i += 4 * 97) colours.add((body[i]! << 16) | (body[i + 1]! << 8) | body[i + 2]!);
      return { corner: at(5, 5), colours: colours.size };
    }, shot.toString('base64'));
    await blank.close();
    t.equal(`rgb(${pixels.corner.join(', ')})`, COLOURS[status], `${name}: the screenshot's banner is ${status}'s colour`);
    t.ok(pixels.colours > 3, `${name}: the page below the banner is drawn (${pixels.colours} colours sampled)`);

    await page.setViewportSize(PHONE);
    const phone = await layout(page);
    t.ok(phone.scrollWidth <= PHONE.width, `${name}: no sideways scroll on a ${PHONE.width} px phone (${phone.scrollWidth} px)`);
    t.ok(phone.verdictBottom <= PHONE.height, `${name}: the verdict is in view on the phone too`);
    writeFileSync(join(dir, `${name}-${PHONE.width}x${PHONE.height}.png`), await page.screenshot());
    for (const section of ['ports', 'attempts']) {
      await page.evaluate((id) => document.getElementById(id)?.scrollIntoView(), section);
      writeFileSync(join(dir, `${name}-${PHONE.width}-${section}.png`), await page.screenshot());
    }

    // Paper: black on white (a printer may drop backgrounds, so no white word on a colour), nothing wider than the page.
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: PRINTED_WIDTH, height: 1000 });
    const printed = await page.evaluate(() => ({
      header: getComputedStyle(document.querySelector('#verdict')!).color,
      tags: [...new Set([...document.querySelectorAll('.tag')].map((tag) => getComputedStyle(tag).color))],
      scrollWidth: document.documentElement.scrollWidth,
      rowsShown: [...document.querySelectorAll('#attempts tbody tr')].every((tr) => getComputedStyle(tr).display === 'table-row'),
    }));
    t.same([printed.header, printed.tags], ['rgb(0, 0, 0)', ['rgb(0, 0, 0)']], `${name}: printed black on white, the words carrying every status`);
    t.ok(printed.rowsShown, `${name}: printed with every attempt, whatever the filter`);
    t.ok(printed.scrollWidth <= PRINTED_WIDTH, `${name}: no table wider than a printed page (${printed.scrollWidth} px)`);
    writeFileSync(join(dir, `${name}-print.png`), await page.screenshot());
    t.comment(`${name}: ${(readFileSync(file).length / 1024).toFixed(1)} KB, loaded in ${renderMs.toFixed(0)} ms`);
    await page.close();
  }

  // The mixed run: several blocked rows and one ok per port; the reasons beside the counts.
  const { page: mixed } = await open(browser, join(dir, 'mixed.html'));
  const classes = await mixed.locator('#attempts tbody tr').evaluateAll((trs) => trs.map((tr) => tr.className));
  t.ok(classes.filter((c) => c === 'r-blocked').length >= 6 && classes.filter((c) => c === 'r-ok').length >= 3, `blocked and ok rows both (${classes.join(' ')})`);
  t.ok(classes.lastIndexOf('r-blocked') < classes.indexOf('r-ok'), 'every blocked attempt above every ok one');
  t.match(await mixed.locator('#ports tbody tr').first().textContent(), /refused ×3/, 'the ports table says what was seen beside the counts');
  await mixed.close();

  // g2probe hold's page: the same style, its own content.
  const { page: holdPage, problems: holdProblems, requests: holdRequests, url: holdUrl, renderMs: holdMs } = await open(browser, join(dir, 'hold.html'));
  t.comment(`hold: ${(readFileSync(join(dir, 'hold.html')).length / 1024).toFixed(1)} KB, loaded in ${holdMs.toFixed(0)} ms`);
  t.same(holdProblems, [], 'hold: no console error or warning');
  t.same(holdRequests, [holdUrl], 'hold: nothing fetched but the page itself');
  const hold = await layout(holdPage);
  t.ok(hold.verdictBottom <= VIEWPORT.height && hold.stepBottom !== null && hold.stepBottom <= VIEWPORT.height, 'hold: the verdict and the first step are in view without scrolling');
  t.equal(await holdPage.locator('#verdict').evaluate((e) => getComputedStyle(e).backgroundColor), COLOURS.ok, 'hold: held is coloured ok');
  t.equal(await holdPage.locator('#connections tbody tr').count(), 2, 'hold: both connections in the table');
  writeFileSync(join(dir, `hold-${VIEWPORT.width}x${VIEWPORT.height}.png`), await holdPage.screenshot());
  await holdPage.setViewportSize(PHONE);
  t.ok((await layout(holdPage)).scrollWidth <= PHONE.width, 'hold: no sideways scroll on the phone');
  writeFileSync(join(dir, `hold-${PHONE.width}x${PHONE.height}.png`), await holdPage.screenshot());
  await holdPage.close();
  const pdf = await browser.newPage();
  await pdf.goto(pathToFileURL(join(dir, 'blocked.html')).href);
  t.ok((await pdf.pdf({ format: 'A4' })).length > 10_000, 'it prints');
  await pdf.close();

  // serve's page, in the browser, over HTTP: Chromium runs inside serve's lab namespace (browse.mjs). The first
  // run waits out a dropped address (6 s), so / is first the page that says no run has finished.
  const served = await inNamespace(`
get() { node -e 'fetch(process.argv[1]).then(async (r) => process.stdout.write(r.status + " " + r.headers.get("content-type") + " " + r.headers.get("retry-after") + "\\n" + await r.text()), (e) => process.stdout.write("000 " + e.cause?.code + "\\n"))' "$1"; }
iptables -A INPUT -d 127.0.0.3 -p tcp --syn -j DROP
listen 127.0.0.1 80 443 8200
printf '127.0.0.1\\n127.0.0.2\\n127.0.0.3\\n' > ${dir}/served.txt
${START_SH} serve --listen 127.0.0.1:9815 --every 1h --jitter 0s --ranges ${dir}/served.txt --no-dns --tls-roots "$LAB_PKI/goto.root.pem" --timeout 6000 --fixed-timeout 2>/dev/null & pids+=($!)
for _ in $(seq 200); do get http://127.0.0.1:9815/ > ${dir}/first.txt; grep -q '^000' ${dir}/first.txt || break; sleep 0.05; done
echo @@waiting; cat ${dir}/first.txt
for _ in $(seq 200); do get http://127.0.0.1:9815/report.html | grep -q '^200' && break; sleep 0.05; done
echo @@json; get http://127.0.0.1:9815/report.json | tail -n +2 | node -e 'let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => console.log(JSON.parse(s).verdict.status))'
echo @@browser; node ${BROWSE} http://127.0.0.1:9815/ ${dir} serve`, { timeoutMs: 60_000 });
  const parts = Object.fromEntries(served.stdout.split(/^@@/m).slice(1).map((chunk) => [chunk.slice(0, chunk.indexOf('\n')), chunk.slice(chunk.indexOf('\n') + 1)]));
  t.match(parts.waiting, /^503 text\/html; charset=utf-8 5\n<!doctype html>[\s\S]*<h1>No run has finished yet<\/h1>\n<p>A run has been going for \d+ s\.<\/p>/, `before the first run has finished: a page that says so, 503 ${served.stderr}`);
  t.equal(parts.json?.trim(), 'partial', "the run's verdict, as /report.json has it");
  const screens = (parts.browser ?? '').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { viewport: { width: number; height: number }; status: number; headline: string; background: string; verdictBottom: number; stepBottom: number; scrollWidth: number; requests: string[]; problems: string[]; headers: Record<string, string> });
  t.equal(screens.length, 2, `serve's page opened on both screens ${served.stderr}`);
  for (const screen of screens) {
    const size = `${screen.viewport.width}×${screen.viewport.height}`;
    t.equal(screen.status, 200, `serve /, ${size}: 200`);
    t.equal(screen.headline, 'Partly reachable', `serve /, ${size}: the verdict shown`);
    t.equal(screen.background, COLOURS.partial, `serve /, ${size}: coloured partial`);
    t.same(screen.headers, { type: 'text/html; charset=utf-8', policy: "default-src 'none'; style-src 'unsafe-inline'", nosniff: 'nosniff' }, `serve /, ${size}: the page's policy as a header too`);
    t.same(screen.requests, ['http://127.0.0.1:9815/'], `serve /, ${size}: nothing fetched but the page`);
    t.same(screen.problems, [], `serve /, ${size}: no console error`);
    t.ok(screen.scrollWidth <= screen.viewport.width, `serve /, ${size}: no sideways scroll (${screen.scrollWidth} px)`);
  }
  const laptop = screens.find((s) => s.viewport.width === VIEWPORT.width);
  t.ok(laptop && laptop.verdictBottom <= VIEWPORT.height && laptop.stepBottom <= VIEWPORT.height, 'serve /, laptop: the verdict and the first step in view');
}, ['openssl', CHROMIUM]);
