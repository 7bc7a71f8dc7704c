import { describe, expect, test } from 'vitest';
import { confusionMatrix, uar } from '../../../src/compute/eval/uar';

describe('uar', () => {
  test('perfect predictions give 1, chance is 1/K', () => {
    const r = uar([0, 1, 2, 2], [0, 1, 2, 2], 3);
    expect(r.uar).toBe(1);
    expect(r.chance).toBeCloseTo(1 / 3, 12);
    expect(r.accuracy).toBe(1);
  });

  test('unbalanced classes: UAR is the mean of per-class recalls, not accuracy', () => {
    // class 0: 8 rows, all right; class 1: 2 rows, both predicted 0.
    const t = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    const p = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const r = uar(t, p, 2);
    expect(r.accuracy).toBeCloseTo(0.8, 12);
    expect(r.uar).toBeCloseTo(0.5, 12);
    expect(r.recall).toEqual([1, 0]);
    expect(r.confusion).toEqual([
      [8, 0],
      [2, 0],
    ]);
  });

  test('hand-made 3-class case', () => {
    const t = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    const p = [0, 1, 0, 1, 2, 2, 2, 0, 2];
    // recalls 2/3, 1/2, 3/4
    const r = uar(t, p, 3);
    expect(r.uar).toBeCloseTo((2 / 3 + 1 / 2 + 3 / 4) / 3, 12);
    expect(r.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [1, 0, 3],
    ]);
  });

  test('a class with no true rows is left out of the average, chance stays 1/K', () => {
    const r = uar([0, 0, 1], [0, 2, 1], 3);
    expect(r.classesScored).toBe(2);
    expect(Number.isNaN(r.recall[2])).toBe(true);
    expect(r.uar).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(r.chance).toBeCloseTo(1 / 3, 12);
  });

  test('rejects bad input', () => {
    expect(() => uar([], [], 2)).toThrow();
    expect(() => uar([0, 1], [0], 2)).toThrow();
    expect(() => confusionMatrix([0, 3], [0, 1], 2)).toThrow();
    expect(() => confusionMatrix([0, 1], [0, -1], 2)).toThrow();
  });
});
