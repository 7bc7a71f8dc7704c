/**
 * Principal component analysis for the embedding panels: 50-D before t-SNE (common practice,
 * it removes noise dimensions and makes tsne-js's O(N^2 d) distances cheaper) and 2-D views of
 * M3's 256-D codes (code-space panel). Pure TypeScript over Float64 loops and ml-matrix's
 * symmetric eigendecomposition; no tensors.
 *
 * - d <= exactMaxDim (default 640): exact, from the d x d covariance.
 * - otherwise: randomized range finder (Halko et al. 2011, k + 10 columns, 2 power
 *   iterations, seeded), exact enough for a t-SNE input and O(n d k) instead of O(n d^2).
 * Components are sign-normalised (largest |entry| positive) so the same data gives the same
 * picture from one epoch to the next instead of mirrored axes.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { Rng } from '../train/rng';

export interface PcaModel {
  /** Input dimension. */
  d: number;
  /** Number of components kept. */
  k: number;
  /** Column means (d). */
  mean: Float64Array;
  /** k x d, row-major, orthonormal rows, by decreasing variance. */
  components: Float64Array;
  /** Variance along each component (k), sample variance (n - 1). */
  explainedVariance: Float64Array;
  /** Sum of the column variances (so explainedVariance / totalVariance is the ratio). */
  totalVariance: number;
  method: 'exact' | 'randomized';
}

export interface PcaOptions {
  /** Seed of the randomized path (default 0). */
  seed?: number;
  /** Largest d solved exactly through the covariance (default 640). */
  exactMaxDim?: number;
}

/** Fit a k-component PCA to n x d row-major data (k is clipped to min(d, n)). */
export function fitPca(data: Float32Array | Float64Array, n: number, d: number, k: number, opts: PcaOptions = {}): PcaModel {
  if (data.length !== n * d) throw new Error(`pca: data has ${data.length} values, expected ${n} x ${d}`);
  if (n < 1 || d < 1) throw new Error('pca: empty data');
  const kk = Math.max(1, Math.min(k, d, n));
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = data[i * d + j] - mean[j];
  const denom = Math.max(n - 1, 1);
  let totalVariance = 0;
  for (let t = 0; t < X.length; t++) totalVariance += X[t] * X[t];
  totalVariance /= denom;

  const exactMaxDim = opts.exactMaxDim ?? 640;
  let comps: Float64Array;
  let vars: Float64Array;
  let method: PcaModel['method'];
  if (d <= exactMaxDim) {
    method = 'exact';
    const C = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let a = 0; a < d; a++) {
        const xa = X[o + a];
        if (xa === 0) continue;
        const ra = a * d;
        for (let b = a; b < d; b++) C[ra + b] += xa * X[o + b];
      }
    }
    const M = new Matrix(d, d);
    for (let a = 0; a < d; a++)
      for (let b = a; b < d; b++) {
        const v = C[a * d + b] / denom;
        M.set(a, b, v);
        M.set(b, a, v);
      }
    const evd = new EigenvalueDecomposition(M, { assumeSymmetric: true });
    const ev = evd.realEigenvalues;
    const V = evd.eigenvectorMatrix;
    const order = ev.map((_, i) => i).sort((p, q) => ev[q] - ev[p]);
    comps = new Float64Array(kk * d);
    vars = new Float64Array(kk);
    for (let c = 0; c < kk; c++) {
      vars[c] = Math.max(ev[order[c]], 0);
      for (let j = 0; j < d; j++) comps[c * d + j] = V.get(j, order[c]);
    }
  } else {
    method = 'randomized';
    ({ comps, vars } = randomizedPca(X, n, d, kk, denom, opts.seed ?? 0));
  }
  // Sign convention: the largest-magnitude entry of each component is positive.
  for (let c = 0; c < kk; c++) {
    let best = 0;
    for (let j = 0; j < d; j++) if (Math.abs(comps[c * d + j]) > Math.abs(best)) best = comps[c * d + j];
    if (best < 0) for (let j = 0; j < d; j++) comps[c * d + j] = -comps[c * d + j];
  }
  return { d, k: kk, mean, components: comps, explainedVariance: vars, totalVariance, method };
}

