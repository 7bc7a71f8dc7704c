/**
 * The training loop the worker drives: one epoch at a time, resumable mid-epoch, seeded,
 * with a divergence guard and per-epoch train/validation losses (SPEC, issue 4).
 *
 *   const t = createTrainer(train, val, settings);   // raw units in; z-scored inside
 *   const r = await t.runEpoch({ onBatch, shouldStop });
 *   if ('diverged' in r) ... else if ('cancelled' in r) ... else r.train.recon ...
 *   const { features, labels } = await t.generate(6000);   // raw units out
 *   t.dispose();
 *
 * Loss keys (those that apply to the model): recon (per-element squared error of the
 * standardised features, whatever step 1's objective is: 1.0 = predicting the mean), d1,
 * enc_adv, d2, gen, aux. Each is the mean over the epoch's mini-batches. In epochs (or batches)
 * where the balance rule skips step 4, d2 is still evaluated on the batch (no update) so the
 * curve has no holes.
 *
 * Every tensor made here is disposed: tf.memory().numTensors is the same after every epoch
 * from the second on and back to where it was before createTrainer after dispose().
 */
import { tf, type Scalar, type Tensor, type Tensor2D, type Variable } from '../tf';
import type { Dataset } from '../data/dataset';
import { applyStandardisation, fitStandardisation, undoStandardisation, type Standardisation } from '../data/standardise';
import { createModel } from '../models/index';
import type { GanModel, StepId } from '../models/ganModel';
import { GpuFastPath } from '../gpu/fastPath';
import { deriveSeed, Rng, type RngState } from './rng';
import { STEP_KEYS, validateSettings, type StepKey, type StepOptimizerSettings, type TrainSettings } from './settings';
import {
  createOptimizers,
  d1Loss,
  d2Loss,
  disposeOptimizer,
  disposeOptimizers,
  encAdvLoss,
  generatorLosses,
  reconLoss,
  setOptimizerLearningRate,
  step1,
  step2,
  step3,
  step4,
  step5,
  type FakeBatch,
  type RealBatch,
  type StepOptimizers,
} from './trainStep';

export type LossKey = 'recon' | 'd1' | 'enc_adv' | 'd2' | 'gen' | 'aux';

/** The step whose loss each key is. */
export const LOSS_STEP: Record<LossKey, StepId> = { recon: 1, d1: 2, enc_adv: 3, d2: 4, gen: 5, aux: 5 };

export interface EpochLosses {
  /** 1-based number of the epoch. */
  epoch: number;
  train: Record<string, number>;
  val: Record<string, number> | null;
  /** Wall time of the epoch (training + validation scoring), pauses excluded. */
  ms: number;
}

export interface DivergedResult {
  diverged: { step: string; loss: string; epoch: number; message: string };
}

export interface CancelledResult {
  cancelled: true;
  /** Batches of the current epoch done so far; the next runEpoch continues from there. */
  batch: number;
  batches: number;
}

export type EpochResult = EpochLosses | DivergedResult | CancelledResult;

export interface RunEpochOptions {
  /** Called after each mini-batch (1-based batch, batches per epoch). */
  onBatch?: (batch: number, batches: number) => void;
  /** Checked between mini-batches; true stops the epoch (resumable). */
  shouldStop?: () => boolean;
  /** Yield to the event loop every this many batches (default 1). */
  yieldEvery?: number;
  /**
   * Called after each mini-batch with its losses (lossKeys order, step 1 as optimised, i.e.
   * before reportValue). For parity tests and the GPU bench: on the fast path this costs a
   * readback per batch.
   */
  onBatchLosses?: (losses: Float32Array) => void;
}

/**
 * How the trainer trains. 'auto' (default): the fast WebGPU path (src/compute/gpu, issue #12)
 * whenever tfjs runs on WebGPU, the plain tfjs path otherwise or if the fast path cannot be
 * built; 'plain': always plain tfjs ops.
 */
export interface TrainerOptions {
  path?: 'auto' | 'plain';
}

export type LearningRateUpdate = Partial<Record<StepKey, Partial<StepOptimizerSettings>>>;

