/**
 * The fast path's dense-layer kernels one by one against plain tfjs ops (tfjs's own webgpu
 * kernels on the same adapter), on random shapes including odd ones (a 1-row batch, d = 47,
 * widths that are not multiples of the 32-wide tiles) and row strides wider than the rows:
 *   fwd  y = act(x W + b) (and its second copy)     vs relu(matMul(x, W) + b)
 *   dx   (dz [+ dz2]) ⊙ (y > 0) Wᵀ (= and +=)      vs matMul(dz ⊙ step(y), W, false, true)
 *   dw   [x | 1]ᵀ (dz ⊙ (y > 0)), tile sums of squares  vs matMul(x, ., true), sum(., 0)
 */
/// <reference types="@webgpu/types" />
import { describe, expect, test } from 'vitest';
import { tf } from '../../../src/compute/tf';
import { matmulShader, MM, UNIFORM_WORDS, TILE, type MatmulMode } from '../../../src/compute/gpu/kernels';
import { Rng } from '../../../src/compute/train/rng';
import { onWebgpu, webgpuAdapter } from './gpuSetup';

const adapter = await webgpuAdapter();

const SHAPES: Array<[number, number, number]> = [
  [1, 47, 5], // batch 1
  [8, 47, 33],
  [3, 1, 1],
  [65, 100, 70],
  [64, 1582, 40],
];

function rand(n: number, rng: Rng, positiveShare = 0.5): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform() < positiveShare ? rng.uniform() : -rng.uniform();
  return a;
}

/** Run one matmul kernel dispatch with P and S as given; returns P, G and S after it. */
async function run(mode: MatmulMode, P: Float32Array<ArrayBuffer>, S: Float32Array<ArrayBuffer>, gWords: number, set: (u: Uint32Array) => void, groups: [number, number]) {
  const dev = (tf.backend() as unknown as { device: GPUDevice }).device;
  const st = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const mk = (words: number, usage: number) => dev.createBuffer({ size: Math.max(16, Math.ceil(words / 4) * 16), usage });
  const bP = mk(P.length, st);
  const bG = mk(gWords, st);
  const bV = mk(4, st);
  const bS = mk(S.length, st);
  const bD = mk(4, st);
  const bI = mk(4, st);
  const bU = mk(UNIFORM_WORDS, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  const u = new Uint32Array(UNIFORM_WORDS);
  set(u);
  dev.queue.writeBuffer(bP, 0, P);
  dev.queue.writeBuffer(bS, 0, S);
  dev.queue.writeBuffer(bU, 0, u);
  const pipe = dev.createComputePipeline({ layout: 'auto', compute: { module: dev.createShaderModule({ code: matmulShader(mode) }), entryPoint: 'main' } });
  // 'auto' layout keeps only the bindings the shader uses.
  const all: Record<number, GPUBuffer> = { 0: bP, 1: bG, 2: bV, 3: bS, 4: bD, 5: bI, 6: bU };
  const used = mode === 'dw' ? [1, 3, 6] : [0, 3, 6];
  const bg = dev.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: used.map((b) => ({ binding: b, resource: { buffer: all[b] } })) });
  const enc = dev.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipe);
  pass.setBindGroup(0, bg);
  pass.dispatchWorkgroups(groups[0], groups[1]);
  pass.end();
  const read = async (b: GPUBuffer, words: number) => {
    const r = dev.createBuffer({ size: b.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const e = dev.createCommandEncoder();
    e.copyBufferToBuffer(b, 0, r, 0, b.size);
    dev.queue.submit([e.finish()]);
    await r.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(r.getMappedRange().slice(0, words * 4));
    r.destroy();
    return out;
  };
  dev.queue.submit([enc.finish()]);
  const res = { G: await read(bG, gWords), S: await read(bS, S.length) };
  for (const b of [bP, bG, bV, bS, bD, bI, bU]) b.destroy();
  return res;
}

function expectClose(got: Float32Array | number[], want: Float32Array | number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  let scale = 1e-6;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  expect(worst, what).toBeLessThan(1e-5);
}

/** Rows of an (rows x cols, ld) view in S. */
function view(S: Float32Array, off: number, rows: number, cols: number, ld: number): Float32Array {
  const o = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) o.set(S.subarray(off + r * ld, off + r * ld + cols), r * cols);
  return o;
}

function place(S: Float32Array, off: number, a: Float32Array, rows: number, cols: number, ld: number): void {
  for (let r = 0; r < rows; r++) S.set(a.subarray(r * cols, (r + 1) * cols), off + r * ld);
}

const tiles = (rows: number, cols: number): [number, number] => [Math.ceil(cols / TILE), Math.ceil(rows / TILE)];

