/**
 * The toy lab (Fig. 1) as one object: a vanilla GAN and an infoGAN trained side by side on the
 * same target, stepped together, with a frame of what to draw (samples, the generators' mapping
 * of a grid of source points, recent losses, mode coverage). The worker loops over tick().
 */
import { ToyGan, type ToyLosses } from './toyGan';
import { DEFAULT_TOY_TARGET, makeGrid, modeCoverage, toyModeMeans, type ToyTarget } from './toyData';

export interface ToyLabOptions {
  seed: number;
  lr: number;
  /** infoGAN's λ. */
  lambda: number;
  target?: ToyTarget;
}

export interface ToyModelFrame {
  step: number;
  points: Float32Array;
  /** infoGAN: the code of each sample; vanilla: null. */
  codes: Int32Array | null;
  /** The generator's image of a grid of source points (infoGAN: for code 0). */
  grid: Float32Array;
  losses: ToyLosses[];
  /** Share of samples near each target mode (which modes the generator found). */
  perMode: number[];
  covered: number;
}

export interface ToyFrame {
  vanilla: ToyModelFrame;
  info: ToyModelFrame;
  modes: Array<[number, number]>;
  modeStd: number;
}

const LOSS_HISTORY = 300;
const SAMPLES = 400;

export class ToyLab {
  readonly vanilla: ToyGan;
  readonly info: ToyGan;
  private readonly target: ToyTarget;
  private readonly grid = makeGrid(2.5, 11);
  private history: { vanilla: ToyLosses[]; info: ToyLosses[] } = { vanilla: [], info: [] };

  constructor(opts: ToyLabOptions) {
    this.target = opts.target ?? DEFAULT_TOY_TARGET;
    this.vanilla = new ToyGan('vanilla', { seed: opts.seed, target: this.target, lrG: opts.lr, lrD: opts.lr });
    this.info = new ToyGan('info', { seed: opts.seed, target: this.target, lrG: opts.lr, lrD: opts.lr, lambda: opts.lambda });
  }

  /** n training steps of both models. */
  step(n: number): void {
    for (let i = 0; i < n; i++) {
      this.push('vanilla', this.vanilla.step(1));
      this.push('info', this.info.step(1));
    }
  }

  setLearningRate(lr: number): void {
    this.vanilla.setLearningRate(lr, lr);
    this.info.setLearningRate(lr, lr);
  }

  frame(): ToyFrame {
    return { vanilla: this.modelFrame('vanilla'), info: this.modelFrame('info'), modes: toyModeMeans(this.target), modeStd: this.target.std };
  }

  dispose(): void {
    this.vanilla.dispose();
    this.info.dispose();
  }

  private push(which: 'vanilla' | 'info', l: ToyLosses): void {
    const h = this.history[which];
    h.push(l);
    if (h.length > LOSS_HISTORY) h.shift();
  }

  private modelFrame(which: 'vanilla' | 'info'): ToyModelFrame {
    const gan = which === 'vanilla' ? this.vanilla : this.info;
    const s = gan.sample(SAMPLES);
    const cov = modeCoverage(s.points, this.target);
    return {
      step: gan.stepCount,
      points: s.points,
      codes: s.codes,
      grid: gan.mapGrid(this.grid),
      losses: this.history[which].slice(),
      perMode: cov.perMode,
      covered: cov.covered,
    };
  }
}
