/**
 * Issue #12 goal 3: the fast WebGPU path and the plain tfjs path give the same losses, step by
 * step, for the same seed (within 1e-4 relative; summing orders differ). The plain path runs on
 * tfjs's webgpu backend (same adapter) and on CPU.
 */
import { describe, expect, test } from 'vitest';
import { blobs, useCpu } from '../helpers';
import { tf } from '../../../src/compute/tf';
import { defaultsFor, type ModelKind } from '../../../src/compute/train/settings';
import { createTrainer } from '../../../src/compute/train/trainer';
import { onWebgpu, webgpuAdapter } from './gpuSetup';

const adapter = await webgpuAdapter();

/** Per-batch losses of one epoch (first `batches` batches) on the given path. */
async function batchLosses(model: ModelKind, path: 'auto' | 'plain', opts: { d: number; n: number; batch: number; width: number; epochs?: number; batches?: number }) {
  const ds = blobs(opts.n, opts.d, 4, 3);
  const t = createTrainer(ds, null, { ...defaultsFor(model), widthScale: opts.width, batchSize: opts.batch, seed: 5 }, { path });
  const out: number[][] = [];
  for (let e = 0; e < (opts.epochs ?? 1); e++) {
    let done = 0;
    const r = await t.runEpoch({ onBatchLosses: (l) => out.push(Array.from(l)), onBatch: (b) => (done = b), shouldStop: () => opts.batches !== undefined && done >= opts.batches });
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

describe.skipIf(!adapter)(`fast path vs plain tfjs, per step (${adapter})`, () => {
  for (const model of ['m1', 'm2', 'm3', 'm4'] as ModelKind[]) {
    test(`${model}: d = 47, batch 8 (last batch 4), 2 epochs`, async () => {
      await onWebgpu();
      const o = { d: 47, n: 20, batch: 8, width: 0.05, epochs: 2 };
      const fast = await batchLosses(model, 'auto', o);
      expect(fast.path).toBe('fast');
      const plain = await batchLosses(model, 'plain', o);
      expect(plain.path).toBe('plain');
      const w = worstRel(fast.losses, plain.losses);
      console.log(`${model} fast vs plain webgpu: ${fast.losses.length} batches, worst relative difference ${w.toExponential(2)}`);
      expect(w).toBeLessThan(1e-4);
      await useCpu();
      const cpu = await batchLosses(model, 'plain', o);
      const wc = worstRel(fast.losses, cpu.losses);
      console.log(`${model} fast vs plain cpu: worst relative difference ${wc.toExponential(2)}`);
      expect(wc).toBeLessThan(1e-4);
      void tf;
    });
  }
});
