/**
 * WGSL for the fast WebGPU training path (issue #12). Every kernel uses the same bind group:
 *   0 P  params   (all weights of the model, packed; read_write)
 *   1 G  grads    (same layout as P)
 *   2 V  momentum (one region per step that has momentum)
 *   3 S  workspace: activations, their gradients, partial sums, loss slots
 *   4 D  the training split, z-scored, N x d (read)
 *   5 I  this iteration's inputs: row indices, labels, latent samples (u32; floats bit-cast)
 *   6 U  this dispatch's parameters (a 512-byte slot of one uniform buffer, dynamic offset)
 * One layout for all keeps to 6 storage buffers (WebGPU's default limit is 8, and tfjs asks for
 * no more) and lets every dispatch reuse one bind group.
 */

export const UNIFORM_WORDS = 128; // 512 bytes per dispatch slot
export const WG = 256;
/** Matmul tile: 32 x 32 outputs per workgroup (16 x 16 threads, 2 x 2 each), K chunks of BK. */
export const TILE = 32;
const BK = 32;

const HEADER = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> P : array<f32>;
@group(0) @binding(1) var<storage, read_write> G : array<f32>;
@group(0) @binding(2) var<storage, read_write> V : array<f32>;
@group(0) @binding(3) var<storage, read_write> S : array<f32>;
@group(0) @binding(4) var<storage, read> D : array<f32>;
@group(0) @binding(5) var<storage, read> I : array<u32>;
@group(0) @binding(6) var<uniform> U : array<vec4<u32>, ${UNIFORM_WORDS / 4}>;
fn u(i : u32) -> u32 { return U[i / 4u][i % 4u]; }
fn uf(i : u32) -> f32 { return bitcast<f32>(u(i)); }
var<workgroup> red : array<f32, 256>;
// Sum of v over the workgroup (all 256 threads must call it, in uniform control flow).
fn wgSum(li : u32, v : f32) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] = red[li] + red[li + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
`;

/** Uniform word positions of the matmul kernels. */
export const MM = {
  M: 0, N: 1, K: 2, aOff: 3, lda: 4, bOff: 5, ldb: 6, cOff: 7, ldc: 8, biasOff: 9, relu: 10, yOff: 11, ldy: 12,
  accumulate: 13, dz2Off: 14, hasDz2: 15, partOff: 16, c2Off: 17, ldc2: 18, hasC2: 19, onesRow: 20,
} as const;

export type MatmulMode = 'fwd' | 'dx' | 'dw';

/**
 * C = A B on 32 x 32 tiles, three variants:
 *  fwd: C = act(A W + b)   A: activations (S, row-major), W, b: P. Optional 2nd copy of C.
 *  dx:  C (=|+=) dZ W^T    dZ (S) masked by the layer's ReLU output Y (+ an optional 2nd dZ).
 *  dw:  G = [A | 1]^T dZ   weight and bias gradient at once (G's layout puts b right after W,
 *                          so the bias is the extra row of ones), plus this tile's sum of
 *                          squares into S[partOff + tile] for the global-norm clip.
 */
export function matmulShader(mode: MatmulMode): string {
  // Tile loads, chosen so that neighbouring threads read neighbouring addresses.
  const loadA =
    mode === 'dw'
      ? `let am = e % 32u; let ak = e / 32u; let m = row0 + am; let k = k0 + ak;
         var a = 0.0;
         if (m < M && k < K) { if (m < u(${MM.onesRow})) { a = S[u(${MM.aOff}) + k * u(${MM.lda}) + m]; } else { a = 1.0; } }
         As[am * ${BK}u + ak] = a;`
      : mode === 'dx'
        ? `let am = e / ${BK}u; let ak = e % ${BK}u; let m = row0 + am; let k = k0 + ak;
           var a = 0.0;
           if (m < M && k < K) {
             a = S[u(${MM.aOff}) + m * u(${MM.lda}) + k];
             if (u(${MM.hasDz2}) != 0u) { a = a + S[u(${MM.dz2Off}) + m * u(${MM.lda}) + k]; }
             if (u(${MM.relu}) != 0u && !(S[u(${MM.yOff}) + m * u(${MM.ldy}) + k] > 0.0)) { a = 0.0; }
           }
           As[am * ${BK}u + ak] = a;`
        : `let am = e / ${BK}u; let ak = e % ${BK}u; let m = row0 + am; let k = k0 + ak;
           var a = 0.0;
           if (m < M && k < K) { a = S[u(${MM.aOff}) + m * u(${MM.lda}) + k]; }
           As[am * ${BK}u + ak] = a;`;
  const loadB =
    mode === 'dx'
      ? `let bk = e % ${BK}u; let bn = e / ${BK}u; let k = k0 + bk; let n = col0 + bn;
         var b = 0.0;
         if (k < K && n < N) { b = P[u(${MM.bOff}) + n * u(${MM.ldb}) + k]; }
         Bs[bk * 32u + bn] = b;`
      : mode === 'dw'
        ? `let bk = e / 32u; let bn = e % 32u; let k = k0 + bk; let n = col0 + bn;
           var b = 0.0;
           if (k < K && n < N) {
             b = S[u(${MM.bOff}) + k * u(${MM.ldb}) + n];
             if (u(${MM.hasDz2}) != 0u) { b = b + S[u(${MM.dz2Off}) + k * u(${MM.ldb}) + n]; }
             if (u(${MM.relu}) != 0u && !(S[u(${MM.yOff}) + k * u(${MM.ldy}) + n] > 0.0)) { b = 0.0; }
           }
           Bs[bk * 32u + bn] = b;`
        : `let bk = e / 32u; let bn = e % 32u; let k = k0 + bk; let n = col0 + bn;
           var b = 0.0;
           if (k < K && n < N) { b = P[u(${MM.bOff}) + k * u(${MM.ldb}) + n]; }
           Bs[bk * 32u + bn] = b;`;
  const store =
    mode === 'fwd'
      ? `var v = ACC + P[u(${MM.biasOff}) + c];
         if (u(${MM.relu}) != 0u) { v = max(v, 0.0); }
         S[u(${MM.cOff}) + r * u(${MM.ldc}) + c] = v;
         if (u(${MM.hasC2}) != 0u) { S[u(${MM.c2Off}) + r * u(${MM.ldc2}) + c] = v; }`
      : mode === 'dx'
        ? `let o = u(${MM.cOff}) + r * u(${MM.ldc}) + c;
           if (u(${MM.accumulate}) != 0u) { S[o] = S[o] + ACC; } else { S[o] = ACC; }`
        : `let v = ACC;
           G[u(${MM.cOff}) + r * u(${MM.ldc}) + c] = v;
           sq = sq + v * v;`;
  const tail =
    mode === 'dw'
      ? `let total = wgSum(li, sq);
         if (li == 0u) { S[u(${MM.partOff}) + wid.y * nwg.x + wid.x] = total; }`
      : '';
  return `${HEADER}
var<workgroup> As : array<f32, ${32 * BK}>;
var<workgroup> Bs : array<f32, ${32 * BK}>;
@compute @workgroup_size(16, 16, 1)
fn main(@builtin(local_invocation_id) lid : vec3<u32>, @builtin(local_invocation_index) li : u32,
        @builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
  let M = u(${MM.M}); let N = u(${MM.N}); let K = u(${MM.K});
  let row0 = wid.y * 32u; let col0 = wid.x * 32u;
  // Four named accumulators (not an array) so that they stay in registers.
  var acc0 = 0.0; var acc1 = 0.0; var acc2 = 0.0; var acc3 = 0.0;
  for (var k0 = 0u; k0 < K; k0 = k0 + ${BK}u) {
    for (var t = 0u; t < ${(32 * BK) / 256}u; t = t + 1u) {
      let e = li + t * 256u;
      { ${loadA} }
      { ${loadB} }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk = kk + 1u) {
      let a0 = As[lid.y * ${BK}u + kk];
      let a1 = As[(lid.y + 16u) * ${BK}u + kk];
      let b0 = Bs[kk * 32u + lid.x];
      let b1 = Bs[kk * 32u + lid.x + 16u];
      acc0 = acc0 + a0 * b0;
      acc1 = acc1 + a0 * b1;
      acc2 = acc2 + a1 * b0;
      acc3 = acc3 + a1 * b1;
    }
    workgroupBarrier();
  }
  var sq = 0.0;
  ${[0, 1]
    .flatMap((i) =>
      [0, 1].map(
        (j) => `{
    let r = row0 + lid.y + ${16 * i}u;
    let c = col0 + lid.x + ${16 * j}u;
    if (r < M && c < N) { ${store.replaceAll('ACC', `acc${i * 2 + j}`)} }
  }`,
      ),
    )
    .join('\n  ')}
  ${tail}
}
`;
}

/** Uniform words of the reconstruction loss. */
export const RECON = { n: 0, d: 1, xpOff: 2, ldxp: 3, xOff: 4, ldx: 5, dyOff: 6, gscale: 7, partOff: 8 } as const;

/** Step 1: dX' = gscale * 2 (x' - x), and per-workgroup sums of (x' - x)^2 into partials. */
export function reconShader(): string {
  return `${HEADER}
@compute @workgroup_size(256, 1, 1)
fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(local_invocation_index) li : u32, @builtin(workgroup_id) wid : vec3<u32>) {
  let n = u(${RECON.n}); let d = u(${RECON.d});
  let idx = gid.x;
  var sq = 0.0;
  if (idx < n * d) {
    let r = idx / d; let c = idx % d;
    let diff = S[u(${RECON.xpOff}) + r * u(${RECON.ldxp}) + c] - S[u(${RECON.xOff}) + r * u(${RECON.ldx}) + c];
    S[u(${RECON.dyOff}) + r * d + c] = 2.0 * diff * uf(${RECON.gscale});
    sq = diff * diff;
  }
  let total = wgSum(li, sq);
  if (li == 0u) { S[u(${RECON.partOff}) + wid.x] = total; }
}
`;
}

/** Uniform words of the binary cross-entropy on logits. */
export const BCE = { n1: 0, n0: 1, lOff: 2, dOff: 3, partOff: 4, gscale: 5 } as const;

/**
 * Rows [0, n1) are labelled 1, rows [n1, n1 + n0) labelled 0; loss = mean_1 softplus(-l) +
 * mean_0 softplus(l) (each half its own mean, as bceOnes + bceZeros); dl = (σ(l) - t) / count.
 * One workgroup.
 */
export function bceShader(): string {
  return `${HEADER}
