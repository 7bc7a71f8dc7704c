/**
 * The parts every model of the paper is made of, wired once:
 *   encoder/decoder (autoencoder), D1 (code space), and optionally D2 (data space),
 *   a code generator (M3) and an AUX head on D2's trunk (M3, and M4 = M2 + AUX).
 * M1-M4 differ only in which parts exist and in what the latent source is:
 *   - M1/M2/M4: z ~ mixture of K 2-D Gaussians, c_z = its component, code = z;
 *   - M3: z ~ N(0, I_20), c uniform, code = CG(z, c).
 * Every discriminator sees its input concatenated with a one-hot class vector.
 * AUX must not see c (SPEC): on the AUX path the one-hot slot of D2's trunk input is zeroed.
 */
import { tf, type Tensor2D, type Variable } from '../tf';
import { Rng } from '../train/rng';
import { CodeGenerator } from './codeGenerator';
import { Mlp } from './layers';
import { MixturePrior } from './mixturePrior';
import { modelSizes, type ModelKind, type ModelSizes } from './sizes';

export type StepId = 1 | 2 | 3 | 4 | 5;

export interface GanModelOptions {
  kind: ModelKind;
  d: number;
  K: number;
  widthScale?: number;
  /** Seed of the weight initialisation. */
  seed: number;
  priorRadius?: number;
  priorStd?: number;
  /** Give a model without one in the paper an AUX head (the planned M4 = M2 + AUX). */
  withAux?: boolean;
}

/** Random inputs of the generator side, drawn on the JS side from our Rng. */
export interface LatentSample {
  /** n x latentDim, row-major: the 2-D mixture sample (M1/M2) or the 20-D noise (M3). */
  latent: Float32Array;
  latentDim: number;
  /** The class of each sample (mixture component or the sampled c). */
  labels: Int32Array;
  n: number;
}

export class GanModel {
  readonly kind: ModelKind;
  readonly sizes: ModelSizes;
  readonly d: number;
  readonly K: number;
  readonly encoder: Mlp;
  readonly decoder: Mlp;
  readonly d1: Mlp;
  readonly d2: Mlp | null;
  readonly codeGenerator: CodeGenerator | null;
  /** AUX head (trunk output -> hidden -> K logits); its trunk is D2's layers but the last. */
  readonly aux: Mlp | null;
  /** M1/M2's prior; null for M3 (whose latent is N(0, I_20) through CG). */
  readonly prior: MixturePrior | null;

  constructor(opts: GanModelOptions) {
    const { kind, d, K, widthScale = 1 } = opts;
    this.kind = kind;
    this.d = d;
    this.K = K;
    this.sizes = modelSizes(kind, d, K, widthScale, { withAux: opts.withAux });
    const rng = new Rng(opts.seed);
    const s = this.sizes;
    this.encoder = new Mlp('encoder', s.encoder, 'linear', rng);
    this.decoder = new Mlp('decoder', s.decoder, 'linear', rng);
    this.d1 = new Mlp('d1', s.d1, 'sigmoid', rng);
    this.d2 = s.d2 ? new Mlp('d2', s.d2, 'sigmoid', rng) : null;
    this.codeGenerator = s.codeGenerator ? new CodeGenerator(s.codeGenerator, s.noiseDim, rng) : null;
    this.aux = s.aux ? new Mlp('aux', s.aux, 'softmax', rng) : null;
    this.prior = kind === 'm3' ? null : new MixturePrior({ K, radius: opts.priorRadius ?? 4, std: opts.priorStd ?? 1 });
  }

  get codeDim(): number {
    return this.sizes.codeDim;
  }

  /** n latent samples; labels drawn uniformly unless given. */
  sampleLatent(n: number, rng: Rng, labels?: Int32Array): LatentSample {
    if (this.codeGenerator) {
      const lab = labels ? Int32Array.from(labels) : new Int32Array(n);
      if (!labels) for (let i = 0; i < n; i++) lab[i] = rng.int(this.K);
      const latent = this.codeGenerator.sampleNoise(n, rng);
      return { latent, latentDim: this.codeGenerator.noiseDim, labels: lab, n };
    }
    const { z, labels: lab } = this.prior!.sample(n, rng, labels);
    return { latent: z, latentDim: 2, labels: lab, n };
  }

