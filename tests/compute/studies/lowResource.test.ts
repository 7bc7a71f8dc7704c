import { beforeAll, describe, expect, it } from 'vitest';
import { useFastBackend } from '../helpers';
import { tf } from '../../../src/compute/tf';
import { lowResource, lowResourceMarkdown } from '../../../src/compute/studies/lowResource';
import { urduSplit } from './corpora';

describe('low-resource (URDU eGeMAPS, speakers split into A and B)', () => {
  beforeAll(async () => {
    await useFastBackend();
  });

  it('grid shape, lines for Fig. 6, and more real data does not make the classifier worse on average', async () => {
    const { a, b } = urduSplit();
    const before = tf.memory().numTensors;
    const r = await lowResource(a, b, {
      models: ['m1', 'm2'],
      percents: [10, 50, 100],
      nSynthetic: [0, 100, 300],
      grid: 'paper',
      repeats: 2,
      overrides: { epochs: 10, widthScale: 0.1, seed: 4 },
      classifier: { hidden: [64, 32], epochs: 20 },
      seed: 5,
    });
    expect(tf.memory().numTensors).toBe(before);
    console.log(lowResourceMarkdown(r));
    console.log(`low-resource: ${(r.ms / 1000).toFixed(1)} s`);
    // M1: every N at every P; M2 ('paper' grid): N = 0 and the largest N only.
    expect(r.cells.filter((c) => c.model === 'm1')).toHaveLength(9);
    expect(r.cells.filter((c) => c.model === 'm2')).toHaveLength(6);
    expect(r.linesByN.map((l) => l.nSynthetic)).toEqual([0, 100, 300]);
    expect(r.linesByModel.map((l) => l.label)).toEqual(['real only (N = 0)', 'M1, N = 300', 'M2, N = 300']);
    for (const c of r.cells) {
      expect(c.uars).toHaveLength(2);
      for (const u of c.uars) {
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThanOrEqual(1);
      }
    }
    // Real-row counts grow with P (stratified), 100 % = all of A.
    const rows = [10, 50, 100].map((p) => r.cells.find((c) => c.percent === p)!.realRows);
    expect(rows[0]).toBeLessThan(rows[1]);
    expect(rows[2]).toBe(a.n);
    // On average over the N lines, 100 % of A is at least as good as 10 % (small slack for noise).
    const avgAt = (p: number) => {
      const cs = r.cells.filter((c) => c.model === 'm1' && c.percent === p);
      return cs.reduce((s, c) => s + c.uar, 0) / cs.length;
    };
    expect(avgAt(100)).toBeGreaterThan(avgAt(10) - 0.02);
    // With all of A and no synthetic rows the classifier is above chance on B.
    expect(r.cells.find((c) => c.percent === 100 && c.nSynthetic === 0)!.uar).toBeGreaterThan(0.35);
  }, 150_000);
});
