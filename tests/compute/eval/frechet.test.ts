import { describe, expect, test } from 'vitest';
import {
  frechetDistance,
  meanAndCovariance,
  splitHalves,
  type FeatureExtractor,
  fid,
} from '../../../src/compute/eval/frechet';
import { Rng } from '../../../src/compute/train/rng';

/** Random SPD p x p (A A^T / p + eps I), row-major. */
function randomSpd(p: number, rng: Rng, eps = 0.1, rank = p): Float64Array {
  const a = Array.from({ length: p }, () => Array.from({ length: rank }, () => rng.normal()));
  const s = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let v = 0;
      for (let r = 0; r < rank; r++) v += a[i][r] * a[j][r];
      s[i * p + j] = v / rank + (i === j ? eps : 0);
    }
  return s;
}

// ---- an independent reference: Denman-Beavers iteration on the non-symmetric S1 S2 ----
type M = number[][];
const mul = (a: M, b: M): M => a.map((r) => b[0].map((_, j) => r.reduce((s, v, k) => s + v * b[k][j], 0)));
function inv(a: M): M {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
    [m[c], m[piv]] = [m[piv], m[c]];
    const d = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= d;
    for (let r = 0; r < n; r++)
      if (r !== c) {
        const f = m[r][c];
        for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
      }
  }
  return m.map((r) => r.slice(n));
}
function traceSqrtDenmanBeavers(a: M): number {
  const n = a.length;
  let y = a.map((r) => [...r]);
  let z: M = a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0)));
  for (let it = 0; it < 60; it++) {
    const yi = inv(y);
    const zi = inv(z);
    const y2 = y.map((r, i) => r.map((v, j) => 0.5 * (v + zi[i][j])));
    const z2 = z.map((r, i) => r.map((v, j) => 0.5 * (v + yi[i][j])));
    y = y2;
    z = z2;
  }
  let t = 0;
  for (let i = 0; i < n; i++) t += y[i][i];
  return t;
}
const toM = (s: Float64Array, p: number): M => Array.from({ length: p }, (_, i) => Array.from(s.subarray(i * p, (i + 1) * p)));
function referenceFd(mu1: number[], s1: Float64Array, mu2: number[], s2: Float64Array): number {
  const p = mu1.length;
  let d = 0;
  for (let j = 0; j < p; j++) d += (mu1[j] - mu2[j]) ** 2 + s1[j * p + j] + s2[j * p + j];
  return d - 2 * traceSqrtDenmanBeavers(mul(toM(s1, p), toM(s2, p)));
}

