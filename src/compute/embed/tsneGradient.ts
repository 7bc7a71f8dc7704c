/**
 * The t-SNE gradient in plain TypeScript (van der Maaten 2014, eq. 3-5):
 *   dC/dy_i = 4 (F_attr,i - F_rep,i),  F_attr,i = sum_j p_ij w_ij (y_i - y_j),
 *   F_rep,i = sum_j w_ij^2 (y_i - y_j) / Z,  w_ij = 1 / (1 + |y_i - y_j|^2),  Z = sum_{k != l} w_kl.
 * Attraction runs over the sparse P; repulsion either exactly over all pairs (O(n^2)) or by
 * Barnes-Hut over a quadtree (O(n log n); a cell of width r_cell at distance |y_i - y_cell|
 * stands in for its points when r_cell / |y_i - y_cell| < theta).
 * Layouts are n x 2 row-major Float64Arrays. Deterministic (fixed summation order).
 */
import type { SparseP } from './affinities';

/**
 * attr = exaggeration * sum_j p_ij w_ij (y_i - y_j) over P's entries; returns sum p_ij log w_ij
 * (for the KL) when withKl, else 0 (the logs cost as much as the forces).
 */
export function attractiveForces(P: SparseP, Y: Float64Array, exaggeration: number, attr: Float64Array, withKl = true): number {
  let sumPlogW = 0;
  const { rowPtr, col, val } = P;
  for (let i = 0; i < P.n; i++) {
    const yx = Y[2 * i];
    const yy = Y[2 * i + 1];
    let fx = 0;
    let fy = 0;
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      const j = col[e];
      const dx = yx - Y[2 * j];
      const dy = yy - Y[2 * j + 1];
      const w = 1 / (1 + dx * dx + dy * dy);
      const pw = val[e] * w;
      fx += pw * dx;
      fy += pw * dy;
      if (withKl) sumPlogW += val[e] * Math.log(w);
    }
    attr[2 * i] = exaggeration * fx;
    attr[2 * i + 1] = exaggeration * fy;
  }
  return sumPlogW;
}

/** rep_i = sum_j w_ij^2 (y_i - y_j) exactly (not yet divided by Z); returns Z. */
export function repulsiveForcesExact(Y: Float64Array, n: number, rep: Float64Array): number {
  rep.fill(0);
  let Z = 0;
  for (let i = 0; i < n; i++) {
    const yx = Y[2 * i];
    const yy = Y[2 * i + 1];
    let fx = 0;
    let fy = 0;
    for (let j = i + 1; j < n; j++) {
      const dx = yx - Y[2 * j];
      const dy = yy - Y[2 * j + 1];
      const w = 1 / (1 + dx * dx + dy * dy);
      Z += 2 * w;
      const w2 = w * w;
      fx += w2 * dx;
      fy += w2 * dy;
      rep[2 * j] -= w2 * dx;
      rep[2 * j + 1] -= w2 * dy;
    }
    rep[2 * i] += fx;
    rep[2 * i + 1] += fy;
  }
  return Z;
}

const MAX_DEPTH = 48;

/** A quadtree in flat typed arrays, rebuilt every iteration (no allocation once grown). */
export class QuadTree {
  private cap = 0;
  private size = 0;
  // Per node: cell centre and half width, point count, coordinate sums (centre of mass after build), first child (-1 = leaf), depth.
  private cx = new Float64Array(0);
  private cy = new Float64Array(0);
  private hw = new Float64Array(0);
  private cnt = new Int32Array(0);
  private sx = new Float64Array(0);
  private sy = new Float64Array(0);
  private child = new Int32Array(0);
  private depth = new Int32Array(0);
  /** Leaf's first point (-1 = none); points in one leaf are chained by next[] (only at MAX_DEPTH). */
  private head = new Int32Array(0);
  private next = new Int32Array(0);
  private stack = new Int32Array(0);
  private packed = new Float64Array(0);
  private order = new Int32Array(0);

  private grow(need: number): void {
    if (need <= this.cap) return;
    const cap = Math.max(need, this.cap * 2, 64);
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.cx = f64(this.cx);
    this.cy = f64(this.cy);
    this.hw = f64(this.hw);
    this.sx = f64(this.sx);
    this.sy = f64(this.sy);
    this.cnt = i32(this.cnt);
    this.child = i32(this.child);
    this.depth = i32(this.depth);
    this.head = i32(this.head);
    this.cap = cap;
  }

  private newNode(x: number, y: number, h: number, depth: number): number {
    this.grow(this.size + 1);
    const k = this.size++;
    this.cx[k] = x;
    this.cy[k] = y;
    this.hw[k] = h;
    this.cnt[k] = 0;
    this.sx[k] = 0;
    this.sy[k] = 0;
    this.child[k] = -1;
    this.depth[k] = depth;
    this.head[k] = -1;
    return k;
  }

  private quadrant(node: number, x: number, y: number): number {
    return (x >= this.cx[node] ? 1 : 0) + (y >= this.cy[node] ? 2 : 0);
  }

