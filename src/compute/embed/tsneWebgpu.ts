/// <reference types="@webgpu/types" />
/**
 * The fast t-SNE on WebGPU in three WGSL dispatches per iteration (tfjs ops take ~60, and on
 * a GPU the per-dispatch cost, not arithmetic, sets the time: ../shared/gpu/README.md):
 *   1. forces: one thread per point; exact repulsion over all n points (w_ij^2 (y_i - y_j),
 *      Z_i = sum_j w_ij) and attraction over its padded row of P (p_ij w_ij (y_i - y_j),
 *      sum p_ij log w_ij for the KL);
 *   2. reduce: one workgroup sums Z, sum p log w and the layout's mean, and sets this
 *      iteration's exaggeration and momentum from the schedule table;
 *   3. update: per coordinate, gradient 4 (ex attr - rep / Z), gains, momentum, step, re-centre.
 * A chunk of iterations is one compute pass and one submit; its end reads back the layout, the
 * gradient and the sums. Same schedule and rules as fastTsne.ts (tested against PlainTsne).
 * Uses the GPUDevice of tfjs's webgpu backend (or any device given).
 */
import { toPadded, type SparseP } from './affinities';
import { exaggerationAt, momentumAt, pLogP, type TensorEngine, type TsneSchedule } from './fastTsne';

const WG = 256;

/** Shared declarations; n and the row width are constants (a barrier's loop bound must be uniform). */
const header = (n: number, w: number) => /* wgsl */ `
const N : u32 = ${n}u;
const W : u32 = ${w}u;
struct Ctl { iter : u32, n : u32, w : u32, lr : f32, Z : f32, splogw : f32, mx : f32, my : f32, ex : f32, mom : f32, pad0 : f32, pad1 : f32 };
@group(0) @binding(0) var<storage, read_write> Y : array<f32>;
@group(0) @binding(1) var<storage, read_write> S : array<f32>;
@group(0) @binding(2) var<storage, read_write> F : array<f32>;
@group(0) @binding(3) var<storage, read> PC : array<u32>;
@group(0) @binding(4) var<storage, read> SCH : array<f32>;
@group(0) @binding(5) var<storage, read_write> C : Ctl;
`;

const FORCES = (n: number, w: number) => /* wgsl */ `${header(n, w)}
var<workgroup> tile : array<vec2<f32>, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g : vec3<u32>, @builtin(local_invocation_id) l : vec3<u32>) {
  let n = N;
  let i = g.x;
  let inside = i < n;
  var yi = vec2<f32>(0.0, 0.0);
  if (inside) { yi = vec2<f32>(Y[2u * i], Y[2u * i + 1u]); }
  var rep = vec2<f32>(0.0, 0.0);
  var z = 0.0;
  // Repulsion over all points, a workgroup-shared tile of ${WG} positions at a time.
  for (var base = 0u; base < n; base = base + ${WG}u) {
    let j0 = base + l.x;
    if (j0 < n) { tile[l.x] = vec2<f32>(Y[2u * j0], Y[2u * j0 + 1u]); }
    workgroupBarrier();
    let m = min(${WG}u, n - base);
    for (var t = 0u; t < m; t = t + 1u) {
      if (base + t != i) {
        let d = yi - tile[t];
        let q = 1.0 / (1.0 + dot(d, d));
        z = z + q;
        rep = rep + (q * q) * d;
      }
    }
    workgroupBarrier();
  }
  if (!inside) { return; }
  let w = W;
  var attr = vec2<f32>(0.0, 0.0);
  var pl = 0.0;
  for (var t = 0u; t < w; t = t + 1u) {
    let e = i * w + t;
    let j = PC[e];
    let p = bitcast<f32>(PC[n * w + e]);
    let d = yi - vec2<f32>(Y[2u * j], Y[2u * j + 1u]);
    let q = 1.0 / (1.0 + dot(d, d));
    attr = attr + (p * q) * d;
    pl = pl + p * log(q);
  }
  F[6u * i] = rep.x;
  F[6u * i + 1u] = rep.y;
  F[6u * i + 2u] = attr.x;
  F[6u * i + 3u] = attr.y;
  F[6u * i + 4u] = z;
  F[6u * i + 5u] = pl;
}`;

const REDUCE = (n: number, w: number) => /* wgsl */ `${header(n, w)}
var<workgroup> r : array<vec4<f32>, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_id) l : vec3<u32>) {
  let n = N;
  var acc = vec4<f32>(0.0, 0.0, 0.0, 0.0);
  for (var i = l.x; i < n; i = i + ${WG}u) {
    acc = acc + vec4<f32>(F[6u * i + 4u], F[6u * i + 5u], Y[2u * i], Y[2u * i + 1u]);
  }
  r[l.x] = acc;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (l.x < s) { r[l.x] = r[l.x] + r[l.x + s]; }
    workgroupBarrier();
  }
  if (l.x == 0u) {
    let it = C.iter;
    C.Z = r[0].x;
    C.splogw = r[0].y;
    C.mx = r[0].z / f32(n);
    C.my = r[0].w / f32(n);
    C.ex = SCH[2u * it];
    C.mom = SCH[2u * it + 1u];
    C.iter = it + 1u;
  }
}`;

