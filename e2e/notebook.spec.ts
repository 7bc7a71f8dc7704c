import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { loadDemo, openApp, shot, smallSettings } from './helpers';

test('reload mid-run: the table and the run come back, paused at the last saved epoch, and resume', async ({ page }) => {
  await openApp(page);
  await loadDemo(page);
  await page.getByTestId('model-m1').check();
  await smallSettings(page, 5000);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('nb-saved')).toContainText(/through epoch ([3-9]|\d\d)/, { timeout: 60_000 });
  await shot(page, '30-notebook-running');
  await page.reload();
  // The workspace is back: the demo table with its column choices, and the run, now paused.
  await expect(page.getByTestId('rows-kept')).toHaveText('339', { timeout: 60_000 });
  await expect(page.getByTestId('nb-recovered')).toContainText('1 run was interrupted');
  const item = page.getByTestId('nb-run').first();
  await expect(item).toHaveAttribute('data-status', 'paused');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', /^(webgpu|webgl|wasm|cpu)$/, { timeout: 60_000 });
  await item.getByTestId('nb-open').click();
  await expect(page.getByTestId('run-message')).toContainText(/Reopened at epoch (\d+)/, { timeout: 30_000 });
  const at = Number((await page.getByTestId('run-message').innerText()).match(/Reopened at epoch (\d+)/)![1]);
  expect(at).toBeGreaterThanOrEqual(3);
  await shot(page, '31-notebook-reopened');
  // It continues from there: one more epoch, then the rest.
  await page.getByTestId('train-step').click();
  await expect(page.getByTestId('run-message')).toContainText(`Paused after epoch ${at + 1}`, { timeout: 60_000 });
  await expect(page.getByTestId('loss-table')).toContainText(`loss (epoch ${at + 1})`);
  await page.getByTestId('train-resume').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'running');
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });
  await expect(item).toHaveAttribute('data-status', 'stopped');
});

test('runs are renamed, deleted with undo, exported, imported into a fresh profile, and reported offline', async ({ page, browser, baseURL }) => {
  await openApp(page);
  await loadDemo(page);
  await page.getByTestId('model-m2').check();
  await smallSettings(page, 2);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const item = page.getByTestId('nb-run').first();
  await expect(item).toHaveAttribute('data-status', 'done');
  await item.getByTestId('nb-title').fill('My first M2');
  await item.getByTestId('nb-title').press('Tab');
  await item.getByTestId('nb-delete').click();
  await expect(page.getByTestId('nb-run')).toHaveCount(0);
  await page.getByTestId('nb-undo').click();
  await expect(page.getByTestId('nb-run')).toHaveCount(1);
  await expect(page.getByTestId('nb-title')).toHaveValue('My first M2');

  const [report] = await Promise.all([page.waitForEvent('download'), item.getByTestId('nb-report').click()]);
  const html = readFileSync((await report.path())!, 'utf8');
  expect(html).toContain('My first M2');
  expect(html).toContain('src="data:image/png;base64,'); // the loss curves, embedded
  expect(html).not.toMatch(/https?:\/\//);
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('nb-export-all').click()]);
  const zipPath = (await zip.path())!;

  // The report opens offline: no request at all.
  const offline = await browser.newContext({ offline: true });
  const rp = await offline.newPage();
  const requests: string[] = [];
  rp.on('request', (r) => requests.push(r.url()));
  await rp.setContent(html);
  await expect(rp.locator('body')).toContainText('My first M2');
  expect(requests).toEqual([]);
  await rp.screenshot({ path: 'e2e-screens/32-report.png', fullPage: true });
  await offline.close();

  // A fresh profile imports the notebook file and lists the run.
  const fresh = await browser.newContext({ baseURL });
  const p2 = await fresh.newPage();
  await openApp(p2);
  await expect(p2.getByTestId('nb-run')).toHaveCount(0);
  await p2.getByTestId('nb-import-input').setInputFiles(zipPath);
  await expect(p2.getByTestId('nb-import-msg')).toContainText('Imported 1 run');
  await expect(p2.getByTestId('nb-title')).toHaveValue('My first M2');
  await expect(p2.getByTestId('nb-run')).toContainText('2 ep');
  await p2.screenshot({ path: 'e2e-screens/33-imported.png', fullPage: true });
  await fresh.close();
});

