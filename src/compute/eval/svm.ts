/**
 * The SVM behind Metrics 1 and 2: libsvm's C-SVC (multi-class by libsvm's own one-vs-one
 * voting) through libsvm-js, with C and the kernel (linear, or RBF with gamma) tuned by seeded,
 * stratified k-fold cross-validation on the training rows only; scored by UAR.
 *
 * Data in and out is plain: Float32Array row-major features, Int32Array labels 0..K-1.
 *
 * libsvm-js comes in two builds of the same C code: WebAssembly (about 2x faster) and asm.js
 * (plain JavaScript). In Node (vitest, the CLI) the wasm build is used: it reads its .wasm file
 * from node_modules itself. In a browser or Web Worker the asm.js build is used, because the wasm
 * build fetches `libsvm.wasm` relative to the worker script's URL, which Vite does not serve;
 * the asm.js build needs no extra file and no Vite configuration. `setLibsvmBuild` overrides.
 */
import { Rng, deriveSeed } from '../train/rng';
import { uar } from './uar';

// ---------- the library ----------

interface LibsvmOptions {
  type?: string;
  kernel?: string;
  gamma?: number;
  cost?: number;
  cacheSize?: number;
  tolerance?: number;
  shrinking?: boolean;
  quiet?: boolean;
  /** Per-label factor on C (libsvm -wi). */
  weight?: Record<number, number>;
}

interface LibsvmInstance {
  train(samples: ArrayLike<ArrayLike<number>>, labels: ArrayLike<number>): void;
  predictOne(sample: ArrayLike<number>): number;
  getSVIndices(): number[];
  /** libsvm's model file as text (svm_save_model's format). */
  serializeModel(): string;
  /** Frees the model and problem held in the emscripten heap (never garbage collected). */
  free(): void;
}

interface LibsvmCtor {
  new (options: LibsvmOptions): LibsvmInstance;
  SVM_TYPES: { C_SVC: string };
  KERNEL_TYPES: { LINEAR: string; RBF: string; PRECOMPUTED: string };
}

export type LibsvmBuild = 'wasm' | 'asm';

let buildChoice: LibsvmBuild | null = null;
let loading: Promise<LibsvmCtor> | null = null;
let loadedBuild: LibsvmBuild | null = null;

function isNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; window?: unknown; WorkerGlobalScope?: unknown };
  return !!g.process?.versions?.node && g.window === undefined && g.WorkerGlobalScope === undefined;
}

/** Pick the libsvm build ('wasm' default in Node, 'asm' elsewhere); call before the first fit. */
export function setLibsvmBuild(build: LibsvmBuild): void {
  if (loadedBuild !== null && loadedBuild !== build) loading = null;
  buildChoice = build;
}

/** Which build the next fit will use. */
export function libsvmBuild(): LibsvmBuild {
  return buildChoice ?? (isNode() ? 'wasm' : 'asm');
}

/** Loads (once) and returns the libsvm-js SVM class. */
export function loadLibsvm(): Promise<LibsvmCtor> {
  if (loading) return loading;
  const build = libsvmBuild();
  loading = (async () => {
    let ctor: unknown;
    if (build === 'wasm') {
      // Node only. CommonJS require (not import) because libsvm-js/wasm.js exports a Promise,
      // which ESM interop (vitest's in particular) turns into a thenable namespace. The
      // variable specifiers keep bundlers from pulling Node's module loader or the wasm build
      // (and its Node-only file reading) into browser bundles.
      const nodeModule = 'node:module';
      const { createRequire } = (await import(/* @vite-ignore */ nodeModule)) as {
        createRequire: (from: string) => (id: string) => unknown;
      };
      const require = createRequire(import.meta.url);
      // The emscripten loader tries fetch() on a file path first, fails, logs a warning and
      // falls back to reading the file; hide fetch for the synchronous require to skip that.
      const g = globalThis as { fetch?: unknown };
      const savedFetch = g.fetch;
      let pending: unknown;
      try {
        g.fetch = undefined;
        pending = require('libsvm-js/wasm.js');
      } finally {
        g.fetch = savedFetch;
      }
      ctor = await (pending as Promise<unknown>);
    } else {
      const mod = (await import('libsvm-js/asm.js')) as { default?: unknown };
      ctor = mod.default ?? mod;
    }
    loadedBuild = build;
    return ctor as LibsvmCtor;
  })();
  return loading;
}