/** Plain data to resume a run later together with getWeights(). */
export interface TrainerState {
  settings: TrainSettings;
  epoch: number;
  history: EpochLosses[];
  trainRng: RngState;
  generateRng: RngState;
}

/** One optimizer variable (a momentum velocity), copied out. */
export interface OptimizerSlotState {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** One step's optimizer as plain data. */
export interface StepOptimizerState {
  kind: 'sgd' | 'momentum';
  /** Updates applied so far (tfjs's iteration counter). */
  iterations: number;
  /** Momentum velocities in the optimizer's own (variable) order; empty for SGD or before the first update. */
  slots: OptimizerSlotState[];
}

/** Per step (step1..step5, those the model trains): its optimizer's state. */
export type OptimizerState = Partial<Record<StepKey, StepOptimizerState>>;

interface PartialEpoch {
  order: Int32Array;
  batch: number;
  sums: Float64Array;
  ms: number;
}

const STEP_NAMES: Record<StepId, string> = {
  1: 'step 1 (autoencoder reconstruction)',
  2: 'step 2 (D1, code discriminator)',
  3: 'step 3 (encoder vs D1)',
  4: 'step 4 (D2, data discriminator)',
  5: 'step 5 (generator vs D2)',
};

const yieldToEventLoop = () => new Promise<void>((r) => setTimeout(r, 0));

export class Trainer {
  readonly model: GanModel;
  readonly standardisation: Standardisation;
  readonly classNames: string[];
  readonly featureNames: string[];
  readonly d: number;
  readonly K: number;
  /** Completed epochs. */
  epoch = 0;
  readonly history: EpochLosses[] = [];
  readonly lossKeys: LossKey[];

  private settingsValue: TrainSettings;
  private optimizers: StepOptimizers;
  private readonly trainX: Tensor2D;
  private readonly trainC: Tensor2D;
  private readonly nTrain: number;
  private readonly valX: Tensor2D | null;
  private readonly valC: Tensor2D | null;
  private readonly nVal: number;
  private readonly trainRng: Rng;
  private generateRng: Rng;
  private readonly vars: Array<[string, Variable]>;
  private snapshot: Tensor[] = [];
  private partial: PartialEpoch | null = null;
  private disposed = false;
  private readonly trainLabels: Int32Array;
  private fast: GpuFastPath | null = null;
  /** Why the fast path is not used (null when it is). */
  readonly fastPathNote: string | null;

  constructor(train: Dataset, val: Dataset | null, settings: TrainSettings, options: TrainerOptions = {}) {
    const errs = validateSettings(settings);
    if (errs.length) throw new Error(`invalid settings: ${errs.join('; ')}`);
    if (train.n < 1) throw new Error('the training split is empty');
    if (val && val.d !== train.d) throw new Error(`validation width ${val.d} differs from training width ${train.d}`);
    this.settingsValue = structuredClone(settings);
    this.d = train.d;
    this.K = train.classNames.length;
    this.classNames = train.classNames.slice();
    this.featureNames = train.featureNames.slice();
    this.standardisation = fitStandardisation(train);
    const seed = settings.seed;
    this.model = createModel(settings, this.d, this.K, deriveSeed(seed, 'init'));
    this.lossKeys = ['recon', 'd1', 'enc_adv'];
    if (this.model.d2) this.lossKeys.push('d2', 'gen');
    if (this.model.aux) this.lossKeys.push('aux');
    this.optimizers = createOptimizers(this.model, this.settingsValue);
    this.nTrain = train.n;
    const trainZ = applyStandardisation(train.features, this.standardisation);
    this.trainX = tf.tensor2d(trainZ, [train.n, this.d]);
    this.trainLabels = Int32Array.from(train.labels);
    this.trainC = this.model.oneHot(train.labels);
    if (val && val.n > 0) {
      this.nVal = val.n;
      this.valX = tf.tensor2d(applyStandardisation(val.features, this.standardisation), [val.n, this.d]);
      this.valC = this.model.oneHot(val.labels);
    } else {
      this.nVal = 0;
      this.valX = null;
      this.valC = null;
    }
    this.trainRng = new Rng(deriveSeed(seed, 'train'));
    this.generateRng = new Rng(deriveSeed(seed, 'generate'));
    this.vars = this.model.namedVariables();
    let note: string | null = null;
    if (options.path === 'plain') note = 'plain tfjs path requested';
    else if (tf.getBackend() !== 'webgpu') note = `backend ${tf.getBackend()} (the fast path needs WebGPU)`;
    else {
      try {
        this.fast = new GpuFastPath({ model: this.model, trainX: trainZ, nTrain: train.n, settings: this.settingsValue });
      } catch (e) {
        // Fallback: the plain tfjs path trains the same model.
        note = `fast path unavailable: ${(e as Error).message}`;
        this.fast = null;
      }
    }
    this.fastPathNote = note;
    this.takeSnapshot();
  }

