/**
 * Agreement with scikit-learn's SVC and scipy's sqrtm-based Frechet distance, on fixtures made
 * once by fixtures/make_fixtures.py (Debian's python3-sklearn 1.2.1, scipy 1.10.1).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { selectRows, type Dataset } from '../../../src/compute/data/dataset';
import { frechetDistance } from '../../../src/compute/eval/frechet';
import { fitSvm, type SvmParams } from '../../../src/compute/eval/svm';
import { uar } from '../../../src/compute/eval/uar';
import { readSharedCsv, rowsByGroup, SHARED_DATA } from './sharedCsv';

const FIX = path.join(__dirname, 'fixtures');
interface SvmCase {
  data: string;
  params: SvmParams;
  uar: number;
  predictions: number[];
}
interface FrechetCase {
  name: string;
  mu1: number[];
  s1: number[];
  mu2: number[];
  s2: number[];
  fid: number;
}
const svmRef = JSON.parse(readFileSync(path.join(FIX, 'svm_reference.json'), 'utf8')) as { cases: SvmCase[] };
const fdRef = JSON.parse(readFileSync(path.join(FIX, 'frechet_reference.json'), 'utf8')) as { cases: FrechetCase[] };
const CLASSES = ['angry', 'happy', 'neutral', 'sad'];

/** z-score train and test with the training rows' mean and population std (std < 1e-12 -> 1). */
function zscore(train: Dataset, test: Dataset): [Dataset, Dataset] {
  const d = train.d;
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < train.n; i++) for (let j = 0; j < d; j++) mu[j] += train.features[i * d + j];
  for (let j = 0; j < d; j++) mu[j] /= train.n;
  for (let i = 0; i < train.n; i++) for (let j = 0; j < d; j++) sd[j] += (train.features[i * d + j] - mu[j]) ** 2;
  for (let j = 0; j < d; j++) {
    sd[j] = Math.sqrt(sd[j] / train.n);
    if (sd[j] < 1e-12) sd[j] = 1;
  }
  const apply = (ds: Dataset): Dataset => ({
    ...ds,
    features: Float32Array.from(ds.features, (v, i) => (v - mu[i % d]) / sd[i % d]),
  });
  return [apply(train), apply(test)];
}

function splits(): Record<string, [Dataset, Dataset]> {
  const emodb = readSharedCsv(`${SHARED_DATA}/emodb-is09.csv`, { classes: CLASSES });
  const urdu = readSharedCsv(`${SHARED_DATA}/urdu-is10.csv`, { classes: CLASSES });
  const idx = Array.from({ length: urdu.n }, (_, i) => i);
  return {
    'emodb-is09': [
      selectRows(emodb, rowsByGroup(emodb, ['15', '16'], false)),
      selectRows(emodb, rowsByGroup(emodb, ['15', '16'], true)),
    ],
    'urdu-is10': zscore(
      selectRows(
        urdu,
        idx.filter((i) => i % 3 !== 0),
      ),
      selectRows(
        urdu,
        idx.filter((i) => i % 3 === 0),
      ),
    ),
  };
}

describe('SVM vs scikit-learn SVC (same data, same hyper-parameters)', () => {
  const data = splits();
  for (const c of svmRef.cases) {
    test(`${c.data} ${JSON.stringify(c.params)}: UAR within 2 points of sklearn (${c.uar.toFixed(4)})`, async () => {
      const [train, testSet] = data[c.data];
      expect(testSet.n).toBe(c.predictions.length);
      const m = await fitSvm(train.features, train.labels, train.d, c.params);
      const pred = m.predict(testSet.features);
      m.dispose();
      const ours = uar(testSet.labels, pred, 4).uar;
      expect(Math.abs(ours - c.uar)).toBeLessThanOrEqual(0.02);
      let same = 0;
      for (let i = 0; i < pred.length; i++) same += pred[i] === c.predictions[i] ? 1 : 0;
      expect(same / pred.length).toBeGreaterThanOrEqual(0.97);
    });
  }
});

describe('frechetDistance vs scipy.linalg.sqrtm', () => {
  for (const c of fdRef.cases) {
    test(`${c.name}: within 1e-4 relative of scipy (${c.fid.toFixed(6)})`, () => {
      const ours = frechetDistance(c.mu1, c.s1, c.mu2, c.s2);
      expect(Math.abs(ours - c.fid)).toBeLessThanOrEqual(1e-4 * Math.abs(c.fid));
    });
  }
});