fn softplus(x : f32) -> f32 { return max(x, 0.0) + log(1.0 + exp(-abs(x))); }
fn sigmoid(x : f32) -> f32 { if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); } let e = exp(x); return e / (1.0 + e); }
@compute @workgroup_size(256, 1, 1)
fn main(@builtin(local_invocation_index) li : u32) {
  let n1 = u(${BCE.n1}); let n0 = u(${BCE.n0});
  var s1 = 0.0; var s0 = 0.0;
  for (var r = li; r < n1 + n0; r = r + 256u) {
    let l = S[u(${BCE.lOff}) + r];
    if (r < n1) {
      s1 = s1 + softplus(-l);
      S[u(${BCE.dOff}) + r] = (sigmoid(l) - 1.0) / f32(n1) * uf(${BCE.gscale});
    } else {
      s0 = s0 + softplus(l);
      S[u(${BCE.dOff}) + r] = sigmoid(l) / f32(n0) * uf(${BCE.gscale});
    }
  }
  let t1 = wgSum(li, s1);
  let t0 = wgSum(li, s0);
  if (li == 0u) {
    var loss = 0.0;
    if (n1 > 0u) { loss = loss + t1 / f32(n1); }
    if (n0 > 0u) { loss = loss + t0 / f32(n0); }
    S[u(${BCE.partOff})] = loss;
  }
}
`;
}

/** Uniform words of the softmax cross-entropy. */
export const CE = { n: 0, K: 1, lOff: 2, tOff: 3, ldt: 4, dOff: 5, partOff: 6, gscale: 7 } as const;

/** AUX: mean over rows of -sum_k t log softmax(l); dl = gscale (softmax(l) - t) / n. One workgroup. */
export function ceShader(): string {
  return `${HEADER}