/** Project n x d rows onto a fitted model's components: n x k (Float32). */
export function pcaTransform(model: PcaModel, data: Float32Array | Float64Array, n: number): Float32Array {
  const { d, k, mean, components } = model;
  if (data.length !== n * d) throw new Error(`pcaTransform: data has ${data.length} values, expected ${n} x ${d}`);
  const out = new Float32Array(n * k);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j] - mean[j];
    for (let c = 0; c < k; c++) {
      let s = 0;
      const o = c * d;
      for (let j = 0; j < d; j++) s += row[j] * components[o + j];
      out[i * k + c] = s;
    }
  }
  return out;
}

/** Fit and project in one call. */
export function pca(
  data: Float32Array | Float64Array,
  n: number,
  d: number,
  k: number,
  opts: PcaOptions = {},
): { projected: Float32Array; model: PcaModel } {
  const model = fitPca(data, n, d, k, opts);
  return { projected: pcaTransform(model, data, n), model };
}

/** Orthonormalise the columns of an n x l row-major matrix in place (modified Gram-Schmidt). */
function orthonormaliseColumns(A: Float64Array, n: number, l: number): void {
  for (let c = 0; c < l; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += A[i * l + c] * A[i * l + p];
      for (let i = 0; i < n; i++) A[i * l + c] -= dot * A[i * l + p];
    }
    let nrm = 0;
    for (let i = 0; i < n; i++) nrm += A[i * l + c] * A[i * l + c];
    nrm = Math.sqrt(nrm);
    if (nrm < 1e-12) {
      for (let i = 0; i < n; i++) A[i * l + c] = 0;
    } else {
      for (let i = 0; i < n; i++) A[i * l + c] /= nrm;
    }
  }
}

/** Y (n x l) = X (n x d) * W (d x l). */
function mulXW(X: Float64Array, n: number, d: number, W: Float64Array, l: number): Float64Array {
  const Y = new Float64Array(n * l);
  for (let i = 0; i < n; i++) {
    const yo = i * l;
    for (let j = 0; j < d; j++) {
      const x = X[i * d + j];
      if (x === 0) continue;
      const wo = j * l;
      for (let c = 0; c < l; c++) Y[yo + c] += x * W[wo + c];
    }
  }
  return Y;
}

/** Z (d x l) = X^T (d x n) * Y (n x l). */
function mulXtY(X: Float64Array, n: number, d: number, Y: Float64Array, l: number): Float64Array {
  const Z = new Float64Array(d * l);
  for (let i = 0; i < n; i++) {
    const yo = i * l;
    for (let j = 0; j < d; j++) {
      const x = X[i * d + j];
      if (x === 0) continue;
      const zo = j * l;
      for (let c = 0; c < l; c++) Z[zo + c] += x * Y[yo + c];
    }
  }
  return Z;
}

function randomizedPca(
  X: Float64Array,
  n: number,
  d: number,
  k: number,
  denom: number,
  seed: number,
): { comps: Float64Array; vars: Float64Array } {
  const l = Math.min(k + 10, d, n);
  const rng = new Rng(seed);
  const omega = new Float64Array(d * l);
  for (let t = 0; t < omega.length; t++) omega[t] = rng.normal();
  let Q = mulXW(X, n, d, omega, l);
  orthonormaliseColumns(Q, n, l);
  for (let q = 0; q < 2; q++) {
    const Z = mulXtY(X, n, d, Q, l);
    orthonormaliseColumns(Z, d, l);
    Q = mulXW(X, n, d, Z, l);
    orthonormaliseColumns(Q, n, l);
  }
  // B^T = X^T Q (d x l); S = B B^T = (X^T Q)^T (X^T Q) (l x l).
  const Bt = mulXtY(X, n, d, Q, l);
  const S = new Matrix(l, l);
  for (let a = 0; a < l; a++)
    for (let b = a; b < l; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Bt[j * l + a] * Bt[j * l + b];
      S.set(a, b, s);
      S.set(b, a, s);
    }
  const evd = new EigenvalueDecomposition(S, { assumeSymmetric: true });
  const ev = evd.realEigenvalues;
  const U = evd.eigenvectorMatrix;
  const order = ev.map((_, i) => i).sort((p, q) => ev[q] - ev[p]);
  const comps = new Float64Array(k * d);
  const vars = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const e = Math.max(ev[order[c]], 0);
    vars[c] = e / denom;
    const s = Math.sqrt(e);
    if (s < 1e-12) continue;
    // v_c = B^T u_c / s_c
    for (let j = 0; j < d; j++) {
      let v = 0;
      for (let a = 0; a < l; a++) v += Bt[j * l + a] * U.get(a, order[c]);
      comps[c * d + j] = v / s;
    }
  }
  return { comps, vars };
}
