import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FIXTURES, SHARED_DATA, loadDemo, longTasks, openApp, shot, uploadFile, watchLongTasks } from './helpers';

test('the demo loads with the EmoDB 4-class summary, on a working backend', async ({ page }) => {
  await openApp(page);
  await shot(page, '01-empty');
  await loadDemo(page);
  await expect(page.getByTestId('feature-dim')).toHaveText('382');
  await expect(page.getByTestId('class-count')).toHaveText('4');
  const counts = page.getByTestId('class-counts');
  for (const [name, n] of [['angry', 127], ['happy', 71], ['neutral', 79], ['sad', 62]] as const) {
    await expect(counts.locator(`tr[data-class="${name}"] td.num`)).toHaveText(String(n));
  }
  await expect(page.getByTestId('label-select')).toHaveValue('label');
  await expect(page.getByTestId('group-select')).toHaveValue('speaker');
  await expect(page.getByTestId('group-summary')).toContainText('10 groups');
  await expect(page.getByTestId('rows-dropped')).toContainText('196 other classes');
  // Choosing the 7-class emotion column re-derives the dataset from the loaded table.
  await page.getByTestId('label-select').selectOption('emotion');
  await expect(page.getByTestId('rows-kept')).toHaveText('535');
  await expect(page.getByTestId('class-count')).toHaveText('7');
  await page.getByTestId('label-select').selectOption('label');
  await expect(page.getByTestId('rows-kept')).toHaveText('339');
  await page.getByTestId('backend-badge').click();
  await expect(page.getByTestId('backend-details')).toContainText('self-test passed');
  await shot(page, '02-demo-loaded');
});

test('a user table through the file input: URDU IS10, d = 1582, 100 rows per class', async ({ page }) => {
  await openApp(page);
  await uploadFile(page, resolve(SHARED_DATA, 'urdu-is10.csv'));
  await expect(page.getByTestId('feature-dim')).toHaveText('1582', { timeout: 60_000 });
  for (const name of ['angry', 'happy', 'neutral', 'sad']) {
    await expect(page.getByTestId('class-counts').locator(`tr[data-class="${name}"] td.num`)).toHaveText('100');
  }
  await expect(page.getByTestId('group-summary')).toContainText('29 groups');
  await shot(page, '03-urdu-loaded');
});

const BAD: { file: string; code: string; text: RegExp; stage: 'load' | 'roles' }[] = [
  { file: 'empty.csv', code: 'empty', text: /is empty/, stage: 'load' },
  { file: 'binary.csv', code: 'binary', text: /does not look like a text table/, stage: 'load' },
  { file: 'header-only.csv', code: 'header_only', text: /header \(4 columns\) but no data rows/, stage: 'load' },
  { file: 'ragged.csv', code: 'ragged', text: /Row 2 has 3 fields but the header has 4 columns/, stage: 'load' },
  { file: 'duplicate-columns.csv', code: 'duplicate_columns', text: /Duplicate column names: "f1"/, stage: 'load' },
  { file: 'no-header.csv', code: 'no_header', text: /no header row/, stage: 'load' },
  { file: 'non-numeric.csv', code: 'non_numeric', text: /Feature column "f2" has 1 value that is not a number, first in row 2: "five"/, stage: 'roles' },
  { file: 'one-class.csv', code: 'too_few_classes', text: /only one class \("angry"\)/, stage: 'roles' },
  { file: 'class-too-small.csv', code: 'class_too_small', text: /Class "happy" has 1 row/, stage: 'roles' },
];