// ---------- hyper-parameters ----------

export type SvmKernel = 'linear' | 'rbf';

export interface SvmParams {
  kernel: SvmKernel;
  C: number;
  /** RBF width, absolute (libsvm -g); ignored for linear. */
  gamma?: number;
}

export interface SvmGrid {
  /** C values tried with the linear kernel. */
  linearC: number[];
  /** C values tried with the RBF kernel. */
  rbfC: number[];
  /**
   * RBF gammas as multiples of scikit-learn's 'scale' value 1 / (d * var(X_train))
   * (= 1/d on z-scored features).
   */
  rbfGammaScale: number[];
}

/**
 * Our choice (the paper only says C and kernel were tuned): 3 linear + 9 RBF settings.
 * On EmoDB IS09 (4 classes, 8 speakers) 3-fold CV picks RBF, C = 10, gamma = 0.5/d.
 */
export const DEFAULT_SVM_GRID: SvmGrid = {
  linearC: [0.001, 0.01, 0.1],
  rbfC: [1, 10, 100],
  rbfGammaScale: [0.5, 1, 2],
};

export interface SvmOptions {
  /** 'balanced' multiplies C for class k by n / (K * n_k) (scikit-learn's class_weight='balanced'). */
  classWeight?: 'none' | 'balanced';
  /** libsvm kernel cache in MB (default 200). */
  cacheSizeMb?: number;
  /** Stopping tolerance (libsvm -e, default 0.001). */
  tolerance?: number;
  /**
   * Fits on at most this many rows use libsvm's precomputed-kernel mode on a Gram matrix
   * computed here (default 3000): the same optimisation problem, several times faster at
   * d = 1582, at the price of n^2 x 24 bytes of memory during the fit (216 MB at 3000 rows).
   * Larger fits use libsvm's own kernel evaluation.
   */
  maxPrecomputedRows?: number;
}

export interface SvmTuneOptions extends SvmOptions {
  grid?: SvmGrid;
  /** Folds of the tuning cross-validation (default 3). */
  folds?: number;
  seed?: number;
  /**
   * The grid search runs on a stratified, seeded subsample of at most this many training rows
   * (default 1500); the final model is fitted on all of them. Infinity = no subsample.
   */
  maxTuneRows?: number;
  /** Called after each grid fit: (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Checked between fits; when it returns true, tuning throws 'cancelled'. */
  isCancelled?: () => boolean;
}

export interface SvmTuning {
  best: SvmParams;
  /** Cross-validated UAR of the best setting. */
  bestCvUar: number;
  /** Every setting tried, in grid order, with its cross-validated UAR (pooled over folds). */
  table: Array<{ params: SvmParams; cvUar: number }>;
  folds: number;
  /** Rows the grid search used (after the subsample). */
  tuneRows: number;
}

// ---------- fit / predict ----------

export interface SvmModel {
  readonly params: SvmParams;
  readonly d: number;
  readonly k: number;
  readonly supportVectors: number;
  /** Predicted class per row of an n x d row-major matrix (TypeScript evaluation of the model). */
  predict(x: Float32Array): Int32Array;
  /** The same through libsvm's own svm_predict, row by row (slower; for checks). */
  predictWithLibsvm(x: Float32Array): Int32Array;
  /** Frees the libsvm memory; the model cannot predict afterwards. */
  dispose(): void;
}

