/**
 * The Fig. 1 toy lab's two models, small enough to train live on tfjs's CPU backend:
 *
 * - ToyGan ('vanilla'): G: z (2) -> 2, D: x (2) -> logit.
 * - ToyGan ('info'): infoGAN with a K-way categorical code c (default 4): G: [z, onehot(c)] -> 2;
 *   D has a shared trunk with a real/fake head and a Q head predicting c (softmax logits).
 *
 * Losses (standard non-saturating form):
 *   D:  BCE(D(x_real), 1) + BCE(D(G(z)), 0)           (info: + lambda * CE(Q(G(z,c)), c))
 *   G:  BCE(D(G(z)), 1)                                (info: + lambda * CE(Q(G(z,c)), c))
 * The Q head and the trunk learn through D's update, G through its own: the InfoGAN lower
 * bound on I(c; G(z, c)). Optimiser: Adam (beta1 0.5), the usual choice for toy GANs (the
 * paper's models use SGD; the toy is an illustration, and SGD makes it crawl).
 * Hidden layers ReLU, widths `hidden` (default [32, 32]), Glorot init from our seeded Rng;
 * noise and target samples come from the Rng too, so a seed fixes the whole run on a backend.
 * Every step runs inside tf.tidy / optimizer.minimize; `dispose()` frees all variables.
 */
import { tf, type Tensor2D, type Scalar, type Variable } from '../tf';
import { Mlp } from '../models/layers';
import { Rng, deriveSeed } from '../train/rng';
import { DEFAULT_TOY_TARGET, sampleToySource, sampleToyTarget, type ToyTarget } from './toyData';

export type ToyGanKind = 'vanilla' | 'info';

export interface ToyGanOptions {
  seed?: number;
  target?: ToyTarget;
  /** Hidden widths of G, and of D's trunk (default [32, 32]: 64 costs ~2x on the CPU backend). */
  hidden?: number[];
  batchSize?: number;
  /** Adam learning rates (default 1e-3 each). */
  lrG?: number;
  lrD?: number;
  /** infoGAN only: number of code values (default = target modes) and the weight lambda (default 1). */
  codes?: number;
  lambda?: number;
}

export interface ToyLosses {
  /** Total steps taken so far (after this call). */
  step: number;
  /** Losses of the last step of the call (D's BCE sum, G's non-saturating BCE). */
  d: number;
  g: number;
  /** infoGAN: the Q head's cross-entropy on generated points (ln K = chance); vanilla: null. */
  info: number | null;
  /** D's probability on real points and on fakes (last batch), for the caption. */
  dReal: number;
  dFake: number;
}

export interface ToySamples {
  /** n x 2 generated points. */
  points: Float32Array;
  /** The source points they came from (n x 2). */
  source: Float32Array;
  /** infoGAN: the code of each point; vanilla: null. */
  codes: Int32Array | null;
}

export class ToyGan {
  readonly kind: ToyGanKind;
  readonly target: ToyTarget;
  readonly codes: number;
  readonly batchSize: number;
  readonly lambda: number;
  private readonly G: Mlp;
  private readonly D: Mlp;
  private readonly Q: Mlp | null;
  private readonly optG: tf.AdamOptimizer;
  private readonly optD: tf.AdamOptimizer;
  private readonly dataRng: Rng;
  private readonly sampleRng: Rng;
  private steps = 0;
  private disposed = false;

  constructor(kind: ToyGanKind, opts: ToyGanOptions = {}) {
    this.kind = kind;
    this.target = opts.target ?? DEFAULT_TOY_TARGET;
    this.codes = kind === 'info' ? (opts.codes ?? this.target.modes) : 0;
    this.batchSize = opts.batchSize ?? 64;
    this.lambda = opts.lambda ?? 1;
    const seed = opts.seed ?? 0;
    const hidden = opts.hidden ?? [32, 32];
    const initRng = new Rng(deriveSeed(seed, `toy-${kind}-init`));
    this.dataRng = new Rng(deriveSeed(seed, `toy-${kind}-data`));
    this.sampleRng = new Rng(deriveSeed(seed, `toy-${kind}-sample`));
    this.G = new Mlp(`toy-${kind}-G`, [2 + this.codes, ...hidden, 2], 'linear', initRng);
    // D: trunk = all layers but the last (ReLU), real/fake head = the last layer.
    this.D = new Mlp(`toy-${kind}-D`, [2, ...hidden, 1], 'sigmoid', initRng);
    this.Q = kind === 'info' ? new Mlp(`toy-${kind}-Q`, [hidden[hidden.length - 1], this.codes], 'softmax', initRng) : null;
    this.optG = tf.train.adam(opts.lrG ?? 1e-3, 0.5, 0.999);
    this.optD = tf.train.adam(opts.lrD ?? 1e-3, 0.5, 0.999);
  }