test('every malformed fixture gets a clear message while the earlier table stays loaded', async ({ page }) => {
  await openApp(page);
  await loadDemo(page);
  let i = 0;
  for (const bad of BAD) {
    await uploadFile(page, resolve(FIXTURES, bad.file));
    const box = page.getByTestId(bad.stage === 'load' ? 'load-error' : 'roles-error');
    await expect(box).toBeVisible();
    await expect(box).toHaveAttribute('data-code', bad.code);
    await expect(box).toContainText(bad.text);
    await expect(box).toContainText('What to do:');
    // The demo is still loaded and still usable.
    await expect(page.getByTestId('table-list')).toContainText('emodb-is09.csv');
    await shot(page, `04-bad-${String(++i).padStart(2, '0')}-${bad.file.replace(/\W+/g, '-')}`);
    if (bad.stage === 'roles') {
      // Fix it in the UI where that is possible, else drop the table: the demo comes back intact.
      await page.getByRole('button', { name: `Remove ${bad.file}` }).click();
    }
    await page.getByRole('tab', { name: /emodb-is09/ }).click();
    await expect(page.getByTestId('rows-kept')).toHaveText('339');
  }
});

test('NaN/Inf/empty cells are counted; dropping or filling is the user\'s choice', async ({ page }) => {
  await openApp(page);
  await uploadFile(page, resolve(FIXTURES, 'missing-values.csv'));
  await expect(page.getByTestId('missing-cells')).toContainText('3 cells in 3 rows (rows dropped)');
  await expect(page.getByTestId('rows-kept')).toHaveText('7');
  await page.getByTestId('missing-select').selectOption('mean');
  await expect(page.getByTestId('rows-kept')).toHaveText('10');
  await expect(page.getByTestId('missing-cells')).toContainText('filled with column means');
  await shot(page, '05-missing-values');
});

test('semicolon, tab, quoted, BOM and CRLF tables simply load', async ({ page }) => {
  await openApp(page);
  for (const f of ['semicolon.csv', 'tab.tsv', 'bom-crlf-quoted.csv']) {
    await uploadFile(page, resolve(FIXTURES, f));
    await expect(page.getByRole('tab', { name: f })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('rows-kept')).toHaveText('4');
    await expect(page.getByTestId('feature-dim')).toHaveText('3');
  }
  await expect(page.getByTestId('load-error')).toHaveCount(0);
});

test('a paper-size table (5 600 x 1 582, ~84 MB) streams with progress, can be cancelled, and never blocks the page', async ({ page }) => {
  await watchLongTasks(page);
  await openApp(page);
  // Built from the real URDU rows, repeated 14 times: the paper's size (IEMOCAP 5 530 x 1 582).
  const text = readFileSync(resolve(SHARED_DATA, 'urdu-is10.csv'), 'utf8');
  const [header, ...rows] = text.trim().split(/\r?\n/);
  const big = resolve(mkdtempSync(join(tmpdir(), 'emogan-')), 'urdu-x14.csv');
  writeFileSync(big, `${header}\n${Array.from({ length: 14 }, () => rows.join('\n')).join('\n')}\n`);
  await page.getByTestId('file-input').setInputFiles(big);
  await expect(page.getByTestId('loading')).toBeVisible();
  await expect(page.getByTestId('loading')).toContainText(/[1-9][\d,]* rows/);
  await shot(page, '08-large-loading');
  await page.getByTestId('cancel-load').click();
  await expect(page.getByTestId('loading')).toHaveCount(0);
  await expect(page.getByRole('tab', { name: 'urdu-x14.csv' })).toHaveCount(0);
  await expect(page.getByTestId('load-error')).toHaveCount(0);
  // And without cancelling it loads completely.
  await longTasks(page, true);
  await page.getByTestId('file-input').setInputFiles(big);
  await expect(page.getByTestId('rows-kept')).toHaveText('5600', { timeout: 120_000 });
  await expect(page.getByTestId('feature-dim')).toHaveText('1582');
  const tasks = await longTasks(page);
  console.log(`long tasks while loading (ms): ${JSON.stringify(tasks.map(Math.round))}`);
  // Parsing is in the worker: the page may spend a moment rendering the summary, never seconds.
  expect(Math.max(0, ...tasks)).toBeLessThan(300);
});
