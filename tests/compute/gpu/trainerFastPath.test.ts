/**
 * The fast path inside the Trainer (issue #12): the default on WebGPU with the plain path as
 * fallback; pause and resume mid-epoch; optimizer state (momentum slots, iterations) moving
 * between the fast and the plain path; the divergence guard; no tensor or GPU buffer leak over
 * 50 epochs (buffers counted by wrapping GPUDevice.createBuffer, not only tensors).
 */
import { describe, expect, test } from 'vitest';
import { blobs, useCpu } from '../helpers';
import { tf } from '../../../src/compute/tf';
import { installDispatchCounter, snapshotCounts } from '../../../src/compute/gpu/dispatchCounter';
import { defaultsFor, type TrainSettings } from '../../../src/compute/train/settings';
import { createTrainer, type EpochLosses, type Trainer } from '../../../src/compute/train/trainer';
import { onWebgpu, webgpuAdapter } from './gpuSetup';

const adapter = await webgpuAdapter();

const small = (over: Partial<TrainSettings> = {}): TrainSettings => ({ ...defaultsFor('m2'), widthScale: 0.05, batchSize: 8, seed: 9, ...over });

async function epoch(t: Trainer): Promise<EpochLosses> {
  const r = await t.runEpoch();
  if (!('train' in r)) throw new Error(JSON.stringify(r));
  return r;
}

function close(a: Record<string, number>, b: Record<string, number>, rel: number): void {
  for (const k of Object.keys(b)) expect(Math.abs(a[k] - b[k]) / Math.max(1e-3, Math.abs(b[k])), k).toBeLessThan(rel);
}

describe.skipIf(!adapter)(`fast path in the trainer (${adapter})`, () => {
  test('default on WebGPU; plain when asked, and on other backends', async () => {
    await onWebgpu();
    const ds = blobs(20, 47, 4);
    const fast = createTrainer(ds, null, small());
    expect(fast.path).toBe('fast');
    expect(fast.fastPathNote).toBeNull();
    fast.dispose();
    const plain = createTrainer(ds, null, small(), { path: 'plain' });
    expect(plain.path).toBe('plain');
    plain.dispose();
    await useCpu();
    const cpu = createTrainer(ds, null, small());
    expect(cpu.path).toBe('plain');
    expect(cpu.fastPathNote).toMatch(/cpu/);
    cpu.dispose();
  });

  test('pause after 2 batches and resume = the straight epoch (weights exact, losses to 1e-6)', async () => {
    await onWebgpu();
    const ds = blobs(36, 47, 4);
    const straight = createTrainer(ds, null, small({ model: 'm4' }));
    const a = await epoch(straight);
    const paused = createTrainer(ds, null, small({ model: 'm4' }));
    let done = 0;
    const r = await paused.runEpoch({ onBatch: (b) => (done = b), shouldStop: () => done >= 2 });
    expect(r).toMatchObject({ cancelled: true, batch: 2 });
    // While paused the tfjs variables hold the fast path's weights (e.g. for generate()).
    expect((await paused.generate(4, 1)).features.every(Number.isFinite)).toBe(true);
    const b = await epoch(paused);
    close(b.train, a.train, 1e-6);
    const wa = await straight.getWeights();
    const wb = await paused.getWeights();
    for (const k of Object.keys(wa)) expect(Array.from(wb[k]), k).toEqual(Array.from(wa[k]));
    straight.dispose();
    paused.dispose();
  });

  test('optimizer state moves between the paths: fast epoch 1 -> plain epoch 2 = fast epochs 1-2', async () => {
    await onWebgpu();
    const ds = blobs(24, 47, 4);
    const s = small({ model: 'm2' }); // step 1 with momentum 0.9
    const fast = createTrainer(ds, null, s);
    await epoch(fast);
    const opt = await fast.getOptimizerState();
    expect(opt.step1!.kind).toBe('momentum');
    expect(opt.step1!.iterations).toBe(3);
    expect(opt.step1!.slots.length).toBe(16);
    expect(opt.step4!.iterations).toBe(3);
    expect(opt.step5!.iterations).toBe(3);
    const weights = await fast.getWeights();
    const state = fast.getState();
    const fast2 = await epoch(fast);

    const plain = createTrainer(ds, null, s, { path: 'plain' });
    plain.setWeights(weights);
    plain.setState(state);
    await plain.setOptimizerState(opt);
    const plain2 = await epoch(plain);
    close(plain2.train, fast2.train, 1e-4);

    // And back: the plain trainer's state into a fresh fast one.
    const opt2 = await plain.getOptimizerState();
    const back = createTrainer(ds, null, s);
    back.setWeights(await plain.getWeights());
    back.setState(plain.getState());
    await back.setOptimizerState(opt2);
    const fast3 = await epoch(fast);
    const back3 = await epoch(back);
    close(back3.train, fast3.train, 1e-4);
    for (const t of [fast, plain, back]) t.dispose();
  });

  test('divergence guard: a huge step-2 rate restores the last good weights', async () => {
    await onWebgpu();
    const ds = blobs(24, 47, 4);
    const t = createTrainer(ds, null, small({ model: 'm1', step2: { lr: 1e30, momentum: 0 }, step3: { lr: 1e30, momentum: 0 } }));
    const w0 = await t.getWeights();
    const r = await t.runEpoch();
    expect('diverged' in r).toBe(true);
    const w1 = await t.getWeights();
    for (const k of Object.keys(w0)) expect(Array.from(w1[k]), k).toEqual(Array.from(w0[k]));
    t.setLearningRates({ step2: { lr: 0.1 }, step3: { lr: 0.1 } });
    const ok = await t.runEpoch();
    expect('train' in ok).toBe(true);
    t.dispose();
  });

  test('50 epochs: no tensor and no GPU buffer leak (M3, validation split; buffers alive counted)', async () => {
    await onWebgpu();
    const counter = installDispatchCounter();
    void counter;
    const all = blobs(16, 47, 4);
    const pick = (lo: number, hi: number) => ({ ...all, n: hi - lo, features: all.features.slice(lo * 47, hi * 47), labels: all.labels.slice(lo, hi) });
    const before = tf.memory().numTensors;
    // 12 training rows in batches of 8: a full and a short batch, i.e. both programs.
    const t = createTrainer(pick(0, 12), pick(12, 16), small({ model: 'm3' }));
    expect(t.path).toBe('fast');
    // tfjs creates (and destroys) a staging buffer for every upload from JS (validation's
    // samples), so the measure is buffers alive: created - destroyed.
    const alive = () => snapshotCounts().buffers - snapshotCounts().destroyed;
    let tensors = 0;
    let buffers = 0;
    let bytes = 0;
    for (let e = 1; e <= 50; e++) {
      await epoch(t);
      if (e === 3) {
        tensors = tf.memory().numTensors;
        buffers = alive();
        bytes = (tf.memory() as unknown as { numBytesAllocatedInGPU: number }).numBytesAllocatedInGPU;
      }
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(alive()).toBe(buffers);
    expect((tf.memory() as unknown as { numBytesAllocatedInGPU: number }).numBytesAllocatedInGPU).toBe(bytes);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
