/**
 * Dense (fully connected) stacks built from tf.variable and tf.fused.matMul; tfjs-layers is
 * not used. Weights are Glorot-uniform from our seeded Rng, biases zero (SPEC "Initial
 * weights"). Hidden layers are ReLU; the last layer's activation is the caller's: 'linear'
 * (bottleneck, AE output, code generator) or logits that the loss turns into a sigmoid
 * (discriminators) or a softmax (AUX) in a numerically stable way.
 */
import { tf, type Tensor2D, type Variable } from '../tf';
import type { Rng } from '../train/rng';

export type OutputActivation = 'linear' | 'sigmoid' | 'softmax';

/** Glorot-uniform fan_in x fan_out matrix, row-major, limit sqrt(6 / (fan_in + fan_out)). */
export function glorotUniform(fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * limit;
  return w;
}

export interface DenseLayer {
  W: Variable;
  b: Variable;
  fanIn: number;
  fanOut: number;
}

export class Mlp {
  readonly layers: DenseLayer[];

  /**
   * @param name   the stack's name; weights are named `${name}/${i}/W` and `${name}/${i}/b`
   * @param widths [in, hidden..., out]
   * @param output what the last layer means; `apply` returns its pre-activation for
   *               'sigmoid'/'softmax' (logits), see `probabilities`
   */
  constructor(
    readonly name: string,
    readonly widths: readonly number[],
    readonly output: OutputActivation,
    rng: Rng,
  ) {
    if (widths.length < 2) throw new Error(`${name}: need at least an input and an output width`);
    this.layers = [];
    for (let i = 0; i + 1 < widths.length; i++) {
      const fanIn = widths[i];
      const fanOut = widths[i + 1];
      // Variables are named by tf (unique across trainers); our names are in namedVariables().
      const w0 = tf.tensor2d(glorotUniform(fanIn, fanOut, rng), [fanIn, fanOut]);
      const b0 = tf.zeros([fanOut]);
      const W = tf.variable(w0, true);
      const b = tf.variable(b0, true);
      // The variables share the initial values' storage (ref-counted); drop our handles.
      w0.dispose();
      b0.dispose();
      this.layers.push({ W, b, fanIn, fanOut });
    }
  }

  get inputDim(): number {
    return this.widths[0];
  }

  get outputDim(): number {
    return this.widths[this.widths.length - 1];
  }

  /**
   * Run layers [from, to) on x. Layers before the last are ReLU; the last layer is linear
   * (its logits when output is sigmoid/softmax).
   */
  apply(x: Tensor2D, from = 0, to = this.layers.length): Tensor2D {
    let h = x;
    for (let i = from; i < to; i++) {
      const { W, b } = this.layers[i];
      const last = i === this.layers.length - 1;
      h = tf.fused.matMul({ a: h, b: W, bias: b, activation: last ? 'linear' : 'relu' }) as Tensor2D;
    }
    return h;
  }

  /** The output after its activation (sigmoid / softmax / identity). */
  probabilities(x: Tensor2D): Tensor2D {
    const y = this.apply(x);
    if (this.output === 'sigmoid') return tf.sigmoid(y);
    if (this.output === 'softmax') return tf.softmax(y);
    return y;
  }

  variables(): Variable[] {
    return this.layers.flatMap((l) => [l.W, l.b]);
  }

  namedVariables(): Array<[string, Variable]> {
    return this.layers.flatMap((l, i): Array<[string, Variable]> => [
      [`${this.name}/${i}/W`, l.W],
      [`${this.name}/${i}/b`, l.b],
    ]);
  }

  paramCount(): number {
    return this.layers.reduce((s, l) => s + l.fanIn * l.fanOut + l.fanOut, 0);
  }

  dispose(): void {
    for (const l of this.layers) {
      l.W.dispose();
      l.b.dispose();
    }
  }
}
