/**
 * A training run as the user drives it: start, pause, resume, step one epoch, stop, change
 * learning rates while paused, generate. Owns one Trainer; emits plain-data events (progress at
 * most ~10 a second, one per finished epoch, one per state change), so the worker, the CLI and
 * tests drive it the same way.
 */
import type { Dataset } from '../data/dataset';
import { validationSplit } from '../data/split';
import type { TrainSettings } from './settings';
import { Trainer, type EpochLosses, type LearningRateUpdate, type LossKey } from './trainer';

export type SessionState = 'running' | 'paused' | 'done' | 'stopped' | 'diverged';

export type TrainEvent =
  | { type: 'progress'; epoch: number; epochs: number; batch: number; batches: number; etaMs: number; elapsedMs: number }
  | { type: 'epoch'; losses: EpochLosses }
  | { type: 'state'; state: SessionState; message: string | null };

export interface SessionInfo {
  lossKeys: LossKey[];
  batches: number;
  nTrain: number;
  nVal: number;
  /** How the validation split was made, for the UI. */
  validation: string;
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

  constructor(dataset: Dataset, settings: TrainSettings, private readonly emit: (e: TrainEvent) => void) {
    const split = settings.validationFraction > 0 ? validationSplit(dataset, settings.validationFraction, settings.seed) : null;
    this.trainer = new Trainer(split?.train ?? dataset, split?.val ?? null, settings);
    let validation = 'none (validation fraction 0)';
    if (split?.by === 'groups') {
      const names = (split.valGroups ?? []).map((g) => dataset.groupNames?.[g] ?? String(g));
      validation = `held-out groups ${names.join(', ')} (${split.val.n} rows)`;
    } else if (split) validation = `${split.val.n} held-out rows, stratified by class`;
    this.info = {
      lossKeys: this.trainer.lossKeys,
      batches: this.trainer.batchesPerEpoch,
      nTrain: split?.train.n ?? dataset.n,
      nVal: split?.val.n ?? 0,
      validation,
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
