/**
 * Seeded, steppable, cancellable t-SNE over tsne-js 1.0.3 (exact, O(N^2) per iteration).
 *
 * Why we drive tsne-js's internals instead of calling `TSNE.run()`: run() is synchronous
 * (a worker cannot receive a cancel message while it runs), it always stops early near
 * iteration 160 (its "no progress for 30 iterations" rule cannot be switched off) and it
 * has no seed. So we use the library for everything but the loop:
 *   - `new TSNE(...)` + `init()` for the input ndarray and the initial embedding
 *     (N(0, 1e-4^2) from Math.random: Math.random is swapped for our seeded Rng around that
 *     synchronous call only, which is the library's only use of Math.random, and restored
 *     in a finally block),
 *   - its pairwise distances and perplexity calibration (`joint-probabilities`),
 *   - its KL divergence and gradient (`kl-divergence`) at every iteration,
 * and `TsneSession.step(k)` replays tsne-js's `_gradDesc` schedule (iterations 0-49
 * exaggerated with momentum 0.5, 51-99 exaggerated with momentum 0.8, 101.. plain with
 * momentum 0.8; updates and gains reset at each phase), a few iterations at a time.
 * With TSNE_JS_EXACT (learning rate 1000, tsne-js's gains rule, its stopping rules) it gives
 * exactly `TSNE.run()`'s layout (tested). Two departures by default, both measured: the
 * learning rate is 'auto' (max(n / 16, 50)) instead of 1000, and the gains rule is the
 * original paper's (tsne-js grows a gain when the gradient keeps the sign of the last
 * update, the opposite of van der Maaten 2008 and scikit-learn). On EmoDB's 4 classes (339
 * rows, 300 iterations) 5-NN agreement in the layout: tsne-js's settings 0.54 (layout
 * spread to +-194), lr 200 0.74, both fixes 0.78; two blobs 8 sigma apart: 0.72 vs 1.0.
 * Kept as the library does it: input affinities from Euclidean (not squared) distances.
 *
 * The worker entry is `runTsne` (async: yields to the event loop between chunks so a cancel
 * message can arrive, streams a frame every `streamEvery` iterations).
 */
import TSNE from 'tsne-js';
import type { NdArray } from 'tsne-js';
import pairwiseDistances from 'tsne-js/dist/pairwise-distances.js';
import jointProbabilities from 'tsne-js/dist/joint-probabilities.js';
import klDivergence from 'tsne-js/dist/kl-divergence.js';
import { Rng } from '../train/rng';
import { prepareTsneMatrix, resolveLearningRate } from './tsneInput';

export { prepareTsneMatrix, resolveLearningRate };

export interface TsneOptions {
  /** Perplexity (tsne-js default 30). Clipped to (n - 1) / 3 for small inputs. */
  perplexity?: number;
  /** Iteration count in tsne-js's numbering (default 500; the schedule skips 50 and 100). */
  iterations?: number;
  /**
   * Learning rate; 'auto' (default) = max(n / (4 * earlyExaggeration), 50), the rule of
   * Belkina et al. 2019 / scikit-learn. tsne-js's own default, 1000, blows small layouts up
   * (two 8-sigma-apart blobs, n = 150: 1-NN purity 0.72, coordinates ~ +-950; with 'auto' 1.0).
   */
  learningRate?: number | 'auto';
  /** Early exaggeration of P during iterations 0-99 (tsne-js default 4). */
  earlyExaggeration?: number;
  /** Seed of the initial layout (and of the randomized PCA when d is large). Default 0. */
  seed?: number;
  /** Reduce to this many dimensions by PCA first when d is larger (default 50; 0 = never). */
  pcaDims?: number;
  /** z-score each column before PCA (default false: the app's rows are already z-scored). */
  standardize?: boolean;
  /** Replay tsne-js's early stopping rules (default false: run all iterations). */
  earlyStop?: boolean;
  /**
   * Gains rule: 'standard' (default; van der Maaten 2008 / scikit-learn: +0.2 when the
   * gradient's sign differs from the last update's, x0.8 otherwise) or 'tsne-js' (its rule:
   * +0.05 when the signs agree, x0.95 otherwise, i.e. the other way round).
   */
  gains?: 'tsne-js' | 'standard';
  /** Stream a frame every this many iterations (runTsne; default 25). */
  streamEvery?: number;
}