function checkShape(x: Float32Array, labels: ArrayLike<number> | null, d: number, what: string): number {
  if (!Number.isInteger(d) || d < 1) throw new Error(`${what}: bad dimension ${d}`);
  if (x.length % d !== 0) throw new Error(`${what}: ${x.length} values is not a multiple of d = ${d}`);
  const n = x.length / d;
  if (labels && labels.length !== n) throw new Error(`${what}: ${n} rows but ${labels.length} labels`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new Error(`${what}: non-finite feature value at row ${Math.floor(i / d)}`);
  }
  return n;
}

function rowViews(x: Float32Array, d: number, rows?: ArrayLike<number>): Float32Array[] {
  const n = rows ? rows.length : x.length / d;
  const out = new Array<Float32Array>(n);
  for (let j = 0; j < n; j++) {
    const i = rows ? rows[j] : j;
    out[j] = x.subarray(i * d, (i + 1) * d);
  }
  return out;
}

/** scikit-learn's gamma='scale': 1 / (d * variance of all training values); 1/d if that is 0. */
export function gammaScale(x: Float32Array, d: number, rows?: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  let m = 0;
  const n = rows ? rows.length : x.length / d;
  for (let j = 0; j < n; j++) {
    const off = (rows ? rows[j] : j) * d;
    for (let f = 0; f < d; f++) {
      const v = x[off + f];
      s += v;
      s2 += v * v;
    }
    m += d;
  }
  const mean = s / m;
  const v = s2 / m - mean * mean;
  return v > 1e-12 ? 1 / (d * v) : 1 / d;
}

function libsvmOptions(ctor: LibsvmCtor, p: SvmParams, opts: SvmOptions, weights?: Record<number, number>): LibsvmOptions {
  if (!(p.C > 0)) throw new Error(`SVM: C must be > 0, got ${p.C}`);
  if (p.kernel === 'rbf' && !(p.gamma !== undefined && p.gamma > 0)) throw new Error('SVM: RBF needs gamma > 0');
  return {
    type: ctor.SVM_TYPES.C_SVC,
    kernel: p.kernel === 'linear' ? ctor.KERNEL_TYPES.LINEAR : ctor.KERNEL_TYPES.RBF,
    // libsvm-js replaces a missing gamma by 1/d; linear ignores it.
    gamma: p.kernel === 'rbf' ? p.gamma : 1,
    cost: p.C,
    cacheSize: opts.cacheSizeMb ?? 200,
    tolerance: opts.tolerance ?? 0.001,
    shrinking: true,
    quiet: true,
    weight: weights,
  };
}

