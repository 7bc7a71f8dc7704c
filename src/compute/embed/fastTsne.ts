/**
 * Fast t-SNE (issue #9): the original method's optimiser (van der Maaten & Hinton 2008;
 * schedule of bhtsne / van der Maaten 2014) over a sparse P, with the gradient computed
 *   - in plain TypeScript: exact repulsion for small n, Barnes-Hut (theta 0.5) above
 *     (`tsneGradient.ts`); the path on the CPU/WASM fallback, where it beats tensor ops,
 *   - or with tfjs tensor ops on the backend in use (exact, blocked; `tsneTensor.ts`); the
 *     path on a GPU backend (WebGPU, WebGL).
 * Both share this file's schedule, the 2008 paper's: early exaggeration 4 during the first
 * 50 iterations, momentum 0.5 until iteration 250 (or a quarter of a shorter run), then 0.8;
 * per-coordinate gains (Jacobs 1988: +0.2 when the gradient's sign differs from the last
 * update's, x0.8 otherwise, floor 0.01); learning rate 'auto' = max(n / (4 x exaggeration), 50)
 * (as tsne.ts); the layout is re-centred every iteration; initial layout N(0, 1e-4^2) from
 * the project's seeded Rng. Measured on EmoDB's 4 classes (200 rows, 1000 iterations, KL on
 * the exact P): this schedule 0.60, bhtsne's (12 for 250 iterations) 0.63, tsne-js 0.62.
 * `runFastTsne` runs it in chunks of iterations, streams a frame per chunk and stops
 * between chunks when its AbortSignal fires.
 */
import { sparseJointP, type SparseP } from './affinities';
import { attractiveForces, QuadTree, repulsiveForcesExact } from './tsneGradient';
import type { RunTsneControl, TsneFrame, TsneResult } from './tsne';
import { prepareTsneMatrix, resolveLearningRate } from './tsneInput';
import { deriveSeed, Rng } from '../train/rng';

export type GradientMethod = 'exact' | 'barnes-hut' | 'tensor';

export interface FastTsneOptions {
  /** Perplexity (default 30); P uses each point's 3 x perplexity nearest neighbours. Clipped to (n - 1) / 3. */
  perplexity?: number;
  /** Neighbours per point in P (default 3 x perplexity, van der Maaten 2014; 'all' = exact P). */
  neighbours?: number | 'all';
  /** Gradient steps (default 1000). */
  iterations?: number;
  learningRate?: number | 'auto';
  /** Early exaggeration factor (default 4, the 2008 paper's; bhtsne uses 12). */
  earlyExaggeration?: number;
  /** Exaggerated iterations (default 50, the 2008 paper's; bhtsne uses 250). */
  exaggerationIterations?: number;
  /** Iteration at which momentum switches from 0.5 to 0.8 (default min(250, iterations / 4)). */
  momentumSwitch?: number;
  /** Seed of the initial layout (and of the randomized PCA for large d). Default 0. */
  seed?: number;
  /** PCA to this many dimensions first when d is larger (default 50; 0 = never). */
  pcaDims?: number;
  standardize?: boolean;
  /**
   * 'auto' (default): plain-TS exact up to EXACT_MAX_N points, Barnes-Hut above;
   * 'tensor': tfjs ops on the current backend (needs `tensorEngine`).
   */
  gradient?: GradientMethod | 'auto';
  /** Barnes-Hut accuracy (default 0.5). */
  theta?: number;
  /** Iterations per chunk: a frame is streamed and cancel is checked after each (default 25). */
  streamEvery?: number;
}

/** Up to this many points the plain-TS path computes the repulsion exactly. */
export const EXACT_MAX_N = 1000;

/** What a fast run needs that is not plain data. */
export interface FastTsneHooks extends RunTsneControl {
  /** Factory for the tensor engine (imported lazily so the plain path never loads tfjs). */
  tensorEngine?: TensorEngineFactory;
}

/** The optimiser state kept on a tfjs backend; see tsneTensor.ts. */
export interface TensorEngine {
  /** Run k iterations starting at iteration `from` (schedule inside), then read back layout and KL. */
  run(from: number, k: number): Promise<{ layout: Float64Array; kl: number; gradNorm: number }>;
  dispose(): void;
}
export type TensorEngineFactory = (P: SparseP, Y0: Float64Array, schedule: TsneSchedule) => TensorEngine;