const UPDATE = (n: number, w: number) => /* wgsl */ `${header(n, w)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g : vec3<u32>) {
  let n = N;
  let t = g.x;
  if (t >= 2u * n) { return; }
  let i = t / 2u;
  let c = t % 2u;
  let grad = 4.0 * (C.ex * F[6u * i + 2u + c] - F[6u * i + c] / C.Z);
  let u0 = S[t];
  var gain = S[2u * n + t];
  // Gains (Jacobs 1988, the 2008 paper): grow where the gradient's sign differs from the last update's.
  if ((grad > 0.0) != (u0 > 0.0)) { gain = gain + 0.2; } else { gain = gain * 0.8; }
  gain = max(gain, 0.01);
  let u = C.mom * u0 - C.lr * gain * grad;
  S[t] = u;
  S[2u * n + t] = gain;
  S[4u * n + t] = grad;
  var mean = C.mx;
  if (c == 1u) { mean = C.my; }
  Y[t] = Y[t] + u - mean;
}`;

/** The tfjs webgpu backend's device (when tfjs runs on WebGPU), else null. */
export function tfjsWebgpuDevice(backend: unknown): GPUDevice | null {
  const d = (backend as { device?: GPUDevice } | null)?.device;
  return d && typeof d.createComputePipeline === 'function' ? d : null;
}

export function createWebgpuEngine(device: GPUDevice, P: SparseP, Y0: Float64Array, schedule: TsneSchedule): TensorEngine {
  const n = P.n;
  const { width, col, val } = toPadded(P);
  const plogp = pLogP(P);
  const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
  const buf = (bytes: number, label: string) => device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: STORAGE, label });
  const Y = buf(8 * n, 'tsne Y');
  const S = buf(24 * n, 'tsne update/gains/grad');
  const F = buf(24 * n, 'tsne forces');
  const PC = buf(8 * n * width, 'tsne P');
  const SCH = buf(8 * schedule.iterations, 'tsne schedule');
  const C = buf(48, 'tsne ctl');
  const readback = device.createBuffer({ size: 8 * n + 8 * n + 48, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'tsne readback' });
  const q = device.queue;
  q.writeBuffer(Y, 0, Float32Array.from(Y0));
  const s0 = new Float32Array(6 * n);
  s0.fill(1, 2 * n, 4 * n); // gains start at 1
  q.writeBuffer(S, 0, s0);
  const pc = new Uint32Array(2 * n * width);
  pc.set(col, 0);
  pc.set(new Uint32Array(val.buffer, val.byteOffset, val.length), n * width);
  q.writeBuffer(PC, 0, pc);
  const sch = new Float32Array(2 * schedule.iterations);
  for (let it = 0; it < schedule.iterations; it++) {
    sch[2 * it] = exaggerationAt(schedule, it);
    sch[2 * it + 1] = momentumAt(schedule, it);
  }
  q.writeBuffer(SCH, 0, sch);
  const ctl = new ArrayBuffer(48);
  new Uint32Array(ctl, 0, 3).set([0, n, width]);
  new Float32Array(ctl, 12, 1)[0] = schedule.learningRate;
  q.writeBuffer(C, 0, ctl);

  const layout = device.createBindGroupLayout({
    entries: [0, 1, 2, 3, 4, 5].map((b) => ({
      binding: b,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: b === 3 || b === 4 ? ('read-only-storage' as const) : ('storage' as const) },
    })),
  });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const pipeline = (code: string, label: string) =>
    device.createComputePipeline({ layout: pipelineLayout, compute: { module: device.createShaderModule({ code, label }), entryPoint: 'main' }, label });
  const forces = pipeline(FORCES(n, width), 'tsne forces');
  const reduce = pipeline(REDUCE(n, width), 'tsne reduce');
  const update = pipeline(UPDATE(n, width), 'tsne update');
  const group = device.createBindGroup({ layout, entries: [Y, S, F, PC, SCH, C].map((buffer, binding) => ({ binding, resource: { buffer } })) });

  return {
    async run(from: number, k: number) {
      q.writeBuffer(C, 0, new Uint32Array([from]));
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setBindGroup(0, group);
      for (let t = 0; t < k; t++) {
        pass.setPipeline(forces);
        pass.dispatchWorkgroups(Math.ceil(n / WG));
        pass.setPipeline(reduce);
        pass.dispatchWorkgroups(1);
        pass.setPipeline(update);
        pass.dispatchWorkgroups(Math.ceil((2 * n) / WG));
      }
      pass.end();
      enc.copyBufferToBuffer(Y, 0, readback, 0, 8 * n);
      enc.copyBufferToBuffer(S, 16 * n, readback, 8 * n, 8 * n);
      enc.copyBufferToBuffer(C, 0, readback, 16 * n, 48);
      q.submit([enc.finish()]);
      await readback.mapAsync(GPUMapMode.READ);
      const all = new Float32Array(readback.getMappedRange().slice(0));
      readback.unmap();
      const grad = all.subarray(2 * n, 4 * n);
      let sq = 0;
      for (let t = 0; t < grad.length; t++) sq += grad[t] * grad[t];
      const Z = all[4 * n + 4];
      const splogw = all[4 * n + 5];
      return { layout: Float64Array.from(all.subarray(0, 2 * n)), kl: plogp - splogw + Math.log(Z), gradNorm: Math.sqrt(sq) };
    },
    dispose() {
      for (const b of [Y, S, F, PC, SCH, C, readback]) b.destroy();
    },
  };
}