  get stepCount(): number {
    return this.steps;
  }

  /** Change the learning rates between steps (Adam's moments are kept). */
  setLearningRate(lrG: number, lrD: number = lrG): void {
    (this.optG as unknown as { learningRate: number }).learningRate = lrG;
    (this.optD as unknown as { learningRate: number }).learningRate = lrD;
  }

  /** Generator input for n sources: [z, onehot(c)] for infoGAN, z for vanilla. */
  private genInput(z: Float32Array, codes: Int32Array | null, n: number): Tensor2D {
    if (!codes) return tf.tensor2d(z, [n, 2]);
    const w = 2 + this.codes;
    const buf = new Float32Array(n * w);
    for (let i = 0; i < n; i++) {
      buf[i * w] = z[2 * i];
      buf[i * w + 1] = z[2 * i + 1];
      buf[i * w + 2 + codes[i]] = 1;
    }
    return tf.tensor2d(buf, [n, w]);
  }

  private drawCodes(n: number, rng: Rng): Int32Array | null {
    if (this.kind !== 'info') return null;
    const c = new Int32Array(n);
    for (let i = 0; i < n; i++) c[i] = rng.int(this.codes);
    return c;
  }

  /** One-hot codes as a float32 tensor (n x codes). */
  private oneHot(codes: Int32Array): Tensor2D {
    const n = codes.length;
    const buf = new Float32Array(n * this.codes);
    for (let i = 0; i < n; i++) buf[i * this.codes + codes[i]] = 1;
    return tf.tensor2d(buf, [n, this.codes]);
  }

  /** Mean categorical cross-entropy of softmax(logits) against one-hot targets. */
  private crossEntropy(onehot: Tensor2D, logits: Tensor2D): Scalar {
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as Scalar;
  }

  private dTrunk(x: Tensor2D): Tensor2D {
    return this.D.apply(x, 0, this.D.layers.length - 1);
  }

  private dLogit(h: Tensor2D): Tensor2D {
    return this.D.apply(h, this.D.layers.length - 1);
  }

