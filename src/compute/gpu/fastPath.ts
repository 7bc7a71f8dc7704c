/// <reference types="@webgpu/types" />
/**
 * The fast WebGPU training path (issue #12): one training iteration (steps 1-5 of SPEC on one
 * mini-batch) as ~60-130 hand-written WGSL dispatches in ONE compute pass and ONE submit, on
 * the same GPUDevice as tfjs's webgpu backend, instead of tfjs's ~380 op-by-op dispatches.
 *
 * What it keeps on the GPU, all created once here (no buffer is created per iteration):
 *   P, G   every weight of the model and its gradient, packed in the order
 *          encoder | decoder | codeGenerator | aux | d1 | d2, so each step's variables are one
 *          contiguous range (step 5 = decoder..aux) and one update dispatch covers a step;
 *   V      momentum velocities, one region per step;
 *   S      activations, their gradients, partial sums, the loss slots (running epoch sums);
 *   D      the z-scored training split (the batch is gathered on the GPU by row index);
 *   I      the iteration's inputs (row indices, labels, the prior/noise samples): written with
 *          queue.writeBuffer, drawn on the JS side from the trainer's Rng exactly as the plain
 *          path draws them, so both paths see the same numbers;
 *   U      every dispatch's parameters (shapes, offsets, learning rates).
 * Losses are summed on the GPU and read once per epoch (endEpoch).
 *
 * The model's tfjs Variables stay the source of truth between epochs: beginEpoch copies them
 * (and the tfjs optimizers' momentum slots) into P/V, endEpoch copies P/V back, so generate,
 * encode, getWeights, validation, checkpoints and the divergence guard work through tfjs
 * unchanged, and a run can switch between this path and the plain one at an epoch boundary.
 *
 * Math (SPEC, same as trainStep.ts): dense layers y = act(x W + b); step 1 ||x - x'||² summed
 * over features, batch mean (or per element), gradient clipped to a global norm; BCE on
 * logits, non-saturating generator losses; step 5 adds λ·CE(AUX(dec(code)), c) with AUX's
 * one-hot slot zeroed. Rows of the two sides of a discriminator loss are stacked into one 2n-row
 * batch (same sums, fewer dispatches).
 */
import { tf, type Variable } from '../tf';
import type { GanModel, LatentSample } from '../models/ganModel';
import type { Mlp } from '../models/layers';
import type { StepKey, TrainSettings } from '../train/settings';
import {
  BCE,
  bceShader,
  CE,
  ceShader,
  JOB,
  matmulShader,
  MM,
  PREP,
  prepareShader,
  RECON,
  reconShader,
  TILE,
  UNIFORM_WORDS,
  UPD,
  updateShader,
  WG,
} from './kernels';

type KernelName = 'fwd' | 'dx' | 'dw' | 'recon' | 'bce' | 'ce' | 'update' | 'prep';
type StepId = 1 | 2 | 3 | 4 | 5;

interface View {
  off: number;
  ld: number;
}

interface Layer {
  /** Offset of W (fin x fout) in P/G; b follows at w + fin * fout. */
  w: number;
  b: number;
  fin: number;
  fout: number;
  relu: boolean;
}

interface Net {
  name: string;
  layers: Layer[];
  start: number;
  end: number;
}

interface Trace {
  net: Net;
  from: number;
  to: number;
  input: View;
  outs: View[];
  mul: number;
}

interface Op {
  kernel: KernelName;
  slot: number;
  x: number;
  y: number;
  /** Which step-4 variant the op belongs to (the balance rule picks one per batch). */
  only?: 'd2train' | 'd2eval';
  step?: StepId;
}

interface Program {
  n: number;
  ops: Op[];
}

/** The tfjs webgpu backend's internals this path relies on (tfjs-backend-webgpu 4.22). */
interface WebgpuBackendLike {
  device: GPUDevice;
  commandEncoder: GPUCommandEncoder | null;
  tensorMap: { get(dataId: object): { resource: GPUBuffer | null } | undefined };
  uploadToGPU(dataId: object): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  refCount(dataId: object): number;
}

interface MomentumSlots {
  accumulations?: Array<{ originalName: string; variable: Variable } | undefined>;
  iterations_?: number;
}

export const LOSS_SLOTS = 8;

export interface FastPathInit {
  model: GanModel;
  /** The z-scored training split, N x d row-major. */
  trainX: Float32Array;
  nTrain: number;
  settings: TrainSettings;
}

const stepKey = (s: StepId) => `step${s}` as StepKey;