  /** Which path trains: 'fast' (WebGPU kernels, src/compute/gpu) or 'plain' (tfjs ops). */
  get path(): 'fast' | 'plain' {
    return this.fast ? 'fast' : 'plain';
  }

  /** The fast path's dispatches per iteration (with / without the D2 update), or null. */
  get fastDispatches(): { d2train: number; d2eval: number } | null {
    return this.fast ? { ...this.fast.dispatchesPerIteration } : null;
  }

  /** A copy of the settings in force (learning rates included). */
  get settings(): TrainSettings {
    return structuredClone(this.settingsValue);
  }

  get codeDim(): number {
    return this.model.codeDim;
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.nTrain / this.settingsValue.batchSize);
  }

  /** Whether the current epoch is in the middle (a runEpoch was stopped). */
  get inEpoch(): boolean {
    return this.partial !== null;
  }

  /** Change learning rates / momentum; used from the next mini-batch on (e.g. while paused). */
  setLearningRates(update: LearningRateUpdate): void {
    for (const key of STEP_KEYS) {
      const u = update[key];
      if (!u) continue;
      const cur = this.settingsValue[key];
      const next = { lr: u.lr ?? cur.lr, momentum: u.momentum ?? cur.momentum };
      if (!(next.lr > 0 && Number.isFinite(next.lr))) throw new Error(`${key}: learning rate must be > 0`);
      if (!(next.momentum >= 0 && next.momentum < 1)) throw new Error(`${key}: momentum must be in [0, 1)`);
      this.settingsValue[key] = next;
      const step = Number(key.slice(4)) as StepId;
      const opt = this.optimizers[step];
      if (!opt) continue;
      if (next.momentum !== cur.momentum) {
        // A different momentum needs a new optimizer (its velocity starts at zero).
        disposeOptimizer(opt);
        this.optimizers[step] = next.momentum > 0 ? tf.train.momentum(next.lr, next.momentum) : tf.train.sgd(next.lr);
      } else {
        setOptimizerLearningRate(opt, next.lr);
      }
    }
  }

  /** Run (or continue) one epoch: steps 1-5 per mini-batch, then the validation scores. */
  async runEpoch(opts: RunEpochOptions = {}): Promise<EpochResult> {
    this.assertAlive();
    const s = this.settingsValue;
    const B = s.batchSize;
    const batches = this.batchesPerEpoch;
    const keys = this.lossKeys;
    if (!this.partial) {
      this.partial = { order: this.trainRng.permutation(this.nTrain), batch: 0, sums: new Float64Array(keys.length), ms: 0 };
    }
    const p = this.partial;
    if (this.fast) return this.runEpochFast(p, opts);
    const yieldEvery = Math.max(1, opts.yieldEvery ?? 1);
    let t0 = performance.now();
    while (p.batch < batches) {
      if (opts.shouldStop?.()) {
        p.ms += performance.now() - t0;
        return { cancelled: true, batch: p.batch, batches };
      }
      const rows = p.order.subarray(p.batch * B, Math.min(this.nTrain, (p.batch + 1) * B));
      const runD2 = s.d2RatioMode === 'epoch' ? this.epoch % s.d2Ratio === 0 : p.batch % s.d2Ratio === 0;
      const lossT = this.trainBatch(rows, runD2);
      const vals = await lossT.data();
      lossT.dispose();
      opts.onBatchLosses?.(Float32Array.from(vals as Float32Array));
      for (let i = 0; i < keys.length; i++) {
        if (!Number.isFinite(vals[i])) {
          p.ms = 0;
          return this.diverge(LOSS_STEP[keys[i]], keys[i], `became ${vals[i]} at batch ${p.batch + 1} of ${batches}`);
        }
        p.sums[i] += vals[i];
      }
      p.batch++;
      opts.onBatch?.(p.batch, batches);
      if (p.batch % yieldEvery === 0 || p.batch === batches) {
        p.ms += performance.now() - t0;
        await yieldToEventLoop();
        t0 = performance.now();
      }
    }
    return this.finishEpoch(p, t0);
  }

