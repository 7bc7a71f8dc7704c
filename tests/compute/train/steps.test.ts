/**
 * Each step's optimizer moves exactly its variables; determinism, divergence guard and tensor
 * bookkeeping of the trainer. CPU backend throughout (determinism is per backend).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { blobs, useCpu } from '../helpers';
import { tf, type Tensor2D } from '../../../src/compute/tf';
import { createModel, type GanModel, type StepId } from '../../../src/compute/models/index';
import { Rng } from '../../../src/compute/train/rng';
import { defaultsFor, paperValue, PAPER_DEFAULTS, type TrainSettings } from '../../../src/compute/train/settings';
import { createOptimizers, disposeOptimizers, step1, step2, step3, step4, step5, type FakeBatch, type RealBatch } from '../../../src/compute/train/trainStep';
import { createTrainer, type EpochLosses } from '../../../src/compute/train/trainer';

beforeAll(async () => {
  await useCpu();
});

function snapshot(m: GanModel): Map<string, Float32Array> {
  return new Map(m.namedVariables().map(([n, v]) => [n, Float32Array.from(v.dataSync() as Float32Array)]));
}

function changed(m: GanModel, before: Map<string, Float32Array>): string[] {
  const out: string[] = [];
  for (const [n, v] of m.namedVariables()) {
    const a = before.get(n)!;
    const b = v.dataSync();
    let diff = false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff = true;
    if (diff) out.push(n);
  }
  return out.sort();
}

/** Variable names of the given parts, restricted to the 'W' of each layer (biases start at 0 and may stay 0 under ReLU). */
function partsOf(m: GanModel, parts: string[]): string[] {
  return m
    .namedVariables()
    .map(([n]) => n)
    .filter((n) => parts.includes(n.split('/')[0]))
    .sort();
}

const EXPECTED_PARTS: Record<'m1' | 'm2' | 'm3' | 'm4', Partial<Record<StepId, string[]>>> = {
  m1: { 1: ['encoder', 'decoder'], 2: ['d1'], 3: ['encoder'] },
  m2: { 1: ['encoder', 'decoder'], 2: ['d1'], 3: ['encoder'], 4: ['d2'], 5: ['decoder'] },
  m3: { 1: ['encoder', 'decoder'], 2: ['d1'], 3: ['encoder'], 4: ['d2'], 5: ['codeGenerator', 'decoder', 'aux'] },
  m4: { 1: ['encoder', 'decoder'], 2: ['d1'], 3: ['encoder'], 4: ['d2'], 5: ['decoder', 'aux'] },
};

describe.each(['m1', 'm2', 'm3', 'm4'] as const)('%s: each step moves exactly its variables', (kind) => {
  test.each([1, 2, 3, 4, 5] as const)('step %i', (step) => {
    const expectedParts = EXPECTED_PARTS[kind][step];
    if (!expectedParts) return;
    const d = 12;
    const K = 3;
    const s: TrainSettings = { ...defaultsFor(kind), widthScale: 0.05 };
    // Large rates so every touched weight visibly moves in one update.
    for (const k of ['step1', 'step2', 'step3', 'step4', 'step5'] as const) s[k] = { lr: 0.5, momentum: s[k].momentum };
    const m = createModel(s, d, K, 11);
    const opts = createOptimizers(m, s);
    const rng = new Rng(2);
    const before = snapshot(m);
    tf.tidy(() => {
      const labels = Int32Array.from({ length: 8 }, (_, i) => i % K);
      const real: RealBatch = { x: tf.randomNormal([8, d], 0, 1, 'float32', 3) as Tensor2D, cx: m.oneHot(labels) };
      const fb = (): FakeBatch => {
        const l = m.sampleLatent(8, rng);
        return { latent: tf.tensor2d(l.latent, [8, l.latentDim]), cz: m.oneHot(l.labels) };
      };
      if (step === 1) step1(m, opts[1]!, real, s);
      if (step === 2) step2(m, opts[2]!, real, fb());
      if (step === 3) step3(m, opts[3]!, real);
      if (step === 4) step4(m, opts[4]!, real, fb());
      if (step === 5) {
        const g = step5(m, opts[5]!, fb(), 1);
        g.gen.dispose();
        g.aux?.dispose();
      }
    });
    const moved = changed(m, before);
    const allowed = partsOf(m, expectedParts);
    // Nothing outside the step's parts moved ...
    expect(moved.filter((n) => !allowed.includes(n))).toEqual([]);
    // ... and every weight matrix of the step's parts did.
    expect(allowed.filter((n) => n.endsWith('/W') && !moved.includes(n))).toEqual([]);
    disposeOptimizers(opts);
    m.dispose();
  });
});

describe('settings', () => {
  test('paper values beside defaults; M3 learning rates differ', () => {
    expect(PAPER_DEFAULTS.m1.step1).toEqual({ lr: 0.001, momentum: 0.9 });
    expect(PAPER_DEFAULTS.m3.step1).toEqual({ lr: 0.001, momentum: 0 });
    expect(PAPER_DEFAULTS.m1.step2.lr).toBe(0.1);
    expect(PAPER_DEFAULTS.m3.step2.lr).toBe(0.01);
    expect(PAPER_DEFAULTS.m2.step4.lr).toBe(0.0001);
    expect(paperValue('m1', 'clipNorm')).toMatchObject({ value: 100, paper: null, source: 'departure' });
    expect(paperValue('m1', 'reconLoss')).toMatchObject({ value: 'sum', paper: 'mean', source: 'departure' });
    expect(paperValue('m2', 'batchSize')).toMatchObject({ value: 64, paper: undefined, source: 'ours' });
    expect(paperValue('m2', 'd2Ratio')).toMatchObject({ value: 2, paper: 2, source: 'paper' });
    expect(JSON.parse(JSON.stringify(PAPER_DEFAULTS.m3))).toEqual(PAPER_DEFAULTS.m3);
  });
});