export class GpuFastPath {
  readonly device: GPUDevice;
  readonly batchSize: number;
  /** Dispatches of one full-batch iteration per balance variant (for reports). */
  readonly dispatchesPerIteration: { d2train: number; d2eval: number };
  private readonly backend: WebgpuBackendLike;
  private readonly model: GanModel;
  private settings: TrainSettings;
  private readonly nets: Record<string, Net> = {};
  private readonly vars: Array<{ v: Variable; off: number; size: number }> = [];
  private readonly stepRange: Partial<Record<StepId, { lo: number; hi: number; vBase: number }>> = {};
  private readonly buffers: GPUBuffer[] = [];
  private readonly P: GPUBuffer;
  private readonly V: GPUBuffer;
  private readonly S: GPUBuffer;
  private readonly I: GPUBuffer;
  private readonly U: GPUBuffer;
  private readonly readback: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly pipelines: Record<KernelName, GPUComputePipeline>;
  private readonly programs = new Map<number, Program>();
  private readonly uniforms: Uint32Array;
  private readonly inputs: ArrayBuffer;
  private readonly inputsU32: Uint32Array;
  private readonly inputsF32: Float32Array;
  private readonly latentDim: number;
  private readonly fakeWords: number;
  private readonly accOff: number;
  private readonly lastOff: number;
  /** Updates each step made since beginEpoch (added to the tfjs optimizers' iteration counts). */
  private readonly updates: Record<StepId, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  private sAlloc = 0;
  private partAlloc = 0;
  private partBase = 0;
  private slotCount = 0;
  private disposed = false;