@compute @workgroup_size(256, 1, 1)
fn main(@builtin(local_invocation_index) li : u32) {
  let n = u(${CE.n}); let K = u(${CE.K});
  var s = 0.0;
  for (var r = li; r < n; r = r + 256u) {
    let lo = u(${CE.lOff}) + r * K;
    var mx = S[lo];
    for (var k = 1u; k < K; k = k + 1u) { mx = max(mx, S[lo + k]); }
    var z = 0.0;
    for (var k = 0u; k < K; k = k + 1u) { z = z + exp(S[lo + k] - mx); }
    let lz = log(z);
    for (var k = 0u; k < K; k = k + 1u) {
      let t = S[u(${CE.tOff}) + r * u(${CE.ldt}) + k];
      let ls = S[lo + k] - mx - lz;
      s = s - t * ls;
      S[u(${CE.dOff}) + r * K + k] = (exp(ls) - t) / f32(n) * uf(${CE.gscale});
    }
  }
  let total = wgSum(li, s);
  if (li == 0u) { S[u(${CE.partOff})] = total / f32(n); }
}
`;
}

/** Uniform words of the update. */
export const UPD = {
  lo: 0, count: 1, lr: 2, mom: 3, hasMom: 4, clip: 5, normOff: 6, normCount: 7, vBase: 8, nLoss: 9,
  loss0: 10, // (partOff, partCount, scale, slot) x 2
  accOff: 18, lastOff: 19,
} as const;

/**
 * One step's SGD (momentum > 0: v = m v + f g, p -= lr v; else p -= lr f g) over the step's
 * contiguous range of P/G, f = clip / max(|g|, clip) from the dw tiles' partial sums (1 without
 * a clip). Workgroup 0 also turns the step's loss partials into its loss: the last value and
 * the epoch's running sum.
 */
export function updateShader(): string {
  return `${HEADER}
