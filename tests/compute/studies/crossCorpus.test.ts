import { beforeAll, describe, expect, it } from 'vitest';
import { loadCsv, useFastBackend } from '../helpers';
import { tf } from '../../../src/compute/tf';
import { classCounts, type Dataset } from '../../../src/compute/data/dataset';
import { urduSplit } from './corpora';
import { TableError } from '../../../src/compute/data/tableError';
import { alignCorpora, crossCorpus } from '../../../src/compute/studies/crossCorpus';
import { tableToMarkdown } from '../../../src/compute/studies/common';

const CLASSES = ['angry', 'happy', 'neutral', 'sad'];

const svm = { grid: { linearC: [0.01], rbfC: [1, 10], rbfGammaScale: [1] }, folds: 2 };

describe('cross-corpus', () => {
  beforeAll(async () => {
    await useFastBackend();
  });

  it('URDU speakers A -> B: well-formed Table 3, finite numbers, baseline above chance, no tensors left', async () => {
    const { a, b } = urduSplit();
    for (const c of [...classCounts(a), ...classCounts(b)]) expect(c).toBeGreaterThan(5);
    const before = tf.memory().numTensors;
    const r = await crossCorpus(a, b, {
      models: ['m1', 'm2'],
      nSynthetic: 400,
      overrides: { epochs: 15, widthScale: 0.1, seed: 3 },
      svm,
      fidNet: { epochs: 10 },
      seed: 1,
    });
    expect(tf.memory().numTensors).toBe(before);
    console.log(tableToMarkdown(r.table));
    console.log(`cross-corpus: ${(r.ms / 1000).toFixed(1)} s`);
    expect(r.corpora.b.balancedRows % 4).toBe(0);
    expect(r.corpora.b.balancedRows).toBe(4 * Math.min(...classCounts(b)));
    expect(r.baseline.uar).toBeGreaterThan(0.35);
    expect(r.table.columns).toEqual(['M1', 'M2']);
    expect(r.table.rows.slice(0, 3).map((x) => x.label)).toEqual([
      'Metric 1 (SVM on balanced B)',
      'Metric 2 (tested on all of B)',
      'FID (network trained on B)',
    ]);
    for (const m of r.models) {
      expect(m.diverged).toBeNull();
      expect(m.metric1!.uar).toBeGreaterThanOrEqual(0);
      expect(m.metric1!.uar).toBeLessThanOrEqual(1);
      expect(m.metric2!.uar).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(m.fid)).toBe(true);
    }
    expect(r.fidRealVsReal).toBeLessThan(r.fidAvsB + 1e-9);
  }, 120_000);

  it("B with its columns and classes in another order gives the same numbers; 'a' normalisation differs", async () => {
    const { a, b } = urduSplit();
    const perm = Array.from({ length: b.d }, (_, j) => b.d - 1 - j);
    const features = new Float32Array(b.n * b.d);
    for (let i = 0; i < b.n; i++) for (let j = 0; j < b.d; j++) features[i * b.d + j] = b.features[i * b.d + perm[j]];
    const classNames = b.classNames.slice().reverse();
    const bShuffled: Dataset = {
      ...b,
      features,
      featureNames: perm.map((j) => b.featureNames[j]),
      classNames,
      labels: Int32Array.from(b.labels, (l) => classNames.indexOf(b.classNames[l])),
    };
    const aligned = alignCorpora(a, bShuffled);
    expect(aligned.featureNames).toEqual(b.featureNames);
    expect(Array.from(aligned.features)).toEqual(Array.from(b.features));
    expect(Array.from(aligned.labels)).toEqual(Array.from(b.labels));
    const opts = { models: ['m1' as const], nSynthetic: 200, overrides: { epochs: 2, widthScale: 0.05 }, svm, fidNet: { epochs: 3 }, detector: false, knn: false };
    const r1 = await crossCorpus(a, b, opts);
    const r2 = await crossCorpus(a, bShuffled, opts);
    expect(r2.baseline.uar).toBe(r1.baseline.uar);
    expect(r2.models[0].metric2!.uar).toBe(r1.models[0].metric2!.uar);
    const r3 = await crossCorpus(a, b, { ...opts, normalisation: 'a' });
    expect(r3.normalisation).toBe('a');
    expect(r3.fidAvsB).not.toBe(r1.fidAvsB);
  }, 120_000);

  it('says which columns differ (EmoDB IS09, 382 features, vs URDU IS09, 384) and which classes differ', () => {
    const emodb = loadCsv('emodb-is09.csv', { labelColumn: 'label', groupColumn: 'speaker', keepClasses: CLASSES });
    const urdu = loadCsv('urdu-is09.csv', { labelColumn: 'label', groupColumn: 'speaker', keepClasses: CLASSES });
    let err: unknown;
    try {
      alignCorpora(emodb, urdu);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TableError);
    expect((err as TableError).message).toMatch(/382 features.*384 features.*only in urdu-is09\.csv: f383, f384/);
    const three = loadCsv('urdu-is09.csv', { labelColumn: 'label', keepClasses: ['angry', 'happy', 'sad'] });
    expect(() => alignCorpora(urdu, three)).toThrow(/different classes \(only in urdu-is09\.csv: neutral\)/);
  });
});
