/**
 * The fallback choice (src/compute/backend.ts): without WebGPU, when WebGL and WASM both pass,
 * the faster by measurement is kept. Here two names are CPU backends under other names and the
 * probe is faked, so only the choosing logic is tested (no browser needed).
 */
import { describe, expect, it } from 'vitest';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '../../src/compute/tf';
import { probeStep, selectBackend, type BackendName } from '../../src/compute/backend';

const kernelsCopied = new Set<string>();

function fakeLoaders(names: BackendName[]) {
  return Object.fromEntries(
    names.map((n) => [
      n,
      async () => {
        if (!tf.findBackendFactory(n)) tf.registerBackend(n, () => new MathBackendCPU());
        if (!kernelsCopied.has(n)) {
          for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: n });
          kernelsCopied.add(n);
        }
        return { detail: `fake ${n}` };
      },
    ]),
  );
}

/** A probe that says the active backend takes these many ms. */
const probeBy = (ms: Partial<Record<string, number>>) => async () => ms[tf.getBackend()] ?? 99;

describe('selectBackend: fallback by measurement', () => {
  it('keeps WASM when it measures faster than WebGL, and says why WebGL was passed over', async () => {
    const r = await selectBackend({ loaders: fakeLoaders(['webgl', 'wasm', 'cpu']), probe: probeBy({ webgl: 9, wasm: 3 }) });
    expect(r.active).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(r.probeMs).toEqual({ webgl: 9, wasm: 3 });
    expect(r.rejected.find((x) => x.name === 'webgl')?.reason).toMatch(/measured slower here: 9\.0 ms .* 3\.0 ms on wasm/);
  });

  it('keeps WebGL when it measures faster', async () => {
    const r = await selectBackend({ loaders: fakeLoaders(['webgl', 'wasm', 'cpu']), probe: probeBy({ webgl: 2, wasm: 5 }) });
    expect(r.active).toBe('webgl');
    expect(tf.getBackend()).toBe('webgl');
    expect(r.rejected.find((x) => x.name === 'wasm')?.reason).toMatch(/measured slower/);
  });

  it('no measurement when only one fallback passes, or when a backend is forced', async () => {
    const noWebgl = await selectBackend({
      loaders: { ...fakeLoaders(['wasm', 'cpu']), webgl: async () => ({ reject: 'software renderer (SwiftShader)' }) },
      probe: async () => {
        throw new Error('must not probe');
      },
    });
    expect(noWebgl.active).toBe('wasm');
    expect(noWebgl.probeMs).toBeUndefined();
    const forced = await selectBackend({ loaders: fakeLoaders(['webgl', 'wasm', 'cpu']), forced: 'webgl', probe: probeBy({ webgl: 9, wasm: 1 }) });
    expect(forced.active).toBe('webgl');
  });

  it('WebGL passes and WASM fails: WebGL stays active', async () => {
    const r = await selectBackend({
      loaders: { ...fakeLoaders(['webgl', 'cpu']), wasm: async () => ({ reject: 'no WebAssembly' }) },
      probe: probeBy({}),
    });
    expect(r.active).toBe('webgl');
    expect(tf.getBackend()).toBe('webgl');
  });

  it('the real probe runs a training-like step and leaves no tensors behind', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const ms = await probeStep();
    expect(ms).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
