import { describe, expect, test } from 'vitest';
import { ellipseMass, gaussianEllipse, mixtureEllipses, mixtureMeans } from '../../../src/compute/embed/ellipses';
import { fitPca, pca, pcaTransform } from '../../../src/compute/embed/pca';
import { Rng } from '../../../src/compute/train/rng';

describe('ellipses', () => {
  test('k-sigma ellipse of a diagonal Gaussian: closed, on (x-mx)^2/(k sx)^2 + (y-my)^2/(k sy)^2 = 1', () => {
    const e = gaussianEllipse([1, -2], [0.5, 2], 2, 32);
    expect(e.x.length).toBe(33);
    expect(e.x[0]).toBeCloseTo(e.x[32], 6);
    expect(e.y[0]).toBeCloseTo(e.y[32], 6);
    for (let i = 0; i < e.x.length; i++) {
      const q = ((e.x[i] - 1) / (2 * 0.5)) ** 2 + ((e.y[i] + 2) / (2 * 2)) ** 2;
      expect(q).toBeCloseTo(1, 5);
    }
    // extremes: x spans mean +- k sx, y spans mean +- k sy
    expect(Math.max(...e.x)).toBeCloseTo(2, 5);
    expect(Math.min(...e.y)).toBeCloseTo(-6, 4);
  });

  test('isotropic: a circle of radius k sigma', () => {
    const e = gaussianEllipse([0, 0], 1.5, 1, 16);
    for (let i = 0; i < e.x.length; i++) expect(Math.hypot(e.x[i], e.y[i])).toBeCloseTo(1.5, 5);
  });

  test('mixture: SPEC means (r = 4, K = 4 orthogonal), 1 and 2 sigma per component', () => {
    const means = mixtureMeans(4, 4);
    const want = [[4, 0], [0, 4], [-4, 0], [0, -4]];
    means.forEach((m, k) => {
      expect(m[0]).toBeCloseTo(want[k][0], 9);
      expect(m[1]).toBeCloseTo(want[k][1], 9);
    });
    const els = mixtureEllipses(means, 1);
    expect(els.map((e) => [e.component, e.sigmas])).toEqual([[0, 1], [0, 2], [1, 1], [1, 2], [2, 1], [2, 2], [3, 1], [3, 2]]);
    const e = els[3]; // component 1, 2 sigma: centred at (0, 4), radius 2
    for (let i = 0; i < e.x.length; i++) expect(Math.hypot(e.x[i], e.y[i] - 4)).toBeCloseTo(2, 5);
    const per = mixtureEllipses(means, (c) => [c + 1, 1], [1]);
    expect(Math.max(...per[2].x) - Math.min(...per[2].x)).toBeCloseTo(6, 4);
  });

  test('mass inside the k-sigma ellipse matches a Monte Carlo count', () => {
    expect(ellipseMass(1)).toBeCloseTo(0.3935, 4);
    expect(ellipseMass(2)).toBeCloseTo(0.8647, 4);
    const rng = new Rng(3);
    let in1 = 0;
    const N = 20000;
    for (let i = 0; i < N; i++) if (rng.normal() ** 2 + rng.normal() ** 2 <= 1) in1++;
    expect(in1 / N).toBeCloseTo(ellipseMass(1), 1);
  });
});

describe('pca', () => {
  function correlated(n: number, d: number, seed: number): Float32Array {
    // Variance mostly along two known directions plus small noise.
    const rng = new Rng(seed);
    const x = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const a = 5 * rng.normal();
      const b = 2 * rng.normal();
      for (let j = 0; j < d; j++) x[i * d + j] = 3 + a * (j % 2 === 0 ? 1 : 0) / Math.sqrt(Math.ceil(d / 2)) + b * (j % 2 === 1 ? 1 : 0) / Math.sqrt(Math.floor(d / 2)) + 0.1 * rng.normal();
    }
    return x;
  }

  test('exact path recovers the two directions, variances in order, sign fixed', () => {
    const n = 400;
    const d = 10;
    const { projected, model } = pca(correlated(n, d, 1), n, d, 3);
    expect(model.method).toBe('exact');
    expect(model.explainedVariance[0]).toBeGreaterThan(20);
    expect(model.explainedVariance[1]).toBeGreaterThan(3);
    expect(model.explainedVariance[2]).toBeLessThan(0.05);
    expect((model.explainedVariance[0] + model.explainedVariance[1]) / model.totalVariance).toBeGreaterThan(0.98);
    // first component: the even coordinates, positive
    for (let j = 0; j < d; j++) expect(Math.abs(model.components[j])).toBeCloseTo(j % 2 === 0 ? Math.sqrt(1 / 5) : 0, 1);
    expect(projected.length).toBe(n * 3);
    // projections are centred, and their variance is the explained variance
    let m = 0;
    let v = 0;
    for (let i = 0; i < n; i++) m += projected[i * 3];
    m /= n;
    for (let i = 0; i < n; i++) v += (projected[i * 3] - m) ** 2;
    expect(Math.abs(m)).toBeLessThan(1e-3);
    expect(v / (n - 1)).toBeCloseTo(model.explainedVariance[0], 2);
  });

  test('randomized path (d above exactMaxDim) agrees with the exact one', () => {
    const n = 300;
    const d = 80;
    const x = correlated(n, d, 2);
    const exact = fitPca(x, n, d, 5);
    const rand = fitPca(x, n, d, 5, { exactMaxDim: 10, seed: 4 });
    expect(rand.method).toBe('randomized');
    for (let c = 0; c < 2; c++) {
      expect(rand.explainedVariance[c]).toBeCloseTo(exact.explainedVariance[c], 3);
      let dot = 0;
      for (let j = 0; j < d; j++) dot += rand.components[c * d + j] * exact.components[c * d + j];
      expect(dot).toBeCloseTo(1, 4);
    }
    // transform of new rows uses the stored mean
    const y = pcaTransform(exact, x.subarray(0, d), 1);
    expect(y.length).toBe(5);
  });

  test('k is clipped to min(n, d)', () => {
    const m = fitPca(new Float32Array([1, 2, 3, 4, 5, 7]), 3, 2, 50);
    expect(m.k).toBe(2);
  });
});
