/**
 * WebGPU in Node for the fast-path tests (the `webgpu` package, Dawn; on this machine and in
 * CI the software adapter, Mesa's lavapipe: .ci/software-webgpu.sh). Without an adapter the
 * tests skip with a message on a machine without lavapipe, and FAIL in CI (env CI set) or where
 * lavapipe is installed (its Vulkan ICD file exists), since then the adapter should be there.
 */
import { readdirSync } from 'node:fs';
import { tf } from '../../../src/compute/tf';
import { setupNodeWebgpu, useWebgpu } from '../../../src/compute/gpu/nodeWebgpu';

export const inCi = !!process.env.CI && process.env.CI !== 'false';

function lavapipeInstalled(): boolean {
  try {
    return readdirSync('/usr/share/vulkan/icd.d').some((f) => /^lvp_icd.*\.json$/.test(f));
  } catch {
    return false;
  }
}

/** The adapter's description, or null (with a message) when none; throws in CI. */
export async function webgpuAdapter(): Promise<string | null> {
  let desc: string | null = null;
  let why = 'no WebGPU adapter';
  try {
    desc = await setupNodeWebgpu();
  } catch (e) {
    why = (e as Error).message;
  }
  if (!desc) {
    const msg = `WebGPU unavailable in Node (${why}); install the software adapter: bash .ci/software-webgpu.sh`;
    if (inCi || lavapipeInstalled()) throw new Error(msg);
    console.warn(`skipping GPU tests: ${msg}`);
  }
  return desc;
}

/** Switch tfjs to WebGPU (throws if it does not come up). */
export async function onWebgpu(): Promise<void> {
  if (!(await useWebgpu())) throw new Error(`tfjs webgpu backend did not start (backend: ${tf.getBackend()})`);
}
