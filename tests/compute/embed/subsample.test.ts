import { describe, expect, test } from 'vitest';
import { allocate, jointSubsample, stratifiedSubsample, type EmbedSource } from '../../../src/compute/embed/subsample';
import { Rng } from '../../../src/compute/train/rng';

function labelsWith(counts: number[], seed = 1): Int32Array {
  const l: number[] = [];
  counts.forEach((c, k) => {
    for (let i = 0; i < c; i++) l.push(k);
  });
  return new Rng(seed).shuffle(Int32Array.from(l));
}

function source(name: string, kind: 'real' | 'synthetic', counts: number[], d = 3, seed = 1): EmbedSource {
  const labels = labelsWith(counts, seed);
  const n = labels.length;
  const features = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) features[i * d + j] = seed * 1000 + i + j / 10;
  return { name, kind, features, n, d, labels };
}

describe('allocate', () => {
  test('sums to the total, proportional, respects caps', () => {
    expect(allocate(10, [1, 1, 1], [10, 10, 10])).toEqual([4, 3, 3]);
    expect(allocate(10, [1, 1, 1])).toEqual([1, 1, 1]); // caps default to the weights (stratum sizes)
    expect(allocate(100, [50, 30, 20])).toEqual([50, 30, 20]);
    expect(allocate(10, [100, 1], [100, 1]).reduce((a, b) => a + b)).toBe(10);
    expect(allocate(10, [1, 1], [2, 100])).toEqual([2, 8]);
    expect(allocate(1000, [3, 4])).toEqual([3, 4]);
  });
});

describe('stratifiedSubsample', () => {
  test('keeps class proportions within one row per class, distinct sorted indices, seeded', () => {
    const counts = [1708, 1103, 1083, 1636];
    const labels = labelsWith(counts);
    const idx = stratifiedSubsample(labels, 1500, 5);
    expect(idx.length).toBe(1500);
    const got = [0, 0, 0, 0];
    for (const i of idx) got[labels[i]]++;
    const n = labels.length;
    counts.forEach((c, k) => expect(Math.abs(got[k] - (1500 * c) / n)).toBeLessThanOrEqual(1));
    for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    expect(stratifiedSubsample(labels, 1500, 5)).toEqual(idx);
    expect(stratifiedSubsample(labels, 1500, 6)).not.toEqual(idx);
  });

  test('returns everything under the cap', () => {
    expect(Array.from(stratifiedSubsample(labelsWith([2, 3]), 10))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('jointSubsample', () => {
  test('one table of real + synthetic, tracks source, class and row; per-source class proportions', () => {
    const real = source('real (train)', 'real', [300, 100, 100, 100], 3, 1);
    const m1 = source('M1', 'synthetic', [500, 500, 500, 500], 3, 2);
    const m3 = source('M3', 'synthetic', [250, 250, 250, 250], 3, 3);
    const j = jointSubsample([real, m1, m3], { cap: 900, seed: 1 });
    expect(j.n).toBe(900);
    expect(j.features.length).toBe(900 * 3);
    expect(j.subsampled).toBe(true);
    expect(j.sourceNames).toEqual(['real (train)', 'M1', 'M3']);
    expect(j.sourceKinds).toEqual(['real', 'synthetic', 'synthetic']);
    // proportional to sizes 600 : 2000 : 1000
    expect(j.kept.map((k) => k.reduce((a, b) => a + b))).toEqual([150, 500, 250]);
    expect(j.kept[0]).toEqual([75, 25, 25, 25]);
    expect(j.available[1]).toEqual([500, 500, 500, 500]);
    const srcs = [real, m1, m3];
    for (let p = 0; p < j.n; p++) {
      const s = srcs[j.source[p]];
      const r = j.sourceRow[p];
      expect(j.labels[p]).toBe(s.labels[r]);
      expect(j.synthetic[p]).toBe(s.kind === 'synthetic' ? 1 : 0);
      expect(j.features[p * 3 + 1]).toBe(s.features[r * 3 + 1]);
    }
  });

  test("'equal' shares the cap between sources; a small source gives its leftover away", () => {
    const real = source('real', 'real', [50, 50], 2, 1);
    const syn = source('M2', 'synthetic', [1000, 1000], 2, 2);
    const j = jointSubsample([real, syn], { cap: 400, perSource: 'equal' });
    expect(j.kept.map((k) => k.reduce((a, b) => a + b))).toEqual([100, 300]);
    const all = jointSubsample([real, syn], { cap: 5000 });
    expect(all.n).toBe(2100);
    expect(all.subsampled).toBe(false);
  });

  test('rejects sources of different widths', () => {
    expect(() => jointSubsample([source('a', 'real', [3], 2), source('b', 'synthetic', [3], 3)])).toThrow(/d = 3/);
  });
});
