/**
 * z-scoring (SPEC "Data", our choice): mean/std per column of the split the model is trained
 * on; constant columns keep std 1; the same transform is applied to other splits of the corpus
 * and undone when synthetic rows are exported.
 */
import type { Dataset } from './dataset';

export interface Standardisation {
  mean: Float32Array;
  std: Float32Array;
}

/** Population std below this is treated as a constant column (std 1). */
const CONSTANT_EPS = 1e-8;

/** Per-column mean and (population) std of a dataset, in float64 accumulation. */
export function fitStandardisation(ds: Pick<Dataset, 'features' | 'n' | 'd'>): Standardisation {
  const { features, n, d } = ds;
  const sum = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) sum[j] += features[o + j];
  }
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) mean[j] = n > 0 ? sum[j] / n : 0;
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const t = features[o + j] - mean[j];
      sq[j] += t * t;
    }
  }
  const std = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    const s = n > 0 ? Math.sqrt(sq[j] / n) : 0;
    std[j] = Number.isFinite(s) && s > CONSTANT_EPS ? s : 1;
  }
  return { mean: Float32Array.from(mean), std };
}

/** (x - mean) / std, row-major n x d; returns a new array. */
export function applyStandardisation(features: Float32Array, st: Standardisation): Float32Array {
  const d = st.mean.length;
  const out = new Float32Array(features.length);
  for (let o = 0; o < features.length; o += d) {
    for (let j = 0; j < d; j++) out[o + j] = (features[o + j] - st.mean[j]) / st.std[j];
  }
  return out;
}

/** x * std + mean, the inverse of applyStandardisation; returns a new array. */
export function undoStandardisation(features: Float32Array, st: Standardisation): Float32Array {
  const d = st.mean.length;
  const out = new Float32Array(features.length);
  for (let o = 0; o < features.length; o += d) {
    for (let j = 0; j < d; j++) out[o + j] = features[o + j] * st.std[j] + st.mean[j];
  }
  return out;
}

/** The dataset with standardised features (other fields shared). */
export function standardiseDataset(ds: Dataset, st: Standardisation): Dataset {
  return { ...ds, features: applyStandardisation(ds.features, st) };
}
