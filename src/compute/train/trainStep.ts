/**
 * Steps 1-5 of one training iteration (SPEC "One training iteration"), each with its own SGD
 * optimizer over exactly its variables:
 *   1 encoder + decoder   reconstruction ||x - x'||² (summed over features, batch mean; or per
 *                         element), gradient clipped to a global norm (our safety, SPEC)
 *   2 D1                  BCE: prior side (z ~ p_z, M3: CG(z, c)) with c_z -> 1, enc(x) with c_x -> 0
 *   3 encoder             fool D1: BCE(D1(enc(x), c_x), 1)
 *   4 D2                  BCE: real x with c_x -> 1, dec(code) with c_z -> 0
 *   5 decoder (M3: CG + decoder + AUX head)
 *                         fool D2: BCE(D2(dec(code), c_z), 1) (+ λ·CE(AUX(dec(code)), c_z))
 * Sign convention (the paper's is loose; SPEC asks for the standard form): every discriminator
 * labels the "real" side 1 (for D1 that is the prior, for D2 the data) and minimises the binary
 * cross-entropy; every generator (the encoder in step 3, the decoder/CG in step 5) uses the
 * NON-SATURATING loss, i.e. minimises the cross-entropy of its fakes against the "real" label
 * 1 (-log D(fake)), rather than maximising log(1 - D(fake)). The infoGAN mutual-information
 * term is its lower bound: minimise the cross-entropy of AUX predicting c.
 * Sigmoid/softmax are folded into the losses (logits in, softplus / logSoftmax) for stability.
 */
import { tf, type Scalar, type Tensor, type Tensor2D, type Variable } from '../tf';
import type { GanModel, StepId } from '../models/ganModel';
import type { StepKey, TrainSettings } from './settings';

/** -mean log σ(l): BCE of logits against label 1. */
export function bceOnes(logits: Tensor): Scalar {
  return tf.mean(tf.softplus(tf.neg(logits))) as Scalar;
}

/** -mean log(1 - σ(l)): BCE of logits against label 0. */
export function bceZeros(logits: Tensor): Scalar {
  return tf.mean(tf.softplus(logits)) as Scalar;
}

/** Mean cross-entropy of softmax(logits) against one-hot targets. */
export function softmaxCrossEntropy(logits: Tensor2D, onehot: Tensor2D): Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as Scalar;
}

/** A real mini-batch: standardised features and their one-hot classes. */
export interface RealBatch {
  x: Tensor2D;
  cx: Tensor2D;
}

/** A generator-side batch: the latent (mixture sample or noise) and its one-hot class c_z. */
export interface FakeBatch {
  latent: Tensor2D;
  cz: Tensor2D;
}

// ---- losses (forward only; shared by the steps and by validation scoring) ----

/** Step 1's objective: 'sum' = ||x - x'||² summed over features, mean over the batch; 'mean' = per element. */
export function reconLoss(model: GanModel, x: Tensor2D, mode: 'sum' | 'mean'): Scalar {
  const err = tf.squaredDifference(model.decode(model.encode(x)), x);
  return (mode === 'sum' ? tf.mean(tf.sum(err, 1)) : tf.mean(err)) as Scalar;
}

/** Step 2's loss: D1 tells prior-side codes (1) from encoded rows (0). */
export function d1Loss(model: GanModel, real: RealBatch, fake: FakeBatch): Scalar {
  const priorCode = model.latentToCode(fake.latent, fake.cz);
  const lp = model.d1Logits(priorCode, fake.cz);
  const le = model.d1Logits(model.encode(real.x), real.cx);
  return tf.add(bceOnes(lp), bceZeros(le)) as Scalar;
}

/** Step 3's loss (non-saturating): the encoder wants D1 to call enc(x) prior-side. */
export function encAdvLoss(model: GanModel, real: RealBatch): Scalar {
  return bceOnes(model.d1Logits(model.encode(real.x), real.cx));
}

/** Step 4's loss: D2 tells real rows (1) from decoded latent codes (0). */
export function d2Loss(model: GanModel, real: RealBatch, fake: FakeBatch): Scalar {
  const xf = model.decode(model.latentToCode(fake.latent, fake.cz));
  return tf.add(bceOnes(model.d2Logits(real.x, real.cx)), bceZeros(model.d2Logits(xf, fake.cz))) as Scalar;
}

/** Step 5's parts: the non-saturating generator loss, and AUX's CE (when the model has AUX). */
export function generatorLosses(model: GanModel, fake: FakeBatch): { gen: Scalar; aux: Scalar | null } {
  const xf = model.decode(model.latentToCode(fake.latent, fake.cz));
  const gen = bceOnes(model.d2Logits(xf, fake.cz));
  const aux = model.aux ? softmaxCrossEntropy(model.auxLogits(xf, fake.cz), fake.cz) : null;
  return { gen, aux };
}

