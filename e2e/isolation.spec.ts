import { expect, test } from '@playwright/test';
import { loadDemo, openApp, smallSettings } from './helpers';

/**
 * Cross-origin isolation (vite.config.ts sends COOP/COEP from `vite` and `vite preview`) lets
 * the compute worker run tfjs-wasm's threaded build: one thread per core, named in the badge.
 */
test('the page is cross-origin isolated, WASM runs threaded, and a short training works on it', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !/^(data|blob):/.test(r.url())) outside.push(r.url());
  });
  const response = await page.goto('/');
  expect(response!.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response!.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await openApp(page);
  const badge = page.getByTestId('backend-badge');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  if ((await badge.getAttribute('data-backend')) !== 'wasm') {
    // A machine with a usable GPU picks it; check the threaded WASM build by forcing it.
    await page.getByTestId('backend-select').selectOption('wasm');
    await expect(badge).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });
  }
  await badge.click();
  const details = page.getByTestId('backend-details');
  if (cores > 1) await expect(details).toContainText(`WASM: WebAssembly SIMD, ${cores} threads (cross-origin isolated)`);
  else await expect(details).toContainText('WASM: WebAssembly SIMD, single thread');

  await loadDemo(page);
  await page.getByTestId('model-m1').check();
  await smallSettings(page, 2);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  const recon = page.getByTestId('loss-table').locator('tr[data-loss="recon"] td.num').first();
  expect(Number.isFinite(Number(await recon.innerText()))).toBe(true);
  expect(outside).toEqual([]);
});
