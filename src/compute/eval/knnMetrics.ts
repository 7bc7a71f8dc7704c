/**
 * Beyond the paper: k-NN precision / recall (Kynkäänniemi et al., 2019) and density / coverage
 * (Naeem et al., 2020) of synthetic rows against real rows, usually in the FID network's
 * feature space. Every real row gets a ball whose radius is the distance to its k-th nearest
 * real neighbour (likewise for synthetic rows, for recall).
 *   precision: share of synthetic rows inside some real ball (are they realistic?);
 *   recall:    share of real rows inside some synthetic ball (is the real variety covered?);
 *   density:   real balls containing a synthetic row, per synthetic row, divided by k
 *              (about 1 when synthetic rows are spread like real ones; above 1 = crowded);
 *   coverage:  share of real rows whose own ball holds at least one synthetic row.
 * Each side is a seeded subsample of at most maxRows rows (default 1000). Plain TypeScript.
 */
import { deriveSeed, Rng } from '../train/rng';

export interface KnnOptions {
  k?: number;
  maxRows?: number;
  seed?: number;
}

export interface KnnResult {
  precision: number;
  recall: number;
  density: number;
  coverage: number;
  k: number;
  realRows: number;
  syntheticRows: number;
}

function pick(x: Float32Array, p: number, m: number, rng: Rng): Float32Array {
  const n = x.length / p;
  if (n <= m) return x;
  const rows = rng.permutation(n).slice(0, m);
  const out = new Float32Array(m * p);
  for (let j = 0; j < m; j++) out.set(x.subarray(rows[j] * p, (rows[j] + 1) * p), j * p);
  return out;
}

/** Squared distances between rows of a (na x p) and b (nb x p), na x nb. */
function sqDistances(a: Float32Array, b: Float32Array, p: number): Float64Array {
  const na = a.length / p;
  const nb = b.length / p;
  const out = new Float64Array(na * nb);
  for (let i = 0; i < na; i++) {
    const oi = i * p;
    for (let j = 0; j < nb; j++) {
      const oj = j * p;
      let s = 0;
      for (let t = 0; t < p; t++) {
        const u = a[oi + t] - b[oj + t];
        s += u * u;
      }
      out[i * nb + j] = s;
    }
  }
  return out;
}

/** Squared distance of every row to its k-th nearest other row of the same set. */
function kthRadii(x: Float32Array, p: number, k: number): Float64Array {
  const n = x.length / p;
  const dd = sqDistances(x, x, p);
  const r = new Float64Array(n);
  const row = new Float64Array(n - 1);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < n; j++) if (j !== i) row[c++] = dd[i * n + j];
    row.sort();
    r[i] = row[Math.min(k, n - 1) - 1];
  }
  return r;
}

/** k-NN precision, recall, density and coverage of synthetic vs real rows (both n x p). */
export function knnPrecisionRecall(real: Float32Array, synthetic: Float32Array, p: number, opts: KnnOptions = {}): KnnResult {
  const k = opts.k ?? 5;
  const maxRows = opts.maxRows ?? 1000;
  const rng = new Rng(deriveSeed(opts.seed ?? 0, 'knn'));
  const r = pick(real, p, maxRows, rng);
  const s = pick(synthetic, p, maxRows, rng);
  const nr = r.length / p;
  const ns = s.length / p;
  if (nr <= k || ns <= k) throw new Error(`k-NN metrics: need more than k = ${k} rows per side (real ${nr}, synthetic ${ns})`);
  const rr = kthRadii(r, p, k);
  const sr = kthRadii(s, p, k);
  const rs = sqDistances(r, s, p); // nr x ns
  let prec = 0;
  let dens = 0;
  for (let j = 0; j < ns; j++) {
    let inside = 0;
    for (let i = 0; i < nr; i++) if (rs[i * ns + j] <= rr[i]) inside++;
    if (inside > 0) prec++;
    dens += inside;
  }
  let rec = 0;
  let cov = 0;
  for (let i = 0; i < nr; i++) {
    let inSynth = false;
    let covered = false;
    for (let j = 0; j < ns; j++) {
      const dist = rs[i * ns + j];
      if (!inSynth && dist <= sr[j]) inSynth = true;
      if (!covered && dist <= rr[i]) covered = true;
      if (inSynth && covered) break;
    }
    if (inSynth) rec++;
    if (covered) cov++;
  }
  return { precision: prec / ns, recall: rec / nr, density: dens / (k * ns), coverage: cov / nr, k, realRows: nr, syntheticRows: ns };
}
