import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const SHARED_DATA = resolve(here, '../../shared/data');
export const FIXTURES = resolve(here, '../tests/fixtures/tables');
export const SCREENS = resolve(here, '../e2e-screens');
mkdirSync(SCREENS, { recursive: true });

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(SCREENS, `${name}.png`), fullPage: true });
}

/** Open the app and wait until the worker has a backend that passed its self-test. */
export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', /^(webgpu|webgl|wasm|cpu)$/, { timeout: 60_000 });
}

export async function loadDemo(page: Page): Promise<void> {
  await page.getByTestId('load-demo').click();
  await expect(page.getByTestId('rows-kept')).toHaveText('339', { timeout: 60_000 });
}

export async function uploadFile(page: Page, path: string): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(path);
}

/** Records main-thread long tasks from page start (read them with longTasks). */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
  });
}

export async function longTasks(page: Page, reset = false): Promise<number[]> {
  return page.evaluate((r) => {
    const w = window as unknown as { __longTasks: number[] };
    const out = w.__longTasks.slice();
    if (r) w.__longTasks = [];
    return out;
  }, reset);
}

/** Small settings so CI (2 cores, WASM) trains in seconds; the UI marks them as not the paper's. */
export async function smallSettings(page: Page, epochs: number): Promise<void> {
  for (const [id, v] of [['set-width', '0.1'], ['set-epochs', String(epochs)], ['set-batch', '32']]) {
    await page.getByTestId(id).fill(v);
    await page.getByTestId(id).press('Enter');
  }
}
