/**
 * A training run as the user drives it: start, pause, resume, step one epoch, stop, change
 * learning rates while paused, generate. Owns one Trainer; emits plain-data events (progress at
 * most ~10 a second, one per finished epoch, one per state change), so the worker, the CLI and
 * tests drive it the same way.
 */
import { selectRows, type Dataset } from '../data/dataset';
import { Rng } from './rng';
import { fitPca, pcaTransform } from '../embed/pca';
import { validationSplit } from '../data/split';
import type { TrainSettings } from './settings';
import { Trainer, type EpochLosses, type LearningRateUpdate, type LossKey, type OptimizerState, type TrainerState } from './trainer';

export type SessionState = 'running' | 'paused' | 'done' | 'stopped' | 'diverged';

export type TrainEvent =
  | { type: 'progress'; epoch: number; epochs: number; batch: number; batches: number; etaMs: number; elapsedMs: number }
  | { type: 'epoch'; losses: EpochLosses }
  | { type: 'state'; state: SessionState; message: string | null }
  | ({ type: 'codes' } & CodeSnapshot);

/** Fig. 5 as data: 2-D codes of (a fixed subsample of) the training and validation rows. */
export interface CodeSnapshot {
  epoch: number;
  /** Width of the code; the xy below are the code itself when 2, else a 2-D projection. */
  codeDim: number;
  train: { xy: Float32Array; labels: Int32Array };
  val: { xy: Float32Array; labels: Int32Array } | null;
  /** Codes drawn as the generator draws them (M1/M2: the prior; M3: CG(z, c)). */
  generated: { xy: Float32Array; labels: Int32Array };
  /** M1/M2: the mixture prior's component means (K x 2) and std, for the ellipses. */
  prior: { means: Float32Array; std: number } | null;
}

/** Points shown per split in the code-space picture (a seeded subsample above this). */
const CODE_POINTS = 2000;

/**
 * Everything needed to continue a run exactly where it was (with the same dataset and
 * settings): plain data, storable in IndexedDB and transferable from a worker.
 */
export interface SessionSnapshot {
  weights: Record<string, Float32Array>;
  trainerState: TrainerState;
  optimizerState: OptimizerState;
}

export interface SessionInfo {
  lossKeys: LossKey[];
  batches: number;
  nTrain: number;
  nVal: number;
  /** How the validation split was made, for the UI. */
  validation: string;
  /** How a training step runs: the fused WGSL kernels ('fast', WebGPU) or tfjs ops ('plain'), and why not fast. */
  trainPath: 'fast' | 'plain';
  trainPathNote: string | null;
}

const PROGRESS_EVERY_MS = 100;

export class TrainingSession {
  readonly trainer: Trainer;
  readonly info: SessionInfo;
  private state: SessionState = 'paused';
  private stopRequested = false;
  /** Run exactly one more epoch, then pause. */
  private stepOnly = false;
  private loop: Promise<void> | null = null;
  private lastProgress = 0;
  private runMs = 0;
  private runBatches = 0;
  private readonly codeRows: { train: Dataset; val: Dataset | null };
  /** Runs after every finished epoch, before the next starts (e.g. save a checkpoint). */
  afterEpoch: ((s: TrainingSession) => Promise<void>) | null = null;
  /** The rows the GAN trains on (set-1) and its held-out rows (set-2), in the input's units. */
  readonly split: { train: Dataset; val: Dataset | null };

  constructor(dataset: Dataset, settings: TrainSettings, private readonly emit: (e: TrainEvent) => void) {
    const split = settings.validationFraction > 0 ? validationSplit(dataset, settings.validationFraction, settings.seed) : null;
    this.split = { train: split?.train ?? dataset, val: split?.val ?? null };
    this.trainer = new Trainer(this.split.train, this.split.val, settings);
    let validation = 'none (validation fraction 0)';
    if (split?.by === 'groups') {
      const names = (split.valGroups ?? []).map((g) => dataset.groupNames?.[g] ?? String(g));
      validation = `held-out groups ${names.join(', ')} (${split.val.n} rows)`;
    } else if (split) validation = `${split.val.n} held-out rows, stratified by class`;
    const pick = (ds: Dataset, seed: number) => {
      if (ds.n <= CODE_POINTS) return ds;
      const order = new Rng(seed).permutation(ds.n);
      return selectRows(ds, order.subarray(0, CODE_POINTS));
    };
    this.codeRows = { train: pick(split?.train ?? dataset, settings.seed + 11), val: split ? pick(split.val, settings.seed + 12) : null };
    this.info = {
      lossKeys: this.trainer.lossKeys,
      batches: this.trainer.batchesPerEpoch,
      nTrain: split?.train.n ?? dataset.n,
      nVal: split?.val.n ?? 0,
      validation,
      trainPath: this.trainer.path,
      trainPathNote: this.trainer.fastPathNote,
    };
  }

  get status(): SessionState {
    return this.state;
  }

  /** Start or resume: runs epochs until the set number, a pause, a stop, or divergence. */
  resume(): Promise<void> {
    if (this.state === 'running' || this.state === 'stopped') return this.loop ?? Promise.resolve();
    if (this.trainer.epoch >= this.trainer.settings.epochs && !this.stepOnly) {
      this.setState('done', `All ${this.trainer.settings.epochs} epochs are done; step one more epoch or start a new run.`);
      return Promise.resolve();
    }
    this.stopRequested = false;
    this.setState('running', null);
    this.loop = this.run();
    return this.loop;
  }

  pause(): Promise<void> {
    if (this.state === 'running') this.stopRequested = true;
    return this.loop ?? Promise.resolve();
  }