  /**
   * The fast path's epoch (src/compute/gpu/fastPath.ts): the same batches, the same random
   * draws in the same order, one submit per batch; losses are summed on the GPU and read once,
   * at the end or when stopped. A non-finite loss is therefore seen at the end of the epoch
   * (not at its batch); the guard then restores the last good epoch as on the plain path.
   */
  private async runEpochFast(p: PartialEpoch, opts: RunEpochOptions): Promise<EpochResult> {
    const fast = this.fast!;
    const s = this.settingsValue;
    const B = s.batchSize;
    const batches = this.batchesPerEpoch;
    const keys = this.lossKeys;
    const m = this.model;
    fast.beginEpoch(this.optimizers, s);
    const labels = new Int32Array(B);
    let t0 = performance.now();
    let lastYield = t0;
    const collect = async () => {
      const sums = await fast.endEpoch(this.optimizers);
      for (let i = 0; i < keys.length; i++) p.sums[i] += sums[i];
    };
    while (p.batch < batches) {
      if (opts.shouldStop?.()) {
        await collect();
        p.ms += performance.now() - t0;
        return { cancelled: true, batch: p.batch, batches };
      }
      const rows = p.order.subarray(p.batch * B, Math.min(this.nTrain, (p.batch + 1) * B));
      const n = rows.length;
      const runD2 = s.d2RatioMode === 'epoch' ? this.epoch % s.d2Ratio === 0 : p.batch % s.d2Ratio === 0;
      for (let i = 0; i < n; i++) labels[i] = this.trainLabels[rows[i]];
      // The plain path draws step 2's, then step 4's and step 5's samples from trainRng.
      const fakes = [m.sampleLatent(n, this.trainRng)];
      if (m.d2) fakes.push(m.sampleLatent(n, this.trainRng), m.sampleLatent(n, this.trainRng));
      fast.iteration(rows, labels.subarray(0, n), fakes, runD2);
      if (opts.onBatchLosses) opts.onBatchLosses((await fast.lastLosses()).slice(0, keys.length));
      p.batch++;
      opts.onBatch?.(p.batch, batches);
      // Yield (for pause and progress) at most every ~16 ms, waiting for the GPU to catch up
      // (back-pressure, not a readback).
      const now = performance.now();
      if (now - lastYield > 16 && p.batch < batches) {
        p.ms += now - t0;
        await fast.drain();
        await yieldToEventLoop();
        t0 = lastYield = performance.now();
      }
    }
    await collect();
    for (let i = 0; i < keys.length; i++) {
      if (!Number.isFinite(p.sums[i])) {
        p.ms = 0;
        return this.diverge(LOSS_STEP[keys[i]], keys[i], `became ${p.sums[i]} during the epoch (batch losses are summed on the GPU and checked once per epoch)`);
      }
    }
    return this.finishEpoch(p, t0);
  }