  /** Run nSteps training steps (one D update then one G update each); returns the last losses. */
  step(nSteps = 1): ToyLosses {
    if (this.disposed) throw new Error('ToyGan: disposed');
    const B = this.batchSize;
    let last: Scalar[] = [];
    const gVars = this.G.variables();
    const dVars = [...this.D.variables(), ...(this.Q ? this.Q.variables() : [])];
    for (let s = 0; s < nSteps; s++) {
      const real = sampleToyTarget(B, this.dataRng, this.target).points;
      const zD = sampleToySource(B, this.dataRng);
      const cD = this.drawCodes(B, this.dataRng);
      const zG = sampleToySource(B, this.dataRng);
      const cG = this.drawCodes(B, this.dataRng);
      const keep = s === nSteps - 1;
      const outs = tf.tidy(() => {
        const xReal = tf.tensor2d(real, [B, 2]);
        const inD = this.genInput(zD, cD, B);
        const cDt = cD ? this.oneHot(cD) : null;
        let dRealP: Scalar | null = null;
        let dFakeP: Scalar | null = null;
        const dLoss = this.optD.minimize(
          () => {
            const fake = this.G.apply(inD);
            // One trunk pass over [real; fake] (fewer ops than two passes).
            const h = this.dTrunk(tf.concat2d([xReal, fake], 0));
            const logits = this.dLogit(h);
            const lR = tf.slice(logits, [0, 0], [B, 1]);
            const lF = tf.slice(logits, [B, 0], [B, 1]);
            // BCE(lR, 1) + BCE(lF, 0) = mean softplus(-lR) + mean softplus(lF)
            let loss = tf.add(tf.mean(tf.softplus(tf.neg(lR))), tf.mean(tf.softplus(lF))) as Scalar;
            if (keep) {
              dRealP = tf.keep(tf.mean(tf.sigmoid(lR)) as Scalar);
              dFakeP = tf.keep(tf.mean(tf.sigmoid(lF)) as Scalar);
            }
            if (this.Q && cDt) {
              const hF = tf.slice(h, [B, 0], [B, h.shape[1]]);
              loss = tf.add(loss, tf.mul(this.crossEntropy(cDt, this.Q.apply(hF)), this.lambda)) as Scalar;
            }
            return loss;
          },
          true,
          dVars as Variable[],
        ) as Scalar;
        const inG = this.genInput(zG, cG, B);
        const cGt = cG ? this.oneHot(cG) : null;
        let adv: Scalar | null = null;
        let info: Scalar | null = null;
        this.optG.minimize(
          () => {
            const fake = this.G.apply(inG);
            const h = this.dTrunk(fake);
            const l = this.dLogit(h);
            // Non-saturating generator loss: BCE(D(G(z)), 1) = mean softplus(-l).
            const a = tf.mean(tf.softplus(tf.neg(l))) as Scalar;
            if (keep) adv = tf.keep(tf.clone(a));
            if (this.Q && cGt) {
              const ce = this.crossEntropy(cGt, this.Q.apply(h));
              if (keep) info = tf.keep(tf.clone(ce));
              return tf.add(a, tf.mul(ce, this.lambda)) as Scalar;
            }
            return a;
          },
          false,
          gVars as Variable[],
        );
        if (!keep) {
          dLoss.dispose();
          return [] as Scalar[];
        }
        return [dLoss, adv!, info ?? tf.scalar(NaN), dRealP!, dFakeP!] as Scalar[];
      });
      if (keep) last = outs;
      this.steps++;
    }
    // One read-back per call: stack the last step's scalars, read, dispose everything.
    let vals: ArrayLike<number> = new Float32Array(5).fill(NaN);
    if (last.length) {
      const stacked = tf.stack(last);
      vals = stacked.dataSync();
      stacked.dispose();
    }
    tf.dispose(last);
    return {
      step: this.steps,
      d: vals[0],
      g: vals[1],
      info: this.kind === 'info' ? vals[2] : null,
      dReal: vals[3],
      dFake: vals[4],
    };
  }

  /** n generated points from fresh source noise (and, for infoGAN, uniform codes). */
  sample(n: number, code?: number): ToySamples {
    const source = sampleToySource(n, this.sampleRng);
    let codes = this.drawCodes(n, this.sampleRng);
    if (codes && code !== undefined) codes = new Int32Array(n).fill(code);
    const points = this.generate(source, codes, n);
    return { points, source, codes };
  }

  /**
   * The generator's image of given source points (m x 2, e.g. makeGrid()): m x 2.
   * infoGAN: all with code `code` (default 0); call once per code to draw each mapping.
   */
  mapGrid(grid: Float32Array, code = 0): Float32Array {
    const m = grid.length / 2;
    const codes = this.kind === 'info' ? new Int32Array(m).fill(code) : null;
    return this.generate(grid, codes, m);
  }

  /** D's probability of "real" at given points (m x 2): a background heat map. */
  discriminate(points: Float32Array): Float32Array {
    const m = points.length / 2;
    return tf.tidy(() => tf.sigmoid(this.dLogit(this.dTrunk(tf.tensor2d(points, [m, 2])))).dataSync() as Float32Array);
  }

  private generate(z: Float32Array, codes: Int32Array | null, n: number): Float32Array {
    if (this.disposed) throw new Error('ToyGan: disposed');
    if (n === 0) return new Float32Array(0);
    return tf.tidy(() => this.G.apply(this.genInput(z, codes, n)).dataSync() as Float32Array).slice();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.G.dispose();
    this.D.dispose();
    this.Q?.dispose();
    this.optG.dispose();
    this.optD.dispose();
  }
}
