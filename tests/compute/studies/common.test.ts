import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { balancedRows, meanStd, stratifiedPercent, tableRow, tableToMarkdown } from '../../../src/compute/studies/common';

const labelsArb = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 300 });

describe('study helpers', () => {
  it('stratifiedPercent: per-class share, nested across P, 100 % = all (property)', () => {
    fc.assert(
      fc.property(labelsArb, fc.integer({ min: 0, max: 1e6 }), (ls, seed) => {
        const ds = { labels: Int32Array.from(ls), classNames: ['a', 'b', 'c', 'd'] };
        const sets = [10, 25, 50, 80, 100].map((p) => new Set(stratifiedPercent(ds, p, seed)));
        for (let i = 1; i < sets.length; i++) for (const r of sets[i - 1]) expect(sets[i].has(r)).toBe(true);
        expect(sets[4].size).toBe(ls.length);
        for (let k = 0; k < 4; k++) {
          const nk = ls.filter((l) => l === k).length;
          const got = [...sets[1]].filter((i) => ls[i] === k).length;
          if (nk > 0) expect(got).toBe(Math.min(nk, Math.max(1, Math.round(nk * 0.25))));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('balancedRows: the same number of rows of every present class', () => {
    const labels = Int32Array.from([0, 0, 0, 1, 1, 2, 2, 2, 2, 2]);
    const rows = balancedRows({ labels, classNames: ['a', 'b', 'c'] }, 1);
    expect(rows).toHaveLength(6);
    for (let k = 0; k < 3; k++) expect(Array.from(rows).filter((i) => labels[i] === k)).toHaveLength(2);
  });

  it('meanStd and the markdown table', () => {
    expect(meanStd([1, 2, 3, NaN])).toEqual({ mean: 2, std: 1, n: 3 });
    const t = { title: 'T', columns: ['M1'], rows: [tableRow('Metric 1', 'uar', [[0.5, 0.7]]), tableRow('FID', 'fid', [[3, 5]])], notes: ['n'] };
    const md = tableToMarkdown(t);
    expect(md).toContain('| Metric 1 | 60.00 ± 14.14 |');
    expect(md).toContain('| FID | 4.00 ± 1.41 |');
  });
});
