/// <reference types="@webgpu/types" />
/**
 * tfjs's WebGPU backend in Node through the `webgpu` package (Dawn), set up as in
 * ../shared/gpu/README.md: Dawn's globals and navigator.gpu must exist before
 * @tensorflow/tfjs-backend-webgpu is imported (it registers itself only when it sees them).
 * Used by the GPU tests and the GPU bench; the app's worker uses the browser's WebGPU.
 * Returns the adapter's description, or null when no adapter is found (no software or
 * hardware WebGPU here).
 */
import { tf } from '../tf';

let ready: Promise<string | null> | null = null;

export function setupNodeWebgpu(): Promise<string | null> {
  if (!ready) ready = setup();
  return ready;
}

async function setup(): Promise<string | null> {
  const pkg = 'webgpu';
  const webgpu = (await import(/* @vite-ignore */ pkg)) as { create: (o: string[]) => GPU; globals: object };
  const g = globalThis as Record<string, unknown>;
  Object.assign(g, webgpu.globals);
  const gpu = webgpu.create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  Object.defineProperty(g, 'navigator', { value: { gpu }, configurable: true, writable: true });
  if (!g.window) g.window = g;
  await import('@tensorflow/tfjs-backend-webgpu');
  const info = (adapter as unknown as { info?: { vendor?: string; architecture?: string; description?: string; device?: string } }).info ?? {};
  return [info.vendor, info.architecture, info.device || info.description].filter(Boolean).join(' ') || 'webgpu adapter';
}

/** Switch tfjs to the WebGPU backend (after setupNodeWebgpu); false when it fails. */
export async function useWebgpu(): Promise<boolean> {
  const ok = await tf.setBackend('webgpu');
  if (ok) await tf.ready();
  return ok && tf.getBackend() === 'webgpu';
}