function balancedWeights(labels: ArrayLike<number>, rows: ArrayLike<number>): Record<number, number> {
  const counts = new Map<number, number>();
  for (let j = 0; j < rows.length; j++) {
    const l = labels[rows[j]];
    counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  const w: Record<number, number> = {};
  for (const [l, c] of counts) w[l] = rows.length / (counts.size * c);
  return w;
}

function fitRows(
  ctor: LibsvmCtor,
  x: Float32Array,
  labels: ArrayLike<number>,
  d: number,
  rows: ArrayLike<number>,
  params: SvmParams,
  opts: SvmOptions,
): LibsvmInstance {
  const weights = opts.classWeight === 'balanced' ? balancedWeights(labels, rows) : undefined;
  const svm = new ctor(libsvmOptions(ctor, params, opts, weights));
  const y = new Array<number>(rows.length);
  for (let j = 0; j < rows.length; j++) y[j] = labels[rows[j]];
  svm.train(rowViews(x, d, rows), y);
  return svm;
}

function allRows(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

/**
 * The trained decision functions, read back from libsvm's model text (dual coefficients, rho,
 * labels, SV counts per class) with the support vectors taken from our own float32 rows (by
 * libsvm's SV indices), so prediction runs as dense loops in TypeScript: several times faster
 * than libsvm-js's per-row calls at d = 1582, and linear models collapse to one weight vector
 * per class pair. Voting follows libsvm's svm_predict exactly (one-vs-one, ties to the first
 * label in libsvm's order). libsvm prints rho with 6 significant digits, so a row within about
 * 1e-6 of a decision boundary may be voted differently than inside libsvm.
 */
interface CompiledSvm {
  kernel: SvmKernel;
  gamma: number;
  /** libsvm's class order (labels as given to train). */
  labels: number[];
  nrSv: number[];
  /** (K-1) x nSV, row-major. */
  coef: Float64Array;
  rho: Float64Array;
  /** nSV x d, the training rows' own float32 values (half the memory traffic of float64). */
  sv: Float32Array;
  nSv: number;
  /** Linear only: one weight vector per class pair (pairs x d) so f = w.x - rho. */
  pairW: Float64Array | null;
}

function parseHeader(text: string): { header: Map<string, string>; bodyStart: number } {
  const header = new Map<string, string>();
  let pos = 0;
  for (;;) {
    const end = text.indexOf('\n', pos);
    if (end < 0) throw new Error('SVM: unreadable libsvm model');
    const line = text.slice(pos, end).trim();
    pos = end + 1;
    if (line === 'SV') return { header, bodyStart: pos };
    const sp = line.indexOf(' ');
    header.set(sp < 0 ? line : line.slice(0, sp), sp < 0 ? '' : line.slice(sp + 1));
  }
}

function compileModel(
  svm: LibsvmInstance,
  params: SvmParams,
  x: Float32Array,
  d: number,
  rows: ArrayLike<number>,
): CompiledSvm {
  const text = svm.serializeModel();
  const { header, bodyStart } = parseHeader(text);
  const nums = (key: string): number[] => (header.get(key) ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  const kk = Number(header.get('nr_class'));
  const nSv = Number(header.get('total_sv'));
  const labels = nums('label');
  const nrSv = nums('nr_sv');
  const rho = Float64Array.from(nums('rho'));
  const svIdx = svm.getSVIndices();
  if (svIdx.length !== nSv || labels.length !== kk || (kk > 1 && (nrSv.length !== kk || rho.length !== (kk * (kk - 1)) / 2))) {
    throw new Error('SVM: inconsistent libsvm model');
  }
  const coef = new Float64Array(Math.max(kk - 1, 0) * nSv);
  let pos = bodyStart;
  for (let i = 0; i < nSv; i++) {
    for (let c = 0; c < kk - 1; c++) {
      while (text.charCodeAt(pos) === 32) pos++;
      let end = text.indexOf(' ', pos);
      if (end < 0) end = text.length;
      coef[c * nSv + i] = Number(text.slice(pos, end));
      pos = end;
    }
    const nl = text.indexOf('\n', pos);
    pos = nl < 0 ? text.length : nl + 1;
  }
  const sv = new Float32Array(nSv * d);
  for (let i = 0; i < nSv; i++) {
    const off = rows[svIdx[i]] * d;
    sv.set(x.subarray(off, off + d), i * d);
  }
  let pairW: Float64Array | null = null;
  if (params.kernel === 'linear' && kk > 1) {
    const start = classStarts(nrSv);
    pairW = new Float64Array(((kk * (kk - 1)) / 2) * d);
    let p = 0;
    for (let a = 0; a < kk; a++) {
      for (let b = a + 1; b < kk; b++, p++) {
        const w = pairW.subarray(p * d, (p + 1) * d);
        for (let s = start[a]; s < start[a] + nrSv[a]; s++) {
          const cf = coef[(b - 1) * nSv + s];
          for (let f = 0; f < d; f++) w[f] += cf * sv[s * d + f];
        }
        for (let s = start[b]; s < start[b] + nrSv[b]; s++) {
          const cf = coef[a * nSv + s];
          for (let f = 0; f < d; f++) w[f] += cf * sv[s * d + f];
        }
      }
    }
  }
  return { kernel: params.kernel, gamma: params.gamma ?? 0, labels, nrSv, coef, rho, sv, nSv, pairW };
}

function classStarts(nrSv: number[]): number[] {
  const start = [0];
  for (let c = 1; c < nrSv.length; c++) start.push(start[c - 1] + nrSv[c - 1]);
  return start;
}

const PREDICT_BLOCK = 4;

/**
 * Squared distances of PREDICT_BLOCK rows (d each) to every SV, reading each SV once per block;
 * each distance is summed in feature order in float64, as libsvm does.
 */
function sqDistBlock(m: CompiledSvm, r: Float64Array[], d: number, out: Float64Array[]): void {
  const sv = m.sv;
  const [r0, r1, r2, r3] = r;
  const [o0, o1, o2, o3] = out;
  for (let s = 0; s < m.nSv; s++) {
    const o = s * d;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let f = 0; f < d; f++) {
      const v = sv[o + f];
      const t0 = r0[f] - v;
      const t1 = r1[f] - v;
      const t2 = r2[f] - v;
      const t3 = r3[f] - v;
      a0 += t0 * t0;
      a1 += t1 * t1;
      a2 += t2 * t2;
      a3 += t3 * t3;
    }
    o0[s] = a0;
    o1[s] = a1;
    o2[s] = a2;
    o3[s] = a3;
  }
}

function predictCompiled(m: CompiledSvm, xTest: Float32Array, d: number): Int32Array {
  const n = xTest.length / d;
  const out = new Int32Array(n);
  const kk = m.labels.length;
  if (kk === 1) return out.fill(m.labels[0]);
  const start = classStarts(m.nrSv);
  const kvs = Array.from({ length: PREDICT_BLOCK }, () => new Float64Array(m.nSv));
  const rowsF = Array.from({ length: PREDICT_BLOCK }, () => new Float64Array(d));
  const votes = new Int32Array(kk);
  for (let i0 = 0; i0 < n; i0 += PREDICT_BLOCK) {
    const count = Math.min(PREDICT_BLOCK, n - i0);
    for (let u = 0; u < PREDICT_BLOCK; u++) {
      const i = Math.min(i0 + u, n - 1);
      for (let f = 0; f < d; f++) rowsF[u][f] = xTest[i * d + f];
    }
    if (!m.pairW) {
      sqDistBlock(m, rowsF, d, kvs);
      for (let u = 0; u < count; u++) {
        const kv = kvs[u];
        for (let s = 0; s < m.nSv; s++) kv[s] = Math.exp(-m.gamma * kv[s]);
      }
    }
    for (let u = 0; u < count; u++) {
      const row = rowsF[u];
      const kv = kvs[u];
      votes.fill(0);
      let p = 0;
      for (let a = 0; a < kk; a++) {
        for (let b = a + 1; b < kk; b++, p++) {
          let sum = 0;
          if (m.pairW) {
            const o = p * d;
            for (let f = 0; f < d; f++) sum += m.pairW[o + f] * row[f];
          } else {
            for (let s = start[a]; s < start[a] + m.nrSv[a]; s++) sum += m.coef[(b - 1) * m.nSv + s] * kv[s];
            for (let s = start[b]; s < start[b] + m.nrSv[b]; s++) sum += m.coef[a * m.nSv + s] * kv[s];
          }
          sum -= m.rho[p];
          if (sum > 0) votes[a]++;
          else votes[b]++;
        }
      }
      let best = 0;
      for (let c = 1; c < kk; c++) if (votes[c] > votes[best]) best = c;
      out[i0 + u] = m.labels[best];
    }
  }
  return out;
}

function wrapModel(
  svm: LibsvmInstance,
  params: SvmParams,
  d: number,
  k: number,
  x: Float32Array,
  rows: ArrayLike<number>,
  precomputed: boolean,
): SvmModel {
  let alive = true;
  const compiled = compileModel(svm, params, x, d, rows);
  return {
    params,
    d,
    k,
    supportVectors: compiled.nSv,
    predict(xTest: Float32Array): Int32Array {
      if (!alive) throw new Error('SVM: predict after dispose');
      checkShape(xTest, null, d, 'SVM.predict');
      return predictCompiled(compiled, xTest, d);
    },
    predictWithLibsvm(xTest: Float32Array): Int32Array {
      if (!alive) throw new Error('SVM: predict after dispose');
      const n = checkShape(xTest, null, d, 'SVM.predict');
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const xi = xTest.subarray(i * d, (i + 1) * d);
        if (!precomputed) {
          out[i] = svm.predictOne(xi);
          continue;
        }
        // precomputed mode: libsvm wants [0, K(x, train_1..n)]
        const r = new Float64Array(rows.length + 1);
        for (let b = 0; b < rows.length; b++) {
          const o = rows[b] * d;
          let dot = 0;
          let dist = 0;
          for (let f = 0; f < d; f++) {
            dot += xi[f] * x[o + f];
            const t = xi[f] - x[o + f];
            dist += t * t;
          }
          r[b + 1] = params.kernel === 'linear' ? dot : Math.exp(-params.gamma! * dist);
        }
        out[i] = svm.predictOne(r);
      }
      return out;
    },
    dispose() {
      if (alive) svm.free();
      alive = false;
    },
  };
}

function classCount(labels: ArrayLike<number>): number {
  let k = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0) throw new Error(`SVM: label ${l} is not a class index`);
    if (l + 1 > k) k = l + 1;
  }
  return k;
}