export interface TsneFrame {
  /** tsne-js iteration index of the next step (progress = iteration / iterations). */
  iteration: number;
  iterations: number;
  /** Gradient steps taken so far. */
  steps: number;
  /** Current layout, n x 2 row-major (a copy: safe to transfer). */
  layout: Float32Array;
  /** KL divergence at the last step (exaggerated P before iteration 101). */
  kl: number;
  gradNorm: number;
  /** 'init' (before the first step), 'exaggeration', 'final'. */
  phase: 'init' | 'exaggeration' | 'final';
  done: boolean;
  elapsedMs: number;
  /** What made it, in words (e.g. "fast t-SNE, Barnes-Hut in plain TS"); set by the worker. */
  engine?: string;
}

export interface TsneResult {
  /** n x 2 row-major. */
  layout: Float32Array;
  n: number;
  kl: number;
  steps: number;
  /** tsne-js iteration index reached. */
  iteration: number;
  cancelled: boolean;
  /** Where the time went: PCA + distances + calibration, then the iterations. */
  setupMs: number;
  iterateMs: number;
}

interface Phase {
  start: number;
  end: number;
  momentum: number;
  exaggerated: boolean;
  minGradNorm: number;
  minErrorDiff: number;
}

const N_ITER_WITHOUT_PROGRESS = 30;

/** Run fn with Math.random replaced by a seeded generator; always restores it. */
export function withSeededMathRandom<T>(seed: number, fn: () => T): T {
  const saved = Math.random;
  const rng = new Rng(seed);
  Math.random = () => rng.uniform();
  try {
    return fn();
  } finally {
    Math.random = saved;
  }
}

/** PCA / standardisation of the input as TsneOptions asks; returns rows as number[][]. */
export function prepareTsneInput(data: Float32Array, n: number, d: number, opts: TsneOptions = {}): { rows: number[][]; dim: number } {
  const { x, dim } = prepareTsneMatrix(data, n, d, opts);
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = Array.from(x.subarray(i * dim, (i + 1) * dim));
  return { rows, dim };
}

/**
 * One t-SNE run, stepped synchronously: construct (PCA, distances, P, seeded init), then
 * `step(k)` until `done`. Use `runTsne` in a worker; this is for tests, CLI and the worker's
 * own chunking.
 */
export class TsneSession {
  readonly n: number;
  readonly iterations: number;
  readonly setupMs: number;
  private readonly P: NdArray;
  private readonly Y: NdArray;
  private readonly lr: number;
  private readonly exaggeration: number;
  private readonly earlyStop: boolean;
  private readonly standardGains: boolean;
  private readonly phases: Phase[];
  private phaseIdx = 0;
  private i = 0;
  private update: Float64Array;
  private gains: Float64Array;
  private error = Number.MAX_VALUE;
  private bestError = Number.MAX_VALUE;
  private bestIter = 0;
  private pExaggerated = false;
  private _steps = 0;
  private _kl = NaN;
  private _gradNorm = NaN;
  private _done = false;

  constructor(data: Float32Array, n: number, d: number, opts: TsneOptions = {}) {
    const t0 = now();
    if (n < 2) throw new Error('t-SNE needs at least 2 points');
    this.n = n;
    this.iterations = Math.max(1, Math.floor(opts.iterations ?? 500));
    this.exaggeration = opts.earlyExaggeration ?? 4;
    this.lr = resolveLearningRate(opts.learningRate, n, this.exaggeration);
    this.earlyStop = opts.earlyStop ?? false;
    this.standardGains = (opts.gains ?? 'standard') === 'standard';
    const perplexity = Math.max(1, Math.min(opts.perplexity ?? 30, (n - 1) / 3));
    const { rows } = prepareTsneInput(data, n, d, opts);
    const tsne = new TSNE({
      dim: 2,
      perplexity,
      earlyExaggeration: this.exaggeration,
      learningRate: this.lr,
      nIter: this.iterations,
      metric: 'euclidean',
    });
    withSeededMathRandom(opts.seed ?? 0, () => tsne.init({ data: rows, type: 'dense' }));
    if (!tsne.inputData || !tsne.outputEmbedding) throw new Error('tsne-js init produced no data');
    const distances = pairwiseDistances(tsne.inputData, 'euclidean');
    this.P = jointProbabilities(distances, perplexity);
    this.Y = tsne.outputEmbedding;
    const size = this.Y.size;
    this.update = new Float64Array(size);
    this.gains = new Float64Array(size).fill(1);
    const N = this.iterations;
    this.phases = [
      { start: 0, end: 50, momentum: 0.5, exaggerated: true, minGradNorm: 0, minErrorDiff: 0 },
      { start: -1, end: 100, momentum: 0.8, exaggerated: true, minGradNorm: 0, minErrorDiff: 0 },
      { start: -1, end: N, momentum: 0.8, exaggerated: false, minGradNorm: 1e-6, minErrorDiff: 1e-6 },
    ];
    // Clip the schedule to the iteration count (tsne-js itself always runs 0-99).
    for (const p of this.phases) p.end = Math.min(p.end, N);
    this.setExaggerated(true);
    this.startPhase(0, 0);
    this.setupMs = now() - t0;
  }