/** The optimiser's constants, shared by both paths. */
export interface TsneSchedule {
  n: number;
  iterations: number;
  learningRate: number;
  exaggeration: number;
  exaggerationIterations: number;
  /** Iteration at which momentum goes from 0.5 to 0.8. */
  momentumSwitch: number;
}

export function exaggerationAt(s: TsneSchedule, iter: number): number {
  return iter < s.exaggerationIterations ? s.exaggeration : 1;
}
export function momentumAt(s: TsneSchedule, iter: number): number {
  return iter < s.momentumSwitch ? 0.5 : 0.8;
}

/** Everything before the first gradient step: input preparation, sparse P, seeded initial layout. */
export function prepareFastTsne(data: Float32Array, n: number, d: number, opts: FastTsneOptions = {}): { P: SparseP; Y0: Float64Array; schedule: TsneSchedule } {
  if (n < 2) throw new Error('t-SNE needs at least 2 points');
  const { x, dim } = prepareTsneMatrix(data, n, d, opts);
  const perplexity = Math.max(1, Math.min(opts.perplexity ?? 30, (n - 1) / 3));
  const P = sparseJointP(x, n, dim, perplexity, opts.neighbours === 'all' ? n - 1 : (opts.neighbours ?? Math.floor(3 * perplexity)));
  const rng = new Rng(deriveSeed(opts.seed ?? 0, 'tsne-init'));
  const Y0 = new Float64Array(2 * n);
  for (let t = 0; t < Y0.length; t++) Y0[t] = 1e-4 * rng.normal();
  const iterations = Math.max(1, Math.floor(opts.iterations ?? 1000));
  const exaggeration = opts.earlyExaggeration ?? 4;
  const schedule: TsneSchedule = {
    n,
    iterations,
    exaggeration,
    exaggerationIterations: Math.floor(opts.exaggerationIterations ?? Math.min(50, iterations / 4)),
    momentumSwitch: Math.floor(opts.momentumSwitch ?? Math.min(250, iterations / 4)),
    learningRate: resolveLearningRate(opts.learningRate, n, exaggeration),
  };
  return { P, Y0, schedule };
}

/** sum p log p over P's entries (constant part of the KL). */
export function pLogP(P: SparseP): number {
  let s = 0;
  for (let e = 0; e < P.val.length; e++) if (P.val[e] > 0) s += P.val[e] * Math.log(P.val[e]);
  return s;
}

/**
 * The plain-TypeScript path, synchronous: `step(k)` runs k iterations. The KL it reports is
 * sum p log p - sum p log w + log Z over the sparse P (Z approximate under Barnes-Hut).
 */
export class PlainTsne {
  readonly n: number;
  readonly schedule: TsneSchedule;
  readonly method: 'exact' | 'barnes-hut';
  private readonly P: SparseP;
  private readonly Y: Float64Array;
  private readonly update: Float64Array;
  private readonly gains: Float64Array;
  private readonly attr: Float64Array;
  private readonly rep: Float64Array;
  private readonly tree = new QuadTree();
  private readonly theta: number;
  private readonly plogp: number;
  private iter = 0;
  private _kl = NaN;
  private _gradNorm = NaN;

  constructor(P: SparseP, Y0: Float64Array, schedule: TsneSchedule, method: 'exact' | 'barnes-hut', theta = 0.5) {
    this.n = P.n;
    this.P = P;
    this.schedule = schedule;
    this.method = method;
    this.theta = theta;
    this.Y = Float64Array.from(Y0);
    this.update = new Float64Array(Y0.length);
    this.gains = new Float64Array(Y0.length).fill(1);
    this.attr = new Float64Array(Y0.length);
    this.rep = new Float64Array(Y0.length);
    this.plogp = pLogP(P);
  }

  get iteration(): number {
    return this.iter;
  }
  get done(): boolean {
    return this.iter >= this.schedule.iterations;
  }
  get kl(): number {
    return this._kl;
  }
  get gradNorm(): number {
    return this._gradNorm;
  }
  layout(): Float32Array {
    return Float32Array.from(this.Y);
  }

