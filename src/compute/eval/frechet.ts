/**
 * Metric 3's distance: the Frechet distance between two Gaussians fitted to feature
 * activations,
 *   FID = ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)).
 * The trace of the matrix square root is computed stably through symmetric eigendecompositions
 * (ml-matrix's EigenvalueDecomposition, Householder tridiagonalisation + QL):
 *   R = S1^(1/2) = V diag(sqrt(max(l, 0))) V^T,   Tr (S1 S2)^(1/2) = Tr (R S2 R)^(1/2)
 *   = sum sqrt(max(eig(R S2 R), 0)),
 * since S1 S2 is similar to R S2 R, which is symmetric positive semi-definite; tiny negative
 * eigenvalues from round-off are clipped to 0 (no complex parts as with a general sqrtm).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Dataset } from '../data/dataset';
import { Rng, deriveSeed } from '../train/rng';

export interface Gaussian {
  /** Mean, length p. */
  mu: Float64Array;
  /** Covariance, p x p row-major (unbiased: divided by n - 1, as numpy.cov). */
  cov: Float64Array;
  p: number;
  n: number;
}

/** Mean and (n - 1)-normalised covariance of an n x p row-major matrix. */
export function meanAndCovariance(x: ArrayLike<number>, p: number): Gaussian {
  if (!Number.isInteger(p) || p < 1) throw new Error(`meanAndCovariance: bad width ${p}`);
  if (x.length % p !== 0) throw new Error(`meanAndCovariance: ${x.length} values is not a multiple of ${p}`);
  const n = x.length / p;
  if (n < 2) throw new Error(`meanAndCovariance: need at least 2 rows, got ${n}`);
  const mu = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mu[j] += x[i * p + j];
  for (let j = 0; j < p; j++) mu[j] /= n;
  const cov = new Float64Array(p * p);
  const c = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) c[j] = x[i * p + j] - mu[j];
    for (let a = 0; a < p; a++) {
      const ca = c[a];
      if (ca === 0) continue;
      const o = a * p;
      for (let b = a; b < p; b++) cov[o + b] += ca * c[b];
    }
  }
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      const v = cov[a * p + b] / (n - 1);
      cov[a * p + b] = v;
      cov[b * p + a] = v;
    }
  }
  return { mu, cov, p, n };
}

function toMatrix(a: ArrayLike<number>, p: number, what: string): Matrix {
  if (a.length !== p * p) throw new Error(`frechetDistance: ${what} has ${a.length} entries, expected ${p}x${p}`);
  const m = new Matrix(p, p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      // Symmetrise: covariances are symmetric up to round-off; the eigensolver assumes it.
      m.set(i, j, 0.5 * (a[i * p + j] + a[j * p + i]));
    }
  }
  return m;
}

/** Symmetric PSD square root V diag(sqrt(max(l,0))) V^T. */
export function sqrtmSymmetric(s: Matrix): Matrix {
  const evd = new EigenvalueDecomposition(s, { assumeSymmetric: true });
  const v = evd.eigenvectorMatrix;
  const l = evd.realEigenvalues;
  const p = s.rows;
  const vs = new Matrix(p, p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) vs.set(i, j, v.get(i, j) * Math.sqrt(Math.max(l[j], 0)));
  return vs.mmul(v.transpose());
}

/** Tr (S1 S2)^(1/2) for symmetric PSD S1, S2 (p x p Matrices). */
export function traceSqrtProduct(s1: Matrix, s2: Matrix): number {
  const r = sqrtmSymmetric(s1);
  const m = r.mmul(s2).mmul(r);
  // symmetrise the product against round-off before the symmetric solver
  const p = m.rows;
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const v = 0.5 * (m.get(i, j) + m.get(j, i));
      m.set(i, j, v);
      m.set(j, i, v);
    }
  }
  const l = new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues;
  let t = 0;
  for (const x of l) t += Math.sqrt(Math.max(x, 0));
  return t;
}

/**
 * ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)); S1, S2 are p x p row-major. Returns a value
 * >= 0 (round-off below 0 is clipped).
 */
export function frechetDistance(
  mu1: ArrayLike<number>,
  s1: ArrayLike<number>,
  mu2: ArrayLike<number>,
  s2: ArrayLike<number>,
): number {
  const p = mu1.length;
  if (mu2.length !== p) throw new Error(`frechetDistance: means have lengths ${p} and ${mu2.length}`);
  let dm = 0;
  for (let j = 0; j < p; j++) {
    const v = mu1[j] - mu2[j];
    dm += v * v;
  }
  const m1 = toMatrix(s1, p, 'S1');
  const m2 = toMatrix(s2, p, 'S2');
  let tr = 0;
  for (let j = 0; j < p; j++) tr += m1.get(j, j) + m2.get(j, j);
  const fd = dm + tr - 2 * traceSqrtProduct(m1, m2);
  if (!Number.isFinite(fd)) throw new Error('frechetDistance: not finite (NaN or infinite input?)');
  return Math.max(fd, 0);
}

/** Maps n x d rows to n x p activations (e.g. the FID network's 3rd hidden layer). */
export interface FeatureExtractor {
  /** Input width d. */
  readonly inputDim: number;
  /** Output width p. */
  readonly outputDim: number;
  extract(x: Float32Array): Float32Array;
}

type Rows = Pick<Dataset, 'features' | 'd'>;

/** FID between two row sets in the extractor's feature space. */
export function fid(real: Rows, synth: Rows, extractor: FeatureExtractor): number {
  if (real.d !== extractor.inputDim || synth.d !== extractor.inputDim) {
    throw new Error(`fid: rows have d = ${real.d} / ${synth.d}, the extractor expects ${extractor.inputDim}`);
  }
  const a = meanAndCovariance(extractor.extract(real.features), extractor.outputDim);
  const b = meanAndCovariance(extractor.extract(synth.features), extractor.outputDim);
  return frechetDistance(a.mu, a.cov, b.mu, b.cov);
}

/** Splits rows into two halves by a seeded permutation (the odd row, if any, goes to the first). */
export function splitHalves(rows: Rows, seed: number): [Float32Array, Float32Array] {
  const d = rows.d;
  const n = rows.features.length / d;
  const perm = new Rng(deriveSeed(seed, 'fid-halves')).permutation(n);
  const n1 = Math.ceil(n / 2);
  const a = new Float32Array(n1 * d);
  const b = new Float32Array((n - n1) * d);
  for (let j = 0; j < n; j++) {
    const src = rows.features.subarray(perm[j] * d, (perm[j] + 1) * d);
    if (j < n1) a.set(src, j * d);
    else b.set(src, (j - n1) * d);
  }
  return [a, b];
}

/**
 * FID between two seeded random halves of the real rows: the value a synthetic set as good as a
 * fresh real sample (of half the size) would get; shown beside FID for scale.
 */
export function fidRealVsReal(real: Rows, extractor: FeatureExtractor, seed = 0): number {
  const [a, b] = splitHalves(real, seed);
  return fid({ features: a, d: real.d }, { features: b, d: real.d }, extractor);
}
