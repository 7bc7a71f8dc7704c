/**
 * Stratified, seeded subsampling for the embedding panels.
 *
 * - `stratifiedSubsample(labels, cap, seed)`: at most `cap` row indices, every class keeping
 *   its share (largest-remainder rounding), each class's rows drawn uniformly without
 *   replacement; returned sorted. The code-space panel uses it for a few thousand points.
 * - `jointSubsample(sources, opts)`: ONE table of real + synthetic rows for ONE joint t-SNE
 *   (never two separate fits: two fits give two unrelated coordinate systems). Strata are
 *   (source, class); every point remembers its source, its class and its row in its source.
 */
import { Rng } from '../train/rng';

/** Split `total` over weights in proportion, integers summing to total, each <= its cap. */
export function allocate(total: number, weights: readonly number[], caps: readonly number[] = weights): number[] {
  const out = new Array<number>(weights.length).fill(0);
  let left = Math.min(total, caps.reduce((s, c) => s + c, 0));
  // Water-filling: repeat proportional rounding over the strata that still have room.
  while (left > 0) {
    const open = weights.map((_, i) => i).filter((i) => out[i] < caps[i] && weights[i] > 0);
    if (open.length === 0) break;
    const wsum = open.reduce((s, i) => s + weights[i], 0);
    const exact = open.map((i) => (left * weights[i]) / wsum);
    const floor = exact.map((e, j) => Math.min(Math.floor(e), caps[open[j]] - out[open[j]]));
    let given = floor.reduce((s, f) => s + f, 0);
    floor.forEach((f, j) => (out[open[j]] += f));
    // Largest remainders (ties: lower index first) get one more, while they have room.
    const order = open
      .map((i, j) => ({ i, r: exact[j] - Math.floor(exact[j]) }))
      .sort((a, b) => b.r - a.r || a.i - b.i);
    for (const { i } of order) {
      if (given >= left) break;
      if (out[i] < caps[i] && exact[open.indexOf(i)] - Math.floor(exact[open.indexOf(i)]) > 0) {
        out[i]++;
        given++;
      }
    }
    if (given === 0) {
      // Every share rounded to zero: give one each in weight order until done.
      for (const { i } of order) {
        if (given >= left) break;
        if (out[i] < caps[i]) {
          out[i]++;
          given++;
        }
      }
    }
    left -= given;
  }
  return out;
}

/** `k` distinct values of `pool`, uniformly, in a seeded order (partial Fisher-Yates). */
function drawWithoutReplacement(pool: number[], k: number, rng: Rng): number[] {
  const a = pool.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(a.length - i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.slice(0, k);
}

/**
 * At most `cap` indices of rows, class proportions kept (largest remainder), seeded, sorted.
 * Returns all rows when n <= cap.
 */
export function stratifiedSubsample(labels: ArrayLike<number>, cap: number, seed = 0): Int32Array {
  const n = labels.length;
  if (n <= cap) return Int32Array.from({ length: n }, (_, i) => i);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    const list = byClass.get(l);
    if (list) list.push(i);
    else byClass.set(l, [i]);
  }
  const keys = [...byClass.keys()].sort((a, b) => a - b);
  const sizes = keys.map((k) => byClass.get(k)!.length);
  const quota = allocate(Math.max(0, Math.floor(cap)), sizes);
  const rng = new Rng(seed);
  const picked: number[] = [];
  keys.forEach((k, j) => picked.push(...drawWithoutReplacement(byClass.get(k)!, quota[j], rng)));
  return Int32Array.from(picked.sort((a, b) => a - b));
}

/** One table that goes into the joint embedding: the real rows, or one model's synthetic rows. */
export interface EmbedSource {
  /** Shown in legends and hovers, e.g. "real (train)", "M1", "M2", "M3". */
  name: string;
  kind: 'real' | 'synthetic';
  /** n x d row-major; every source must have the same d. */
  features: Float32Array;
  n: number;
  d: number;
  /** Class index per row, into the shared class list. */
  labels: Int32Array;
}