  /** The gradient at the current layout into `out` (exaggeration as at `iter`); returns [KL, Z]. */
  gradient(out: Float64Array, exaggeration: number, withKl = true): [number, number] {
    const { n, Y, attr, rep } = this;
    const sumPlogW = attractiveForces(this.P, Y, exaggeration, attr, withKl);
    const Z = this.method === 'exact' ? repulsiveForcesExact(Y, n, rep) : this.tree.repulsive(Y, n, this.theta, rep);
    const invZ = 1 / Z;
    for (let t = 0; t < 2 * n; t++) out[t] = 4 * (attr[t] - rep[t] * invZ);
    return [withKl ? this.plogp - sumPlogW + Math.log(Z) : NaN, Z];
  }

  step(k = 1): boolean {
    const { n, Y, update, gains, schedule } = this;
    const grad = new Float64Array(2 * n);
    for (let s = 0; s < k && !this.done; s++) {
      const ex = exaggerationAt(schedule, this.iter);
      const mom = momentumAt(schedule, this.iter);
      // The KL is of the un-exaggerated P (exaggeration scales only the attraction).
      const last = s === k - 1 || this.iter === schedule.iterations - 1;
      const [kl] = this.gradient(grad, ex, last);
      let sq = 0;
      const lr = schedule.learningRate;
      for (let t = 0; t < 2 * n; t++) {
        const gt = grad[t];
        sq += gt * gt;
        const gain = Math.max((gt > 0) !== (update[t] > 0) ? gains[t] + 0.2 : gains[t] * 0.8, 0.01);
        gains[t] = gain;
        update[t] = mom * update[t] - lr * gain * gt;
        Y[t] += update[t];
      }
      centre(Y, n);
      if (last) this._kl = kl;
      this._gradNorm = Math.sqrt(sq);
      this.iter++;
    }
    return this.done;
  }

  /** KL(P || Q) of the current layout over the sparse P (one gradient's worth of work). */
  currentKl(): number {
    return this.gradient(new Float64Array(2 * this.n), 1)[0];
  }
}

function centre(Y: Float64Array, n: number): void {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += Y[2 * i];
    my += Y[2 * i + 1];
  }
  mx /= n;
  my /= n;
  for (let i = 0; i < n; i++) {
    Y[2 * i] -= mx;
    Y[2 * i + 1] -= my;
  }
}

/** Which gradient a run with these options uses. */
export function chooseGradient(n: number, opts: FastTsneOptions, hasTensorEngine: boolean): GradientMethod {
  const g = opts.gradient ?? 'auto';
  if (g === 'tensor' && !hasTensorEngine) throw new Error('t-SNE: gradient "tensor" needs a tensor engine');
  if (g !== 'auto') return g;
  return n <= EXACT_MAX_N ? 'exact' : 'barnes-hut';
}

export interface FastTsneResult extends TsneResult {
  gradient: GradientMethod;
}

/**
 * The worker entry: a fast t-SNE run that streams a frame per chunk and stops between chunks
 * when the signal aborts. Resolves with the final (or, when cancelled, the last) layout.
 */
