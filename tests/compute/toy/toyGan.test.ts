/**
 * The Fig. 1 toy lab: the target's geometry, infoGAN's one-mode-per-code behaviour, the
 * vanilla GAN pulling samples onto the modes, seeded determinism on CPU, no tensor leak.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../../../src/compute/tf';
import { useCpu } from '../helpers';
import { ToyGan } from '../../../src/compute/toy/toyGan';
import { makeGrid, modeCoverage, nearestMode, sampleToySource, sampleToyTarget, toyModeMeans } from '../../../src/compute/toy/toyData';
import { Rng } from '../../../src/compute/train/rng';

beforeAll(async () => {
  await useCpu();
});

describe('toy data', () => {
  test('orthogonal means, samples near them, grid layout', () => {
    expect(toyModeMeans()).toEqual([[2, 0], [0, 2], [-2, 0], [0, -2]]);
    const { points, modes } = sampleToyTarget(2000, new Rng(1));
    const near = nearestMode(points);
    let agree = 0;
    for (let i = 0; i < 2000; i++) if (near.mode[i] === modes[i]) agree++;
    expect(agree / 2000).toBeGreaterThan(0.99);
    const cov = modeCoverage(points);
    expect(cov.covered).toBe(4);
    expect(cov.onTarget).toBeGreaterThan(0.95);
    const g = makeGrid(3, 5);
    expect(Array.from(g.subarray(0, 4))).toEqual([-3, -3, -1.5, -3]);
    expect(g.length).toBe(50);
  });
});

describe('toy GANs (CPU backend)', () => {
  test('infoGAN: after 800 steps all 4 modes are covered and each code maps mostly to its own mode', () => {
    const gan = new ToyGan('info', { seed: 1 });
    const t0 = performance.now();
    const first = gan.step(1);
    expect(first.info).not.toBeNull();
    gan.step(799);
    const msPerStep = (performance.now() - t0) / 800;
    const s = gan.sample(2000);
    expect(s.codes).not.toBeNull();
    const cov = modeCoverage(s.points);
    expect(cov.covered).toBe(4);
    const { mode } = nearestMode(s.points);
    const table = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    for (let i = 0; i < 2000; i++) table[s.codes![i]][mode[i]]++;
    const dominant = table.map((row) => {
      const tot = row.reduce((a, b) => a + b, 0);
      const m = Math.max(...row);
      return { mode: row.indexOf(m), share: m / tot };
    });
    console.log(`infoGAN: ${msPerStep.toFixed(1)} ms/step on CPU; code x mode ${JSON.stringify(table)}; coverage ${cov.perMode.map((v) => v.toFixed(2)).join(' ')}`);
    const strong = dominant.filter((d) => d.share > 0.6);
    expect(strong.length).toBeGreaterThanOrEqual(3);
    expect(new Set(strong.map((d) => d.mode)).size).toBe(strong.length);
    // Q head has learnt the code: its cross-entropy is far below chance (ln 4 = 1.386)
    expect(gan.step(1).info!).toBeLessThan(0.3);
    // the mapping of a grid, one code at a time, lands near that code's dominant mode
    const grid = makeGrid(1, 5);
    const mapped = gan.mapGrid(grid, 0);
    expect(mapped.length).toBe(grid.length);
    const gm = nearestMode(mapped).mode;
    expect(Array.from(gm).filter((m) => m === dominant[0].mode).length).toBeGreaterThan(gm.length / 2);
    gan.dispose();
  });

  test('vanilla GAN: after 800 steps samples are much nearer the modes than the source is', () => {
    const gan = new ToyGan('vanilla', { seed: 2 });
    const before = modeCoverage(gan.sample(2000).points).meanDistance;
    const src = modeCoverage(sampleToySource(2000, new Rng(9))).meanDistance;
    const l = gan.step(800);
    expect(l.info).toBeNull();
    expect(Number.isFinite(l.d) && Number.isFinite(l.g)).toBe(true);
    const after = modeCoverage(gan.sample(2000).points);
    console.log(`vanilla: mean distance to nearest mode: source ${src.toFixed(3)}, untrained G ${before.toFixed(3)}, after 800 steps ${after.meanDistance.toFixed(3)}; on target ${after.onTarget.toFixed(2)}`);
    expect(after.meanDistance).toBeLessThan(0.6 * src);
    expect(after.meanDistance).toBeLessThan(0.6 * before);
    expect(gan.sample(10).codes).toBeNull();
    gan.dispose();
  });

  test('seeded: same seed -> same losses and samples on CPU; another seed differs', () => {
    const run = (seed: number) => {
      const gan = new ToyGan('info', { seed });
      const l = gan.step(5);
      const s = gan.sample(20);
      gan.dispose();
      return { l, s };
    };
    const a = run(4);
    const b = run(4);
    const c = run(5);
    expect(a.l).toEqual(b.l);
    expect(Array.from(a.s.points)).toEqual(Array.from(b.s.points));
    expect(Array.from(a.s.codes!)).toEqual(Array.from(b.s.codes!));
    expect(Array.from(a.s.points)).not.toEqual(Array.from(c.s.points));
  });

  test('no tensor leak across steps, samples, grids and learning-rate changes; dispose frees everything', () => {
    const base = tf.memory().numTensors;
    for (const kind of ['vanilla', 'info'] as const) {
      const gan = new ToyGan(kind, { seed: 3 });
      gan.step(2); // optimiser slots are created on the first step
      const held = tf.memory().numTensors;
      gan.step(3);
      gan.sample(50);
      gan.mapGrid(makeGrid(2, 4), 1);
      gan.discriminate(makeGrid(2, 4));
      gan.setLearningRate(5e-4, 2e-4);
      gan.step(1);
      expect(tf.memory().numTensors).toBe(held);
      gan.dispose();
      expect(tf.memory().numTensors).toBe(base);
      expect(() => gan.step(1)).toThrow(/disposed/);
    }
  });

  test('setLearningRate takes effect (lr 0 freezes the generator)', () => {
    const gan = new ToyGan('vanilla', { seed: 6 });
    gan.step(3);
    const grid = makeGrid(1, 3);
    const g0 = gan.mapGrid(grid);
    gan.setLearningRate(0, 1e-3);
    gan.step(3);
    expect(Array.from(gan.mapGrid(grid))).toEqual(Array.from(g0));
    gan.setLearningRate(1e-3);
    gan.step(3);
    expect(Array.from(gan.mapGrid(grid))).not.toEqual(Array.from(g0));
    gan.dispose();
  });
});