/**
 * Fits one SVM with fixed hyper-parameters on all rows. k (the number of classes, for the
 * result's bookkeeping) defaults to max(label) + 1. Call dispose() on the result.
 */
export async function fitSvm(
  x: Float32Array,
  labels: ArrayLike<number>,
  d: number,
  params: SvmParams,
  opts: SvmOptions & { k?: number } = {},
): Promise<SvmModel> {
  const n = checkShape(x, labels, d, 'fitSvm');
  if (n === 0) throw new Error('fitSvm: no training rows');
  const ctor = await loadLibsvm();
  const rows = allRows(n);
  const precomputed = n <= (opts.maxPrecomputedRows ?? 3000);
  const svm = precomputed
    ? trainPrecomputed(ctor, gramMatrix(x, d, rows), n, rows, labels, params, opts)
    : fitRows(ctor, x, labels, d, rows, params, opts);
  try {
    return wrapModel(svm, params, d, opts.k ?? classCount(labels), x, rows, precomputed);
  } catch (e) {
    svm.free();
    throw e;
  }
}

/** The grid as a list of settings (gammas resolved against the data's 'scale' value). */
export function expandGrid(grid: SvmGrid, scale: number): SvmParams[] {
  const out: SvmParams[] = [];
  for (const C of grid.linearC) out.push({ kernel: 'linear', C });
  for (const C of grid.rbfC) for (const g of grid.rbfGammaScale) out.push({ kernel: 'rbf', C, gamma: g * scale });
  if (out.length === 0) throw new Error('SVM: empty hyper-parameter grid');
  return out;
}