const small = (kind: 'm1' | 'm2' | 'm3', extra: Partial<TrainSettings> = {}): TrainSettings => ({
  ...defaultsFor(kind),
  widthScale: 0.05,
  batchSize: 32,
  ...extra,
});

async function runEpochs(kind: 'm1' | 'm2' | 'm3', epochs: number, extra: Partial<TrainSettings> = {}): Promise<EpochLosses[]> {
  const t = createTrainer(blobs(96, 20, 4, 5), blobs(40, 20, 4, 6), small(kind, extra));
  for (let e = 0; e < epochs; e++) {
    const r = await t.runEpoch();
    if (!('train' in r)) throw new Error(JSON.stringify(r));
  }
  const h = t.history.map((r) => ({ ...r, ms: 0 }));
  t.dispose();
  return h;
}

describe('trainer', () => {
  test.each(['m1', 'm3'] as const)('%s: same seed -> identical losses on CPU; another seed differs', async (kind) => {
    const a = await runEpochs(kind, 2);
    const b = await runEpochs(kind, 2);
    expect(b).toEqual(a);
    const c = await runEpochs(kind, 2, { seed: 2 });
    expect(c[1].train.recon).not.toBe(a[1].train.recon);
    expect(Object.keys(a[0].train).sort()).toEqual(kind === 'm3' ? ['aux', 'd1', 'd2', 'enc_adv', 'gen', 'recon'] : ['d1', 'enc_adv', 'recon']);
    expect(a[0].val).not.toBeNull();
  });

  test('divergence guard: huge step-1 rate, clip off -> diverged, weights restored, history kept', async () => {
    const t = createTrainer(blobs(96, 20, 4, 5), null, small('m2', { clipNorm: null }));
    const r1 = await t.runEpoch();
    expect('train' in r1).toBe(true);
    const good = await t.getWeights();
    t.setLearningRates({ step1: { lr: 1e6 } });
    const r2 = await t.runEpoch();
    expect('diverged' in r2).toBe(true);
    if (!('diverged' in r2)) return;
    // The first loss to go non-finite is step 1's or one computed after it in the same batch;
    // the message must point back at step 1 and its rate either way.
    expect(['step1', 'step2', 'step3', 'step4', 'step5']).toContain(r2.diverged.step);
    expect(r2.diverged.epoch).toBe(2);
    expect(r2.diverged.message).toMatch(/step1[ ']/);
    expect(r2.diverged.message).toMatch(/1000000/);
    expect(r2.diverged.message).toMatch(/restored to the end of epoch 1/);
    expect(t.epoch).toBe(1);
    expect(t.history.length).toBe(1);
    const after = await t.getWeights();
    for (const k of Object.keys(good)) expect(after[k]).toEqual(good[k]);
    // After lowering the rate again, training goes on from the restored weights.
    t.setLearningRates({ step1: { lr: 0.001 } });
    const r3 = await t.runEpoch();
    expect('train' in r3).toBe(true);
    t.dispose();
  });

  test('tensor count flat from the 2nd epoch on and back to start after dispose (M2 epoch balance, M3 batch balance)', async () => {
    for (const [kind, mode] of [
      ['m2', 'epoch'],
      ['m3', 'batch'],
    ] as const) {
      const start = tf.memory().numTensors;
      const t = createTrainer(blobs(96, 20, 4, 5), blobs(40, 20, 4, 6), small(kind, { d2RatioMode: mode }));
      const counts: number[] = [];
      for (let e = 0; e < 4; e++) {
        await t.runEpoch();
        counts.push(tf.memory().numTensors);
      }
      await t.generate(10);
      await t.encode(blobs(8, 20, 4).features, 8);
      counts.push(tf.memory().numTensors);
      expect(new Set(counts.slice(1)).size).toBe(1);
      t.dispose();
      expect(tf.memory().numTensors).toBe(start);
    }
  });

  test('stop mid-epoch, change rates while paused, resume the same epoch', async () => {
    const t = createTrainer(blobs(96, 20, 4, 5), null, small('m1', { batchSize: 16 }));
    let seen = 0;
    const r = await t.runEpoch({ onBatch: (b) => (seen = b), shouldStop: () => seen >= 2 });
    expect(r).toEqual({ cancelled: true, batch: 2, batches: 6 });
    t.setLearningRates({ step2: { lr: 0.05 } });
    expect(t.settings.step2.lr).toBe(0.05);
    const r2 = await t.runEpoch({ onBatch: (b) => (seen = b) });
    expect('train' in r2 && r2.epoch).toBe(1);
    expect(seen).toBe(6);
    t.dispose();
  });

  test('generate: balanced labels, input units; setWeights round-trips', async () => {
    const ds = blobs(96, 20, 4, 5);
    const t = createTrainer(ds, null, small('m2'));
    await t.runEpoch();
    const g = await t.generate(40, 9);
    expect(g.features.length).toBe(40 * 20);
    expect(Array.from(g.labels.slice(0, 8))).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    // raw units: the blobs sit around 10, standardised rows around 0
    let mean = 0;
    for (const v of g.features) mean += v / g.features.length;
    expect(mean).toBeGreaterThan(5);
    const w = await t.getWeights();
    const g2 = await t.generate(40, 9);
    expect(g2.features).toEqual(g.features);
    const t2 = createTrainer(ds, null, small('m2', { seed: 99 }));
    t2.setWeights(w);
    expect((await t2.generate(40, 9)).features).toEqual(g.features);
    t.dispose();
    t2.dispose();
  });
});