test('compare two runs (duplicate = same settings, new seed); settings travel in a link; nothing leaves the origin', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !/^(data|blob):/.test(r.url())) outside.push(r.url());
  });
  await openApp(page);
  await loadDemo(page);
  await page.getByTestId('model-m1').check();
  await smallSettings(page, 3);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await page.getByTestId('nb-run').first().getByTestId('nb-duplicate').click();
  await expect(page.getByTestId('nb-message')).toContainText('with seed 2 are ready');
  await expect(page.getByTestId('set-seed')).toHaveValue('2');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('nb-run')).toHaveCount(2);
  for (const box of await page.getByTestId('nb-compare').all()) await box.check();
  const cmp = page.getByTestId('compare-panel');
  await expect(cmp).toBeVisible();
  await expect(cmp.locator('tr[data-differs="true"]')).toHaveCount(1);
  await expect(cmp.locator('tr[data-differs="true"] td').first()).toHaveText('seed');
  await expect(page.getByTestId('compare-losses')).toHaveAttribute('data-traces', '4');
  await shot(page, '34-compare');

  // The settings as a link: a new page opened with it starts with those settings.
  await page.getByTestId('learning-rates').locator('summary').click();
  await page.getByTestId('share-settings').click();
  await expect(page.getByTestId('share-msg')).toContainText('data set is not included');
  const url = page.url();
  expect(url).toContain('#v=1');
  const p2 = await page.context().newPage();
  await p2.goto(url);
  await expect(p2.getByTestId('nb-message')).toContainText('Training settings taken from the link');
  await expect(p2.getByTestId('set-seed')).toHaveValue('2');
  await expect(p2.getByTestId('set-width')).toHaveValue('0.1');
  await p2.close();

  // Export and import also stay on the page.
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('nb-export-all').click()]);
  await page.getByTestId('nb-import-input').setInputFiles((await zip.path())!);
  await expect(page.getByTestId('nb-import-msg')).toContainText('Imported 2 runs');
  await expect(page.getByTestId('nb-run')).toHaveCount(4);
  expect(outside).toEqual([]);
});

test("Fig. 5's comparison: an M2 run's synthetic rows through the M1 run's encoder; a point per training row", async ({ page }) => {
  await openApp(page);
  await loadDemo(page);
  await page.getByTestId('model-m2').check();
  await smallSettings(page, 2);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await page.getByTestId('gen-n').fill('200');
  await page.getByTestId('gen-n').press('Enter');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('gen-summary')).toContainText('200 rows');
  await page.getByTestId('model-m1').check();
  await smallSettings(page, 3);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await page.getByTestId('tab-codes').click();
  const plot = page.getByTestId('code-plot');
  await expect(plot).toHaveAttribute('data-traces', '12');
  // Per class: prior samples, training rows, validation rows. Every training row is a point.
  const traces = plot.locator('.scatterlayer .trace');
  let trainingPoints = 0;
  for (const i of [1, 4, 7, 10]) trainingPoints += await traces.nth(i).locator('.point').count();
  const trainRows = Number((await page.getByTestId('run').innerText()).match(/(\d+) training rows/)![1]);
  expect(trainingPoints).toBe(trainRows);
  // Both runs are in the notebook (the M2 run with its generated rows) before overlaying.
  await expect(page.getByTestId('nb-run')).toHaveCount(2);
  await expect(page.getByTestId('nb-run').first()).toHaveAttribute('data-status', 'done');
  await page.getByTestId('code-overlay').first().check();
  await expect(page.getByTestId('code-overlays').locator('.error-text')).toHaveCount(0);
  await expect(plot).toHaveAttribute('data-traces', '16', { timeout: 30_000 });
  await expect(plot.locator('.scatterlayer .trace').nth(12).locator('.point')).toHaveCount(50);
  await shot(page, '35-codes-comparison');
});
