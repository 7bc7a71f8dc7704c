import { describe, expect, it } from 'vitest';
import { detectorAuc, rocAuc } from '../../../src/compute/eval/detector';
import { knnPrecisionRecall } from '../../../src/compute/eval/knnMetrics';
import { Rng } from '../../../src/compute/train/rng';

function gaussian(n: number, d: number, seed: number, mean = 0, std = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * d }, () => mean + std * rng.normal());
}

describe('rocAuc', () => {
  it('is 1 for perfect, 0.5 for ties, 0 for reversed', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });
});

describe('real-vs-synthetic detector', () => {
  const d = 10;
  const real = gaussian(600, d, 1);
  it('cannot tell two samples of one distribution apart (AUC near 0.5)', () => {
    const r = detectorAuc(real, gaussian(600, d, 2), d, { seed: 3 });
    expect(Math.abs(r.auc - 0.5)).toBeLessThan(0.07);
  });
  it('sees a mean shift and a collapsed spread (AUC near 1)', () => {
    expect(detectorAuc(real, gaussian(600, d, 2, 1), d, { seed: 3 }).auc).toBeGreaterThan(0.9);
    // Same mean, spread 0.3 (mode collapse): invisible to a linear model on x, visible on x².
    expect(detectorAuc(real, gaussian(600, d, 2, 0, 0.3), d, { seed: 3 }).auc).toBeGreaterThan(0.9);
  });
});

describe('k-NN precision / recall / density / coverage', () => {
  const p = 5;
  const real = gaussian(500, p, 1);
  it('about 1 (precision, recall, coverage) and density about 1 for a fresh sample of the same distribution', () => {
    const r = knnPrecisionRecall(real, gaussian(500, p, 2), p, { k: 5 });
    expect(r.precision).toBeGreaterThan(0.8);
    expect(r.recall).toBeGreaterThan(0.8);
    expect(r.coverage).toBeGreaterThan(0.8);
    expect(r.density).toBeGreaterThan(0.7);
    expect(r.density).toBeLessThan(1.3);
  });
  it('mode collapse: precision stays high, recall and coverage drop', () => {
    const r = knnPrecisionRecall(real, gaussian(500, p, 2, 0, 0.2), p, { k: 5 });
    expect(r.precision).toBeGreaterThan(0.9);
    expect(r.recall).toBeLessThan(0.3);
    expect(r.coverage).toBeLessThan(0.5);
  });
  it('shifted far away: precision and recall near 0', () => {
    const r = knnPrecisionRecall(real, gaussian(500, p, 2, 5), p, { k: 5 });
    expect(r.precision).toBeLessThan(0.05);
    expect(r.recall).toBeLessThan(0.05);
  });
});