/**
 * Stratified fold index per row (0..folds-1), seeded: each class's rows are shuffled and dealt
 * round-robin, starting at a running offset so fold sizes stay balanced.
 */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`stratifiedFolds: need >= 2 folds, got ${folds}`);
  const rng = new Rng(deriveSeed(seed, 'svm-folds'));
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    let list = byClass.get(l);
    if (!list) byClass.set(l, (list = []));
    list.push(i);
  }
  const fold = new Int32Array(labels.length);
  let offset = 0;
  for (const key of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = rng.shuffle(byClass.get(key)!);
    for (let j = 0; j < list.length; j++) fold[list[j]] = (offset + j) % folds;
    offset = (offset + list.length) % folds;
  }
  return fold;
}

/** A stratified seeded subsample of at most m row indices (sorted), or all rows if n <= m. */
export function stratifiedSubsample(labels: ArrayLike<number>, m: number, seed: number): Int32Array {
  const n = labels.length;
  if (!(m < n)) return allRows(n);
  const rng = new Rng(deriveSeed(seed, 'svm-subsample'));
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    let list = byClass.get(labels[i]);
    if (!list) byClass.set(labels[i], (list = []));
    list.push(i);
  }
  const picked: number[] = [];
  for (const key of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = rng.shuffle(byClass.get(key)!);
    const take = Math.max(1, Math.round((list.length * m) / n));
    for (let j = 0; j < Math.min(take, list.length); j++) picked.push(list[j]);
  }
  picked.sort((a, b) => a - b);
  return Int32Array.from(picked);
}