  /** After the last batch: the weight check, the validation scores, the epoch's record. */
  private async finishEpoch(p: PartialEpoch, t0: number): Promise<EpochResult> {
    const s = this.settingsValue;
    const batches = this.batchesPerEpoch;
    const keys = this.lossKeys;
    // Weights: a non-finite weight with finite losses can still happen (e.g. an overflow in the
    // last update); find the part it is in.
    const bad = await this.nonFiniteParts();
    if (bad.length) {
      const stepOf: Record<string, StepId> = { encoder: 1, decoder: 1, d1: 2, d2: 4, codeGenerator: 5, aux: 5 };
      return this.diverge(stepOf[bad[0]] ?? 1, `weights of ${bad.join(', ')}`, 'became non-finite');
    }
    const train: Record<string, number> = {};
    keys.forEach((k, i) => (train[k] = this.reportValue(k, p.sums[i] / batches)));
    let val: Record<string, number> | null = null;
    if (this.valX && this.valC) {
      val = await this.scoreValidation(deriveSeed(s.seed, `val:${this.epoch}`));
      const badKey = keys.find((k) => !Number.isFinite(val![k]));
      if (badKey) return this.diverge(LOSS_STEP[badKey], badKey, 'became non-finite on the validation split');
    }
    p.ms += performance.now() - t0;
    this.epoch++;
    const rec: EpochLosses = { epoch: this.epoch, train, val, ms: p.ms };
    this.history.push(rec);
    this.partial = null;
    this.takeSnapshot();
    return rec;
  }

