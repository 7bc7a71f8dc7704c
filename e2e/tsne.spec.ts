import { expect, test } from '@playwright/test';
import { loadDemo, longTasks, openApp, shot, smallSettings, watchLongTasks } from './helpers';

test('t-SNE of real plus generated rows streams, completes with both sources, and can be cancelled', async ({ page }) => {
  await watchLongTasks(page);
  await openApp(page);
  await loadDemo(page);
  await page.getByTestId('model-m1').check();
  await smallSettings(page, 3);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await page.getByTestId('gen-n').fill('200');
  await page.getByTestId('gen-n').press('Enter');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('gen-summary')).toContainText('200 rows');
  await page.getByTestId('tab-tsne').click();
  await expect(page.getByTestId('plots-panel')).toHaveAttribute('data-plotly', 'ready');
  await page.getByTestId('tsne-cap').fill('300');
  await page.getByTestId('tsne-cap').press('Enter');
  await page.getByTestId('tsne-iterations').fill('150');
  await page.getByTestId('tsne-iterations').press('Enter');
  await longTasks(page, true);
  await page.getByTestId('tsne-run').click();
  await expect(page.getByTestId('tsne-status')).toHaveAttribute('data-status', 'running');
  // Intermediate layouts stream in before the end.
  await expect(page.getByTestId('tsne-plot')).toContainText(/iteration \d+ of 150/, { timeout: 60_000 });
  await expect(page.getByTestId('tsne-status')).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  await expect(page.getByTestId('tsne-status')).toContainText('300 points embedded (stratified subsample)');
  // One joint embedding with both sources in it.
  await expect(page.getByTestId('tsne-plot').locator('.legendtext')).toHaveText(['real', 'synthetic (M1)']);
  const tasks = await longTasks(page, true);
  console.log(`main-thread long tasks during t-SNE (ms): ${JSON.stringify(tasks.map(Math.round))}`);
  expect(Math.max(0, ...tasks)).toBeLessThan(200);
  await shot(page, '21-tsne-source');
  await page.getByTestId('tsne-by-class').check();
  await expect(page.getByTestId('tsne-plot').locator('.legendtext')).toHaveCount(8);
  await shot(page, '22-tsne-class');
  // Cancel a long run.
  await page.getByTestId('tsne-iterations').fill('5000');
  await page.getByTestId('tsne-iterations').press('Enter');
  await page.getByTestId('tsne-run').click();
  await expect(page.getByTestId('tsne-plot')).toContainText(/iteration \d+ of 5000/, { timeout: 60_000 });
  await page.getByTestId('tsne-cancel').click();
  await expect(page.getByTestId('tsne-status')).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
});
