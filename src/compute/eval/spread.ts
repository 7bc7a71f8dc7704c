/**
 * The paper's qualitative claim, made a number (issue 11): M1/M2 give realistic but less
 * separable rows, M3 separable but narrow ones (low intra-class variability).
 *
 *   intra-class spread of class k = mean Euclidean distance of k's rows to k's centroid;
 *     reported as synthetic / real per class and averaged over classes (1 = as varied as the
 *     real rows; well below 1 = narrow, mode-collapsed classes).
 *   inter-class separation of a set = mean distance between class centroids (over class pairs)
 *     / pooled within-class spread (mean distance of every row to its own class centroid);
 *     reported for the synthetic and the real rows (higher = classes further apart relative to
 *     their width).
 *
 * Both sets should be in the same (z-scored) units. Plain TypeScript, O(n d).
 */

export interface Rows {
  features: Float32Array;
  labels: Int32Array;
  n: number;
  d: number;
}

export interface ClassGeometry {
  /** K x d centroids, row-major (NaN for classes without rows). */
  centroids: Float64Array;
  /** Rows per class. */
  counts: number[];
  /** Mean distance to the class centroid, per class (NaN without rows). */
  spread: number[];
  /** Mean distance of every row to its own class centroid. */
  pooledSpread: number;
}

export function classGeometry(rows: Rows, K: number): ClassGeometry {
  const { features, labels, n, d } = rows;
  const centroids = new Float64Array(K * d);
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < n; i++) {
    const k = labels[i];
    if (k < 0 || k >= K) throw new Error(`row ${i}: label ${k} is outside 0..${K - 1}`);
    counts[k]++;
    for (let j = 0; j < d; j++) centroids[k * d + j] += features[i * d + j];
  }
  for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) centroids[k * d + j] = counts[k] ? centroids[k * d + j] / counts[k] : NaN;
  const sum = new Array<number>(K).fill(0);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const k = labels[i];
    let s = 0;
    for (let j = 0; j < d; j++) {
      const e = features[i * d + j] - centroids[k * d + j];
      s += e * e;
    }
    const dist = Math.sqrt(s);
    sum[k] += dist;
    total += dist;
  }
  return { centroids, counts, spread: sum.map((s, k) => (counts[k] ? s / counts[k] : NaN)), pooledSpread: n ? total / n : NaN };
}

/** Mean centroid distance over class pairs (both present) / pooled within-class spread. */
export function separationOf(g: ClassGeometry, d: number): number {
  const K = g.counts.length;
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < K; a++) {
    for (let b = a + 1; b < K; b++) {
      if (!g.counts[a] || !g.counts[b]) continue;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const e = g.centroids[a * d + j] - g.centroids[b * d + j];
        s += e * e;
      }
      sum += Math.sqrt(s);
      pairs++;
    }
  }
  return pairs && g.pooledSpread > 0 ? sum / pairs / g.pooledSpread : NaN;
}

export interface SpreadSeparation {
  /** Synthetic spread / real spread per class (NaN where either set lacks the class). */
  spreadRatioPerClass: number[];
  /** Mean of the finite per-class ratios. */
  spreadRatio: number;
  /** Inter-class separation of the synthetic rows. */
  separation: number;
  /** The same for the real rows (scale). */
  separationReal: number;
}

/** Spread and separation of a synthetic set against real rows (same units, same K classes). */
export function spreadAndSeparation(real: Rows, synthetic: Rows, K: number): SpreadSeparation {
  if (real.d !== synthetic.d) throw new Error(`real rows have d = ${real.d}, synthetic d = ${synthetic.d}`);
  const gr = classGeometry(real, K);
  const gs = classGeometry(synthetic, K);
  const spreadRatioPerClass = gs.spread.map((s, k) => (gr.spread[k] > 0 ? s / gr.spread[k] : NaN));
  const finite = spreadRatioPerClass.filter(Number.isFinite);
  return {
    spreadRatioPerClass,
    spreadRatio: finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN,
    separation: separationOf(gs, synthetic.d),
    separationReal: separationOf(gr, real.d),
  };
}

/** How to read the two numbers (shown under every table that has them). */
export const SPREAD_SEPARATION_NOTE =
  'Spread = synthetic / real mean distance to the class centroid (1 = as varied as the real rows, well below 1 = narrow classes); separation = mean distance between class centroids over the pooled within-class spread (higher = classes easier to tell apart; compare with the real rows\' value).';