  /**
   * n synthetic rows, balanced over classes (row i has class i mod K), in the input's units
   * (standardisation undone). `seed` makes the draw reproducible; without it the trainer's own
   * generation stream moves on.
   */
  async generate(n: number, seed?: number): Promise<{ features: Float32Array; labels: Int32Array }> {
    this.assertAlive();
    const rng = seed === undefined ? this.generateRng : new Rng(seed);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) labels[i] = i % this.K;
    const out = new Float32Array(n * this.d);
    const chunk = 512;
    for (let o = 0; o < n; o += chunk) {
      const m = Math.min(chunk, n - o);
      const lat = this.model.sampleLatent(m, rng, labels.subarray(o, o + m));
      const t = tf.tidy(() => {
        const cz = this.model.oneHot(lat.labels);
        const latent = tf.tensor2d(lat.latent, [m, lat.latentDim]);
        return this.model.decode(this.model.latentToCode(latent, cz));
      });
      out.set((await t.data()) as Float32Array, o * this.d);
      t.dispose();
    }
    return { features: undoStandardisation(out, this.standardisation), labels };
  }

  /**
   * Codes of n rows (n x codeDim: M1/M2 2-D, M3 the 256-D code at width scale 1). Rows are in
   * the input's units and are z-scored with the training split's statistics first, unless
   * `normalised` says they already are.
   */
  async encode(features: Float32Array, n: number, opts: { normalised?: boolean } = {}): Promise<Float32Array> {
    this.assertAlive();
    if (features.length !== n * this.d) throw new Error(`encode: expected ${n} x ${this.d} values, got ${features.length}`);
    const z = opts.normalised ? features : applyStandardisation(features, this.standardisation);
    const cd = this.codeDim;
    const out = new Float32Array(n * cd);
    const chunk = 512;
    for (let o = 0; o < n; o += chunk) {
      const m = Math.min(chunk, n - o);
      const t = tf.tidy(() => this.model.encode(tf.tensor2d(z.subarray(o * this.d, (o + m) * this.d), [m, this.d])));
      out.set((await t.data()) as Float32Array, o * cd);
      t.dispose();
    }
    return out;
  }

  /**
   * n codes drawn the way the generator draws them, balanced over classes: M1/M2 from the
   * mixture prior, M3 through the code generator CG(z, c). For the code-space picture.
   */
  async sampleCodes(n: number, seed: number): Promise<{ codes: Float32Array; labels: Int32Array }> {
    this.assertAlive();
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) labels[i] = i % this.K;
    const lat = this.model.sampleLatent(n, new Rng(seed), labels);
    const t = tf.tidy(() => this.model.latentToCode(tf.tensor2d(lat.latent, [n, lat.latentDim]), this.model.oneHot(lat.labels)));
    const codes = (await t.data()) as Float32Array;
    t.dispose();
    return { codes, labels };
  }

  /**
   * AUX's class prediction (argmax) for rows in the input's units (models with AUX only).
   * `slotLabels` fills the one-hot slot of the AUX path's input, which the model zeroes (the
   * no-leak rule): predictions must not depend on it.
   */
  async auxPredict(features: Float32Array, n: number, opts: { normalised?: boolean; slotLabels?: Int32Array } = {}): Promise<Int32Array> {
    this.assertAlive();
    if (!this.model.aux) throw new Error(`${this.model.kind} has no AUX head`);
    const z = opts.normalised ? features : applyStandardisation(features, this.standardisation);
    const t = tf.tidy(() => {
      const x = tf.tensor2d(z, [n, this.d]);
      const slot = opts.slotLabels ? this.model.oneHot(opts.slotLabels) : undefined;
      return tf.argMax(this.model.auxLogits(x, slot), 1);
    });
    const r = Int32Array.from(await t.data());
    t.dispose();
    return r;
  }

  /** All weights by stable name (`encoder/0/W`, ...), copied out. */
  async getWeights(): Promise<Record<string, Float32Array>> {
    this.assertAlive();
    const w: Record<string, Float32Array> = {};
    for (const [name, v] of this.vars) w[name] = Float32Array.from((await v.data()) as Float32Array);
    return w;
  }

  /** Load weights saved by getWeights (same model, d, K and width scale). Becomes the last good snapshot. */
  setWeights(w: Record<string, Float32Array>): void {
    this.assertAlive();
    for (const [name, v] of this.vars) {
      const a = w[name];
      if (!a) throw new Error(`setWeights: missing ${name}`);
      if (a.length !== v.size) throw new Error(`setWeights: ${name} has ${a.length} values, expected ${v.size}`);
    }
    for (const [name, v] of this.vars) tf.tidy(() => v.assign(tf.tensor(w[name], v.shape)));
    this.takeSnapshot();
  }

  /** Plain-data state for a checkpoint (with getWeights). Optimizer velocities are not kept. */
  getState(): TrainerState {
    return {
      settings: this.settings,
      epoch: this.epoch,
      history: structuredClone(this.history),
      trainRng: this.trainRng.getState(),
      generateRng: this.generateRng.getState(),
    };
  }

  /** Restore epoch counter, history and random streams saved by getState (weights: setWeights). */
  setState(st: TrainerState): void {
    this.assertAlive();
    this.epoch = st.epoch;
    this.history.length = 0;
    this.history.push(...structuredClone(st.history));
    this.trainRng.setState(st.trainRng);
    this.generateRng.setState(st.generateRng);
    this.partial = null;
    this.setLearningRates({ step1: st.settings.step1, step2: st.settings.step2, step3: st.settings.step3, step4: st.settings.step4, step5: st.settings.step5 });
  }

  /**
   * The optimizers' own state, as plain data, for an exact resume (with getWeights + getState):
   * per step, the iteration count and the momentum velocities (plain SGD has none). Take it
   * between epochs (not while inEpoch), like getState.
   */
  async getOptimizerState(): Promise<OptimizerState> {
    this.assertAlive();
    const out: OptimizerState = {};
    for (const step of this.model.steps()) {
      const opt = this.optimizers[step];
      if (!opt) continue;
      const named = await opt.getWeights();
      // The first entry is a fresh iterations scalar made for us; the rest are the optimizer's own variables.
      const iterations = (await named[0].tensor.data())[0];
      named[0].tensor.dispose();
      const slots: OptimizerSlotState[] = [];
      for (const nt of named.slice(1)) {
        slots.push({ name: nt.name, shape: nt.tensor.shape.slice(), values: Float32Array.from((await nt.tensor.data()) as Float32Array) });
      }
      out[`step${step}` as StepKey] = { kind: opt.getClassName() === 'Momentum' ? 'momentum' : 'sgd', iterations, slots };
    }
    return out;
  }

  /**
   * Restore what getOptimizerState returned (same model and the same momentum > 0 / = 0 choice
   * per step as the settings in force; call after setState, which may rebuild optimizers).
   * Each step's optimizer is rebuilt with the current learning rate and momentum, then loaded.
   */
  async setOptimizerState(st: OptimizerState): Promise<void> {
    this.assertAlive();
    for (const step of this.model.steps()) {
      const key = `step${step}` as StepKey;
      const saved = st[key];
      if (!saved) continue;
      const { lr, momentum } = this.settingsValue[key];
      const kind = momentum > 0 ? 'momentum' : 'sgd';
      if (saved.kind !== kind) throw new Error(`setOptimizerState: ${key} was saved as ${saved.kind}, but the settings make it ${kind}`);
      if (kind === 'sgd' && saved.slots.length) throw new Error(`setOptimizerState: ${key} (plain SGD) cannot hold ${saved.slots.length} slots`);
      for (const sl of saved.slots) {
        const size = sl.shape.reduce((a, b) => a * b, 1);
        if (sl.values.length !== size) throw new Error(`setOptimizerState: ${key} slot ${sl.name} has ${sl.values.length} values, shape says ${size}`);
      }
      const old = this.optimizers[step];
      if (old) disposeOptimizer(old);
      const opt = kind === 'momentum' ? tf.train.momentum(lr, momentum) : tf.train.sgd(lr);
      this.optimizers[step] = opt;
      const tensors = [
        { name: 'iter', tensor: tf.scalar(saved.iterations, 'int32') as Tensor },
        ...saved.slots.map((sl) => ({ name: sl.name, tensor: tf.tensor(sl.values, sl.shape, 'float32') as Tensor })),
      ];
      // The optimizer's variables take their own reference to the data; ours can go.
      await opt.setWeights(tensors);
      for (const t of tensors) t.tensor.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeOptimizers(this.optimizers);
    this.optimizers = {};
    this.fast?.dispose();
    this.fast = null;
    for (const t of this.snapshot) t.dispose();
    this.snapshot = [];
    this.trainX.dispose();
    this.trainC.dispose();
    this.valX?.dispose();
    this.valC?.dispose();
    this.model.dispose();
  }

  // ---- internals ----

  private assertAlive(): void {
    if (this.disposed) throw new Error('trainer was disposed');
  }

  /** Losses as reported: recon per element (1.0 = predicting the mean) whatever step 1 optimises. */
  private reportValue(key: LossKey, v: number): number {
    return key === 'recon' && this.settingsValue.reconLoss === 'sum' ? v / this.d : v;
  }

  private fakeBatch(n: number, rng: Rng): FakeBatch {
    const lat = this.model.sampleLatent(n, rng);
    return { latent: tf.tensor2d(lat.latent, [n, lat.latentDim]), cz: this.model.oneHot(lat.labels) };
  }

  /** One mini-batch of steps 1-5; returns the losses in lossKeys order (a 1-D tensor). */
  private trainBatch(rows: Int32Array, runD2: boolean): Tensor {
    const s = this.settingsValue;
    const m = this.model;
    const o = this.optimizers;
    return tf.tidy(() => {
      const idx = tf.tensor1d(rows, 'int32');
      const real: RealBatch = { x: tf.gather(this.trainX, idx) as Tensor2D, cx: tf.gather(this.trainC, idx) as Tensor2D };
      const n = rows.length;
      const out: Scalar[] = [];
      out.push(step1(m, o[1]!, real, s));
      out.push(step2(m, o[2]!, real, this.fakeBatch(n, this.trainRng)));
      out.push(step3(m, o[3]!, real));
      if (m.d2) {
        const fake4 = this.fakeBatch(n, this.trainRng);
        out.push(runD2 ? step4(m, o[4]!, real, fake4) : d2Loss(m, real, fake4));
        const g = step5(m, o[5]!, this.fakeBatch(n, this.trainRng), s.lambda);
        out.push(g.gen);
        if (g.aux) out.push(g.aux);
        const stacked = tf.stack(out);
        // step5 keeps gen/aux past its gradient scope; tidy does not free kept tensors.
        g.gen.dispose();
        g.aux?.dispose();
        return stacked;
      }
      return tf.stack(out);
    });
  }

  /** The same losses on the validation split, no updates; batch means. */
  private async scoreValidation(seed: number): Promise<Record<string, number>> {
    const rng = new Rng(seed);
    const s = this.settingsValue;
    const B = s.batchSize;
    const keys = this.lossKeys;
    const batches = Math.ceil(this.nVal / B);
    const sums = new Float64Array(keys.length);
    for (let b = 0; b < batches; b++) {
      const lo = b * B;
      const n = Math.min(this.nVal, lo + B) - lo;
      const t = tf.tidy(() => {
        const real: RealBatch = { x: tf.slice(this.valX!, [lo, 0], [n, this.d]), cx: tf.slice(this.valC!, [lo, 0], [n, this.K]) };
        const m = this.model;
        const out: Scalar[] = [reconLoss(m, real.x, s.reconLoss), d1Loss(m, real, this.fakeBatch(n, rng)), encAdvLoss(m, real)];
        if (m.d2) {
          out.push(d2Loss(m, real, this.fakeBatch(n, rng)));
          const g = generatorLosses(m, this.fakeBatch(n, rng));
          out.push(g.gen);
          if (g.aux) out.push(g.aux);
        }
        return tf.stack(out);
      });
      const v = await t.data();
      t.dispose();
      for (let i = 0; i < keys.length; i++) sums[i] += v[i];
      if (b % 4 === 3) await yieldToEventLoop();
    }
    const r: Record<string, number> = {};
    keys.forEach((k, i) => (r[k] = this.reportValue(k, sums[i] / batches)));
    return r;
  }

  /** Names of the model parts with a non-finite weight (one read-back). */
  private async nonFiniteParts(): Promise<string[]> {
    const parts = this.model.parts();
    const t = tf.tidy(() =>
      tf.stack(parts.map((p) => tf.min(tf.stack(p.variables().map((v) => tf.min(tf.cast(tf.isFinite(v), 'float32'))))))),
    );
    const flags = await t.data();
    t.dispose();
    return parts.filter((_, i) => flags[i] < 1).map((p) => p.name);
  }

  private takeSnapshot(): void {
    for (const t of this.snapshot) t.dispose();
    // The fast path copies its weights into the variables' own buffers at the end of an epoch,
    // so the snapshot must not share them (tf.clone would): take real copies then.
    this.snapshot = this.vars.map(([, v]) => (this.fast ? tf.tidy(() => tf.add(v, tf.scalar(0))) : tf.clone(v)));
  }

  /** Restore the last good epoch's weights, reset optimizers and the partial epoch. */
  private diverge(step: StepId, loss: string, what: string): DivergedResult {
    this.vars.forEach(([, v], i) => v.assign(this.snapshot[i]));
    disposeOptimizers(this.optimizers);
    this.optimizers = createOptimizers(this.model, this.settingsValue);
    this.partial = null;
    const key = `step${step}` as StepKey;
    const lr = this.settingsValue[key].lr;
    const clipHint = this.settingsValue.clipNorm === null ? '; turning step 1\'s gradient clip back on may also help' : '';
    // A loss is computed before its own step's update but after the earlier steps of the same
    // batch, so a step that ran before it may be the cause: name those too.
    const earlier = this.model
      .steps()
      .filter((k) => k < step)
      .map((k) => `step${k} (${this.settingsValue[`step${k}` as StepKey].lr})`);
    const message =
      `Training diverged in epoch ${this.epoch + 1}: ${loss} ${what} (${STEP_NAMES[step]}). ` +
      `The weights were restored to the end of epoch ${this.epoch}${this.epoch === 0 ? ' (the initial weights)' : ''}. ` +
      `Try lowering ${key}'s learning rate (now ${lr}), e.g. to ${lr / 10}` +
      (earlier.length ? `, or the rate of a step that runs before it in each batch if you raised one: ${earlier.join(', ')}` : '') +
      `${clipHint}.`;
    return { diverged: { step: key, loss, epoch: this.epoch + 1, message } };
  }
}

export function createTrainer(train: Dataset, val: Dataset | null, settings: TrainSettings, options: TrainerOptions = {}): Trainer {
  return new Trainer(train, val, settings, options);
}
