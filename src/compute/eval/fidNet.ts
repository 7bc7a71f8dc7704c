/**
 * The network behind Metric 3 (FID): an MLP d-64-64-64-64-K (ReLU hidden layers, softmax
 * output) trained for 30 epochs on the real reference rows; its 3rd hidden layer's activations
 * are the feature space in which FID compares real and synthetic rows.
 *
 * Our choices (the paper is silent): Adam, learning rate 1e-3, batch 64, softmax
 * cross-entropy, Glorot-uniform weights and zero biases drawn from a seeded Rng, batch order
 * shuffled by a seeded Rng; every setting is an option. Training runs on whatever tfjs backend
 * is active. All tensors are disposed before returning: the returned extractor holds plain
 * Float32Array weights and computes the activations in plain TypeScript, so it can be passed
 * around (and used) without a backend.
 */
import { tf } from '../tf';
import type { Dataset } from '../data/dataset';
import { Rng, deriveSeed } from '../train/rng';
import type { FeatureExtractor } from './frechet';

export interface FidNetOptions {
  /** Hidden layer widths (paper: 64, 64, 64, 64). */
  hidden?: number[];
  /** Which hidden layer (1-based) is the feature layer (paper: 3). */
  featureLayer?: number;
  /** Paper: 30. */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Called after each epoch with the mean training cross-entropy and accuracy. */
  onEpoch?: (epoch: number, loss: number, accuracy: number) => void;
  /** Checked between mini-batches; when it returns true, training throws 'cancelled'. */
  isCancelled?: () => boolean;
}

export const FID_NET_DEFAULTS = {
  hidden: [64, 64, 64, 64],
  featureLayer: 3,
  epochs: 30,
  batchSize: 64,
  learningRate: 1e-3,
  seed: 0,
} as const;

export interface DenseWeights {
  /** fanIn x fanOut row-major. */
  w: Float32Array;
  b: Float32Array;
  fanIn: number;
  fanOut: number;
}

export interface FidNet extends FeatureExtractor {
  /** All layers (hidden, then the K-wide output), trained weights. */
  readonly layers: DenseWeights[];
  readonly featureLayer: number;
  readonly k: number;
  /** Mean training cross-entropy per epoch. */
  readonly losses: number[];
  /** Training accuracy per epoch (from the mini-batches, before each update). */
  readonly accuracies: number[];
  /** Class probabilities (n x K) for n x d rows. */
  predictProba(x: Float32Array): Float32Array;
}

function glorot(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < w.length; i++) w[i] = rng.uniformIn(-limit, limit);
  return w;
}

/** y = relu?(x W + b) for n x fanIn rows, in plain TypeScript (float64 accumulation). */
function denseForward(x: Float32Array, n: number, layer: DenseWeights, relu: boolean): Float32Array {
  const { w, b, fanIn, fanOut } = layer;
  const y = new Float32Array(n * fanOut);
  const acc = new Float64Array(fanOut);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < fanOut; o++) acc[o] = b[o];
    const xo = i * fanIn;
    for (let f = 0; f < fanIn; f++) {
      const v = x[xo + f];
      if (v === 0) continue;
      const wo = f * fanOut;
      for (let o = 0; o < fanOut; o++) acc[o] += v * w[wo + o];
    }
    const yo = i * fanOut;
    for (let o = 0; o < fanOut; o++) y[yo + o] = relu && acc[o] < 0 ? 0 : acc[o];
  }
  return y;
}

function makeNet(layers: DenseWeights[], featureLayer: number, losses: number[], accuracies: number[]): FidNet {
  const d = layers[0].fanIn;
  const k = layers[layers.length - 1].fanOut;
  const check = (x: Float32Array): number => {
    if (x.length % d !== 0) throw new Error(`FID net: ${x.length} values is not a multiple of d = ${d}`);
    return x.length / d;
  };
  return {
    layers,
    featureLayer,
    k,
    losses,
    accuracies,
    inputDim: d,
    outputDim: layers[featureLayer - 1].fanOut,
    extract(x: Float32Array): Float32Array {
      const n = check(x);
      let h = x;
      for (let l = 0; l < featureLayer; l++) h = denseForward(h, n, layers[l], true);
      return h;
    },
    predictProba(x: Float32Array): Float32Array {
      const n = check(x);
      let h = x;
      for (let l = 0; l < layers.length; l++) h = denseForward(h, n, layers[l], l < layers.length - 1);
      for (let i = 0; i < n; i++) {
        let mx = -Infinity;
        for (let c = 0; c < k; c++) mx = Math.max(mx, h[i * k + c]);
        let s = 0;
        for (let c = 0; c < k; c++) s += h[i * k + c] = Math.exp(h[i * k + c] - mx);
        for (let c = 0; c < k; c++) h[i * k + c] /= s;
      }
      return h;
    },
  };
}

/**
 * Trains the FID network on labelled reference rows (usually the real, z-scored training split)
 * and returns it as a feature extractor. K = classNames.length.
 */
