/**
 * Intra-class spread and inter-class separation (eval/spread.ts) on Gaussian classes of known
 * spread: for N(μ_k, σ² I_d) the mean distance to the centroid is σ·E[χ_d], E[χ_d] =
 * √2 Γ((d+1)/2) / Γ(d/2); the issue asks for the known values within 5 %.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { classGeometry, spreadAndSeparation, type Rows } from '../../../src/compute/eval/spread';
import { Rng } from '../../../src/compute/train/rng';

/** log Γ by Lanczos (g = 7), enough for the χ mean. */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
const chiMean = (d: number) => Math.SQRT2 * Math.exp(logGamma((d + 1) / 2) - logGamma(d / 2));

/** nPer rows of each class k ~ N(centres[k], σ_k² I_d). */
function gaussians(centres: number[][], sigmas: number[], nPer: number, seed: number): Rows {
  const d = centres[0].length;
  const K = centres.length;
  const rng = new Rng(seed);
  const n = K * nPer;
  const features = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % K;
    labels[i] = k;
    for (let j = 0; j < d; j++) features[i * d + j] = centres[k][j] + sigmas[k] * rng.normal();
  }
  return { features, labels, n, d };
}

const within5 = (got: number, want: number) => expect(Math.abs(got - want) / want, `got ${got}, want ${want}`).toBeLessThan(0.05);

describe('spread and separation on Gaussians of known spread (d = 10)', () => {
  const d = 10;
  const side = 6;
  // Three class centres at the corners of an equilateral triangle of side 6 (mean pair distance 6).
  const centres = [
    [0, 0],
    [side, 0],
    [side / 2, (side * Math.sqrt(3)) / 2],
  ].map((p) => [...p, ...new Array(d - 2).fill(0)]);

  test('per-class spread is σ·E[χ_d]; synthetic / real ratio is σ_synth / σ_real', () => {
    const real = gaussians(centres, [1, 1, 1], 3000, 1);
    const synth = gaussians(centres, [0.5, 1, 2], 3000, 2);
    const g = classGeometry(synth, 3);
    within5(g.spread[0], 0.5 * chiMean(d));
    within5(g.spread[2], 2 * chiMean(d));
    const r = spreadAndSeparation(real, synth, 3);
    within5(r.spreadRatioPerClass[0], 0.5);
    within5(r.spreadRatioPerClass[1], 1);
    within5(r.spreadRatioPerClass[2], 2);
    within5(r.spreadRatio, (0.5 + 1 + 2) / 3);
  });

  test('separation is the mean centre distance over σ·E[χ_d]; narrower classes separate more', () => {
    const real = gaussians(centres, [1, 1, 1], 3000, 3);
    const narrow = gaussians(centres, [0.5, 0.5, 0.5], 3000, 4);
    const r = spreadAndSeparation(real, narrow, 3);
    within5(r.separationReal, side / chiMean(d));
    within5(r.separation, side / (0.5 * chiMean(d)));
  });

  test('a class missing from one set gives NaN for that class only; mismatched widths throw', () => {
    const real = gaussians(centres, [1, 1, 1], 200, 5);
    const synth = gaussians(centres.slice(0, 2), [1, 1], 200, 6);
    const r = spreadAndSeparation(real, synth, 3);
    expect(Number.isNaN(r.spreadRatioPerClass[2])).toBe(true);
    expect(Number.isFinite(r.spreadRatio)).toBe(true);
    expect(Number.isFinite(r.separation)).toBe(true);
    expect(() => spreadAndSeparation(real, { ...synth, d: 3, features: new Float32Array(synth.n * 3) }, 3)).toThrow(/d = /);
  });

  test('property: scaling every row about the origin scales spread and leaves separation unchanged', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 10, noNaN: true }), fc.integer({ min: 1, max: 1000 }), (s, seed) => {
        const real = gaussians(centres, [1, 1, 1], 50, seed);
        const scaled = { ...real, features: real.features.map((v) => v * s) };
        const r = spreadAndSeparation(real, scaled, 3);
        expect(Math.abs(r.spreadRatio - s) / s).toBeLessThan(1e-4);
        expect(Math.abs(r.separation - r.separationReal) / r.separationReal).toBeLessThan(1e-4);
      }),
      { numRuns: 50 },
    );
  });
});
