/**
 * Input preparation and constants shared by both t-SNE paths (tsne.ts over tsne-js, fastTsne.ts),
 * kept apart from tsne-js so the fast path can be bundled without it (tsne-js's ndarray code
 * pulls in uglify-js under Node).
 */
import { fitPca, pcaTransform } from './pca';

/** PCA / standardisation of the input as TsneOptions asks; returns an n x dim matrix (row-major). */
export function prepareTsneMatrix(
  data: Float32Array,
  n: number,
  d: number,
  opts: { standardize?: boolean; pcaDims?: number; seed?: number } = {},
): { x: Float32Array; dim: number } {
  if (data.length !== n * d) throw new Error(`t-SNE: data has ${data.length} values, expected ${n} x ${d}`);
  let x: Float32Array = data;
  let dim = d;
  if (opts.standardize) {
    x = new Float32Array(data.length);
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += data[i * d + j];
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (data[i * d + j] - m) ** 2;
      const s = Math.sqrt(v / Math.max(n - 1, 1)) || 1;
      for (let i = 0; i < n; i++) x[i * d + j] = (data[i * d + j] - m) / s;
    }
  }
  const pcaDims = opts.pcaDims ?? 50;
  if (pcaDims > 0 && d > pcaDims && n > 1) {
    const model = fitPca(x, n, d, pcaDims, { seed: opts.seed ?? 0 });
    x = pcaTransform(model, x, n);
    dim = model.k;
  }
  return { x, dim };
}

/** The learning rate a run uses: a number as given, 'auto' = max(n / (4 * exaggeration), 50). */
export function resolveLearningRate(lr: number | 'auto' | undefined, n: number, earlyExaggeration = 4): number {
  if (lr === undefined || lr === 'auto') return Math.max(n / (4 * earlyExaggeration), 50);
  return lr;
}