  build(Y: Float64Array, n: number): void {
    if (this.next.length < n) this.next = new Int32Array(n);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, Y[2 * i]);
      maxX = Math.max(maxX, Y[2 * i]);
      minY = Math.min(minY, Y[2 * i + 1]);
      maxY = Math.max(maxY, Y[2 * i + 1]);
    }
    const h = Math.max(maxX - minX, maxY - minY, 1e-12) / 2 + 1e-9;
    this.size = 0;
    this.grow(4 * n + 4);
    this.newNode((minX + maxX) / 2, (minY + maxY) / 2, h, 0);
    for (let p = 0; p < n; p++) this.insert(p, Y[2 * p], Y[2 * p + 1], Y);
    // Sums -> centres of mass, once (the traversal reads them n log n times).
    for (let k = 0; k < this.size; k++) {
      const c = this.cnt[k];
      if (c > 0) {
        this.sx[k] /= c;
        this.sy[k] /= c;
      }
    }
  }

  private insert(p: number, x: number, y: number, Y: Float64Array): void {
    let node = 0;
    for (;;) {
      this.sx[node] += x;
      this.sy[node] += y;
      this.cnt[node]++;
      if (this.child[node] >= 0) {
        node = this.child[node] + this.quadrant(node, x, y);
        continue;
      }
      if (this.cnt[node] === 1) {
        this.head[node] = p;
        this.next[p] = -1;
        return;
      }
      if (this.depth[node] >= MAX_DEPTH) {
        // Coincident points: keep them together in this leaf.
        this.next[p] = this.head[node];
        this.head[node] = p;
        return;
      }
      // Split the leaf: its one point q moves down to its quadrant, then p continues.
      const q = this.head[node];
      this.head[node] = -1;
      const h = this.hw[node] / 2;
      const first = this.size;
      const dep = this.depth[node] + 1;
      const ncx = this.cx[node];
      const ncy = this.cy[node];
      this.newNode(ncx - h, ncy - h, h, dep);
      this.newNode(ncx + h, ncy - h, h, dep);
      this.newNode(ncx - h, ncy + h, h, dep);
      this.newNode(ncx + h, ncy + h, h, dep);
      this.child[node] = first;
      const qx = Y[2 * q];
      const qy = Y[2 * q + 1];
      const c = first + this.quadrant(node, qx, qy);
      this.sx[c] = qx;
      this.sy[c] = qy;
      this.cnt[c] = 1;
      this.head[c] = q;
      this.next[q] = -1;
      node = first + this.quadrant(node, x, y);
    }
  }

  /** rep_i = sum_j w_ij^2 (y_i - y_j), Barnes-Hut approximated; returns Z (approximated likewise). */
  repulsive(Y: Float64Array, n: number, theta: number, rep: Float64Array): number {
    this.build(Y, n);
    if (this.stack.length < 4 * MAX_DEPTH + 8) this.stack = new Int32Array(4 * MAX_DEPTH + 8);
    // Pack what the traversal reads per node into one array (stride 4: centre of mass x, y,
    // (cell width / theta)^2, count): one cache line per visit instead of five arrays.
    const size = this.size;
    if (this.packed.length < 4 * size) this.packed = new Float64Array(4 * this.cap);
    const packed = this.packed;
    const inv = theta > 0 ? 1 / (theta * theta) : Infinity;
    for (let k = 0; k < size; k++) {
      const w = 2 * this.hw[k];
      packed[4 * k] = this.sx[k];
      packed[4 * k + 1] = this.sy[k];
      packed[4 * k + 2] = w * w * inv;
      packed[4 * k + 3] = this.cnt[k];
    }
    const { child, head, next, stack } = this;
    // Visit points in the tree's depth-first leaf order: neighbours in a row walk nearly the
    // same cells, so those stay in cache.
    if (this.order.length < n) this.order = new Int32Array(n);
    const order = this.order;
    let m = 0;
    let top0 = 0;
    stack[top0++] = 0;
    while (top0 > 0) {
      const node = stack[--top0];
      const f = child[node];
      if (f < 0) for (let q = head[node]; q >= 0; q = next[q]) order[m++] = q;
      else for (let c = 3; c >= 0; c--) if (this.cnt[f + c] > 0) stack[top0++] = f + c;
    }
    let Z = 0;
    for (let r = 0; r < n; r++) {
      const i = order[r];
      const yx = Y[2 * i];
      const yy = Y[2 * i + 1];
      let fx = 0;
      let fy = 0;
      let z = 0;
      let top = 0;
      stack[top++] = 0;
      while (top > 0) {
        const node = stack[--top];
        const o = 4 * node;
        const f = child[node];
        if (f < 0) {
          for (let q = head[node]; q >= 0; q = next[q]) {
            if (q === i) continue;
            const dx = yx - Y[2 * q];
            const dy = yy - Y[2 * q + 1];
            const w = 1 / (1 + dx * dx + dy * dy);
            z += w;
            fx += w * w * dx;
            fy += w * w * dy;
          }
          continue;
        }
        const dx = yx - packed[o];
        const dy = yy - packed[o + 1];
        const d2 = dx * dx + dy * dy;
        if (packed[o + 2] < d2) {
          // (width / dist)^2 < theta^2: the cell stands in for its points
          const c = packed[o + 3];
          const w = 1 / (1 + d2);
          const cw = c * w;
          z += cw;
          fx += cw * w * dx;
          fy += cw * w * dy;
        } else {
          // push only non-empty children
          if (this.cnt[f] > 0) stack[top++] = f;
          if (this.cnt[f + 1] > 0) stack[top++] = f + 1;
          if (this.cnt[f + 2] > 0) stack[top++] = f + 2;
          if (this.cnt[f + 3] > 0) stack[top++] = f + 3;
        }
      }
      rep[2 * i] = fx;
      rep[2 * i + 1] = fy;
      Z += z;
    }
    return Z;
  }
}
