import { expect, test } from '@playwright/test';
import { loadDemo, openApp, shot } from './helpers';

test('evaluate a trained run: Metric 1/2 on set-1 and set-2, FID, with chance, baseline and real-vs-real FID beside them', async ({ page }) => {
  await openApp(page);
  await loadDemo(page);
  await page.getByTestId('model-m1').check();
  for (const [id, v] of [['set-width', '0.1'], ['set-epochs', '4'], ['set-batch', '32']]) {
    await page.getByTestId(id).fill(v);
    await page.getByTestId(id).press('Enter');
  }
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
