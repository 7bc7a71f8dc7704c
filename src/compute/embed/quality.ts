/**
 * How good a 2-D layout is, measured the same way whatever made it (fast t-SNE, tsne-js,
 * UMAP), so methods can be compared fairly:
 *   - `exactJointP`: the dense, exact t-SNE input similarities (every pair, perplexity by
 *     binary search over all n - 1 others, squared Euclidean distances, symmetrised / 2n),
 *   - `klDivergence(P, layout)`: KL(P || Q) with Q the Student-t similarities of the layout,
 *     exact over all pairs,
 *   - `neighbourPreservation`: the share of each point's k nearest neighbours in input space
 *     that stay among its k nearest in the layout (mean over points).
 * All O(n^2): for checks and the benchmark (n up to a few thousand), not for the live panel.
 */
import { conditionalP, nearestNeighbours } from './affinities';

/** Dense n x n joint P (row-major, zero diagonal, sums to 1). */
export function exactJointP(x: Float32Array | Float64Array, n: number, d: number, perplexity: number): Float64Array {
  const k = n - 1;
  const { idx, dist2 } = nearestNeighbours(x, n, d, k);
  const pc = conditionalP(dist2, n, k, Math.min(perplexity, (n - 1) / 3));
  const P = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) P[i * n + idx[i * k + t]] = pc[i * k + t];
  const scale = 1 / (2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = (P[i * n + j] + P[j * n + i]) * scale;
      P[i * n + j] = v;
      P[j * n + i] = v;
    }
  }
  return P;
}

/** KL(P || Q) for a dense P (n x n) and a layout (n x 2); Q_ij = w_ij / sum_{k != l} w_kl, w = 1 / (1 + |y_i - y_j|^2). */
export function klDivergence(P: Float64Array, layout: ArrayLike<number>, n: number): number {
  let Z = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = layout[2 * i] - layout[2 * j];
      const dy = layout[2 * i + 1] - layout[2 * j + 1];
      Z += 2 / (1 + dx * dx + dy * dy);
    }
  }
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = P[i * n + j];
      if (p <= 0 || i === j) continue;
      const dx = layout[2 * i] - layout[2 * j];
      const dy = layout[2 * i + 1] - layout[2 * j + 1];
      const q = 1 / (1 + dx * dx + dy * dy) / Z;
      kl += p * Math.log(p / Math.max(q, 1e-300));
    }
  }
  return kl;
}

/** Mean share of each point's k nearest input-space neighbours kept among its k nearest in the layout. */
export function neighbourPreservation(x: Float32Array | Float64Array, n: number, d: number, layout: ArrayLike<number>, k = 10): number {
  const kk = Math.min(k, n - 1);
  const inp = nearestNeighbours(x, n, d, kk).idx;
  const out = nearestNeighbours(Float64Array.from(layout), n, 2, kk).idx;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const s = new Set<number>();
    for (let t = 0; t < kk; t++) s.add(out[i * kk + t]);
    for (let t = 0; t < kk; t++) if (s.has(inp[i * kk + t])) kept++;
  }
  return kept / (n * kk);
}