/**
 * Gram matrix of the given rows (m x m, float64, symmetric): G[a][b] = x_a . x_b. Every kernel of
 * the grid is derived from it (RBF: exp(-gamma (G_aa + G_bb - 2 G_ab))), so the grid search
 * touches the d-dimensional data once instead of once per fit.
 */
function gramMatrix(x: Float32Array, d: number, rows: ArrayLike<number>): Float64Array {
  const m = rows.length;
  const xs = new Float64Array(m * d);
  for (let a = 0; a < m; a++) {
    const off = rows[a] * d;
    for (let f = 0; f < d; f++) xs[a * d + f] = x[off + f];
  }
  const g = new Float64Array(m * m);
  // 2 x 2 register blocking (about 1.5x faster in V8); each dot product is still summed in
  // feature order, so values equal the plain loop's (and libsvm's linear kernel) exactly.
  for (let a = 0; a < m; a += 2) {
    const a1 = Math.min(a + 1, m - 1);
    const oa0 = a * d;
    const oa1 = a1 * d;
    for (let b = a; b < m; b += 2) {
      const b1 = Math.min(b + 1, m - 1);
      const ob0 = b * d;
      const ob1 = b1 * d;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let f = 0; f < d; f++) {
        const x0 = xs[oa0 + f];
        const x1 = xs[oa1 + f];
        const y0 = xs[ob0 + f];
        const y1 = xs[ob1 + f];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      g[a * m + b] = g[b * m + a] = s00;
      g[a * m + b1] = g[b1 * m + a] = s01;
      g[a1 * m + b] = g[b * m + a1] = s10;
      g[a1 * m + b1] = g[b1 * m + a1] = s11;
    }
  }
  return g;
}

/**
 * Trains libsvm in precomputed-kernel mode on the rows `idx` (indices into the m x m Gram
 * matrix). libsvm's format per row is [serial number 1..n, K(row, train_1..n)]; the rows are
 * produced lazily (a Proxy) so only libsvm's own copy of the n x n kernel is held at once.
 */
function kernelRow(g: Float64Array, m: number, p: SvmParams, j: number, idx: ArrayLike<number>, id: number): Float64Array {
  const r = new Float64Array(idx.length + 1);
  r[0] = id;
  const o = j * m;
  if (p.kernel === 'linear') {
    for (let b = 0; b < idx.length; b++) r[b + 1] = g[o + idx[b]];
  } else {
    const gamma = p.gamma!;
    const gj = g[o + j];
    for (let b = 0; b < idx.length; b++) {
      const t = idx[b];
      r[b + 1] = Math.exp(-gamma * Math.max(0, gj + g[t * m + t] - 2 * g[o + t]));
    }
  }
  return r;
}

