/**
 * The fast t-SNE's optimiser on a tfjs backend (the GPU path: WebGPU, WebGL; it also runs on
 * WASM/CPU, where the plain-TS path is faster). Exact gradient, same schedule as
 * fastTsne.ts (`exaggerationAt`, `momentumAt`, gains, re-centring):
 *   - attraction over the sparse P stored padded (n x width; padding has p = 0 and points at
 *     the row itself): one gather of the neighbours' positions, element-wise, a row sum;
 *   - repulsion exactly, in row blocks of the n x n Student-t kernel
 *     (|y_i - y_j|^2 = |y_i|^2 + |y_j|^2 - 2 y_i.y_j, one matMul per block), so memory stays
 *     at blockRows x n floats; Z = sum of the kernel minus its diagonal.
 * Layout, update and gains live in tf.Variables for the whole run; a chunk of iterations reads
 * back only the layout and the KL at its end. Every intermediate is freed by tf.tidy, so the
 * tensor count after a run equals the count before it (tested).
 */
import { tf, type Tensor } from '../tf';
import { toPadded, type SparseP } from './affinities';
import { exaggerationAt, momentumAt, pLogP, type TensorEngine, type TsneSchedule } from './fastTsne';

export interface TensorEngineOptions {
  /** Most kernel entries per block (rows x n); default 2^24 on WebGPU, 2^22 elsewhere. */
  blockEntries?: number;
}

export function createTensorEngine(P: SparseP, Y0: Float64Array, schedule: TsneSchedule, opts: TensorEngineOptions = {}): TensorEngine {
  const n = P.n;
  const padded = toPadded(P);
  const width = padded.width;
  const entries = opts.blockEntries ?? (tf.getBackend() === 'webgpu' ? 2 ** 24 : 2 ** 22);
  const blockRows = Math.max(1, Math.min(n, Math.floor(entries / n)));
  const plogp = pLogP(P);
  const col = tf.tensor1d(padded.col, 'int32');
  const val = tf.tensor2d(padded.val, [n, width]);
  // tidy frees the initial values (a variable keeps its own copy).
  const Y = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(Y0), [n, 2]), false));
  const update = tf.tidy(() => tf.variable(tf.zeros([n, 2]), false));
  const gains = tf.tidy(() => tf.variable(tf.ones([n, 2]), false));

  /** Gradient at Y (exaggeration applied to the attraction), Z, and sum p log w. */
  const gradient = (exaggeration: number): { grad: Tensor; Z: Tensor; sumPlogW: Tensor } => {
    const Yn = tf.reshape(tf.gather(Y, col), [n, width, 2]);
    const diff = tf.sub(tf.expandDims(Y, 1), Yn);
    const w = tf.reciprocal(tf.add(1, tf.sum(tf.square(diff), 2)));
    const attr = tf.sum(tf.mul(tf.expandDims(tf.mul(val, w), 2), diff), 1);
    const sumPlogW = tf.sum(tf.mul(val, tf.log(w)));
    const sq = tf.sum(tf.square(Y), 1);
    const sqRow = tf.expandDims(sq, 0);
    const reps: Tensor[] = [];
    let Z: Tensor = tf.scalar(-n); // the kernel's diagonal is 1 per point
    for (let s = 0; s < n; s += blockRows) {
      const m = Math.min(blockRows, n - s);
      const Yb = tf.slice(Y, [s, 0], [m, 2]);
      const d2 = tf.relu(tf.add(tf.sub(tf.expandDims(tf.slice(sq, [s], [m]), 1), tf.mul(2, tf.matMul(Yb, Y, false, true))), sqRow));
      const W = tf.reciprocal(tf.add(1, d2));
      const W2 = tf.square(W);
      Z = tf.add(Z, tf.sum(W));
      // sum_j W2_ij (y_i - y_j) = y_i sum_j W2_ij - (W2 Y)_i  (the diagonal term is 0)
      reps.push(tf.sub(tf.mul(Yb, tf.sum(W2, 1, true)), tf.matMul(W2, Y)));
    }
    const rep = reps.length === 1 ? reps[0] : tf.concat(reps, 0);
    const grad = tf.mul(4, tf.sub(tf.mul(exaggeration, attr), tf.div(rep, Z)));
    return { grad, Z, sumPlogW };
  };

  return {
    async run(from: number, k: number) {
      let last: Tensor[] = [];
      for (let t = 0; t < k; t++) {
        const iter = from + t;
        const ex = exaggerationAt(schedule, iter);
        const mom = momentumAt(schedule, iter);
        const isLast = t === k - 1;
        const out = tf.tidy(() => {
          const { grad, Z, sumPlogW } = gradient(ex);
          // Gains (2008 paper): grow where the gradient's sign differs from the last update's.
          const flip = tf.notEqual(tf.greater(grad, 0), tf.greater(update, 0));
          const g = tf.maximum(tf.where(flip, tf.add(gains, 0.2), tf.mul(gains, 0.8)), 0.01);
          const u = tf.sub(tf.mul(mom, update), tf.mul(schedule.learningRate, tf.mul(g, grad)));
          const y = tf.add(Y, u);
          gains.assign(g);
          update.assign(u);
          Y.assign(tf.sub(y, tf.mean(y, 0, true)));
          if (!isLast) return [];
          return [tf.add(plogp, tf.sub(tf.log(Z), sumPlogW)), tf.sqrt(tf.sum(tf.square(grad)))];
        });
        if (out.length) last = out;
      }
      const [layout, kl, gn] = await Promise.all([Y.data(), last[0].data(), last[1].data()]);
      tf.dispose(last);
      return { layout: Float64Array.from(layout), kl: kl[0], gradNorm: gn[0] };
    },
    dispose() {
      tf.dispose([col, val, Y, update, gains]);
    },
  };
}
