import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { SHARED_DATA, loadDemo, openApp, shot, uploadFile } from './helpers';

test('no request leaves the app\'s own origin, and data is never sent', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const requests: { url: string; method: string }[] = [];
  page.on('request', (r) => requests.push({ url: r.url(), method: r.method() }));
  await openApp(page);
  await loadDemo(page);
  await uploadFile(page, resolve(SHARED_DATA, 'urdu-egemaps.csv'));
  await expect(page.getByTestId('feature-dim')).toHaveText('88');
  expect(requests.length).toBeGreaterThan(3); // the check below must have seen the app's own loads
  const outside = requests.filter((r) => !r.url.startsWith(origin) && !/^(data|blob):/.test(r.url));
  expect(outside).toEqual([]);
  // Only GETs of the app's own assets: a user's table is never posted anywhere.
  expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
  expect(requests.some((r) => r.url.includes('urdu-egemaps'))).toBe(false);
  // The WASM binaries come from the app itself.
  const badge = await page.getByTestId('backend-badge').getAttribute('data-backend');
  if (badge === 'wasm') expect(requests.some((r) => r.url.startsWith(origin) && r.url.endsWith('.wasm'))).toBe(true);
  // The page is cross-origin isolated (COOP/COEP), so WASM runs threaded: its binary and
  // pthread glue are the app's own files too.
  if (badge === 'wasm' && (await page.evaluate(() => self.crossOriginIsolated))) {
    expect(requests.some((r) => r.url.startsWith(origin) && r.url.includes('threaded') && r.url.endsWith('.wasm'))).toBe(true);
  }
});

test('backend: why others were rejected, forcing one, and recovery from a worker crash', async ({ page }) => {
  await openApp(page);
  await loadDemo(page);
  const badge = page.getByTestId('backend-badge');
  const first = await badge.getAttribute('data-backend');
  await badge.click();
  const details = page.getByTestId('backend-details');
  await expect(details).toContainText('self-test passed');
  if (first !== 'webgpu') await expect(details).toContainText('WebGPU not used:');
  // Where the GPUs are software (this machine, CI), the fallback the notes recommend is WASM.
  const text = await details.innerText();
  if (/WebGPU not used: (software|navigator)/.test(text) && /WebGL not used: software/.test(text)) expect(first).toBe('wasm');
  await shot(page, '06-backend-details');

  // Crash the worker: the app says so, restarts it without that backend, and keeps the data.
  await page.getByTestId('simulate-crash').click();
  await expect(page.getByTestId('backend-notice')).toContainText('The compute worker stopped', { timeout: 30_000 });
  await expect(badge).toHaveAttribute('data-backend', /^(webgpu|webgl|wasm|cpu)$/, { timeout: 60_000 });
  if (first !== 'cpu') await expect(badge).not.toHaveAttribute('data-backend', first!);
  await expect(page.getByTestId('rows-kept')).toHaveText('339');
  // The restarted worker works: re-deriving the dataset goes through it.
  await page.getByTestId('label-select').selectOption('emotion');
  await expect(page.getByTestId('rows-kept')).toHaveText('535');
  await shot(page, '07-after-crash');

  // Forcing CPU restarts on CPU and is remembered across a reload.
  await page.getByTestId('backend-select').selectOption('cpu');
  await expect(badge).toHaveAttribute('data-backend', 'cpu', { timeout: 60_000 });
  await expect(badge).toContainText('CPU (forced)');
  await page.reload();
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'cpu', { timeout: 60_000 });
});
