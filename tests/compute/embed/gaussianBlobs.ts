import { Rng } from '../../../src/compute/train/rng';

/** K blobs in d dims: class k centred at sep * e_k (the embedding tests' separable data). */
export function gaussianBlobs(n: number, d: number, K: number, sep: number, seed = 1): { x: Float32Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % K;
    labels[i] = k;
    for (let j = 0; j < d; j++) x[i * d + j] = (j === k ? sep : 0) + rng.normal();
  }
  return { x, labels };
}
