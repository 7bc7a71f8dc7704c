import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useFastBackend } from '../helpers';
import { tf, type Tensor2D } from '../../../src/compute/tf';
import { modelSizes, paramCounts } from '../../../src/compute/models/sizes';
import { createModel, GanModel } from '../../../src/compute/models/index';
import { MixturePrior } from '../../../src/compute/models/mixturePrior';
import { Rng } from '../../../src/compute/train/rng';

beforeAll(async () => {
  await useFastBackend();
});

describe('parameter counts (SPEC table, d = 1582, K = 4, width scale 1)', () => {
  test('arithmetic from the layer widths', () => {
    const m1 = paramCounts(modelSizes('m1', 1582, 4));
    const m2 = paramCounts(modelSizes('m2', 1582, 4));
    const m3 = paramCounts(modelSizes('m3', 1582, 4));
    expect(m1.encoder).toBe(2_133_802);
    expect(m1.decoder).toBe(2_135_382);
    expect(m1.d1).toBe(557_701);
    expect(m1.total).toBe(4_826_885);
    expect(m2.d2).toBe(2_137_701);
    expect(m2.total).toBe(6_964_586);
    expect(m3.encoder).toBe(2_571_056);
    expect(m3.decoder).toBe(2_572_382);
    expect(m3.d1).toBe(811_701);
    expect(m3.d2).toBe(2_137_701);
    expect(m3.codeGenerator).toBe(39_596);
    expect(m3.aux).toBe(13_444);
    expect(m3.total).toBe(8_145_880);
    // M4 (the paper's Section 6 proposal) = M2 + M3's AUX head.
    const m4 = paramCounts(modelSizes('m4', 1582, 4));
    expect(m4.aux).toBe(13_444);
    expect(m4.codeGenerator).toBe(0);
    expect(m4.total).toBe(6_964_586 + 13_444);
  });

  test.each([
    ['m1', 4_826_885],
    ['m2', 6_964_586],
    ['m3', 8_145_880],
    ['m4', 6_978_030],
  ] as const)('built %s holds exactly %i weights + biases', (kind, expected) => {
    const m = createModel({ model: kind, widthScale: 1, priorRadius: 4, priorStd: 1 }, 1582, 4, 1);
    try {
      expect(m.paramCount()).toBe(expected);
      const sizeSum = m.namedVariables().reduce((s, [, v]) => s + v.size, 0);
      expect(sizeSum).toBe(expected);
    } finally {
      m.dispose();
    }
  });
});

describe('width scale', () => {
  test('scales hidden widths only, never d, K, the 2-D code or the 20-D noise', () => {
    const s1 = modelSizes('m1', 47, 4, 0.1);
    expect(s1.encoder).toEqual([47, 100, 50, 10, 2]);
    expect(s1.decoder).toEqual([2, 10, 50, 100, 47]);
    expect(s1.d1).toEqual([6, 100, 50, 10, 1]);
    const s3 = modelSizes('m3', 47, 4, 0.1);
    expect(s3.codeGenerator).toEqual([24, 14, 26]);
    expect(s3.aux).toEqual([10, 13, 4]);
    expect(s3.d2).toEqual([51, 100, 50, 10, 1]);
    const tiny = modelSizes('m3', 5, 3, 0.0001);
    expect(Math.min(...tiny.encoder.slice(1, -1))).toBe(2);
  });
});

const CASES: Array<[number, number]> = [
  [2, 2],
  [47, 4],
  [382, 7],
  [1582, 4],
];

describe.each(CASES)('shapes and wiring at d = %i, K = %i (width scale 1)', (d, K) => {
  const n = 3;
  test.each(['m1', 'm2', 'm3', 'm4'] as const)('%s forward shapes', (kind) => {
    const m: GanModel = createModel({ model: kind, widthScale: 1, priorRadius: 4, priorStd: 1 }, d, K, 3);
    const before = tf.memory().numTensors;
    try {
      const rng = new Rng(1);
      const shapes = tf.tidy(() => {
        const x = tf.randomNormal([n, d], 0, 1, 'float32', 1) as Tensor2D;
        const lat = m.sampleLatent(n, rng);
        const cz = m.oneHot(lat.labels);
        const code = m.latentToCode(tf.tensor2d(lat.latent, [n, lat.latentDim]), cz);
        const enc = m.encode(x);
        const r: Record<string, number[]> = {
          enc: enc.shape,
          dec: m.decode(enc).shape,
          prior: code.shape,
          d1: m.d1Logits(enc, cz).shape,
          fake: m.decode(code).shape,
        };
        if (m.d2) r.d2 = m.d2Logits(x, cz).shape;
        if (m.aux) r.aux = m.auxLogits(x, cz).shape;
        return r;
      });
      const codeDim = kind === 'm3' ? 256 : 2;
      expect(shapes.enc).toEqual([n, codeDim]);
      expect(shapes.dec).toEqual([n, d]);
      expect(shapes.prior).toEqual([n, codeDim]);
      expect(shapes.d1).toEqual([n, 1]);
      expect(shapes.fake).toEqual([n, d]);
      expect(shapes.d2).toEqual(kind === 'm1' ? undefined : [n, 1]);
      expect(shapes.aux).toEqual(kind === 'm3' || kind === 'm4' ? [n, K] : undefined);
      expect(m.sizes.encoder[0]).toBe(d);
      expect(m.sizes.d1[0]).toBe(codeDim + K);
      if (m.sizes.d2) expect(m.sizes.d2[0]).toBe(d + K);
      if (m.sizes.codeGenerator) expect(m.sizes.codeGenerator[0]).toBe(20 + K);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      m.dispose();
    }
  });
});

describe('mixture prior', () => {
  test('K components on a circle of radius r, samples near their own mean', () => {
    const p = new MixturePrior({ K: 4, radius: 4, std: 1 });
    const m = p.means();
    const expected = [4, 0, 0, 4, -4, 0, 0, -4];
    for (let i = 0; i < 8; i++) expect(m[i]).toBeCloseTo(expected[i], 5);
    const { z, labels } = p.sample(4000, new Rng(3));
    const counts = [0, 0, 0, 0];
    let near = 0;
    for (let i = 0; i < 4000; i++) {
      counts[labels[i]]++;
      if (p.nearestComponent(z[2 * i], z[2 * i + 1]) === labels[i]) near++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(900);
    // P(nearest = own) for r = 4, std 1 on 4 orthogonal means is about 0.995.
    expect(near / 4000).toBeGreaterThan(0.98);
  });
});

afterAll(() => {
  expect(tf.memory().numTensors).toBe(0);
});
