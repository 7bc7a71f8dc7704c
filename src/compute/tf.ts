/**
 * The one place compute code gets TensorFlow.js from: tfjs-core plus every gradient
 * (tfjs-core alone registers none). Backends are registered and chosen elsewhere
 * (compute/backend.ts in the app, tests/compute/helpers for tests, src/bench for the bench).
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Scalar, Variable, NamedTensorMap } from '@tensorflow/tfjs-core';