  /** One epoch (finishing the current one if paused mid-epoch), then pause. */
  stepEpoch(): Promise<void> {
    if (this.state === 'running' || this.state === 'stopped') return this.loop ?? Promise.resolve();
    this.stepOnly = true;
    return this.resume();
  }

  /** End the run: training cannot continue, but the trained model still generates. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    await this.loop;
    this.setState('stopped', `Stopped after ${this.trainer.epoch} epoch${this.trainer.epoch === 1 ? '' : 's'}.`);
  }

  setLearningRates(update: LearningRateUpdate): void {
    if (this.state === 'running') throw new Error('Pause training before changing learning rates.');
    this.trainer.setLearningRates(update);
  }

  dispose(): void {
    this.stopRequested = true;
    this.trainer.dispose();
  }

  /**
   * A checkpoint of the run: weights, epoch/history/random streams and optimizer state. Only
   * between epochs (not while paused mid-epoch: the partial epoch is not kept, so such a
   * snapshot could not resume exactly); throws then.
   */
  async snapshot(): Promise<SessionSnapshot> {
    const tr = this.trainer;
    if (tr.inEpoch) throw new Error(`Cannot checkpoint in the middle of epoch ${tr.epoch + 1}; finish the epoch first.`);
    const trainerState = tr.getState();
    const weights = await tr.getWeights();
    const optimizerState = await tr.getOptimizerState();
    return { weights, trainerState, optimizerState };
  }

  /**
   * A paused session that continues a snapshot: the same dataset and settings (seed, split)
   * as the run it came from; the snapshot's own settings (e.g. changed learning rates) apply.
   */
  static async restore(dataset: Dataset, settings: TrainSettings, snap: SessionSnapshot, emit: (e: TrainEvent) => void): Promise<TrainingSession> {
    const s = new TrainingSession(dataset, settings, emit);
    try {
      s.trainer.setWeights(snap.weights);
      s.trainer.setState(snap.trainerState);
      await s.trainer.setOptimizerState(snap.optimizerState);
    } catch (e) {
      s.dispose();
      throw e;
    }
    return s;
  }

  /** The codes of the shown rows after an epoch (cheap: a forward pass of the encoder). */
  async codeSnapshot(epoch: number): Promise<CodeSnapshot | null> {
    const tr = this.trainer;
    const { train, val } = this.codeRows;
    const cd = tr.codeDim;
    const gen = await tr.sampleCodes(Math.min(1000, 100 * tr.K), tr.settings.seed + epoch);
    const trainCodes = await tr.encode(train.features, train.n);
    const valCodes = val ? await tr.encode(val.features, val.n) : null;
    // M3's codes are 256-D: show them on the training codes' first two principal axes.
    const pca = cd === 2 ? null : fitPca(trainCodes, train.n, cd, 2);
    const xy = (codes: Float32Array, n: number) => (pca ? pcaTransform(pca, codes, n) : codes);
    const prior = tr.model.prior;
    return {
      epoch,
      codeDim: cd,
      train: { xy: xy(trainCodes, train.n), labels: train.labels },
      val: val && valCodes ? { xy: xy(valCodes, val.n), labels: val.labels } : null,
      generated: { xy: xy(gen.codes, gen.labels.length), labels: gen.labels },
      prior: prior ? { means: prior.means(), std: prior.std } : null,
    };
  }

  private async emitCodes(epoch: number): Promise<void> {
    const snap = await this.codeSnapshot(epoch);
    if (snap) this.emit({ type: 'codes', ...snap });
  }

  private setState(state: SessionState, message: string | null): void {
    this.state = state;
    this.emit({ type: 'state', state, message });
  }

  private async run(): Promise<void> {
    const tr = this.trainer;
    const epochs = () => tr.settings.epochs;
    while (!this.stopRequested && (tr.epoch < epochs() || this.stepOnly)) {
      const t0 = performance.now();
      let batchesThisCall = 0;
      const res = await tr.runEpoch({
        shouldStop: () => this.stopRequested,
        onBatch: (batch, batches) => {
          batchesThisCall++;
          const now = performance.now();
          if (now - this.lastProgress < PROGRESS_EVERY_MS && batch < batches) return;
          this.lastProgress = now;
          const msPerBatch = (this.runMs + (now - t0)) / Math.max(1, this.runBatches + batchesThisCall);
          const target = this.stepOnly ? tr.epoch + 1 : epochs();
          const left = (target - tr.epoch - 1) * batches + (batches - batch);
          this.emit({ type: 'progress', epoch: tr.epoch + 1, epochs: epochs(), batch, batches, etaMs: left * msPerBatch, elapsedMs: this.runMs + (now - t0) });
        },
      });
      this.runMs += performance.now() - t0;
      this.runBatches += batchesThisCall;
      if ('cancelled' in res) break;
      if ('diverged' in res) {
        this.stepOnly = false;
        this.setState('diverged', res.diverged.message);
        return;
      }
      this.emit({ type: 'epoch', losses: res });
      await this.emitCodes(res.epoch);
      // Awaited here, between epochs, so a checkpoint never reads weights mid-update.
      if (this.afterEpoch) await this.afterEpoch(this);
      if (this.stepOnly) {
        this.stepOnly = false;
        this.setState('paused', `Paused after epoch ${tr.epoch}.`);
        return;
      }
    }
    this.stepOnly = false;
    if (this.state !== 'running') return;
    if (tr.epoch >= epochs()) this.setState('done', `Trained ${tr.epoch} epochs.`);
    else this.setState('paused', tr.inEpoch ? `Paused in epoch ${tr.epoch + 1}.` : `Paused after epoch ${tr.epoch}.`);
  }
}
