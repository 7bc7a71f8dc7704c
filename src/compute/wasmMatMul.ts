/**
 * tfjs-backend-wasm 4.22's BatchMatMul is 8-15x slower with a transposed operand than with an
 * explicit Transpose followed by a plain product (measured in Node on this machine, 64 x 1582
 * by 1582 x 1000: transposeA 135 ms vs 18 ms; transposeB 70 ms vs 14 ms). Every dense layer's
 * backward pass multiplies by a transpose (dW = Xᵀ·dY, dX = dY·Wᵀ), so training on the WASM
 * fallback spent most of its time there. This re-registers the WASM BatchMatMul kernel so that a
 * transposed operand is transposed first (tfjs's own Transpose kernel), then multiplied plainly.
 * Same numbers up to float summation order; tests/compute/wasmMatMul.test.ts checks it.
 */
import { tf } from './tf';

type KernelFunc = (args: { inputs: Record<string, unknown>; backend: unknown; attrs?: Record<string, unknown> }) => unknown;
interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

let patched = false;

/** Idempotent; call after '@tensorflow/tfjs-backend-wasm' is imported (its kernels registered). */
export function patchWasmTransposedMatMul(): void {
  if (patched) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  const matMul = original.kernelFunc as unknown as KernelFunc;
  const transposeFunc = transpose.kernelFunc as unknown as KernelFunc;
  const swapLast = (x: TensorInfoLike, backend: unknown): TensorInfoLike => {
    const r = x.shape.length;
    const perm = Array.from({ length: r }, (_, i) => i);
    perm[r - 2] = r - 1;
    perm[r - 1] = r - 2;
    return transposeFunc({ inputs: { x }, backend, attrs: { perm } }) as TensorInfoLike;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: ((args: { inputs: { a: TensorInfoLike; b: TensorInfoLike }; backend: { disposeData(id: object): void }; attrs: { transposeA: boolean; transposeB: boolean } }) => {
      const { inputs, backend, attrs } = args;
      if (!attrs.transposeA && !attrs.transposeB) return matMul(args as never);
      const a = attrs.transposeA ? swapLast(inputs.a, backend) : inputs.a;
      const b = attrs.transposeB ? swapLast(inputs.b, backend) : inputs.b;
      try {
        return matMul({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      } finally {
        if (a !== inputs.a) backend.disposeData(a.dataId);
        if (b !== inputs.b) backend.disposeData(b.dataId);
      }
    }) as unknown as tf.KernelFunc,
  });
  patched = true;
}
