import { expect, test } from '@playwright/test';
import { loadDemo, openApp, shot, smallSettings } from './helpers';

test('M4 (the paper\'s proposed model): pick it, set λ, train two epochs; codes and losses fill; a λ study and the run metrics show spread and separation', async ({ page }) => {
  await openApp(page);
  await loadDemo(page);
  const panel = page.getByTestId('training-panel');
  await page.getByTestId('model-m4').check();
  await expect(panel).toContainText('λ = 0 is M2');
  await smallSettings(page, 2);
  await page.getByTestId('set-lambda').fill('2');
  await page.getByTestId('set-lambda').press('Enter');
  await expect(panel).toContainText("not the paper's");
  // M4's parameter count is M2's plus the AUX head (shown for the demo's d = 382 at width 0.1).
  await expect(page.getByTestId('model-shape')).toContainText('d = 382, K = 4');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  // Steps 1-5 plus the mutual-information term: recon, d1, enc_adv, d2, gen, aux, each with values.
  for (const k of ['recon', 'd1', 'enc_adv', 'd2', 'gen', 'aux']) {
    await expect(page.getByTestId('loss-table').locator(`tr[data-loss="${k}"] td.num`).first()).toHaveText(/^\d/);
  }
  await expect(page.getByTestId('loss-plot')).toHaveAttribute('data-traces', '12');
  // Its code space is M1's 2-D one: 4 classes x prior / train / validation.
  await page.getByTestId('tab-codes').click();
  await expect(page.getByTestId('code-plot')).toHaveAttribute('data-traces', '12');
  await expect(page.getByTestId('code-plot')).toContainText('after epoch 2');
  await expect(page.getByTestId('code-plot')).toContainText('2-D code');
  await shot(page, '40-m4-codes');
  await page.getByTestId('tab-losses').click();
  await shot(page, '41-m4-losses');

  // The run's own metrics carry spread and separation.
  await page.getByTestId('eval-n').fill('400');
  await page.getByTestId('eval-n').press('Enter');
  await page.getByTestId('evaluate').click();
  const table = page.getByTestId('eval-table');
  await expect(table).toBeVisible({ timeout: 180_000 });
  await expect(table.locator('tr[data-metric="Intra-class spread"] td.num')).toHaveText(/^\d+\.\d\d$/);
  await expect(table.locator('tr[data-metric="Inter-class separation"] td.num')).toHaveText(/^\d+\.\d\d$/);

  // The λ study: M4 at λ = 0 and 1, first of 2 folds, one epoch each.
  await page.getByTestId('study-kind').selectOption('lambda');
  await expect(page.getByTestId('study-m1')).toHaveCount(0);
  await page.getByTestId('study-m3').uncheck();
  await page.getByTestId('study-lambdas').fill('0, -1');
  await expect(page.getByTestId('study-run')).toBeDisabled();
  await expect(page.getByTestId('studies-panel')).toContainText('"-1" is not a λ');
  await page.getByTestId('study-lambdas').fill('0, 1');
  for (const [id, v] of [['study-epochs', '1'], ['study-n', '200'], ['study-folds', '2']]) {
    await page.getByTestId(id).fill(v);
    await page.getByTestId(id).press('Enter');
  }
  await page.getByTestId('study-run').click();
  await expect(page.getByTestId('study-status')).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  const st = page.getByTestId('study-table');
  await expect(st.locator('thead th.num')).toHaveText(['M4 λ=0', 'M4 λ=1']);
  await expect(st.locator('tbody tr[data-row="Intra-class spread (synthetic / real)"] td.num')).toHaveText([/^\d+\.\d\d$/, /^\d+\.\d\d$/]);
  await expect(st.locator('tbody tr[data-row="Inter-class separation"] td.num')).toHaveText([/^\d+\.\d\d$/, /^\d+\.\d\d$/]);
  await expect(page.getByTestId('study-lambda-plots').locator('[data-testid^="lambda-plot-"]')).toHaveCount(5);
  await expect(page.getByTestId('lambda-plot-0').locator('.scatterlayer .trace')).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByTestId('study-kept')).toContainText('Kept in the notebook');
  await page.getByTestId('study-lambda-plots').scrollIntoViewIfNeeded();
  await shot(page, '42-lambda-study');
});