export async function trainFidNet(
  data: Pick<Dataset, 'features' | 'n' | 'd' | 'labels' | 'classNames'>,
  opts: FidNetOptions = {},
): Promise<FidNet> {
  const hidden = opts.hidden ?? [...FID_NET_DEFAULTS.hidden];
  const featureLayer = opts.featureLayer ?? FID_NET_DEFAULTS.featureLayer;
  const epochs = opts.epochs ?? FID_NET_DEFAULTS.epochs;
  const batchSize = opts.batchSize ?? FID_NET_DEFAULTS.batchSize;
  const lr = opts.learningRate ?? FID_NET_DEFAULTS.learningRate;
  const seed = opts.seed ?? FID_NET_DEFAULTS.seed;
  const { n, d } = data;
  const k = data.classNames.length;
  if (k < 2) throw new Error('FID net: need at least 2 classes');
  if (n < 1) throw new Error('FID net: no training rows');
  if (data.features.length !== n * d) throw new Error('FID net: features do not match n x d');
  if (!(featureLayer >= 1 && featureLayer <= hidden.length)) {
    throw new Error(`FID net: feature layer ${featureLayer} outside 1..${hidden.length}`);
  }
  for (let i = 0; i < n; i++) {
    if (!(data.labels[i] >= 0 && data.labels[i] < k)) throw new Error(`FID net: label ${data.labels[i]} outside 0..${k - 1}`);
  }

  const initRng = new Rng(deriveSeed(seed, 'fidnet-init'));
  const orderRng = new Rng(deriveSeed(seed, 'fidnet-order'));
  const widths = [d, ...hidden, k];
  const ws: tf.Variable[] = [];
  const bs: tf.Variable[] = [];
  for (let l = 0; l < widths.length - 1; l++) {
    const w0 = glorot(initRng, widths[l], widths[l + 1]);
    // tidy disposes the initial-value tensors; variables survive it.
    ws.push(tf.tidy(() => tf.variable(tf.tensor2d(w0, [widths[l], widths[l + 1]]), true, `fid_w${l}_${seed}`)));
    bs.push(tf.tidy(() => tf.variable(tf.zeros([widths[l + 1]]), true, `fid_b${l}_${seed}`)));
  }
  const vars = [...ws, ...bs];
  const optimizer = tf.train.adam(lr);
  const losses: number[] = [];
  const accuracies: number[] = [];
  const oneHot = new Float32Array(n * k);
  for (let i = 0; i < n; i++) oneHot[i * k + data.labels[i]] = 1;

  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const perm = orderRng.permutation(n);
      // Summed on the device and read once per epoch (a read per batch stalls GPU backends).
      let sums: tf.Tensor1D = tf.zeros([2]);
      for (let start = 0; start < n; start += batchSize) {
        if (opts.isCancelled?.()) {
          sums.dispose();
          throw new Error('cancelled');
        }
        const m = Math.min(batchSize, n - start);
        const xb = new Float32Array(m * d);
        const yb = new Float32Array(m * k);
        for (let j = 0; j < m; j++) {
          const i = perm[start + j];
          xb.set(data.features.subarray(i * d, (i + 1) * d), j * d);
          yb.set(oneHot.subarray(i * k, (i + 1) * k), j * k);
        }
        const next = tf.tidy(() => {
          const x = tf.tensor2d(xb, [m, d]);
          const y = tf.tensor2d(yb, [m, k]);
          let hits: tf.Tensor | null = null;
          const cost = optimizer.minimize(
            () => {
              let h: tf.Tensor2D = x;
              for (let l = 0; l < ws.length; l++) {
                h = tf.add(tf.matMul(h, ws[l] as tf.Tensor2D), bs[l]);
                if (l < ws.length - 1) h = tf.relu(h);
              }
              // kept: the gradient's own tidy would dispose it otherwise; this tidy does.
              hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(h, 1), tf.argMax(y, 1)), 'float32')));
              return tf.mean(tf.losses.softmaxCrossEntropy(y, h)) as tf.Scalar;
            },
            true,
            vars,
          )!;
          const h = hits! as tf.Tensor;
          const r = tf.add(sums, tf.stack([tf.mul(cost, m), h])) as tf.Tensor1D;
          h.dispose();
          return r;
        });
        sums.dispose();
        sums = next;
      }
      const [lossTotal, correct] = await sums.data();
      sums.dispose();
      const lossSum = lossTotal;
      losses.push(lossSum / n);
      accuracies.push(correct / n);
      opts.onEpoch?.(epoch + 1, lossSum / n, correct / n);
    }
    const layers: DenseWeights[] = [];
    for (let l = 0; l < ws.length; l++) {
      layers.push({
        w: new Float32Array(await ws[l].data()),
        b: new Float32Array(await bs[l].data()),
        fanIn: widths[l],
        fanOut: widths[l + 1],
      });
    }
    return makeNet(layers, featureLayer, losses, accuracies);
  } finally {
    optimizer.dispose();
    for (const v of vars) v.dispose();
  }
}
