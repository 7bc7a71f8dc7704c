import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { leaveOneGroupOut, mergedGroupFolds, rowFolds, studyFolds, type Fold } from '../../../src/compute/studies/folds';

function checkPartition(folds: Fold[], n: number, groups?: Int32Array): void {
  const tested = new Int32Array(n);
  for (const f of folds) {
    expect(f.trainRows.length + f.testRows.length).toBe(n);
    const isTest = new Uint8Array(n);
    for (const i of f.testRows) {
      tested[i]++;
      isTest[i] = 1;
    }
    for (const i of f.trainRows) expect(isTest[i]).toBe(0);
    if (groups) {
      const trainGroups = new Set(Array.from(f.trainRows, (i) => groups[i]));
      for (const i of f.testRows) expect(trainGroups.has(groups[i])).toBe(false);
      expect(new Set(Array.from(f.testRows, (i) => groups[i]))).toEqual(new Set(f.testGroups));
    }
  }
  for (let i = 0; i < n; i++) expect(tested[i]).toBe(1);
}

const groupedData = fc
  .record({ G: fc.integer({ min: 2, max: 12 }), n: fc.integer({ min: 2, max: 200 }), seed: fc.integer({ min: 0, max: 1e6 }) })
  .chain(({ G, n, seed }) =>
    fc.record({
      groups: fc.array(fc.integer({ min: 0, max: G - 1 }), { minLength: n, maxLength: n }),
      seed: fc.constant(seed),
      F: fc.integer({ min: 2, max: G }),
    }),
  )
  .filter(({ groups, F }) => new Set(groups).size >= F);

describe('folds', () => {
  it('leave-one-group-out: no group on both sides, every row tested once (property)', () => {
    fc.assert(
      fc.property(groupedData, ({ groups }) => {
        const g = Int32Array.from(groups);
        const folds = leaveOneGroupOut({ n: g.length, groups: g });
        expect(folds.length).toBe(new Set(groups).size);
        checkPartition(folds, g.length, g);
        for (const f of folds) expect(f.testGroups.length).toBe(1);
      }),
      { numRuns: 100 },
    );
  });

  it('merged group folds: no leak, every row tested once, F non-empty folds, seeded (property)', () => {
    fc.assert(
      fc.property(groupedData, ({ groups, seed, F }) => {
        const g = Int32Array.from(groups);
        const folds = mergedGroupFolds({ n: g.length, groups: g }, F, seed);
        expect(folds.length).toBe(F);
        checkPartition(folds, g.length, g);
        for (const f of folds) expect(f.testRows.length).toBeGreaterThan(0);
        const again = mergedGroupFolds({ n: g.length, groups: g }, F, seed);
        expect(again.map((f) => f.testGroups)).toEqual(folds.map((f) => f.testGroups));
      }),
      { numRuns: 100 },
    );
  });

  it('merged folds are balanced by rows: equal-size groups differ by at most one group', () => {
    const groups = Int32Array.from({ length: 290 }, (_, i) => i % 29);
    const folds = mergedGroupFolds({ n: 290, groups }, 5, 3);
    const sizes = folds.map((f) => f.testRows.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(10);
  });

  it('row folds (no group column) partition the rows', () => {
    const labels = Int32Array.from({ length: 53 }, (_, i) => i % 3);
    checkPartition(rowFolds({ labels }, 4, 1), 53);
    expect(studyFolds({ n: 53, labels }, { folds: 4 }).length).toBe(4);
  });

  it('says what is wrong', () => {
    const groups = Int32Array.from([0, 0, 1, 1]);
    expect(() => mergedGroupFolds({ n: 4, groups }, 3, 0)).toThrow(/only 2 groups/);
    expect(() => leaveOneGroupOut({ n: 2, groups: Int32Array.from([0, 0]) })).toThrow(/at least 2 groups/);
    expect(() => leaveOneGroupOut({ n: 2 })).toThrow(/no group column/);
  });
});
