/**
 * The shared corpora as the benchmarks read them (label column `label`, features f1..fd), and
 * rows repeated to the paper's N. No fs or DOM: the Node sections and the browser bench worker
 * both use it.
 */
import type { Dataset } from '../compute/data/dataset';

export function parseFeatures(text: string, name: string): Dataset {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const featCols = header.map((h, i) => (/^f\d+$/.test(h) ? i : -1)).filter((i) => i >= 0);
  const labelCol = header.indexOf('label');
  const rows = lines.slice(1).map((l) => l.split(','));
  const classNames = Array.from(new Set(rows.map((r) => r[labelCol]))).sort();
  const d = featCols.length;
  const features = new Float32Array(rows.length * d);
  const labels = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    featCols.forEach((c, j) => (features[i * d + j] = Number(r[c])));
    labels[i] = classNames.indexOf(r[labelCol]);
  });
  return { name, features, n: rows.length, d, featureNames: featCols.map((c) => header[c]), labels, classNames };
}

/** The dataset's rows repeated (cyclically) to n rows. */
export function repeatRows(ds: Dataset, n: number): Dataset {
  const features = new Float32Array(n * ds.d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = i % ds.n;
    features.set(ds.features.subarray(j * ds.d, (j + 1) * ds.d), i * ds.d);
    labels[i] = ds.labels[j];
  }
  return { ...ds, name: `${ds.name} x${(n / ds.n).toFixed(2)}`, features, n, labels };
}
