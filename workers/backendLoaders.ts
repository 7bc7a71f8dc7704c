/**
 * How each tfjs backend is loaded in a worker of this app (shared by every worker entry): the
 * WebGPU adapter and WebGL renderer checks, and the WASM binaries served by the app itself.
 */
import { tf } from '../src/compute/tf';
import type { BackendLoader, BackendName } from '../src/compute/backend';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { patchWasmTransposedMatMul } from '../src/compute/wasmMatMul';

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

/** Software GPUs (SwiftShader, llvmpipe) are slower than WASM here (BROWSER-NOTES.md). */
const SOFTWARE_GPU = /swiftshader|llvmpipe|lavapipe|software|basic render/i;

/**
 * Threads for tfjs-wasm: 'auto' uses the threaded SIMD build with one thread per logical core
 * (navigator.hardwareConcurrency; tfjs's own default is half that) when the page is
 * cross-origin isolated (vite.config.ts sends COOP/COEP), else the single-threaded SIMD build.
 * A number forces that many threads (1 = the single-threaded build); the browser bench uses it.
 */
export type WasmThreads = 'auto' | number;

export function wasmThreadsFor(want: WasmThreads): number {
  const isolated = (self as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
  if (!isolated) return 1;
  const cores = Math.max(1, self.navigator?.hardwareConcurrency ?? 1);
  return want === 'auto' ? cores : Math.max(1, Math.floor(want));
}

export function wasmLoader(want: WasmThreads = 'auto'): BackendLoader {
  return async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    patchWasmTransposedMatMul();
    const threads = wasmThreadsFor(want);
    // The threaded build needs SharedArrayBuffer (cross-origin isolation). Its 8 pthread
    // workers are classic workers that tfjs starts from Blob URLs holding its own glue, so they
    // work from this module worker once the page is isolated.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
    if (threads > 1) wasm.setThreadsCount(threads);
    // The .wasm binaries are served by the app itself (no CDN). tfjs wants all three named;
    // only the one for the chosen build is fetched.
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    });
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    if (threads <= 1) {
      const isolated = (self as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
      const why = !isolated && (want === 'auto' || want > 1) ? ' (the page is not cross-origin isolated)' : '';
      return { detail: `WebAssembly${simd ? ' SIMD' : ''}, single thread${why}` };
    }
    // Initialise here so the detail can say how many threads tfjs actually runs. tfjs-wasm caps
    // its pool at hardwareConcurrency / 2 (read once, when the module starts: it assumes 2
    // hyper-threads per core), i.e. 1 thread on this 2-core machine whatever setThreadsCount
    // asks; so the module is shown twice the count while it starts, then the real one again.
    const nav = self.navigator as { hardwareConcurrency: number };
    Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
    let ok: boolean;
    try {
      ok = await tf.setBackend('wasm');
    } finally {
      delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
    }
    if (!ok) throw new Error('the threaded WASM build failed to start');
    const n = wasm.getThreadsCount();
    return { detail: `WebAssembly${simd ? ' SIMD' : ''}, ${n} threads (cross-origin isolated)` };
  };
}

/**
 * For workers whose nets are tiny (the toy lab's 2-D GANs): each op is so small that handing it
 * to a second thread costs more than it saves (toy lab, this machine: 6 training steps per second
 * threaded vs 14-19 single-threaded).
 */
export const singleThreadLoaders = (): Record<BackendName, BackendLoader> => ({ ...loaders, wasm: wasmLoader(1) });

export const loaders: Record<BackendName, BackendLoader> = {
  webgpu: async () => {
    const gpu = (self.navigator as unknown as { gpu?: GpuLike }).gpu;
    if (!gpu) return { reject: 'navigator.gpu is missing (this browser has no WebGPU here)' };
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { reject: 'navigator.gpu.requestAdapter() returned null (no usable GPU adapter)' };
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    await import('@tensorflow/tfjs-backend-webgpu');
    if (adapter.isFallbackAdapter || info.isFallbackAdapter || SOFTWARE_GPU.test(name)) {
      return { reject: `software adapter (${name}); WASM is faster on this machine` };
    }
    return { detail: name };
  },
  webgl: async () => {
    if (typeof OffscreenCanvas === 'undefined') return { reject: 'OffscreenCanvas is missing in workers here' };
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return { reject: 'WebGL2 is not available in a worker here' };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    await import('@tensorflow/tfjs-backend-webgl');
    if (SOFTWARE_GPU.test(renderer)) return { reject: `software renderer (${renderer}); WASM is faster on this machine` };
    return { detail: renderer };
  },
  wasm: wasmLoader(),
  cpu: async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    return { detail: 'plain JavaScript' };
  },
};