// ---- optimizers ----

export type StepOptimizers = Partial<Record<StepId, tf.Optimizer>>;

/** SGD (momentum > 0: SGD with momentum) for each step the model trains. */
export function createOptimizers(model: GanModel, settings: Pick<TrainSettings, StepKey>): StepOptimizers {
  const o: StepOptimizers = {};
  for (const step of model.steps()) {
    const { lr, momentum } = settings[`step${step}` as StepKey];
    o[step] = momentum > 0 ? tf.train.momentum(lr, momentum) : tf.train.sgd(lr);
  }
  return o;
}

/** Dispose an optimizer and all its tensors. */
export function disposeOptimizer(opt: tf.Optimizer): void {
  opt.dispose();
  // tfjs 4.22: MomentumOptimizer.dispose() does not call SGDOptimizer's, so the kept
  // learning-rate scalar `c` would leak one tensor per optimizer.
  if (opt instanceof tf.MomentumOptimizer) {
    const c = (opt as unknown as { c?: Tensor }).c;
    if (c && !c.isDisposed) c.dispose();
  }
}

export function disposeOptimizers(o: StepOptimizers): void {
  for (const opt of Object.values(o)) if (opt) disposeOptimizer(opt);
}

/** Set the learning rate of an existing optimizer (SGD and momentum both support it). */
export function setOptimizerLearningRate(opt: tf.Optimizer, lr: number): void {
  (opt as tf.SGDOptimizer).setLearningRate(lr);
}

/**
 * Minimise f over exactly `vars` with `opt`; optionally clip the gradient to a global norm.
 * Returns f's value (the caller disposes it, e.g. in a tidy).
 */
export function optimise(opt: tf.Optimizer, vars: Variable[], f: () => Scalar, clipNorm: number | null = null): Scalar {
  const { value, grads } = tf.variableGrads(f, vars);
  if (clipNorm !== null) {
    const names = Object.keys(grads);
    tf.tidy(() => {
      // Summed pairwise, not with tf.addN: tfjs-backend-webgpu 4.22's AddN binds every input as
      // a storage buffer and silently returns garbage past WebGPU's limit of 8 (issue #12: the
      // clip was wrong on WebGPU; tests/compute/gpu/parity.test.ts). Same order as addN on CPU.
      const sq = names.map((k) => tf.sum(tf.square(grads[k]))).reduce((a, b) => tf.add(a, b));
      const norm = tf.sqrt(sq);
      // factor = min(1, clip / norm); a non-finite norm gives a non-finite factor, which the
      // divergence guard then sees in the weights.
      const factor = tf.div(tf.scalar(clipNorm), tf.maximum(norm, tf.scalar(clipNorm)));
      const clipped: Record<string, Tensor> = {};
      for (const k of names) clipped[k] = tf.mul(grads[k], factor);
      opt.applyGradients(clipped);
    });
  } else {
    opt.applyGradients(grads);
  }
  for (const g of Object.values(grads)) g.dispose();
  return value;
}

// ---- the steps (each returns its loss; all tensors it makes besides that are disposed) ----

export function step1(model: GanModel, opt: tf.Optimizer, real: RealBatch, s: Pick<TrainSettings, 'reconLoss' | 'clipNorm'>): Scalar {
  return optimise(opt, model.stepVariables(1), () => reconLoss(model, real.x, s.reconLoss), s.clipNorm);
}

export function step2(model: GanModel, opt: tf.Optimizer, real: RealBatch, fake: FakeBatch): Scalar {
  return optimise(opt, model.stepVariables(2), () => d1Loss(model, real, fake));
}

export function step3(model: GanModel, opt: tf.Optimizer, real: RealBatch): Scalar {
  return optimise(opt, model.stepVariables(3), () => encAdvLoss(model, real));
}

export function step4(model: GanModel, opt: tf.Optimizer, real: RealBatch, fake: FakeBatch): Scalar {
  return optimise(opt, model.stepVariables(4), () => d2Loss(model, real, fake));
}

/** Step 5: returns [gen, aux] (aux null without an AUX head); minimises gen + λ·aux. */
export function step5(model: GanModel, opt: tf.Optimizer, fake: FakeBatch, lambda: number): { gen: Scalar; aux: Scalar | null } {
  let gen: Scalar | null = null;
  let aux: Scalar | null = null;
  const total = optimise(opt, model.stepVariables(5), () => {
    const parts = generatorLosses(model, fake);
    gen = tf.keep(parts.gen);
    aux = parts.aux ? tf.keep(parts.aux) : null;
    return (parts.aux ? tf.add(parts.gen, tf.mul(tf.scalar(lambda), parts.aux)) : tf.clone(parts.gen)) as Scalar;
  });
  total.dispose();
  return { gen: gen!, aux };
}
