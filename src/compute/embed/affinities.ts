/**
 * t-SNE's input similarities P, sparse, as in van der Maaten 2014 ("Accelerating t-SNE using
 * tree-based algorithms"): each point's k = 3 x perplexity nearest neighbours (exact, brute
 * force), a binary search on the Gaussian precision beta_i so the conditional distribution
 * p_{j|i} over those neighbours has the wanted perplexity, then P = (P_cond + P_cond^T) / 2n
 * in compressed sparse rows. Distances are squared Euclidean (the original method's).
 * Plain TypeScript, no tensors.
 */

/** Symmetric joint P in CSR: row i's entries are col[rowPtr[i]..rowPtr[i+1]), values val. Sums to 1. */
export interface SparseP {
  n: number;
  rowPtr: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/**
 * The k nearest neighbours of every row (self excluded), by squared Euclidean distance,
 * nearest first. Brute force: O(n^2 d), about a second at n = 5000, d = 50 here.
 */
export function nearestNeighbours(x: Float32Array | Float64Array, n: number, d: number, k: number): { idx: Int32Array; dist2: Float64Array } {
  k = Math.min(k, n - 1);
  const xs = Float64Array.from(x);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += xs[i * d + t] * xs[i * d + t];
    norms[i] = s;
  }
  // One max-heap of the k best so far per row (root = worst kept); each pair is computed once
  // and offered to both rows' heaps.
  const hd = new Float64Array(n * k);
  const hi = new Int32Array(n * k);
  const size = new Int32Array(n);
  const offer = (r: number, j: number, dd: number): void => {
    const o = r * k;
    if (size[r] < k) {
      let c = size[r]++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (hd[o + p] >= dd) break;
        hd[o + c] = hd[o + p];
        hi[o + c] = hi[o + p];
        c = p;
      }
      hd[o + c] = dd;
      hi[o + c] = j;
    } else if (dd < hd[o]) {
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= k) break;
        const r2 = l + 1;
        const m = r2 < k && hd[o + r2] > hd[o + l] ? r2 : l;
        if (hd[o + m] <= dd) break;
        hd[o + c] = hd[o + m];
        hi[o + c] = hi[o + m];
        c = m;
      }
      hd[o + c] = dd;
      hi[o + c] = j;
    }
  };
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      let dot = 0;
      for (let t = 0; t < d; t++) dot += xs[oi + t] * xs[oj + t];
      const dd = Math.max(0, norms[i] + norms[j] - 2 * dot);
      offer(i, j, dd);
      offer(j, i, dd);
    }
  }
  // Each heap's contents nearest first (ties by index, so the order is deterministic).
  const idx = new Int32Array(n * k);
  const dist2 = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    const order = Array.from({ length: k }, (_, t) => o + t).sort((a, b) => hd[a] - hd[b] || hi[a] - hi[b]);
    for (let t = 0; t < k; t++) {
      idx[o + t] = hi[order[t]];
      dist2[o + t] = hd[order[t]];
    }
  }
  return { idx, dist2 };
}

/**
 * Row-wise binary search on beta = 1 / (2 sigma^2) so that exp(H(p_{.|i})) = perplexity,
 * p_{j|i} proportional to exp(-beta d_ij^2) over the given distances (k per row). Returns the
 * conditional probabilities (each row sums to 1) in the same layout.
 */
export function conditionalP(dist2: Float64Array, n: number, k: number, perplexity: number, tol = 1e-5, maxSteps = 200): Float64Array {
  const p = new Float64Array(n * k);
  const logU = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    // Shift by the nearest distance so exp() does not underflow for far-away points.
    const d0 = dist2[o];
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    for (let step = 0; step < maxSteps; step++) {
      let sum = 0;
      let sumDP = 0;
      for (let t = 0; t < k; t++) {
        const dd = dist2[o + t] - d0;
        const e = Math.exp(-beta * dd);
        p[o + t] = e;
        sum += e;
        sumDP += dd * e;
      }
      // H = log(sum) + beta * <d>  (natural log, as logU)
      const H = Math.log(sum) + (beta * sumDP) / sum;
      for (let t = 0; t < k; t++) p[o + t] /= sum;
      const diff = H - logU;
      if (Math.abs(diff) < tol) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  return p;
}

/** P = (P_cond + P_cond^T) / (2n) over the union of both neighbourhoods, as CSR. */
export function symmetrize(idx: Int32Array, pc: Float64Array, n: number, k: number): SparseP {
  // Count entries per row: i's own neighbours plus the points that list i.
  const count = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    count[i] += k;
    for (let t = 0; t < k; t++) count[idx[i * k + t]]++;
  }
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + count[i];
  const colTmp = new Int32Array(start[n]);
  const valTmp = new Float64Array(start[n]);
  const fill = start.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = idx[i * k + t];
      const v = pc[i * k + t];
      colTmp[fill[i]] = j;
      valTmp[fill[i]++] = v;
      colTmp[fill[j]] = i;
      valTmp[fill[j]++] = v;
    }
  }
  // Merge duplicates (j listed i and i listed j) row by row; columns sorted.
  const rowPtr = new Int32Array(n + 1);
  const colOut: number[] = [];
  const valOut: number[] = [];
  const scale = 1 / (2 * n);
  for (let i = 0; i < n; i++) {
    const a = start[i];
    const b = start[i + 1];
    const order = Array.from({ length: b - a }, (_, t) => a + t).sort((u, v) => colTmp[u] - colTmp[v]);
    let last = -1;
    for (const u of order) {
      if (colTmp[u] === last) valOut[valOut.length - 1] += valTmp[u] * scale;
      else {
        colOut.push(colTmp[u]);
        valOut.push(valTmp[u] * scale);
        last = colTmp[u];
      }
    }
    rowPtr[i + 1] = colOut.length;
  }
  return { n, rowPtr, col: Int32Array.from(colOut), val: Float64Array.from(valOut) };
}

/** Sparse joint P of the rows: kNN with k = min(n - 1, floor(3 x perplexity)), calibration, symmetrisation. */
export function sparseJointP(x: Float32Array | Float64Array, n: number, d: number, perplexity: number, neighbours = Math.floor(3 * perplexity)): SparseP {
  const k = Math.min(n - 1, neighbours);
  const { idx, dist2 } = nearestNeighbours(x, n, d, k);
  const pc = conditionalP(dist2, n, k, perplexity);
  return symmetrize(idx, pc, n, k);
}

/** The same P as a padded table (ELL): width = longest row; padding has value 0 and column = the row itself. */
export function toPadded(P: SparseP): { width: number; col: Int32Array; val: Float32Array } {
  let width = 1;
  for (let i = 0; i < P.n; i++) width = Math.max(width, P.rowPtr[i + 1] - P.rowPtr[i]);
  const col = new Int32Array(P.n * width);
  const val = new Float32Array(P.n * width);
  for (let i = 0; i < P.n; i++) {
    let t = 0;
    for (let e = P.rowPtr[i]; e < P.rowPtr[i + 1]; e++, t++) {
      col[i * width + t] = P.col[e];
      val[i * width + t] = P.val[e];
    }
    for (; t < width; t++) col[i * width + t] = i;
  }
  return { width, col, val };
}