describe.skipIf(!adapter)(`fast-path kernels vs tfjs ops (${adapter})`, () => {
  for (const [M, K, N] of SHAPES) {
    test(`M = ${M} rows, ${K} -> ${N}`, async () => {
      await onWebgpu();
      const rng = new Rng(M * 1000 + K + N);
      const x = rand(M * K, rng);
      const W = rand(K * N, rng);
      const b = rand(N, rng);
      const dz = rand(M * N, rng);
      const dz2 = rand(M * N, rng);
      const prev = rand(M * K, rng);
      const P = new Float32Array(K * N + N);
      P.set(W);
      P.set(b, K * N);
      const lda = K + 3; // row strides wider than the rows, as in [x | one-hot] inputs
      const ldy = N + 2;
      const xOff = 0;
      const yOff = xOff + M * lda;
      const y2Off = yOff + M * ldy;
      const dzOff = y2Off + M * N;
      const dz2Off = dzOff + M * N;
      const dxOff = dz2Off + M * N;
      const partOff = dxOff + M * K;
      const S = new Float32Array(partOff + 4096);
      place(S, xOff, x, M, K, lda);

      const [xt, Wt, bt] = [tf.tensor2d(x, [M, K]), tf.tensor2d(W, [K, N]), tf.tensor1d(b)];
      const want = tf.relu(tf.add(tf.matMul(xt, Wt), bt));
      const wantY = (await want.data()) as Float32Array;

      // fwd with ReLU and a second copy
      const f = await run('fwd', P, S, 4, (u) => {
        Object.assign(u, { [MM.M]: M, [MM.N]: N, [MM.K]: K, [MM.aOff]: xOff, [MM.lda]: lda, [MM.bOff]: 0, [MM.ldb]: N, [MM.cOff]: yOff, [MM.ldc]: ldy, [MM.biasOff]: K * N, [MM.relu]: 1, [MM.hasC2]: 1, [MM.c2Off]: y2Off, [MM.ldc2]: N });
      }, tiles(M, N));
      expectClose(view(f.S, yOff, M, N, ldy), wantY, 'fwd y');
      expectClose(view(f.S, y2Off, M, N, N), wantY, 'fwd second copy');

      // dx: (dz + dz2) masked by y > 0, times Wᵀ, accumulated onto prev
      const S2 = f.S.slice();
      place(S2, dzOff, dz, M, N, N);
      place(S2, dz2Off, dz2, M, N, N);
      place(S2, dxOff, prev, M, K, K);
      const mask = tf.step(want);
      const dzm = tf.mul(tf.add(tf.tensor2d(dz, [M, N]), tf.tensor2d(dz2, [M, N])), mask);
      const wantDx = (await tf.add(tf.tensor2d(prev, [M, K]), tf.matMul(dzm, Wt, false, true)).data()) as Float32Array;
      const d = await run('dx', P, S2, 4, (u) => {
        Object.assign(u, { [MM.M]: M, [MM.N]: K, [MM.K]: N, [MM.aOff]: dzOff, [MM.lda]: N, [MM.hasDz2]: 1, [MM.dz2Off]: dz2Off, [MM.relu]: 1, [MM.yOff]: yOff, [MM.ldy]: ldy, [MM.bOff]: 0, [MM.ldb]: N, [MM.cOff]: dxOff, [MM.ldc]: K, [MM.accumulate]: 1 });
      }, tiles(M, K));
      expectClose(view(d.S, dxOff, M, K, K), wantDx, 'dx');

      // dw: [x | 1]ᵀ (dz + dz2) ⊙ (y > 0) into W's and b's gradient, with the tiles' sums of squares
      const [gx, gy] = tiles(K + 1, N);
      const w = await run('dw', P, S2, K * N + N, (u) => {
        Object.assign(u, { [MM.M]: K + 1, [MM.N]: N, [MM.K]: M, [MM.aOff]: xOff, [MM.lda]: lda, [MM.onesRow]: K, [MM.bOff]: dzOff, [MM.ldb]: N, [MM.hasDz2]: 1, [MM.dz2Off]: dz2Off, [MM.relu]: 1, [MM.yOff]: yOff, [MM.ldy]: ldy, [MM.cOff]: 0, [MM.ldc]: N, [MM.partOff]: partOff });
      }, [gx, gy]);
      const wantDw = (await tf.matMul(xt, dzm, true, false).data()) as Float32Array;
      const wantDb = (await tf.sum(dzm, 0).data()) as Float32Array;
      expectClose(w.G.subarray(0, K * N), wantDw, 'dW');
      expectClose(w.G.subarray(K * N), wantDb, 'db');
      let sq = 0;
      for (const v of [...wantDw, ...wantDb]) sq += v * v;
      let parts = 0;
      for (let i = 0; i < gx * gy; i++) parts += w.S[partOff + i];
      expect(Math.abs(parts - sq) / Math.max(1e-6, sq)).toBeLessThan(1e-5);
      tf.dispose([xt, Wt, bt, want, mask, dzm]);
    });
  }
});