export async function runFastTsne(data: Float32Array, n: number, d: number, opts: FastTsneOptions = {}, hooks: FastTsneHooks = {}): Promise<FastTsneResult> {
  const t0 = now();
  const { signal, onFrame } = hooks;
  const yieldLoop = hooks.yieldBetweenChunks ?? true;
  const every = Math.max(1, Math.floor(opts.streamEvery ?? 25));
  const method = chooseGradient(n, opts, !!hooks.tensorEngine);
  const cancelled = (layout: Float32Array, iteration: number, kl: number, setupMs: number): FastTsneResult => ({
    layout, n, kl, steps: iteration, iteration, cancelled: true, setupMs, iterateMs: now() - t0 - setupMs, gradient: method,
  });
  if (signal?.aborted) return cancelled(new Float32Array(2 * n), 0, NaN, 0);
  const { P, Y0, schedule } = prepareFastTsne(data, n, d, opts);
  const setupMs = now() - t0;
  const frame = (layout: Float32Array, iteration: number, kl: number, gradNorm: number): TsneFrame => ({
    iteration,
    iterations: schedule.iterations,
    steps: iteration,
    layout,
    kl,
    gradNorm,
    phase: iteration === 0 ? 'init' : iteration <= schedule.exaggerationIterations ? 'exaggeration' : 'final',
    done: iteration >= schedule.iterations,
    elapsedMs: now() - t0,
  });
  const minGap = hooks.minFrameMs ?? 0;
  let lastFrame = -Infinity;
  /** Whether this chunk's frame goes out (throttled; the last always does). */
  const due = (done: boolean): boolean => {
    if (!done && now() - lastFrame < minGap) return false;
    lastFrame = now();
    return true;
  };
  if (due(false)) onFrame?.(frame(Float32Array.from(Y0), 0, NaN, NaN));

  if (method === 'tensor') {
    const engine = hooks.tensorEngine!(P, Y0, schedule);
    let layout = Float32Array.from(Y0);
    let kl = NaN;
    let iter = 0;
    try {
      while (iter < schedule.iterations) {
        if (yieldLoop) await nextTask();
        if (signal?.aborted) return cancelled(layout, iter, kl, setupMs);
        const k = Math.min(every, schedule.iterations - iter);
        const r = await engine.run(iter, k);
        iter += k;
        layout = Float32Array.from(r.layout);
        kl = r.kl;
        if (onFrame && due(iter >= schedule.iterations)) onFrame(frame(Float32Array.from(layout), iter, kl, r.gradNorm));
      }
    } finally {
      engine.dispose();
    }
    return { layout, n, kl, steps: iter, iteration: iter, cancelled: false, setupMs, iterateMs: now() - t0 - setupMs, gradient: method };
  }

  const s = new PlainTsne(P, Y0, schedule, method, opts.theta ?? 0.5);
  while (!s.done) {
    if (yieldLoop) await nextTask();
    if (signal?.aborted) return cancelled(s.layout(), s.iteration, s.kl, setupMs);
    s.step(every);
    if (onFrame && due(s.done)) onFrame(frame(s.layout(), s.iteration, s.kl, s.gradNorm));
  }
  return { layout: s.layout(), n, kl: s.kl, steps: s.iteration, iteration: s.iteration, cancelled: false, setupMs, iterateMs: now() - t0 - setupMs, gradient: method };
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Let the event loop turn (a macrotask, so pending worker messages are delivered). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export interface SpeedProbe {
  msPerIteration: { n: number; ms: number }[];
  /** Largest probed n whose `iterations` iterations are predicted to take at most budgetMs. */
  suggestedCap: number;
}

/**
 * Time the fast path's iterations at growing n on this machine and backend (a P with 90
 * neighbours per point and a spread-out random layout, as late in a run), and return the
 * largest n that fits the budget: the panel's default cap follows the measured speed.
 */
export async function measureTsneSpeed(
  opts: { tensorEngine?: TensorEngineFactory; sizes?: number[]; iterations?: number; budgetMs?: number; timedIterations?: number } = {},
): Promise<SpeedProbe> {
  const sizes = opts.sizes ?? [1000, 2000, 3000, 5000];
  const budget = opts.budgetMs ?? 20_000;
  const iterations = opts.iterations ?? 1000;
  const timed = opts.timedIterations ?? 8;
  const out: SpeedProbe = { msPerIteration: [], suggestedCap: Math.min(...sizes) / 2 };
  const rng = new Rng(12345);
  for (const n of sizes) {
    const k = Math.min(90, n - 1);
    const rowPtr = new Int32Array(n + 1);
    const col = new Int32Array(n * k);
    const val = new Float64Array(n * k).fill(1 / (n * k));
    for (let i = 0; i < n; i++) {
      rowPtr[i + 1] = (i + 1) * k;
      for (let t = 0; t < k; t++) col[i * k + t] = (i + 1 + t) % n;
    }
    const P: SparseP = { n, rowPtr, col, val };
    const Y0 = new Float64Array(2 * n);
    for (let t = 0; t < 2 * n; t++) Y0[t] = 20 * rng.normal();
    const schedule: TsneSchedule = { n, iterations: timed + 2, learningRate: 200, exaggeration: 1, exaggerationIterations: 0, momentumSwitch: 0 };
    let ms: number;
    if (opts.tensorEngine) {
      const e = opts.tensorEngine(P, Y0, schedule);
      try {
        await e.run(0, 2); // warm-up: kernels compiled
        const t0 = now();
        await e.run(2, timed);
        ms = (now() - t0) / timed;
      } finally {
        e.dispose();
      }
    } else {
      const s = new PlainTsne(P, Y0, schedule, n <= EXACT_MAX_N ? 'exact' : 'barnes-hut');
      s.step(2);
      const t0 = now();
      s.step(timed);
      ms = (now() - t0) / timed;
    }
    out.msPerIteration.push({ n, ms });
    if (ms * iterations > budget) break;
    out.suggestedCap = n;
    await nextTask();
  }
  return out;
}