function trainPrecomputed(
  ctor: LibsvmCtor,
  g: Float64Array,
  m: number,
  idx: ArrayLike<number>,
  labels: ArrayLike<number>,
  params: SvmParams,
  opts: SvmOptions,
): LibsvmInstance {
  const y = Array.from(idx, (j) => labels[j]);
  const weights = opts.classWeight === 'balanced' ? balancedWeights(y, allRows(y.length)) : undefined;
  const svm = new ctor({ ...libsvmOptions(ctor, params, opts, weights), kernel: ctor.KERNEL_TYPES.PRECOMPUTED });
  const rows = new Proxy([] as Float64Array[], {
    get(target, prop) {
      if (prop === 'length') return idx.length;
      if (typeof prop === 'string' && /^\d+$/.test(prop)) {
        const a = Number(prop);
        return kernelRow(g, m, params, idx[a], idx, a + 1);
      }
      return Reflect.get(target, prop);
    },
  });
  try {
    svm.train(rows, y);
  } catch (e) {
    svm.free();
    throw e;
  }
  return svm;
}

/**
 * Grid search over C and kernel by stratified k-fold CV on the given (training) rows only.
 * The score of a setting is the UAR of its out-of-fold predictions pooled over the folds; ties
 * go to the earlier (simpler) setting in grid order. The fits use libsvm's precomputed-kernel
 * mode on one Gram matrix (the same optimisation problem as the linear / RBF kernels: tested).
 */
export async function tuneSvm(
  x: Float32Array,
  labels: ArrayLike<number>,
  d: number,
  opts: SvmTuneOptions = {},
): Promise<SvmTuning> {
  const n = checkShape(x, labels, d, 'tuneSvm');
  const k = classCount(labels);
  const folds = opts.folds ?? 3;
  const seed = opts.seed ?? 0;
  const rows = stratifiedSubsample(labels, opts.maxTuneRows ?? 1500, seed);
  const m = rows.length;
  const settings = expandGrid(opts.grid ?? DEFAULT_SVM_GRID, gammaScale(x, d, rows));
  const subLabels = Int32Array.from(rows, (i) => labels[i]);
  const present = new Set(subLabels).size;
  if (present < 2 || n < folds) {
    return { best: settings[0], bestCvUar: NaN, table: [], folds, tuneRows: m };
  }
  const foldOf = stratifiedFolds(subLabels, folds, seed);
  const ctor = await loadLibsvm();
  const gram = gramMatrix(x, d, rows);
  const table: SvmTuning['table'] = [];
  const total = settings.length * folds;
  let done = 0;
  for (const params of settings) {
    const pred = new Int32Array(m);
    for (let f = 0; f < folds; f++) {
      if (opts.isCancelled?.()) throw new Error('cancelled');
      const tr: number[] = [];
      const te: number[] = [];
      for (let j = 0; j < m; j++) (foldOf[j] === f ? te : tr).push(j);
      if (te.length > 0) {
        const trLabels = tr.map((j) => subLabels[j]);
        if (new Set(trLabels).size === 1) {
          for (const j of te) pred[j] = trLabels[0];
        } else {
          const svm = trainPrecomputed(ctor, gram, m, tr, subLabels, params, opts);
          try {
            for (const j of te) pred[j] = svm.predictOne(kernelRow(gram, m, params, j, tr, 0));
          } finally {
            svm.free();
          }
        }
      }
      done++;
      opts.onProgress?.(done, total);
    }
    table.push({ params, cvUar: uar(subLabels, pred, k).uar });
  }
  let best = 0;
  for (let s = 1; s < table.length; s++) if (table[s].cvUar > table[best].cvUar + 1e-12) best = s;
  return { best: table[best].params, bestCvUar: table[best].cvUar, table, folds, tuneRows: m };
}

/** tuneSvm on the training rows, then fitSvm with the best setting on all of them. */
export async function fitTunedSvm(
  x: Float32Array,
  labels: ArrayLike<number>,
  d: number,
  opts: SvmTuneOptions & { k?: number } = {},
): Promise<{ model: SvmModel; tuning: SvmTuning }> {
  const tuning = await tuneSvm(x, labels, d, opts);
  if (opts.isCancelled?.()) throw new Error('cancelled');
  const model = await fitSvm(x, labels, d, tuning.best, opts);
  return { model, tuning };
}
