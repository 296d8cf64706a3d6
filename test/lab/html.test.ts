// The HTML report in a real browser: Debian's Chromium, driven by playwright-core, run in a network namespace of
// its own (unshare -n: it can reach nothing, not even its own update and safe-browsing servers). Pages of a
// healthy, a blocked and an intercepted lab run, and one of a report full of hostile names: the verdict in view
// without scrolling, coloured by status; no console error; no request but the page itself; the filter working
// with CSS alone; screenshots checked for obvious breakage. The runs themselves are lab runs in a namespace.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import t from 'tap';
import type { Report } from '../../src/core/types.js';
import { START_SH } from '../helpers/cli.js';
import { inNamespace, lab } from '../helpers/lab.js';

const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1280, height: 800 };
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

lab(t, 'the HTML report in headless Chromium: verdict in view, no error, nothing fetched, the filter, screenshots', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-html-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
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
for name in blocked intercepted; do ${START_SH} show ${dir}/$name.json --html ${dir}/$name.html; echo "show $name $?"; done
serve poll 127.0.0.9 443 8200
printf '127.0.0.9\\n' > ${dir}/held.txt
${START_SH} hold --ranges ${dir}/held.txt --no-dns --timeout 1000 --for 2s --every 1s --html ${dir}/hold.html > /dev/null; echo "hold $?"`);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /^healthy 0\nblocked 2\nintercepted 4\nshow blocked 0\nshow intercepted 0\nhold 0\n$/, 'three verdicts: ok, blocked, intercepted; and a hold that held');

  // A report whose every name is an attack on the page: it must show them as text.
  const hostile = JSON.parse(readFileSync(join(dir, 'blocked.json'), 'utf8')) as Report;
  hostile.verdict.text = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">';
  hostile.verdict.advice[0]!.text = '</li></ol><iframe src="http://192.0.2.1/"></iframe>';
  if (hostile.attempts[0]) hostile.attempts[0].evidence.why = '"><style>*{display:none}</style>';
  writeFileSync(join(dir, 'hostile.json'), JSON.stringify(hostile));
  const shown = await inNamespace(`${START_SH} show ${dir}/hostile.json --html ${dir}/hostile.html; echo "show $?"`);
  t.match(shown.stdout, /^show 0\n$/, shown.stderr);

  // Chromium in a network namespace of its own; playwright talks to it over a pipe, which crosses namespaces.
  const launcher = join(dir, 'chromium');
  writeFileSync(launcher, `#!/bin/sh\nexec unshare -n ${CHROMIUM} "$@"\n`);
  chmodSync(launcher, 0o755);
  const browser: Browser = await chromium.launch({ executablePath: launcher, args: ['--no-first-run', '--disable-background-networking', '--disable-component-update'] });
  t.teardown(() => browser.close());

  for (const [name, status] of [['healthy', 'ok'], ['blocked', 'blocked'], ['intercepted', 'intercepted'], ['hostile', 'blocked']] as const) {
    const file = join(dir, `${name}.html`);
    t.ok(existsSync(file), `${name}: the page was written`);
    const { page, problems, requests, url, renderMs } = await open(browser, file);

    t.same(problems, [], `${name}: no console error or warning`);
    t.same(requests, [url], `${name}: nothing fetched but the page itself`);
    const box = await page.locator('#verdict').boundingBox();
    t.ok(box !== null && box.y >= 0 && box.y + box.height <= VIEWPORT.height, `${name}: the verdict is in view without scrolling`);
    t.equal(await page.locator('#verdict').evaluate((e) => getComputedStyle(e).backgroundColor), COLOURS[status], `${name}: coloured ${status}`);
    t.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined, `${name}: nothing in the report ran`);
    t.equal(await page.locator('iframe, img, script').count(), 0, `${name}: no element came from the report`);

    const rows = page.locator('#attempts tbody tr');
    const total = await rows.count();
    t.ok(total > 0, `${name}: every attempt in the table (${total})`);
    const other = status === 'ok' ? 'blocked' : 'ok';
    await page.locator(`#f-${other}`).check();
    const visible = await rows.evaluateAll((trs, s) => trs.filter((tr) => getComputedStyle(tr).display !== 'none').map((tr) => tr.className === `r-${s}`), other);
    t.ok(visible.every(Boolean), `${name}: the ${other} filter shows only ${other} rows (${visible.length})`);
    await page.locator('#f-all').check();

    const shot = await page.screenshot();
    writeFileSync(join(dir, `${name}.png`), shot);
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
    t.comment(`${name}: ${(readFileSync(file).length / 1024).toFixed(1)} KB, loaded in ${renderMs.toFixed(0)} ms`);
    await page.close();
  }
  // g2probe hold's page: the same style, its own content.
  const { page: holdPage, problems: holdProblems, requests: holdRequests, url: holdUrl, renderMs: holdMs } = await open(browser, join(dir, 'hold.html'));
  t.comment(`hold: ${(readFileSync(join(dir, 'hold.html')).length / 1024).toFixed(1)} KB, loaded in ${holdMs.toFixed(0)} ms`);
  t.same(holdProblems, [], 'hold: no console error or warning');
  t.same(holdRequests, [holdUrl], 'hold: nothing fetched but the page itself');
  const holdBox = await holdPage.locator('#verdict').boundingBox();
  t.ok(holdBox !== null && holdBox.y + holdBox.height <= VIEWPORT.height, 'hold: the verdict is in view without scrolling');
  t.equal(await holdPage.locator('#verdict').evaluate((e) => getComputedStyle(e).backgroundColor), COLOURS.ok, 'hold: held is coloured ok');
  t.equal(await holdPage.locator('#connections tbody tr').count(), 2, 'hold: both connections in the table');
  await holdPage.close();
  const pdf = await browser.newPage();
  await pdf.goto(pathToFileURL(join(dir, 'blocked.html')).href);
  t.ok((await pdf.pdf({ format: 'A4' })).length > 10_000, 'it prints');
  await pdf.close();
}, ['openssl', CHROMIUM]);
