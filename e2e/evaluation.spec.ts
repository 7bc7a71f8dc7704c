import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { loadDemo, openApp, SHARED_DATA, shot, smallSettings } from './helpers';

test('evaluate a trained run: Metric 1/2 on set-1 and set-2, FID, with chance, baseline and real-vs-real FID beside them', async ({ page }) => {
  await openApp(page);
  await loadDemo(page);
  await page.getByTestId('model-m1').check();
  await smallSettings(page, 4);
  await expect(page.getByTestId('evaluate')).toBeDisabled();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await page.getByTestId('eval-n').fill('400');
  await page.getByTestId('eval-n').press('Enter');
  await page.getByTestId('evaluate').click();
  await expect(page.getByTestId('eval-stage')).toBeVisible();
  await expect(page.getByTestId('eval-table')).toBeVisible({ timeout: 180_000 });
  const table = page.getByTestId('eval-table');
  for (const m of ['Metric 1, real set-1', 'Metric 2, real set-1', 'Metric 1, real set-2', 'Metric 2, real set-2']) {
    await expect(table.locator(`tr[data-metric="${m}"] td.num`)).toHaveText(/^\d{1,3}\.\d %$/);
  }
  await expect(table.locator('tr[data-metric="FID"] td.num')).toHaveText(/^\d+\.\d\d$/);
  const context = page.getByTestId('eval-context');
  await expect(context).toContainText('chance (UAR) 25.0 %');
  await expect(context).toContainText(/baseline \d+\.\d %/);
  await expect(context).toContainText('400 synthetic rows');
  // The real -> real baseline on held-out EmoDB speakers is well above chance.
  const baseline = Number((await context.innerText()).match(/baseline (\d+\.\d) %/)![1]);
  expect(baseline).toBeGreaterThan(50);
  await shot(page, '20-evaluation');
});

test('studies: leave-one-group-out with 2 folds (M1, tiny) on the demo fills the table; cross-corpus says which columns differ', async ({ page }) => {
  await openApp(page);
  await loadDemo(page);
  await page.getByTestId('set-width').fill('0.1');
  await page.getByTestId('set-width').press('Enter');
  await page.getByTestId('study-m2').uncheck();
  for (const [id, v] of [['study-epochs', '2'], ['study-n', '200'], ['study-folds', '2']]) {
    await page.getByTestId(id).fill(v);
    await page.getByTestId(id).press('Enter');
  }
  await page.getByTestId('study-first-fold').uncheck();
  await page.getByTestId('study-run').click();
  await expect(page.getByTestId('study-status')).toContainText('of 2');
  await expect(page.getByTestId('study-status')).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  const table = page.getByTestId('study-table');
  await expect(table.locator('thead th.num')).toHaveText(['M1']);
  for (const row of ['Metric 1, real set-1', 'Metric 2, real set-1', 'Metric 1, real set-2', 'Metric 2, real set-2']) {
    // Mean ± std over the 2 folds, in %.
    await expect(table.locator(`tbody tr[data-row="${row}"] td.num`)).toHaveText(/^\d{1,3}\.\d( ± \d{1,3}\.\d)?$/);
  }
  await expect(table.locator('tbody tr[data-row="FID"] td.num')).toHaveText(/^\d+\.\d\d/);
  await expect(page.getByTestId('studies-panel')).toContainText('real -> real baseline');
  await shot(page, '24-study-cv');
  // Cross-corpus needs matching columns: EmoDB (382-D) against URDU eGeMAPS (88-D) says which differ.
  await page.getByTestId('file-input').setInputFiles(resolve(SHARED_DATA, 'urdu-egemaps.csv'));
  await expect(page.getByTestId('feature-dim')).toHaveText('88');
  await page.getByRole('tab', { name: /emodb-is09/ }).click();
  await page.getByTestId('study-kind').selectOption('cross-corpus');
  await page.getByTestId('study-b').selectOption({ label: 'urdu-egemaps.csv' });
  await page.getByTestId('study-run').click();
  await expect(page.getByTestId('study-error')).toContainText(/different feature columns/i, { timeout: 60_000 });
  await shot(page, '25-study-cross-corpus-mismatch');
});
