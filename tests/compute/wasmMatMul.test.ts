/**
 * The WASM BatchMatMul re-registration (src/compute/wasmMatMul.ts): a transposed operand is
 * transposed first, then multiplied plainly. Same products as a plain JS reference for every
 * transpose combination, ranks 2 and 3, odd shapes; no tensor or backend data left behind.
 */
import { beforeAll, expect, test } from 'vitest';
import { useFastBackend } from './helpers';
import { tf } from '../../src/compute/tf';
import { Rng } from '../../src/compute/train/rng';

let backend = '';
beforeAll(async () => {
  backend = await useFastBackend();
});

function randn(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** C[b] = op(A[b]) · op(B[b]) in float64. */
function reference(a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number, ta: boolean, tb: boolean): Float64Array {
  const c = new Float64Array(batch * m * n);
  for (let q = 0; q < batch; q++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = ta ? a[q * k * m + p * m + i] : a[q * m * k + i * k + p];
          const bv = tb ? b[q * n * k + j * k + p] : b[q * k * n + p * n + j];
          s += av * bv;
        }
        c[q * m * n + i * n + j] = s;
      }
  return c;
}

test.each([
  [1, 1, 47, 5],
  [1, 64, 33, 17],
  [3, 7, 5, 9],
] as const)('batch %i, %i x %i by %i: all four transpose combinations match the reference', async (batch, m, k, n) => {
  expect(backend).toBe('wasm');
  const rng = new Rng(m * 100 + k);
  const before = tf.memory().numTensors;
  const bytesBefore = tf.memory().numBytes;
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const a = randn(batch * m * k, rng);
      const b = randn(batch * k * n, rng);
      const shapeA = ta ? [k, m] : [m, k];
      const shapeB = tb ? [n, k] : [k, n];
      const out = tf.tidy(() => {
        const A = batch === 1 ? tf.tensor(a, shapeA) : tf.tensor(a, [batch, ...shapeA]);
        const B = batch === 1 ? tf.tensor(b, shapeB) : tf.tensor(b, [batch, ...shapeB]);
        return tf.matMul(A as tf.Tensor2D, B as tf.Tensor2D, ta, tb);
      });
      expect(out.shape).toEqual(batch === 1 ? [m, n] : [batch, m, n]);
      const got = await out.data();
      out.dispose();
      const want = reference(a, b, batch, m, k, n, ta, tb);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `ta ${ta} tb ${tb} at ${i}`).toBeLessThan(1e-4 * (1 + Math.abs(want[i])) * Math.sqrt(k));
    }
  }
  expect(tf.memory().numTensors).toBe(before);
  expect(tf.memory().numBytes).toBe(bytesBefore);
});
