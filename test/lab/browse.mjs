// A page served over HTTP, opened in Debian's Chromium (playwright-core) from inside the network namespace this
// runs in (a lab's, where serve listens on its loopback): once on a laptop's screen and once on a phone's.
// Usage: node browse.mjs URL SHOTS_DIR NAME
// Prints one JSON line per screen: the answer's status and headers, the headline, where the verdict and the first
// step end, the page's width, every request and console problem; screenshots go to SHOTS_DIR/NAME-WxH.png.
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, shots, name] = process.argv.slice(2);
const SCREENS = [{ width: 1366, height: 768 }, { width: 412, height: 915 }];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-first-run', '--disable-background-networking', '--disable-component-update'] });
try {
  for (const viewport of SCREENS) {
    const page = await browser.newPage({ viewport });
    const requests = [];
    const problems = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    const response = await page.goto(url, { waitUntil: 'load', timeout: 10_000 });
    const layout = await page.evaluate(() => ({
      headline: document.querySelector('#verdict h1')?.textContent ?? null,
      background: getComputedStyle(document.querySelector('#verdict')).backgroundColor,
      verdictBottom: document.querySelector('#verdict')?.getBoundingClientRect().bottom ?? null,
      stepBottom: document.querySelector('#steps li')?.getBoundingClientRect().bottom ?? null,
      scrollWidth: document.documentElement.scrollWidth,
    }));
    await page.screenshot({ path: join(shots, `${name}-${viewport.width}x${viewport.height}.png`) });
    const headers = response?.headers() ?? {};
    process.stdout.write(`${JSON.stringify({
      viewport, status: response?.status() ?? null, requests, problems, ...layout,
      headers: { type: headers['content-type'], policy: headers['content-security-policy'], nosniff: headers['x-content-type-options'] },
    })}\n`);
    await page.close();
  }
} finally {
  await browser.close();
}