@compute @workgroup_size(256, 1, 1)
fn main(@builtin(local_invocation_index) li : u32, @builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
  var f = 1.0;
  let clip = uf(${UPD.clip});
  if (clip > 0.0) {
    var s = 0.0;
    for (var i = li; i < u(${UPD.normCount}); i = i + 256u) { s = s + S[u(${UPD.normOff}) + i]; }
    let norm = sqrt(wgSum(li, s));
    f = clip / max(norm, clip);
  }
  let lo = u(${UPD.lo}); let count = u(${UPD.count}); let lr = uf(${UPD.lr}); let mom = uf(${UPD.mom});
  let stride = nwg.x * 256u;
  for (var i = wid.x * 256u + li; i < count; i = i + stride) {
    let g = G[lo + i] * f;
    if (u(${UPD.hasMom}) != 0u) {
      let vi = u(${UPD.vBase}) + i;
      let v = mom * V[vi] + g;
      V[vi] = v;
      P[lo + i] = P[lo + i] + (-lr) * v;
    } else {
      P[lo + i] = P[lo + i] - lr * g;
    }
  }
  if (wid.x == 0u) {
    for (var j = 0u; j < 2u; j = j + 1u) {
      if (j < u(${UPD.nLoss})) {
        let b = ${UPD.loss0}u + j * 4u;
        var s = 0.0;
        for (var i = li; i < u(b + 1u); i = i + 256u) { s = s + S[u(b) + i]; }
        let v = wgSum(li, s) * uf(b + 2u);
        if (li == 0u) {
          let slot = u(b + 3u);
          S[u(${UPD.lastOff}) + slot] = v;
          S[u(${UPD.accOff}) + slot] = S[u(${UPD.accOff}) + slot] + v;
        }
      }
    }
  }
}
`;
}

/** Uniform words of the batch preparation (jobs of 6 words from PREP.jobs). */
export const PREP = { nJobs: 0, n: 1, maxCols: 2, d: 3, jobs: 4, jobWords: 6, maxJobs: 20 } as const;
export const JOB = { gather: 0, onehot: 1, copy: 2, zero: 3 } as const;

/**
 * Fill this iteration's inputs in the workspace from I and the resident dataset: gather rows
 * (D[I[src + r]]), one-hot classes (I[src + r]), copy latent samples (I[src + r * cols + c]),
 * zeros (AUX's one-hot slot: the full and the short last batch share the workspace, so rows
 * of one may hold the other's classes).
 */
export function prepareShader(): string {
  return `${HEADER}
@compute @workgroup_size(256, 1, 1)
fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
  let n = u(${PREP.n}); let maxCols = u(${PREP.maxCols});
  let idx = gid.x + gid.y * nwg.x * 256u;
  if (idx >= n * maxCols) { return; }
  let r = idx / maxCols; let c = idx % maxCols;
  for (var j = 0u; j < u(${PREP.nJobs}); j = j + 1u) {
    let b = ${PREP.jobs}u + j * ${PREP.jobWords}u;
    let kind = u(b); let dst = u(b + 1u); let ld = u(b + 2u); let cols = u(b + 3u); let src = u(b + 4u);
    if (c < cols) {
      var v = 0.0;
      if (kind == ${JOB.gather}u) { v = D[I[src + r] * u(${PREP.d}) + c]; }
      else if (kind == ${JOB.onehot}u) { v = select(0.0, 1.0, I[src + r] == c); }
      else if (kind == ${JOB.copy}u) { v = bitcast<f32>(I[src + r * cols + c]); }
      S[dst + r * ld + c] = v;
    }
  }
}
`;
}
