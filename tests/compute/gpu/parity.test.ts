/**
 * Issue #12 goal 3: the fast WebGPU path and the plain tfjs path give the same losses, batch by
 * batch and step by step, for the same seed (within 1e-4 relative; the summing orders differ,
 * measured ~2e-7). The fast path runs on the WebGPU adapter; the plain path on tfjs's CPU
 * backend, on WASM, and (M1) on tfjs's webgpu backend on the same adapter. Two epochs, so the
 * balance rule's epoch without the D2 update is covered, and a short last batch. The odd shapes
 * (d = 5 and 33, batch 1 and 5, per-batch balance, the per-element loss, an active clip, λ ≠ 1)
 * check every kernel against tfjs's ops at sizes that are not multiples of the 32-wide tiles.
 */
import { describe, expect, test } from 'vitest';
import { blobs, useCpu, useFastBackend } from '../helpers';
import { defaultsFor, type ModelKind, type TrainSettings } from '../../../src/compute/train/settings';
import { createTrainer } from '../../../src/compute/train/trainer';
import { onWebgpu, webgpuAdapter } from './gpuSetup';

const adapter = await webgpuAdapter();

interface Case {
  d: number;
  n: number;
  settings: TrainSettings;
  epochs: number;
}

/** Per-batch losses (lossKeys order) of `epochs` epochs on the given path. */
async function batchLosses(c: Case, path: 'auto' | 'plain') {
  const t = createTrainer(blobs(c.n, c.d, 4, 3), null, c.settings, { path });
  const out: number[][] = [];
  for (let e = 0; e < c.epochs; e++) {
    const r = await t.runEpoch({ onBatchLosses: (l) => out.push(Array.from(l)) });
    if ('diverged' in r) throw new Error(r.diverged.message);
  }
  const p = t.path;
  t.dispose();
  return { losses: out, path: p };
}

function worstRel(a: number[][], b: number[][]): number {
  expect(a.length).toBe(b.length);
  let w = 0;
  a.forEach((row, i) => row.forEach((v, j) => (w = Math.max(w, Math.abs(v - b[i][j]) / Math.max(1e-3, Math.abs(b[i][j]))))));
  return w;
}

async function check(name: string, c: Case, against: Array<'cpu' | 'wasm' | 'webgpu'>) {
  await onWebgpu();
  const fast = await batchLosses(c, 'auto');
  expect(fast.path).toBe('fast');
  for (const be of against) {
    if (be === 'cpu') await useCpu();
    else if (be === 'wasm') await useFastBackend();
    else await onWebgpu();
    const plain = await batchLosses(c, 'plain');
    const w = worstRel(fast.losses, plain.losses);
    console.log(`${name}: fast path vs plain tfjs on ${be}, ${fast.losses.length} batches: worst relative difference ${w.toExponential(2)}`);
    expect(w).toBeLessThan(1e-4);
  }
}

const base = (model: ModelKind, over: Partial<TrainSettings> = {}): TrainSettings => ({ ...defaultsFor(model), widthScale: 0.05, batchSize: 8, seed: 5, ...over });

describe.skipIf(!adapter)(`fast path vs plain tfjs, per batch (${adapter})`, () => {
  test('m1: d = 47, batch 8 (last batch 4), 2 epochs', () => check('m1', { d: 47, n: 20, epochs: 2, settings: base('m1') }, ['cpu', 'webgpu']));
  test('m2: d = 47, batch 8, 2 epochs', () => check('m2', { d: 47, n: 20, epochs: 2, settings: base('m2') }, ['cpu', 'wasm']));
  test('m3: d = 47, batch 8, 2 epochs', () => check('m3', { d: 47, n: 20, epochs: 2, settings: base('m3') }, ['cpu']));
  test('m4: d = 47, batch 8, 2 epochs', () => check('m4', { d: 47, n: 20, epochs: 2, settings: base('m4') }, ['cpu']));
  test('odd shapes: m2 d = 5, batch 1, D2 per batch', () =>
    check('m2 d=5 batch 1', { d: 5, n: 3, epochs: 1, settings: base('m2', { batchSize: 1, d2RatioMode: 'batch', widthScale: 0.03 }) }, ['cpu']));
  test('odd shapes: m3 d = 33, batch 5 (last 2), per-element loss, clip 0.01 (active), λ = 0.5', () =>
    check('m3 d=33 batch 5', { d: 33, n: 12, epochs: 1, settings: base('m3', { batchSize: 5, reconLoss: 'mean', clipNorm: 0.01, lambda: 0.5, widthScale: 0.07 }) }, ['cpu']));
});
