/**
 * `npm run bench:ui`: the page's responsiveness while the heavy work runs in workers (issue #5):
 * the production build in Debian's Chromium, a `longtask` PerformanceObserver in the page, and
 * the longest main-thread task while M1 trains (plots updating live), while a t-SNE streams, and
 * while the toy lab plays. Needs `npm run build` first and /usr/bin/chromium. Writes
 * bench-results/ui-<date>.json and prints a table.
 */
import { chromium, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preview } from 'vite';
import { REPO_ROOT } from '../node/runBundled';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../e2e/chromium';

const server = await preview({ root: REPO_ROOT, preview: { port: 4180, strictPort: true, host: '127.0.0.1' }, logLevel: 'warn' });
const url = 'http://127.0.0.1:4180/';
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: CHROMIUM_FLAGS,
});

async function longTasks(page: Page, reset: boolean): Promise<number[]> {
  return page.evaluate((r) => {
    const w = window as unknown as { __lt: number[] };
    const out = w.__lt.slice();
    if (r) w.__lt = [];
    return out;
  }, reset);
}

const rows: { scenario: string; seconds: number; longTasks: number; longestMs: number }[] = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(() => {
    const w = window as unknown as { __lt: number[] };
    w.__lt = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__lt.push(e.duration))).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url);
  await page.waitForSelector('[data-testid="backend-badge"][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  await page.getByTestId('load-demo').click();
  await page.waitForSelector('[data-testid="rows-kept"]', { timeout: 60_000 });
  await page.waitForSelector('[data-plotly="ready"]', { timeout: 60_000 });
  const measure = async (scenario: string, run: () => Promise<void>) => {
    await longTasks(page, true);
    const t0 = Date.now();
    await run();
    const lt = await longTasks(page, true);
    rows.push({ scenario, seconds: (Date.now() - t0) / 1000, longTasks: lt.length, longestMs: Math.round(Math.max(0, ...lt)) });
  };
  for (const [id, v] of [['set-width', '0.25'], ['set-epochs', '10'], ['set-batch', '32']]) {
    await page.getByTestId(id).fill(v);
    await page.getByTestId(id).press('Enter');
  }
  await measure('train M1 (demo, width 0.25, 10 epochs), losses plotted live', async () => {
    await page.getByTestId('train-start').click();
    await page.waitForSelector('[data-testid="run"][data-status="done"]', { timeout: 300_000 });
  });
  await page.getByTestId('gen-n').fill('300');
  await page.getByTestId('gen-n').press('Enter');
  await page.getByTestId('generate').click();
  await page.waitForSelector('[data-testid="gen-summary"]');
  await page.getByTestId('tab-tsne').click();
  // The fast t-SNE at its default cap and iterations (339 real + 300 synthetic rows fit under it).
  const iterations = await page.getByTestId('tsne-iterations').inputValue();
  await measure(`fast t-SNE of the demo's real + 300 synthetic rows, ${iterations} iterations, streamed`, async () => {
    await page.getByTestId('tsne-run').click();
    await page.waitForSelector('[data-testid="tsne-status"][data-status="done"]', { timeout: 300_000 });
  });
  await page.getByTestId('tab-toy').click();
  await page.waitForSelector('[data-testid="toy-status"]');
  await measure('toy lab playing for 8 s', async () => {
    await page.getByTestId('toy-play').click();
    await page.waitForTimeout(8000);
    await page.getByTestId('toy-pause').click();
  });
} finally {
  await browser.close();
  await new Promise<void>((r) => server.httpServer.close(() => r()));
}

const machine = `${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, Debian Chromium (headless)`;
console.log(`Main-thread long tasks (> 50 ms) while work runs in workers. Machine: ${machine}.\n`);
console.log('| scenario | seconds | long tasks | longest (ms) |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.scenario} | ${r.seconds.toFixed(1)} | ${r.longTasks} | ${r.longestMs} |`);
const dir = path.join(REPO_ROOT, 'bench-results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `ui-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(file, JSON.stringify({ machine, date: new Date().toISOString(), rows }, null, 2));
console.log(`\nwrote ${path.relative(REPO_ROOT, file)}`);
