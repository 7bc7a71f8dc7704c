/**
 * A labelled feature table as the compute code sees it: row-major Float32 storage, never
 * arrays of objects, so it can be transferred to and from workers without copying.
 */
export interface Dataset {
  /** Display name, usually the file name. */
  name: string;
  /** n x d, row-major. */
  features: Float32Array;
  n: number;
  d: number;
  featureNames: string[];
  /** Class index per row, into classNames. */
  labels: Int32Array;
  classNames: string[];
  /** Group (speaker / session) index per row, into groupNames; absent when no group column. */
  groups?: Int32Array;
  groupNames?: string[];
}

/** Row i of a dataset as a view (no copy). */
export function row(ds: Pick<Dataset, 'features' | 'd'>, i: number): Float32Array {
  return ds.features.subarray(i * ds.d, (i + 1) * ds.d);
}

/** A new dataset holding the given rows, in the given order. */
export function selectRows(ds: Dataset, rows: ArrayLike<number>): Dataset {
  const m = rows.length;
  const features = new Float32Array(m * ds.d);
  const labels = new Int32Array(m);
  const groups = ds.groups ? new Int32Array(m) : undefined;
  for (let j = 0; j < m; j++) {
    const i = rows[j];
    features.set(row(ds, i), j * ds.d);
    labels[j] = ds.labels[i];
    if (groups && ds.groups) groups[j] = ds.groups[i];
  }
  return { ...ds, features, n: m, labels, groups };
}

/** Rows per class, in classNames order. */
export function classCounts(ds: Pick<Dataset, 'labels' | 'classNames'>): number[] {
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (const l of ds.labels) counts[l]++;
  return counts;
}