  get done(): boolean {
    return this._done;
  }
  get steps(): number {
    return this._steps;
  }
  get iteration(): number {
    return this.i;
  }
  get kl(): number {
    return this._kl;
  }
  get gradNorm(): number {
    return this._gradNorm;
  }
  get phase(): TsneFrame['phase'] {
    if (this._steps === 0) return 'init';
    return this.phases[Math.min(this.phaseIdx, 2)].exaggerated ? 'exaggeration' : 'final';
  }

  /** The layout now, n x 2 (a new Float32Array). */
  layout(): Float32Array {
    return Float32Array.from(this.Y.data);
  }

  /** Run up to k gradient steps; returns true when the run is complete. */
  step(k = 1): boolean {
    for (let s = 0; s < k && !this._done; s++) this.oneStep();
    return this._done;
  }

  private setExaggerated(on: boolean): void {
    if (on === this.pExaggerated) return;
    const p = this.P.data;
    // tsne-js multiplies then divides P in place; same here (exact for powers of two).
    if (on) for (let t = 0; t < p.length; t++) p[t] *= this.exaggeration;
    else for (let t = 0; t < p.length; t++) p[t] /= this.exaggeration;
    this.pExaggerated = on;
  }

  private startPhase(idx: number, start: number): void {
    this.phaseIdx = idx;
    if (idx >= this.phases.length) {
      this._done = true;
      return;
    }
    const ph = this.phases[idx];
    ph.start = start;
    this.setExaggerated(ph.exaggerated);
    this.i = start;
    this.update.fill(0);
    this.gains.fill(1);
    this.error = Number.MAX_VALUE;
    this.bestError = Number.MAX_VALUE;
    this.bestIter = 0;
    if (start >= ph.end) this.endPhase(start);
  }

  /** tsne-js's _gradDesc returns its exit index i; the next phase starts at i + 1. */
  private endPhase(exitIndex: number): void {
    this.startPhase(this.phaseIdx + 1, exitIndex + 1);
  }

  private oneStep(): void {
    const ph = this.phases[this.phaseIdx];
    const i = this.i;
    const [cost, grad] = klDivergence(this.Y, this.P, 1);
    const errorDiff = Math.abs(cost - this.error);
    this.error = cost;
    const g = grad.data;
    let sq = 0;
    for (let t = 0; t < g.length; t++) sq += g[t] * g[t];
    const gradNorm = Math.sqrt(sq);
    this._kl = cost;
    this._gradNorm = gradNorm;
    if (cost < this.bestError) {
      this.bestError = cost;
      this.bestIter = i;
    } else if (this.earlyStop && i - this.bestIter > N_ITER_WITHOUT_PROGRESS) {
      this._done = this.earlyStopEnds(i);
      return;
    }
    if (this.earlyStop && (ph.minGradNorm >= gradNorm || ph.minErrorDiff >= errorDiff)) {
      this._done = this.earlyStopEnds(i);
      return;
    }
    const { update, gains } = this;
    const y = this.Y.data;
    const mom = ph.momentum;
    for (let t = 0; t < g.length; t++) {
      let gain: number;
      if (this.standardGains) gain = update[t] * g[t] < 0 ? gains[t] + 0.2 : gains[t] * 0.8;
      else gain = update[t] * g[t] >= 0 ? gains[t] + 0.05 : gains[t] * 0.95; // tsne-js's rule
      gain = Math.max(gain, 0.01);
      gains[t] = gain;
      update[t] = update[t] * mom - this.lr * (g[t] * gain);
      y[t] += update[t];
    }
    this._steps++;
    this.i = i + 1;
    if (this.i >= ph.end) this.endPhase(this.i);
  }

