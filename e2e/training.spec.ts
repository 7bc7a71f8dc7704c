import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SHARED_DATA, loadDemo, longTasks, openApp, shot, smallSettings, watchLongTasks } from './helpers';

test('train M1, M2 and M3 on the demo, pause/resume/step, generate and download a CSV', async ({ page }) => {
  await watchLongTasks(page);
  await openApp(page);
  await loadDemo(page);
  await expect(page.getByTestId('plots-panel')).toHaveAttribute('data-plotly', 'ready');
  await longTasks(page, true);
  const panel = page.getByTestId('training-panel');
  await expect(panel).toContainText('d = 382, K = 4, 339 rows');

  // M1: train, pause mid-run, step one epoch, resume to the end.
  await page.getByTestId('model-m1').check();
  await smallSettings(page, 6);
  await expect(panel).toContainText("not the paper's");
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('loss-table')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('train-pause').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'paused', { timeout: 60_000 });
  const epochsAt = async () => Number((await page.getByTestId('loss-table').locator('th').first().innerText()).match(/epoch (\d+)/)![1]);
  const pausedAt = await epochsAt();
  expect(pausedAt).toBeLessThan(6);
  await shot(page, '10-m1-paused');
  await page.getByTestId('train-step').click();
  await expect(page.getByTestId('run-message')).toContainText(`Paused after epoch ${pausedAt + 1}`, { timeout: 60_000 });
  expect(await epochsAt()).toBe(pausedAt + 1);
  await page.getByTestId('train-resume').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  expect(await epochsAt()).toBe(6);
  // Training lives in the worker: the page's longest task while it trained and plotted.
  const tasks = await longTasks(page, true);
  console.log(`main-thread long tasks while training M1 (ms): ${JSON.stringify(tasks.map(Math.round))}`);
  expect(Math.max(0, ...tasks)).toBeLessThan(200);
  // M1/M2 losses: reconstruction, D1, encoder-adversarial; each with a train and a validation value.
  for (const k of ['recon', 'd1', 'enc_adv']) {
    const cells = page.getByTestId('loss-table').locator(`tr[data-loss="${k}"] td.num`);
    await expect(cells.nth(0)).toHaveText(/^\d/);
    await expect(cells.nth(1)).toHaveText(/^\d/);
  }
  // Live plots: Fig. 3 losses (3 losses x train/validation) and Fig. 5 codes (4 classes x prior/train/val).
  await expect(page.getByTestId('loss-plot')).toHaveAttribute('data-traces', '6');
  await expect(page.getByTestId('loss-plot').locator('.scatterlayer .trace')).toHaveCount(6);
  // Export from the plot's own toolbar: PNG is Plotly's; SVG is our added button.
  await page.getByTestId('loss-plot').hover();
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('loss-plot').locator('[data-title="Download plot as SVG"]').click()]);
  expect(svg.suggestedFilename()).toMatch(/\.svg$/);
  expect(readFileSync((await svg.path())!, 'utf8')).toContain('<svg');
  await page.getByTestId('loss-log').check();
  await expect(page.getByTestId('loss-plot').locator('.ytick').first()).toBeVisible();
  await shot(page, '11-m1-done');
  await page.getByTestId('tab-codes').click();
  await expect(page.getByTestId('code-plot')).toHaveAttribute('data-traces', '12');
  await expect(page.getByTestId('code-plot').locator('.scatterlayer .trace')).toHaveCount(12);
  await expect(page.getByTestId('code-plot')).toContainText('after epoch 6');
  await shot(page, '11b-m1-codes');
  await page.getByTestId('tab-losses').click();

  // Generate and download: header = the 382 feature names + label, one line per row.
  await page.getByTestId('gen-n').fill('200');
  await page.getByTestId('gen-n').press('Enter');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('gen-summary')).toContainText('200 rows x 382 features, angry 50, happy 50, neutral 50, sad 50');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  const header = csv[0].split(',');
  expect(header.length).toBe(383);
  expect(header[0]).toBe('f1');
  expect(header[381]).toBe('f382');
  expect(header[382]).toBe('label');
  expect(csv.length).toBe(201);
  const row = csv[1].split(',');
  expect(row.length).toBe(383);
  expect(row.slice(0, 382).every((v) => Number.isFinite(Number(v)))).toBe(true);
  expect(['angry', 'happy', 'neutral', 'sad']).toContain(row[382]);
  await shot(page, '12-m1-generated');

  // M2 and M3: a couple of epochs each; their extra losses appear.
  for (const [model, extra] of [['m2', ['d2', 'gen']], ['m3', ['d2', 'gen', 'aux']]] as const) {
    await page.getByTestId(`model-${model}`).check();
    await smallSettings(page, 2);
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
    for (const k of extra) await expect(page.getByTestId('loss-table').locator(`tr[data-loss="${k}"]`)).toBeVisible();
    await page.getByTestId('generate').click();
    await expect(page.getByTestId('gen-summary')).toContainText('382 features');
    await shot(page, `13-${model}-done`);
  }
});

test('a huge learning rate trips the divergence guard: paused, weights restored, advice shown', async ({ page }) => {
  await openApp(page);
  await loadDemo(page);
  await page.getByTestId('model-m1').check();
  await smallSettings(page, 3);
  await page.getByTestId('learning-rates').locator('summary').click();
  await page.getByTestId('set-lr-step1').fill('1e9');
  await page.getByTestId('set-lr-step1').press('Enter');
  await page.getByRole('combobox').filter({ hasText: '100 (default, ours)' }).selectOption('off');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'diverged', { timeout: 60_000 });
  await expect(page.getByTestId('run-message')).toContainText('last good epoch');
  await expect(page.getByTestId('run-message')).toContainText(/learning rate/i);
  await shot(page, '14-diverged');
});

test("a user's own CSV trains too: URDU eGeMAPS (88-D) through the file input, M2", async ({ page }) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(resolve(SHARED_DATA, 'urdu-egemaps.csv'));
  await expect(page.getByTestId('feature-dim')).toHaveText('88');
  await page.getByTestId('model-m2').check();
  await smallSettings(page, 3);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('training-panel')).toContainText('held-out groups');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('gen-summary')).toContainText('6000 rows x 88 features, angry 1500, happy 1500, neutral 1500, sad 1500');
  await shot(page, '15-urdu-m2');
});
