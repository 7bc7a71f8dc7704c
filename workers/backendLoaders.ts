/**
 * How each tfjs backend is loaded in a worker of this app (shared by every worker entry): the
 * WebGPU adapter and WebGL renderer checks, and the WASM binaries served by the app itself.
 */
import { tf } from '../src/compute/tf';
import type { BackendLoader, BackendName } from '../src/compute/backend';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

/** Software GPUs (SwiftShader, llvmpipe) are slower than WASM here (BROWSER-NOTES.md). */
const SOFTWARE_GPU = /swiftshader|llvmpipe|lavapipe|software|basic render/i;

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
  wasm: async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Single-threaded SIMD: threads gave no speed-up here and need cross-origin isolation.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    // The .wasm binaries are served by the app itself (no CDN). tfjs wants all three named;
    // the threaded one is never fetched with multithreading off.
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    });
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    return { detail: `WebAssembly${simd ? ' SIMD' : ''}, single thread` };
  },
  cpu: async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    return { detail: 'plain JavaScript' };
  },
};