  /** One-hot n x K of integer labels. */
  oneHot(labels: Int32Array): Tensor2D {
    return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), this.K), 'float32') as Tensor2D);
  }

  /** The code-space sample of a latent: z itself (M1/M2) or CG(z, c) (M3). */
  latentToCode(latent: Tensor2D, onehot: Tensor2D): Tensor2D {
    return this.codeGenerator ? this.codeGenerator.apply(latent, onehot) : latent;
  }

  encode(x: Tensor2D): Tensor2D {
    return this.encoder.apply(x);
  }

  decode(code: Tensor2D): Tensor2D {
    return this.decoder.apply(code);
  }

  /** D1 logits of (code, one-hot). */
  d1Logits(code: Tensor2D, onehot: Tensor2D): Tensor2D {
    return this.d1.apply(tf.concat([code, onehot], 1) as Tensor2D);
  }

  /** D2 logits of (x, one-hot). */
  d2Logits(x: Tensor2D, onehot: Tensor2D): Tensor2D {
    if (!this.d2) throw new Error(`${this.kind} has no D2`);
    return this.d2.apply(tf.concat([x, onehot], 1) as Tensor2D);
  }

  /**
   * AUX logits (n x K) of x. AUX must not see c (SPEC): its input is D2's trunk input, x
   * concatenated with a one-hot slot, but on this path the slot is ZEROED whatever `onehot`
   * holds (D2's real/fake path keeps it). `onehot` is accepted only so callers feed the AUX
   * path exactly what D2 gets, and so a test can fill it with a wrong class and check nothing
   * changes.
   */
  auxLogits(x: Tensor2D, onehot?: Tensor2D): Tensor2D {
    if (!this.d2 || !this.aux) throw new Error(`${this.kind} has no AUX head`);
    const slot = onehot ? tf.zerosLike(onehot) : tf.zeros([x.shape[0], this.K]);
    const trunk = this.d2.apply(tf.concat([x, slot], 1) as Tensor2D, 0, this.d2.layers.length - 1);
    // D2's layers but the last are ReLU, so `trunk` is the trunk's 100-D ReLU output.
    return this.aux.apply(trunk);
  }

  /** The variables each training step updates (SPEC "One training iteration"). */
  stepVariables(step: StepId): Variable[] {
    switch (step) {
      case 1:
        return [...this.encoder.variables(), ...this.decoder.variables()];
      case 2:
        return this.d1.variables();
      case 3:
        return this.encoder.variables();
      case 4:
        return this.d2 ? this.d2.variables() : [];
      case 5: {
        if (!this.d2) return [];
        // Step 5 moves the generator side (CG + decoder) and AUX's own head, never D2's trunk.
        const v: Variable[] = [];
        if (this.codeGenerator) v.push(...this.codeGenerator.net.variables());
        v.push(...this.decoder.variables());
        if (this.aux) v.push(...this.aux.variables());
        return v;
      }
    }
  }

  /** The steps this model trains (1-3, plus 4-5 with D2). */
  steps(): StepId[] {
    return this.d2 ? [1, 2, 3, 4, 5] : [1, 2, 3];
  }

  parts(): Mlp[] {
    const p: Mlp[] = [this.encoder, this.decoder, this.d1];
    if (this.d2) p.push(this.d2);
    if (this.codeGenerator) p.push(this.codeGenerator.net);
    if (this.aux) p.push(this.aux);
    return p;
  }

  /** Every variable under a stable name (`encoder/0/W`, ...). */
  namedVariables(): Array<[string, Variable]> {
    return this.parts().flatMap((p) => p.namedVariables());
  }

  paramCount(): number {
    return this.parts().reduce((s, p) => s + p.paramCount(), 0);
  }

  dispose(): void {
    for (const p of this.parts()) p.dispose();
  }
}
