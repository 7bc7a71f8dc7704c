import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateRun } from '../../../src/compute/eval/evaluateRun';
import { fitStandardisation } from '../../../src/compute/data/standardise';
import { validationSplit } from '../../../src/compute/data/split';
import { Rng } from '../../../src/compute/train/rng';
import { loadCsv, useFastBackend } from '../helpers';

beforeAll(useFastBackend);

const emodb = () =>
  loadCsv('emodb-is09.csv', { labelColumn: 'label', groupColumn: 'speaker', keepClasses: ['angry', 'happy', 'neutral', 'sad'] });

describe('evaluateRun: the metrics of one run, on its own splits', () => {
  it('real rows posing as synthetic score like real; noise scores at chance with a far larger FID', async () => {
    const ds = emodb();
    const split = validationSplit(ds, 0.2, 1);
    const st = fitStandardisation(split.train);
    // "Synthetic" = the training rows themselves (an ideal generator that memorised set-1).
    const copy = await evaluateRun(split, st, { features: split.train.features, labels: split.train.labels }, { seed: 1 });
    // "Synthetic" = Gaussian noise in the data's units, balanced labels (a generator that learned nothing).
    const rng = new Rng(5);
    const n = 400;
    const noise = new Float32Array(n * ds.d).map(() => rng.normal());
    const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
    const junk = await evaluateRun(split, st, { features: noise, labels }, { seed: 1 });

    expect(copy.baseline!.uar).toBeGreaterThan(0.5); // real set-1 -> held-out speakers, chance 0.25
    expect(copy.metric1Set1.uar).toBeGreaterThan(0.9);
    expect(copy.metric2Set2!.uar).toBeCloseTo(copy.baseline!.uar, 1);
    expect(junk.metric1Set1.uar).toBeLessThan(0.45);
    expect(junk.metric2Set1.uar).toBeLessThan(0.45);
    expect(copy.fid).toBeLessThan(1e-3 + copy.fidRealVsReal);
    expect(junk.fid).toBeGreaterThan(5 * copy.fidRealVsReal);
    // (No claim on the detector here: EmoDB is z-scored per column, so N(0, 1) noise matches its
    // marginals and a linear detector cannot tell them apart; studies/ tests cover the detector.)
    expect(junk.detector!.auc).toBeGreaterThanOrEqual(0);
    for (const r of [copy, junk]) {
      expect(r.set1Rows + r.set2Rows).toBe(339);
      expect(r.metric1Set1.chance).toBe(0.25);
      expect(Number.isFinite(r.fidSet2!)).toBe(true);
    }
  });
});