export interface JointSubsampleOptions {
  /** Most points in the joint table (default 1500). */
  cap?: number;
  seed?: number;
  /**
   * How the cap is shared between sources: 'proportional' to their sizes (default) or
   * 'equal' (each source the same share; a source with fewer rows gives its leftover to the
   * others). Within a source, classes always keep their proportions.
   */
  perSource?: 'proportional' | 'equal';
}

export interface JointSample {
  /** m x d row-major: the rows to embed, sources concatenated in the given order. */
  features: Float32Array;
  n: number;
  d: number;
  /** Per point: index into sourceNames / sourceKinds. */
  source: Int32Array;
  /** Per point: 1 for synthetic, 0 for real (colour by real / synthetic). */
  synthetic: Uint8Array;
  /** Per point: class index. */
  labels: Int32Array;
  /** Per point: its row in its own source. */
  sourceRow: Int32Array;
  sourceNames: string[];
  sourceKinds: Array<'real' | 'synthetic'>;
  /** [source][class] points kept, and rows available (for "1500 of 7 830 rows shown"). */
  kept: number[][];
  available: number[][];
  /** True when fewer points were kept than there were rows. */
  subsampled: boolean;
}

/** Stratified subsample of several sources into one table for one joint embedding. */
export function jointSubsample(sources: readonly EmbedSource[], opts: JointSubsampleOptions = {}): JointSample {
  if (sources.length === 0) throw new Error('jointSubsample: no sources');
  const d = sources[0].d;
  for (const s of sources) {
    if (s.d !== d) throw new Error(`jointSubsample: source ${s.name} has d = ${s.d}, expected ${d}`);
    if (s.features.length !== s.n * s.d || s.labels.length !== s.n)
      throw new Error(`jointSubsample: source ${s.name} has inconsistent sizes`);
  }
  const cap = Math.max(0, Math.floor(opts.cap ?? 1500));
  const rng = new Rng(opts.seed ?? 0);
  const sizes = sources.map((s) => s.n);
  const weights = opts.perSource === 'equal' ? sizes.map((n) => (n > 0 ? 1 : 0)) : sizes;
  const perSourceQuota = allocate(cap, weights, sizes);
  const K = 1 + Math.max(-1, ...sources.map((s) => (s.n ? Math.max(...s.labels) : -1)));
  const kept: number[][] = [];
  const available: number[][] = [];
  const chosen: Int32Array[] = [];
  sources.forEach((s, si) => {
    const counts = new Array<number>(K).fill(0);
    for (const l of s.labels) counts[l]++;
    available.push(counts);
    // Each source draws with its own stream so adding a source does not reshuffle the others.
    const idx = stratifiedSubsample(s.labels, perSourceQuota[si], rng.fork().nextUint32());
    chosen.push(idx);
    const k = new Array<number>(K).fill(0);
    for (const i of idx) k[s.labels[i]]++;
    kept.push(k);
  });
  const m = chosen.reduce((t, c) => t + c.length, 0);
  const features = new Float32Array(m * d);
  const source = new Int32Array(m);
  const synthetic = new Uint8Array(m);
  const labels = new Int32Array(m);
  const sourceRow = new Int32Array(m);
  let p = 0;
  sources.forEach((s, si) => {
    for (const i of chosen[si]) {
      features.set(s.features.subarray(i * d, (i + 1) * d), p * d);
      source[p] = si;
      synthetic[p] = s.kind === 'synthetic' ? 1 : 0;
      labels[p] = s.labels[i];
      sourceRow[p] = i;
      p++;
    }
  });
  return {
    features,
    n: m,
    d,
    source,
    synthetic,
    labels,
    sourceRow,
    sourceNames: sources.map((s) => s.name),
    sourceKinds: sources.map((s) => s.kind),
    kept,
    available,
    subsampled: m < sizes.reduce((a, b) => a + b, 0),
  };
}