describe('frechetDistance', () => {
  test('diagonal covariances: equals the closed form sum (mu1-mu2)^2 + (sqrt s1 - sqrt s2)^2', () => {
    const mu1 = [0, 1, -2, 0.5];
    const mu2 = [1, 1, 0, -0.5];
    const v1 = [1, 4, 0.25, 2];
    const v2 = [9, 1, 0.25, 0.5];
    const diag = (v: number[]) => {
      const s = new Float64Array(16);
      v.forEach((x, i) => (s[i * 4 + i] = x));
      return s;
    };
    let expected = 0;
    for (let j = 0; j < 4; j++) expected += (mu1[j] - mu2[j]) ** 2 + (Math.sqrt(v1[j]) - Math.sqrt(v2[j])) ** 2;
    expect(frechetDistance(mu1, diag(v1), mu2, diag(v2))).toBeCloseTo(expected, 10);
  });

  test('is 0 for identical inputs and symmetric in its arguments', () => {
    const rng = new Rng(1);
    const p = 6;
    const s1 = randomSpd(p, rng);
    const s2 = randomSpd(p, rng);
    const mu1 = Array.from({ length: p }, () => rng.normal());
    const mu2 = Array.from({ length: p }, () => rng.normal());
    expect(frechetDistance(mu1, s1, mu1, s1)).toBeLessThan(1e-9);
    const a = frechetDistance(mu1, s1, mu2, s2);
    const b = frechetDistance(mu2, s2, mu1, s1);
    expect(a).toBeGreaterThan(0.1);
    expect(Math.abs(a - b)).toBeLessThan(1e-9 * a);
  });

  test('2x2 non-diagonal example matches the analytic 2x2 square root', () => {
    const s1 = new Float64Array([2, 1, 1, 3]);
    const s2 = new Float64Array([1, -0.5, -0.5, 2]);
    const mu1 = [0.5, -1];
    const mu2 = [1.5, 0];
    // For 2x2 M with positive eigenvalues: Tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)).
    const m = [
      [s1[0] * s2[0] + s1[1] * s2[2], s1[0] * s2[1] + s1[1] * s2[3]],
      [s1[2] * s2[0] + s1[3] * s2[2], s1[2] * s2[1] + s1[3] * s2[3]],
    ];
    const trM = m[0][0] + m[1][1];
    const detM = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    const trSqrt = Math.sqrt(trM + 2 * Math.sqrt(detM));
    const expected = 1 + 1 + (2 + 3) + (1 + 2) - 2 * trSqrt;
    expect(frechetDistance(mu1, s1, mu2, s2)).toBeCloseTo(expected, 10);
    // and the matrix square root itself: (A + sqrt(det A) I) / sqrt(tr A + 2 sqrt(det A))
    expect(expected).toBeCloseTo(referenceFd(mu1, s1, mu2, s2), 9);
  });

  test('agrees with an independent Denman-Beavers sqrtm of S1 S2, incl. a near-singular covariance', () => {
    const rng = new Rng(7);
    for (const [p, eps, rank] of [
      [5, 0.1, 5],
      [8, 1e-6, 3],
      [12, 0.5, 12],
    ]) {
      const s1 = randomSpd(p, rng, eps, rank);
      const s2 = randomSpd(p, rng, 0.2);
      const mu1 = Array.from({ length: p }, () => rng.normal());
      const mu2 = Array.from({ length: p }, () => rng.normal());
      const ours = frechetDistance(mu1, s1, mu2, s2);
      const ref = referenceFd(mu1, s1, mu2, s2);
      expect(Math.abs(ours - ref)).toBeLessThan(1e-6 * Math.max(1, ref));
    }
  });

  test('rejects mismatched shapes', () => {
    expect(() => frechetDistance([0, 0], new Float64Array(4), [0], new Float64Array(1))).toThrow();
    expect(() => frechetDistance([0, 0], new Float64Array(3), [0, 0], new Float64Array(4))).toThrow();
  });
});

describe('meanAndCovariance / fid plumbing', () => {
  test('mean and unbiased covariance of a small matrix', () => {
    const g = meanAndCovariance([1, 2, 3, 6, 5, 4], 2);
    expect(Array.from(g.mu)).toEqual([3, 4]);
    // x: 1,3,5 (var 4); y: 2,6,4 (var 4); cov = ((-2)(-2)+0*2+2*0)/2 = 2
    expect(Array.from(g.cov)).toEqual([4, 2, 2, 4]);
  });

  test('fid with the identity extractor equals the Gaussian formula on sample moments; halves are a partition', () => {
    const rng = new Rng(3);
    const d = 3;
    const n = 200;
    const a = Float32Array.from({ length: n * d }, () => rng.normal());
    const b = Float32Array.from({ length: n * d }, (_, i) => rng.normal() * 2 + (i % d === 0 ? 1 : 0));
    const id: FeatureExtractor = { inputDim: d, outputDim: d, extract: (x) => x };
    const ga = meanAndCovariance(a, d);
    const gb = meanAndCovariance(b, d);
    expect(fid({ features: a, d }, { features: b, d }, id)).toBeCloseTo(frechetDistance(ga.mu, ga.cov, gb.mu, gb.cov), 10);
    const [h1, h2] = splitHalves({ features: a, d }, 5);
    expect(h1.length + h2.length).toBe(a.length);
    const sum = (x: Float32Array) => x.reduce((s, v) => s + v, 0);
    expect(sum(h1) + sum(h2)).toBeCloseTo(sum(a), 3);
    const [h1b] = splitHalves({ features: a, d }, 5);
    expect(Array.from(h1b)).toEqual(Array.from(h1));
  });
});