  constructor(init: FastPathInit) {
    const backend = tf.backend() as unknown as WebgpuBackendLike;
    if (tf.getBackend() !== 'webgpu' || !backend.device) throw new Error('the fast path needs the webgpu backend');
    this.backend = backend;
    this.device = backend.device;
    this.model = init.model;
    this.settings = structuredClone(init.settings);
    const m = init.model;
    const B = init.settings.batchSize;
    this.batchSize = B;
    this.latentDim = m.codeGenerator ? m.codeGenerator.noiseDim : 2;
    this.fakeWords = B + B * this.latentDim;

    // ---- packed parameter layout ----
    let off = 0;
    const addNet = (mlp: Mlp | null) => {
      if (!mlp) return;
      const start = off;
      const layers: Layer[] = mlp.layers.map((l, i) => {
        const w = off;
        this.vars.push({ v: l.W, off: w, size: l.fanIn * l.fanOut });
        off += l.fanIn * l.fanOut;
        const b = off;
        this.vars.push({ v: l.b, off: b, size: l.fanOut });
        off += l.fanOut;
        return { w, b, fin: l.fanIn, fout: l.fanOut, relu: i < mlp.layers.length - 1 };
      });
      this.nets[mlp.name] = { name: mlp.name, layers, start, end: off };
    };
    addNet(m.encoder);
    addNet(m.decoder);
    addNet(m.codeGenerator?.net ?? null);
    addNet(m.aux);
    addNet(m.d1);
    addNet(m.d2);
    const nParams = off;
    const n = this.nets;
    const stepRanges: Array<[StepId, number, number]> = [
      [1, n.encoder.start, n.decoder.end],
      [2, n.d1.start, n.d1.end],
      [3, n.encoder.start, n.encoder.end],
    ];
    if (m.d2) {
      stepRanges.push([4, n.d2.start, n.d2.end]);
      const step5End = Math.max(n.decoder.end, n.codeGenerator?.end ?? 0, n.aux?.end ?? 0);
      stepRanges.push([5, n.decoder.start, step5End]);
    }
    let vOff = 0;
    for (const [s, lo, hi] of stepRanges) {
      this.stepRange[s] = { lo, hi, vBase: vOff };
      vOff += hi - lo;
    }

    // ---- programs (full batch and the epoch's last, shorter batch) ----
    // A dry build measures the workspace; the real builds put the dw partial sums after it.
    const sizes = [B];
    const lastN = init.nTrain % B;
    if (lastN > 0 && init.nTrain > B) sizes.push(lastN);
    if (init.nTrain < B) sizes[0] = init.nTrain;
    this.partBase = 0;
    this.buildProgram(sizes[0]);
    this.partBase = this.sAlloc;
    this.slotCount = 0;
    for (const s of sizes) this.buildProgram(s); // counts the uniform slots
    const sWords = this.partBase + this.partAlloc;
    this.accOff = sWords;
    this.lastOff = sWords + LOSS_SLOTS;
    const sTotal = sWords + 2 * LOSS_SLOTS;
    this.uniforms = new Uint32Array(this.slotCount * UNIFORM_WORDS);
    // The real builds again, now writing their uniforms.
    this.slotCount = 0;
    for (const s of sizes) this.programs.set(s, this.buildProgram(s, true));
    const full = this.programs.get(sizes[0])!;
    this.dispatchesPerIteration = {
      d2train: full.ops.filter((o) => o.only !== 'd2eval').length,
      d2eval: full.ops.filter((o) => o.only !== 'd2train').length,
    };

    // ---- limits: beyond them the trainer falls back to the plain path ----
    const dev = this.device;
    const maxGroups = dev.limits.maxComputeWorkgroupsPerDimension;
    for (const prog of this.programs.values())
      for (const op of prog.ops) if (op.x > maxGroups || op.y > maxGroups) throw new Error(`a ${op.kernel} dispatch needs ${op.x} x ${op.y} workgroups (limit ${maxGroups})`);
    const maxBinding = dev.limits.maxStorageBufferBindingSize;
    for (const [what, words] of [['weights', nParams], ['momentum', vOff], ['workspace', sTotal], ['training split', init.trainX.length]] as const)
      if (words * 4 > maxBinding) throw new Error(`the ${what} (${words * 4} bytes) exceed the GPU's storage binding limit (${maxBinding})`);

    // ---- buffers, once ----
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const mk = (words: number, usage: number, label: string) => {
      const b = dev.createBuffer({ size: Math.max(16, Math.ceil((words * 4) / 16) * 16), usage, label });
      this.buffers.push(b);
      return b;
    };
    this.P = mk(nParams, storage, 'fast/P');
    const G = mk(nParams, storage, 'fast/G');
    this.V = mk(vOff, storage, 'fast/V');
    this.S = mk(sTotal, storage, 'fast/S');
    const D = mk(init.trainX.length, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'fast/D');
    const inputWords = 2 * B + 3 * this.fakeWords;
    this.I = mk(inputWords, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'fast/I');
    this.U = mk(this.uniforms.length, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'fast/U');
    this.readback = mk(2 * LOSS_SLOTS, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'fast/readback');
    this.inputs = new ArrayBuffer(inputWords * 4);
    this.inputsU32 = new Uint32Array(this.inputs);
    this.inputsF32 = new Float32Array(this.inputs);
    dev.queue.writeBuffer(D, 0, init.trainX.buffer, init.trainX.byteOffset, init.trainX.byteLength);
    this.writeUniforms();

    const layout = dev.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
        { binding: 5, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
        { binding: 6, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: UNIFORM_WORDS * 4 } },
      ],
    });
    this.bindGroup = dev.createBindGroup({
      layout,
      entries: [
        { binding: 0, resource: { buffer: this.P } },
        { binding: 1, resource: { buffer: G } },
        { binding: 2, resource: { buffer: this.V } },
        { binding: 3, resource: { buffer: this.S } },
        { binding: 4, resource: { buffer: D } },
        { binding: 5, resource: { buffer: this.I } },
        { binding: 6, resource: { buffer: this.U, size: UNIFORM_WORDS * 4 } },
      ],
    });
    const pl = dev.createPipelineLayout({ bindGroupLayouts: [layout] });
    const pipe = (code: string, label: string) =>
      dev.createComputePipeline({ layout: pl, compute: { module: dev.createShaderModule({ code, label }), entryPoint: 'main' }, label });
    this.pipelines = {
      fwd: pipe(matmulShader('fwd'), 'fast/fwd'),
      dx: pipe(matmulShader('dx'), 'fast/dx'),
      dw: pipe(matmulShader('dw'), 'fast/dw'),
      recon: pipe(reconShader(), 'fast/recon'),
      bce: pipe(bceShader(), 'fast/bce'),
      ce: pipe(ceShader(), 'fast/ce'),
      update: pipe(updateShader(), 'fast/update'),
      prep: pipe(prepareShader(), 'fast/prep'),
    };
  }

  /** Whether a batch of n rows has a program (the full batch and the epoch's last batch). */
  hasProgram(n: number): boolean {
    return this.programs.has(n);
  }

  /**
   * Start (or resume) an epoch: take the weights and momentum slots from tfjs (they may have
   * been changed by setWeights, a restore, a resumed checkpoint) and the learning rates in force.
   */
  beginEpoch(optimizers: Partial<Record<StepId, tf.Optimizer>>, settings: TrainSettings): void {
    this.assertAlive();
    this.settings = structuredClone(settings);
    this.writeUniforms();
    const be = this.backend;
    for (const { v } of this.vars) be.uploadToGPU(v.dataId);
    const accs = this.momentumSlots(optimizers, false);
    for (const a of accs) if (a.acc) be.uploadToGPU(a.acc.dataId);
    this.flushTfjs();
    const enc = this.device.createCommandEncoder();
    for (const { v, off, size } of this.vars) enc.copyBufferToBuffer(this.resource(v), 0, this.P, off * 4, size * 4);
    for (const a of accs) {
      if (a.acc) enc.copyBufferToBuffer(this.resource(a.acc), 0, this.V, a.vOff * 4, a.size * 4);
      else enc.clearBuffer(this.V, a.vOff * 4, a.size * 4);
    }
    this.device.queue.submit([enc.finish()]);
    for (const s of [1, 2, 3, 4, 5] as StepId[]) this.updates[s] = 0;
  }

  /**
   * One iteration on rows `rows` (their labels `labels`) with the generator-side samples the
   * plain path would draw: [step 2's] for M1, [step 2's, step 4's, step 5's] with D2.
   * `runD2`: whether step 4 updates D2 (the balance rule); its loss is computed either way.
   */
  iteration(rows: Int32Array, labels: Int32Array, fakes: LatentSample[], runD2: boolean): void {
    this.assertAlive();
    const n = rows.length;
    const prog = this.programs.get(n);
    if (!prog) throw new Error(`fast path: no program for a batch of ${n}`);
    const B = this.batchSize;
    const u32 = this.inputsU32;
    const f32 = this.inputsF32;
    for (let i = 0; i < n; i++) {
      u32[i] = rows[i];
      u32[B + i] = labels[i];
    }
    const want = this.model.d2 ? 3 : 1;
    if (fakes.length !== want) throw new Error(`fast path: expected ${want} latent samples, got ${fakes.length}`);
    fakes.forEach((f, j) => {
      const o = 2 * B + j * this.fakeWords;
      if (f.n !== n || f.latentDim !== this.latentDim) throw new Error('fast path: latent sample of the wrong shape');
      for (let i = 0; i < n; i++) u32[o + i] = f.labels[i];
      f32.set(f.latent, o + B);
    });
    const q = this.device.queue;
    q.writeBuffer(this.I, 0, this.inputs, 0, this.inputs.byteLength);
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    const skip = runD2 ? 'd2eval' : 'd2train';
    let current: KernelName | null = null;
    for (const op of prog.ops) {
      if (op.only === skip) continue;
      if (op.kernel !== current) {
        pass.setPipeline(this.pipelines[op.kernel]);
        current = op.kernel;
      }
      pass.setBindGroup(0, this.bindGroup, [op.slot * UNIFORM_WORDS * 4]);
      pass.dispatchWorkgroups(op.x, op.y);
    }
    pass.end();
    q.submit([enc.finish()]);
    for (const s of this.model.steps()) if (s !== 4 || runD2) this.updates[s]++;
  }

  /**
   * The epoch's (or the paused part's) loss sums, one per slot (trainer's lossKeys order), read
   * back once; the GPU sums restart at zero. With `store`, the weights and momentum slots are
   * first copied back into the tfjs variables and optimizers (same submit).
   */
  async endEpoch(optimizers: Partial<Record<StepId, tf.Optimizer>>, store = true): Promise<Float32Array> {
    this.assertAlive();
    const be = this.backend;
    let accs: ReturnType<GpuFastPath['momentumSlots']> = [];
    if (store) {
      // Our copy writes into the variables' buffers, so none may share its buffer (e.g. with a
      // tf.clone snapshot); those get a buffer of their own first.
      for (const { v } of this.vars) this.ensureExclusive(v);
      accs = this.momentumSlots(optimizers, true);
      for (const a of accs) this.ensureExclusive(a.acc!);
      for (const { v } of this.vars) be.uploadToGPU(v.dataId);
      for (const a of accs) be.uploadToGPU(a.acc!.dataId);
      this.flushTfjs();
    }
    const enc = this.device.createCommandEncoder();
    if (store) {
      for (const { v, off, size } of this.vars) enc.copyBufferToBuffer(this.P, off * 4, this.resource(v), 0, size * 4);
      for (const a of accs) enc.copyBufferToBuffer(this.V, a.vOff * 4, this.resource(a.acc!), 0, a.size * 4);
    }
    enc.copyBufferToBuffer(this.S, this.accOff * 4, this.readback, 0, 2 * LOSS_SLOTS * 4);
    this.device.queue.submit([enc.finish()]);
    await this.readback.mapAsync(GPUMapMode.READ);
    const all = new Float32Array(this.readback.getMappedRange().slice(0));
    this.readback.unmap();
    this.device.queue.writeBuffer(this.S, this.accOff * 4, new Float32Array(LOSS_SLOTS));
    if (store) {
      for (const s of this.model.steps()) {
        const opt = optimizers[s] as unknown as MomentumSlots | undefined;
        if (opt && this.updates[s] > 0) opt.iterations_ = (opt.iterations_ ?? 0) + this.updates[s];
        this.updates[s] = 0;
      }
    }
    return all.subarray(0, LOSS_SLOTS);
  }

  /** The last iteration's losses per slot (a readback: for tests and the bench's parity check). */
  async lastLosses(): Promise<Float32Array> {
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(this.S, this.accOff * 4, this.readback, 0, 2 * LOSS_SLOTS * 4);
    this.device.queue.submit([enc.finish()]);
    await this.readback.mapAsync(GPUMapMode.READ);
    const all = new Float32Array(this.readback.getMappedRange().slice(0));
    this.readback.unmap();
    return all.subarray(LOSS_SLOTS);
  }

  /** Wait until the GPU has done what was submitted (back-pressure; not a readback). */
  async drain(): Promise<void> {
    await this.device.queue.onSubmittedWorkDone();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of this.buffers) b.destroy();
    this.buffers.length = 0;
  }

  // ---- tfjs interop ----

  private assertAlive(): void {
    if (this.disposed) throw new Error('fast path was disposed');
  }

  private resource(t: { dataId: object }): GPUBuffer {
    const r = this.backend.tensorMap.get(t.dataId)?.resource;
    if (!r || !(r instanceof GPUBuffer)) throw new Error('fast path: a tensor is not in a GPU buffer');
    return r;
  }

  /** Submit what tfjs has recorded but not submitted, so our copies are ordered after it. */
  private flushTfjs(): void {
    const be = this.backend;
    if (be.commandEncoder) {
      be.endComputePassEncoder();
      be.submitQueue();
    }
  }

  private ensureExclusive(v: Variable): void {
    if (this.backend.refCount(v.dataId) > 1) {
      const copy = tf.tidy(() => tf.add(v, tf.scalar(0)));
      v.assign(copy);
      copy.dispose();
    }
  }

  /**
   * The momentum slot of every variable of every step whose momentum is > 0, with its place in
   * V. tfjs's MomentumOptimizer keeps `accumulations[i]` for the i-th gradient name in the
   * order Object.keys gives for the step's gradients (numeric names sort first), named
   * `${name}/momentum`; with `create`, missing slots are made that way.
   */
  private momentumSlots(optimizers: Partial<Record<StepId, tf.Optimizer>>, create: boolean) {
    const out: Array<{ acc: Variable | null; vOff: number; size: number }> = [];
    for (const s of this.model.steps()) {
      if (!(this.settings[stepKey(s)].momentum > 0)) continue;
      const opt = optimizers[s] as unknown as MomentumSlots | undefined;
      if (!opt) continue;
      const range = this.stepRange[s]!;
      const stepVars = this.model.stepVariables(s);
      const order = Object.keys(Object.fromEntries(stepVars.map((v) => [v.name, 0])));
      if (!opt.accumulations) opt.accumulations = [];
      for (const v of stepVars) {
        const rec = this.vars.find((x) => x.v === v)!;
        // By position, as tfjs uses them (after setOptimizerState the names are another run's).
        const i = order.indexOf(v.name);
        let acc = opt.accumulations[i]?.variable ?? null;
        if (!acc && create) {
          acc = tf.tidy(() => tf.zerosLike(v).variable(false));
          opt.accumulations[i] = { originalName: `${v.name}/momentum`, variable: acc };
        }
        out.push({ acc, vOff: range.vBase + rec.off - range.lo, size: rec.size });
      }
    }
    return out;
  }

  // ---- program building ----

  private writeUniforms(): void {
    // Learning rates and momentum live in the update ops' slots; patch them from the settings.
    for (const prog of this.programs.values()) {
      for (const op of prog.ops) {
        if (op.kernel !== 'update' || !op.step) continue;
        const base = op.slot * UNIFORM_WORDS;
        const { lr, momentum } = this.settings[stepKey(op.step)];
        const f = new Float32Array(this.uniforms.buffer, base * 4, UNIFORM_WORDS);
        f[UPD.lr] = lr;
        f[UPD.mom] = momentum;
        this.uniforms[base + UPD.hasMom] = momentum > 0 ? 1 : 0;
      }
    }
    if (this.U) this.device.queue.writeBuffer(this.U, 0, this.uniforms.buffer, 0, this.uniforms.byteLength);
  }

  /**
   * Record one iteration's dispatches for a batch of n rows. Workspace regions are sized by the
   * full batch, in the same order for every n, so all programs share one layout.
   */
  private buildProgram(n: number, write = false): Program {
    const m = this.model;
    const s = this.settings;
    const B = this.batchSize;
    const d = m.d;
    const K = m.K;
    const cd = m.codeDim;
    const nets = this.nets;
    const ops: Op[] = [];
    const jobs: number[][] = [];
    this.sAlloc = 0;
    this.partAlloc = 0;
    let only: Op['only'];
    const alloc = (words: number) => {
      const o = this.sAlloc;
      this.sAlloc += Math.ceil(words / 64) * 64;
      return o;
    };
    const allocPart = (words: number) => {
      const o = this.partBase + this.partAlloc;
      this.partAlloc += words;
      return o;
    };
    const emit = (kernel: KernelName, x: number, y: number, set: (u: Uint32Array, f: Float32Array) => void, step?: StepId): Op => {
      const slot = this.slotCount++;
      if (write) {
        const u = new Uint32Array(this.uniforms.buffer, slot * UNIFORM_WORDS * 4, UNIFORM_WORDS);
        const f = new Float32Array(this.uniforms.buffer, slot * UNIFORM_WORDS * 4, UNIFORM_WORDS);
        set(u, f);
      }
      const op: Op = { kernel, slot, x, y, only, step };
      ops.push(op);
      return op;
    };
    const rowsOf = (v: View, r: number): View => ({ off: v.off + r * v.ld, ld: v.ld });
    const tiles = (rows: number, cols: number) => [Math.ceil(cols / TILE), Math.ceil(rows / TILE)] as const;

    const fwd = (net: Net, from: number, to: number, input: View, mul: number, last?: View, last2?: View): Trace => {
      const outs: View[] = [];
      let x = input;
      const rows = mul * n;
      for (let i = from; i < to; i++) {
        const L = net.layers[i];
        const out = i === to - 1 && last ? last : { off: alloc(mul * B * L.fout), ld: L.fout };
        const second = i === to - 1 ? last2 : undefined;
        const [tx, ty] = tiles(rows, L.fout);
        const xin = x;
        emit('fwd', tx, ty, (u) => {
          u[MM.M] = rows;
          u[MM.N] = L.fout;
          u[MM.K] = L.fin;
          u[MM.aOff] = xin.off;
          u[MM.lda] = xin.ld;
          u[MM.bOff] = L.w;
          u[MM.ldb] = L.fout;
          u[MM.cOff] = out.off;
          u[MM.ldc] = out.ld;
          u[MM.biasOff] = L.b;
          u[MM.relu] = L.relu ? 1 : 0;
          if (second) {
            u[MM.hasC2] = 1;
            u[MM.c2Off] = second.off;
            u[MM.ldc2] = second.ld;
          }
        });
        outs.push(out);
        x = out;
      }
      return { net, from, to, input, outs, mul };
    };

    /**
     * Backward through a forward trace from dOut (+ dOut2, same ld): weight gradients into G
     * when `dw`; returns the gradient of the trace's input (its first `inputCols` columns, into
     * `inputOut` when given) when inputCols > 0.
     */
    const bwd = (tr: Trace, dOut: View, dw: boolean, inputCols = 0, dOut2?: View, inputOut?: View): View | null => {
      let dz = dOut;
      let dz2 = dOut2;
      const rows = tr.mul * n;
      for (let i = tr.to - 1; i >= tr.from; i--) {
        const L = tr.net.layers[i];
        const Y = tr.outs[i - tr.from];
        const A = i > tr.from ? tr.outs[i - tr.from - 1] : tr.input;
        const dzi = dz;
        const dz2i = dz2;
        if (dw) {
          const [tx, ty] = tiles(L.fin + 1, L.fout);
          const part = allocPart(tx * ty);
          emit('dw', tx, ty, (u) => {
            u[MM.M] = L.fin + 1;
            u[MM.N] = L.fout;
            u[MM.K] = rows;
            u[MM.aOff] = A.off;
            u[MM.lda] = A.ld;
            u[MM.onesRow] = L.fin;
            u[MM.bOff] = dzi.off;
            u[MM.ldb] = dzi.ld;
            if (dz2i) {
              u[MM.hasDz2] = 1;
              u[MM.dz2Off] = dz2i.off;
            }
            u[MM.relu] = L.relu ? 1 : 0;
            u[MM.yOff] = Y.off;
            u[MM.ldy] = Y.ld;
            u[MM.cOff] = L.w;
            u[MM.ldc] = L.fout;
            u[MM.partOff] = part;
          });
        }
        const wantInput = i > tr.from || inputCols > 0;
        if (!wantInput) break;
        const cols = i > tr.from ? L.fin : inputCols;
        const out = i === tr.from && inputOut ? inputOut : { off: alloc(tr.mul * B * cols), ld: cols };
        const [tx, ty] = tiles(rows, cols);
        emit('dx', tx, ty, (u) => {
          u[MM.M] = rows;
          u[MM.N] = cols;
          u[MM.K] = L.fout;
          u[MM.aOff] = dzi.off;
          u[MM.lda] = dzi.ld;
          if (dz2i) {
            u[MM.hasDz2] = 1;
            u[MM.dz2Off] = dz2i.off;
          }
          u[MM.relu] = L.relu ? 1 : 0;
          u[MM.yOff] = Y.off;
          u[MM.ldy] = Y.ld;
          u[MM.bOff] = L.w;
          u[MM.ldb] = L.fout;
          u[MM.cOff] = out.off;
          u[MM.ldc] = out.ld;
        });
        dz = out;
        dz2 = undefined;
      }
      return inputCols > 0 ? dz : null;
    };

    const bce = (logits: View, n1: number, n0: number): { dl: View; part: number } => {
      const dl = { off: alloc(2 * B), ld: 1 };
      const part = alloc(1);
      emit('bce', 1, 1, (u, f) => {
        u[BCE.n1] = n1;
        u[BCE.n0] = n0;
        u[BCE.lOff] = logits.off;
        u[BCE.dOff] = dl.off;
        u[BCE.partOff] = part;
        f[BCE.gscale] = 1;
      });
      return { dl, part };
    };

    interface LossRef {
      part: number;
      count: number;
      scale: number;
      slot: number;
    }
    let stepPartStart = 0;
    const beginStep = () => {
      stepPartStart = this.partBase + this.partAlloc;
    };
    const update = (step: StepId, losses: LossRef[], train = true) => {
      const r = this.stepRange[step]!;
      const count = train ? r.hi - r.lo : 0;
      const normOff = stepPartStart;
      const normCount = this.partBase + this.partAlloc - stepPartStart;
      const clip = step === 1 && s.clipNorm !== null ? s.clipNorm : 0;
      const { lr, momentum } = s[stepKey(step)];
      emit(
        'update',
        Math.max(1, Math.min(Math.ceil(count / WG), 1024)),
        1,
        (u, f) => {
          u[UPD.lo] = r.lo;
          u[UPD.count] = count;
          f[UPD.lr] = lr;
          f[UPD.mom] = momentum;
          u[UPD.hasMom] = momentum > 0 ? 1 : 0;
          f[UPD.clip] = clip;
          u[UPD.normOff] = normOff;
          u[UPD.normCount] = normCount;
          u[UPD.vBase] = r.vBase;
          u[UPD.nLoss] = losses.length;
          losses.forEach((l, j) => {
            u[UPD.loss0 + 4 * j] = l.part;
            u[UPD.loss0 + 4 * j + 1] = l.count;
            f[UPD.loss0 + 4 * j + 2] = l.scale;
            u[UPD.loss0 + 4 * j + 3] = l.slot;
          });
          u[UPD.accOff] = this.accOff;
          u[UPD.lastOff] = this.lastOff;
        },
        step,
      );
    };

    // Input words: row indices [0, B), their labels [B, 2B), then per latent sample j:
    // labels at 2B + j * fakeWords, the latent (n x latentDim floats) right after.
    const fakeLab = (j: number) => 2 * B + j * this.fakeWords;
    const fakeLat = (j: number) => fakeLab(j) + B;
    const job = (kind: number, dst: View, cols: number, src: number) => jobs.push([kind, dst.off, dst.ld, cols, src, 0]);
    const slotCols = (v: View, col: number): View => ({ off: v.off + col, ld: v.ld });
    const cg = nets.codeGenerator ?? null;
    const cgIn = (j: number): View => {
      const v = { off: alloc(B * (this.latentDim + K)), ld: this.latentDim + K };
      job(JOB.copy, v, this.latentDim, fakeLat(j));
      job(JOB.onehot, slotCols(v, this.latentDim), K, fakeLab(j));
      return v;
    };
    /** The code of latent sample j: z itself (M1/M2, copied into `into` or a new region) or CG(z, c). */
    const codeOf = (j: number, into?: View): View => {
      if (cg) {
        const tr = fwd(cg, 0, cg.layers.length, cgIn(j), 1, into);
        traces[`cg${j}`] = tr;
        return tr.outs[tr.outs.length - 1];
      }
      const v = into ?? { off: alloc(B * 2), ld: 2 };
      job(JOB.copy, v, 2, fakeLat(j));
      return v;
    };
    const traces: Record<string, Trace> = {};
    const enc = nets.encoder;
    const dec = nets.decoder;
    const d1 = nets.d1;
    const d2 = nets.d2 ?? null;
    const aux = nets.aux ?? null;
    const E = enc.layers.length;

    // Real rows: x (and, with D2, step 4's stacked D2 input [x | c_x ; dec(code) | c_z]).
    const d2ld = d + K;
    const d2in4 = d2 ? { off: alloc(2 * B * d2ld), ld: d2ld } : null;
    const x: View = d2in4 ? { off: d2in4.off, ld: d2ld } : { off: alloc(B * d), ld: d };
    job(JOB.gather, x, d, 0);
    if (d2in4) job(JOB.onehot, slotCols(d2in4, d), K, B);

    // Step 1: autoencoder.
    beginStep();
    const enc1 = fwd(enc, 0, E, x, 1);
    const dec1 = fwd(dec, 0, dec.layers.length, enc1.outs[E - 1], 1);
    const dxp = { off: alloc(B * d), ld: d };
    const reconPart = alloc(Math.ceil((B * d) / WG));
    const reconScale = s.reconLoss === 'sum' ? 1 / n : 1 / (n * d);
    emit('recon', Math.ceil((n * d) / WG), 1, (u, f) => {
      u[RECON.n] = n;
      u[RECON.d] = d;
      const xp = dec1.outs[dec1.outs.length - 1];
      u[RECON.xpOff] = xp.off;
      u[RECON.ldxp] = xp.ld;
      u[RECON.xOff] = x.off;
      u[RECON.ldx] = x.ld;
      u[RECON.dyOff] = dxp.off;
      f[RECON.gscale] = reconScale;
      u[RECON.partOff] = reconPart;
    });
    const dcode1 = bwd(dec1, dxp, true, cd)!;
    bwd(enc1, dcode1, true);
    update(1, [{ part: reconPart, count: Math.ceil((n * d) / WG), scale: reconScale, slot: 0 }]);

    // Step 2: D1 on [prior code | c_z ; enc(x) | c_x], 2n rows.
    beginStep();
    const d1ld = cd + K;
    const d1in = { off: alloc(2 * B * d1ld), ld: d1ld };
    const encHalf = rowsOf(d1in, n);
    job(JOB.onehot, slotCols(d1in, cd), K, fakeLab(0));
    job(JOB.onehot, slotCols(encHalf, cd), K, B);
    codeOf(0, { off: d1in.off, ld: d1ld });
    const enc2 = fwd(enc, 0, E, x, 1, { off: encHalf.off, ld: d1ld });
    const d1f = fwd(d1, 0, d1.layers.length, d1in, 2);
    const l2 = bce(d1f.outs[d1f.outs.length - 1], n, n);
    bwd(d1f, l2.dl, true);
    update(2, [{ part: l2.part, count: 1, scale: 1, slot: 1 }]);

    // Step 3: the encoder fools D1 (its forward from step 2 still holds: step 2 moved D1 only).
    beginStep();
    const d1e = fwd(d1, 0, d1.layers.length, encHalf, 1);
    const l3 = bce(d1e.outs[d1e.outs.length - 1], n, 0);
    const dcode3 = bwd(d1e, l3.dl, false, cd)!;
    bwd(enc2, dcode3, true);
    update(3, [{ part: l3.part, count: 1, scale: 1, slot: 2 }]);

    if (d2 && d2in4) {
      // Step 4: D2 on [x | c_x ; dec(code) | c_z], 2n rows; the balance rule picks train or evaluate.
      beginStep();
      const fakeHalf = rowsOf(d2in4, n);
      job(JOB.onehot, slotCols(fakeHalf, d), K, fakeLab(1));
      const code4 = codeOf(1);
      fwd(dec, 0, dec.layers.length, code4, 1, { off: fakeHalf.off, ld: d2ld });
      const d2f = fwd(d2, 0, d2.layers.length, d2in4, 2);
      const l4 = bce(d2f.outs[d2f.outs.length - 1], n, n);
      const loss4 = { part: l4.part, count: 1, scale: 1, slot: 3 };
      only = 'd2train';
      bwd(d2f, l4.dl, true);
      update(4, [loss4]);
      only = 'd2eval';
      update(4, [loss4], false);
      only = undefined;

      // Step 5: the decoder (M3: and CG) fools D2; with AUX, + λ·CE(AUX(dec(code)), c).
      beginStep();
      const T = d2.layers.length - 1; // the trunk is D2's layers but the last
      const d2in5 = { off: alloc((aux ? 2 : 1) * B * d2ld), ld: d2ld };
      job(JOB.onehot, slotCols(d2in5, d), K, fakeLab(2));
      const code5 = codeOf(2);
      // With AUX, rows [n, 2n) hold dec(code) with a zeroed one-hot slot (AUX must not see c).
      const auxHalf = rowsOf(d2in5, n);
      if (aux) job(JOB.zero, slotCols(auxHalf, d), K, 0);
      const dec5 = fwd(dec, 0, dec.layers.length, code5, 1, { off: d2in5.off, ld: d2ld }, aux ? { off: auxHalf.off, ld: d2ld } : undefined);
      let dcode5: View | null;
      const cgCols = cg ? cd : 0;
      if (!aux) {
        const d2g = fwd(d2, 0, d2.layers.length, d2in5, 1);
        const l5 = bce(d2g.outs[d2g.outs.length - 1], n, 0);
        const dxf = bwd(d2g, l5.dl, false, d)!;
        dcode5 = bwd(dec5, dxf, true, cgCols);
        if (cg) bwd(traces.cg2, dcode5!, true);
        update(5, [{ part: l5.part, count: 1, scale: 1, slot: 4 }]);
      } else {
        const an = nets.aux!;
        const trunk = fwd(d2, 0, T, d2in5, 2);
        const trunkOut = trunk.outs[T - 1];
        const tw = d2.layers[T].fin;
        const gl = fwd(d2, T, T + 1, trunkOut, 1);
        const al = fwd(an, 0, an.layers.length, rowsOf(trunkOut, n), 1);
        const l5 = bce(gl.outs[0], n, 0);
        const dal = { off: alloc(B * K), ld: K };
        const auxPart = alloc(1);
        const alOut = al.outs[al.outs.length - 1];
        emit('ce', 1, 1, (u, f) => {
          u[CE.n] = n;
          u[CE.K] = K;
          u[CE.lOff] = alOut.off;
          u[CE.tOff] = d2in5.off + d;
          u[CE.ldt] = d2ld;
          u[CE.dOff] = dal.off;
          u[CE.partOff] = auxPart;
          f[CE.gscale] = s.lambda;
        });
        const dTrunk = { off: alloc(2 * B * tw), ld: tw };
        bwd(gl, l5.dl, false, tw, undefined, dTrunk);
        bwd(al, dal, true, tw, undefined, rowsOf(dTrunk, n));
        const dxx = bwd(trunk, dTrunk, false, d)!;
        dcode5 = bwd(dec5, { off: dxx.off, ld: d }, true, cgCols, { off: dxx.off + n * d, ld: d });
        if (cg) bwd(traces.cg2, dcode5!, true);
        update(5, [
          { part: l5.part, count: 1, scale: 1, slot: 4 },
          { part: auxPart, count: 1, scale: 1, slot: 5 },
        ]);
      }
    }

    // The batch preparation runs first; its jobs were collected above.
    if (jobs.length > PREP.maxJobs) throw new Error(`fast path: ${jobs.length} preparation jobs (max ${PREP.maxJobs})`);
    const maxCols = Math.max(d, K, this.latentDim);
    const threads = n * maxCols;
    const wgs = Math.ceil(threads / WG);
    const px = Math.min(wgs, 65535);
    const prep = emit('prep', px, Math.ceil(wgs / px), (u) => {
      u[PREP.nJobs] = jobs.length;
      u[PREP.n] = n;
      u[PREP.maxCols] = maxCols;
      u[PREP.d] = d;
      jobs.forEach((jb, j) => jb.forEach((w, k) => (u[PREP.jobs + j * PREP.jobWords + k] = w)));
    });
    ops.pop();
    ops.unshift(prep);
    return { n, ops };
  }
}
