/**
 * M3's code generator CG: (20 + K)-140-256 (hidden width scaled by widthScale), ReLU hidden,
 * linear output, fed with z ~ N(0, I_20) concatenated with the one-hot c.
 */
import { tf, type Tensor2D } from '../tf';
import type { Rng } from '../train/rng';
import { Mlp } from './layers';

export class CodeGenerator {
  readonly net: Mlp;

  constructor(
    readonly widths: readonly number[],
    readonly noiseDim: number,
    rng: Rng,
  ) {
    this.net = new Mlp('codeGenerator', widths, 'linear', rng);
  }

  /** n x noiseDim standard normal noise, row-major. */
  sampleNoise(n: number, rng: Rng): Float32Array {
    const z = new Float32Array(n * this.noiseDim);
    for (let i = 0; i < z.length; i++) z[i] = rng.normal();
    return z;
  }

  /** CG(z, c): codes n x codeDim. */
  apply(noise: Tensor2D, onehot: Tensor2D): Tensor2D {
    return this.net.apply(tf.concat([noise, onehot], 1) as Tensor2D);
  }
}