  /** A stopping rule fired at index i: move to the next phase; returns whether all is done. */
  private earlyStopEnds(i: number): boolean {
    this.endPhase(i);
    return this._done;
  }

  frame(elapsedMs: number): TsneFrame {
    return {
      iteration: this.i,
      iterations: this.iterations,
      steps: this._steps,
      layout: this.layout(),
      kl: this._kl,
      gradNorm: this._gradNorm,
      phase: this.phase,
      done: this._done,
      elapsedMs,
    };
  }
}

export interface RunTsneControl {
  /** Abort to cancel; checked between chunks (within one chunk of streamEvery iterations). */
  signal?: AbortSignal;
  /** Called with the initial layout, every streamEvery iterations, and at the end. */
  onFrame?: (frame: TsneFrame) => void;
  /** Yield to the event loop between chunks (default true; needed for cancel in a worker). */
  yieldBetweenChunks?: boolean;
  /**
   * Fast paths (fastTsne, umap): skip a chunk's frame when the last one went out less than this
   * many ms ago (the first and last frames always go), so the page redraws a few times a second.
   */
  minFrameMs?: number;
}

/**
 * The worker entry: a full t-SNE run that streams frames and can be cancelled. Resolves with
 * the final (or, when cancelled, the last) layout; never rejects on cancel.
 */
export async function runTsne(
  data: Float32Array,
  n: number,
  d: number,
  opts: TsneOptions = {},
  control: RunTsneControl = {},
): Promise<TsneResult> {
  const t0 = now();
  const { signal, onFrame } = control;
  const yieldLoop = control.yieldBetweenChunks ?? true;
  const every = Math.max(1, Math.floor(opts.streamEvery ?? 25));
  const cancelledResult = (s: TsneSession | null): TsneResult => ({
    layout: s ? s.layout() : new Float32Array(n * 2),
    n,
    kl: s ? s.kl : NaN,
    steps: s ? s.steps : 0,
    iteration: s ? s.iteration : 0,
    cancelled: true,
    setupMs: s ? s.setupMs : now() - t0,
    iterateMs: s ? now() - t0 - s.setupMs : 0,
  });
  if (signal?.aborted) return cancelledResult(null);
  const session = new TsneSession(data, n, d, opts);
  onFrame?.(session.frame(now() - t0));
  while (!session.done) {
    if (yieldLoop) await nextTask();
    if (signal?.aborted) return cancelledResult(session);
    session.step(every);
    onFrame?.(session.frame(now() - t0));
  }
  return {
    layout: session.layout(),
    n,
    kl: session.kl,
    steps: session.steps,
    iteration: session.iteration,
    cancelled: false,
    setupMs: session.setupMs,
    iterateMs: now() - t0 - session.setupMs,
  };
}

/**
 * tsne-js's own `run()` with a seed (Math.random swapped for the whole synchronous run and
 * restored): the reference the stepped session is checked against. Blocking; includes
 * tsne-js's early stop. Same input preparation (PCA etc.) as TsneSession.
 */
export function tsneJsReference(data: Float32Array, n: number, d: number, opts: TsneOptions = {}): Float32Array {
  const perplexity = Math.max(1, Math.min(opts.perplexity ?? 30, (n - 1) / 3));
  const { rows } = prepareTsneInput(data, n, d, opts);
  const tsne = new TSNE({
    dim: 2,
    perplexity,
    earlyExaggeration: opts.earlyExaggeration ?? 4,
    learningRate: resolveLearningRate(opts.learningRate ?? 1000, n, opts.earlyExaggeration ?? 4),
    nIter: Math.max(1, Math.floor(opts.iterations ?? 500)),
    metric: 'euclidean',
  });
  return withSeededMathRandom(opts.seed ?? 0, () => {
    tsne.init({ data: rows, type: 'dense' });
    tsne.run();
    return Float32Array.from(tsne.outputEmbedding!.data);
  });
}

/** Options that make TsneSession replay tsne-js's run() exactly (see tsneJsReference). */
export const TSNE_JS_EXACT: Readonly<Pick<TsneOptions, 'learningRate' | 'gains' | 'earlyStop'>> = {
  learningRate: 1000,
  gains: 'tsne-js',
  earlyStop: true,
};

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Let the event loop turn (a macrotask, so pending worker messages are delivered). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
