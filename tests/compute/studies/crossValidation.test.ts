import { beforeAll, describe, expect, it } from 'vitest';
import { loadCsv, useFastBackend } from '../helpers';
import { tf } from '../../../src/compute/tf';
import { crossValidation } from '../../../src/compute/studies/crossValidation';
import { tableToMarkdown, StudyCancelled, type StudyProgress } from '../../../src/compute/studies/common';

const CLASSES = ['angry', 'happy', 'neutral', 'sad'];
const emodb = () => loadCsv('emodb-is09.csv', { labelColumn: 'label', groupColumn: 'speaker', keepClasses: CLASSES });
const tiny = { epochs: 3, widthScale: 0.05, seed: 2 };
// Enough for M1 to learn something on EmoDB (measured: Metric 1 set-1 about 56 % at 20 epochs, width 0.1).
const small = { epochs: 20, widthScale: 0.1, seed: 2 };
const svm = { grid: { linearC: [0.01], rbfC: [1, 10], rbfGammaScale: [1] }, folds: 2 };

describe('cross-validation (EmoDB 4 classes, speakers merged into 2 folds)', () => {
  beforeAll(async () => {
    await useFastBackend();
  });

  it('runs M1 and M3 on shared folds: well-formed Table 2, finite numbers, baseline above chance, no tensors left', async () => {
    const ds = emodb();
    const before = tf.memory().numTensors;
    const progress: StudyProgress[] = [];
    const foldsSeen: number[] = [];
    const r = await crossValidation(ds, {
      models: ['m1', 'm3'],
      folds: 2,
      nSynthetic: 400,
      overrides: small,
      svm,
      fidNet: { epochs: 5 },
      seed: 1,
      onProgress: (p) => progress.push(p),
      onFold: (f) => foldsSeen.push(f.fold),
    });
    expect(foldsSeen).toEqual([0, 1]);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.folds).toHaveLength(2);
    // The two folds' held-out speakers are disjoint and cover all 10.
    const held = r.folds.flatMap((f) => f.testGroups);
    expect(new Set(held).size).toBe(10);
    expect(r.folds[0].trainRows + r.folds[0].testRows).toBe(ds.n);
    for (const f of r.folds) {
      expect(f.baseline.uar).toBeGreaterThan(0.25 + 0.1);
      expect(f.fidRealVsReal).toBeGreaterThanOrEqual(0);
      expect(f.models.map((m) => m.model)).toEqual(['m1', 'm3']);
      for (const m of f.models) {
        expect(m.diverged).toBeNull();
        expect(m.history).toHaveLength(20);
        for (const v of [m.metric1Set1!.uar, m.metric1Set2!.uar, m.metric2Set1!.uar, m.metric2Set2!.uar]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(Number.isFinite(m.fid) && m.fid >= 0).toBe(true);
        expect(m.detector!.auc).toBeGreaterThanOrEqual(0);
        expect(m.detector!.auc).toBeLessThanOrEqual(1);
        expect(m.knn!.precision).toBeGreaterThanOrEqual(0);
      }
    }
    expect(r.table.columns).toEqual(['M1', 'M3']);
    // M1's synthetic rows carry class information: the real SVM recognises them above chance.
    expect(r.table.rows[0].mean[0]).toBeGreaterThan(0.25 + 0.1);
    expect(r.table.rows.slice(0, 5).map((x) => x.label)).toEqual([
      'Metric 1, real set-1',
      'Metric 2, real set-1',
      'Metric 1, real set-2',
      'Metric 2, real set-2',
      'FID',
    ]);
    for (const row of r.table.rows) for (const m of row.mean) expect(Number.isFinite(m)).toBe(true);
    // Progress: monotone, ends at 1, names fold and model.
    const fr = progress.map((p) => p.fraction);
    for (let i = 1; i < fr.length; i++) expect(fr[i]).toBeGreaterThanOrEqual(fr[i - 1] - 1e-12);
    expect(fr[fr.length - 1]).toBe(1);
    expect(progress.some((p) => p.fold === 2 && p.model === 'm3')).toBe(true);
    const md = tableToMarkdown(r.table);
    expect(md).toContain('| Metric 1, real set-1 |');
    console.log(md);
    console.log(`cross-validation: ${(r.ms / 1000).toFixed(1)} s`);
  }, 120_000);

  it('cancels between stages', async () => {
    const ds = emodb();
    let calls = 0;
    await expect(
      crossValidation(ds, {
        models: ['m1'],
        folds: 2,
        nSynthetic: 100,
        overrides: tiny,
        svm,
        fidNet: { epochs: 2 },
        isCancelled: () => ++calls > 3,
      }),
    ).rejects.toBeInstanceOf(StudyCancelled);
  }, 60_000);
});
