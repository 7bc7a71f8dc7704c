/**
 * The fast t-SNE's tensor path on WebGPU (issue #9: "correct on the software WebGPU adapter in
 * CI"): on Node's WebGPU (Dawn; lavapipe here and in CI) one step equals the plain exact
 * step, a short streamed run stays finite and close to the plain run's KL, nothing leaks;
 * likewise the three-dispatch WGSL engine (tsneWebgpu.ts).
 * Skips locally without an adapter; fails in CI without one (gpuSetup.ts).
 */
import { describe, expect, test } from 'vitest';
import { PlainTsne, prepareFastTsne, runFastTsne } from '../../../src/compute/embed/fastTsne';
import { createTensorEngine } from '../../../src/compute/embed/tsneTensor';
import { createWebgpuEngine, tfjsWebgpuDevice } from '../../../src/compute/embed/tsneWebgpu';
import { Rng } from '../../../src/compute/train/rng';
import { tf } from '../../../src/compute/tf';
import { onWebgpu, webgpuAdapter } from '../gpu/gpuSetup';

const adapter = await webgpuAdapter();

function blobs(n: number, d: number, K: number, sep: number, seed = 1): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = (j === i % K ? sep : 0) + rng.normal();
  return x;
}

describe.skipIf(!adapter)(`fast t-SNE on WebGPU (${adapter})`, () => {
  test('one step equals the plain exact step (two row blocks); a streamed run converges like the plain one; no tensor leak', async () => {
    await onWebgpu();
    const n = 100;
    const x = blobs(n, 8, 3, 6);
    const { P, Y0, schedule } = prepareFastTsne(x, n, 8, { perplexity: 15, iterations: 80, seed: 4 });
    const rng = new Rng(2);
    const Ys = Y0.map(() => 5 * rng.normal());
    const plain = new PlainTsne(P, Ys, schedule, 'exact');
    plain.step(1);
    const before = tf.memory().numTensors;
    const engine = createTensorEngine(P, Ys, schedule, { blockEntries: n * 80 });
    const r = await engine.run(0, 1);
    engine.dispose();
    let num = 0;
    let den = 0;
    const pl = plain.layout();
    for (let t = 0; t < 2 * n; t++) {
      num += (r.layout[t] - pl[t]) ** 2;
      den += (pl[t] - Ys[t]) ** 2;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-3);
    expect(r.kl).toBeCloseTo(plain.kl, 3);
    const gpu = await runFastTsne(x, n, 8, { perplexity: 15, iterations: 80, seed: 4, gradient: 'tensor', streamEvery: 40 }, { tensorEngine: createTensorEngine });
    const cpu = await runFastTsne(x, n, 8, { perplexity: 15, iterations: 80, seed: 4, gradient: 'exact' });
    expect(gpu.layout.every(Number.isFinite)).toBe(true);
    // float32 on the GPU vs float64 here: layouts drift apart, the optimum reached does not
    expect(Math.abs(gpu.kl - cpu.kl) / cpu.kl).toBeLessThan(0.05);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  test('WGSL engine (3 dispatches per iteration): one step equals the plain exact step; 80 iterations reach the plain run KL', async () => {
    await onWebgpu();
    const device = tfjsWebgpuDevice(tf.backend());
    expect(device).not.toBeNull();
    const n = 300; // more than one 256-point tile, and not a multiple of it
    const x = blobs(n, 8, 3, 6);
    const { P, Y0, schedule } = prepareFastTsne(x, n, 8, { perplexity: 15, iterations: 80, seed: 4 });
    const rng = new Rng(2);
    const Ys = Y0.map(() => 5 * rng.normal());
    const plain = new PlainTsne(P, Ys, schedule, 'exact');
    plain.step(2);
    const e1 = createWebgpuEngine(device!, P, Ys, schedule);
    const r = await e1.run(0, 2);
    e1.dispose();
    // The engine re-centres by the mean before the step (forces do not see translations), the
    // plain path after it: compare the layouts centred.
    const centred = (a: ArrayLike<number>) => {
      const m = [0, 0];
      for (let t = 0; t < a.length; t++) m[t % 2] += a[t] / n;
      return Array.from(a, (v, t) => v - m[t % 2]);
    };
    const pl = centred(plain.layout());
    r.layout = Float64Array.from(centred(r.layout));
    let num = 0;
    let den = 0;
    for (let t = 0; t < 2 * n; t++) {
      num += (r.layout[t] - pl[t]) ** 2;
      den += (pl[t] - Ys[t]) ** 2;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-3);
    expect(r.kl).toBeCloseTo(plain.kl, 3);
    const gpu = await runFastTsne(x, n, 8, { perplexity: 15, iterations: 80, seed: 4, gradient: 'tensor', streamEvery: 40 }, { tensorEngine: (P2, Y2, s2) => createWebgpuEngine(device!, P2, Y2, s2) });
    const cpu = await runFastTsne(x, n, 8, { perplexity: 15, iterations: 80, seed: 4, gradient: 'exact' });
    expect(gpu.layout.every(Number.isFinite)).toBe(true);
    expect(Math.abs(gpu.kl - cpu.kl) / cpu.kl).toBeLessThan(0.05);
  }, 60_000);
});
