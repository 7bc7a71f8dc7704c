/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/** COOP/COEP: `self.crossOriginIsolated` is true in the page and its workers. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * tfjs-wasm's threaded build starts its pthread workers from a Blob holding
 * `wasmFactoryThreadedSimd.toString()`, i.e. the factory as it stands in *our* bundle. Once
 * minified, that source refers to names outside the function (its `_scriptDir` becomes a bare
 * `e` whose `typeof` guard the minifier dropped), so every pthread worker died with
 * "ReferenceError: e is not defined" and the backend never came up. Point the workers at the
 * package's own, unbundled Emscripten glue instead, served as a separate file (the same code,
 * so the main side and the workers agree on the wasm module's imports).
 */
function tfjsWasmThreadedGlue(): Plugin {
  const file = /@tensorflow[\\/]tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/;
  const blob = /new Blob\(\[`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)\], \{ type: 'text\/javascript' \}\)/;
  return {
    name: 'tfjs-wasm-threaded-glue',
    apply: 'build',
    transform(code, id) {
      if (!file.test(id.split('?')[0])) return null;
      if (!blob.test(code)) this.error('tfjs-wasm-threaded-glue: the Blob line in backend_wasm.js changed; update the pattern');
      return (
        "import __threadedGlueUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?url';\n" +
        code.replace(blob, 'new URL(__threadedGlueUrl, self.location.href).href')
      );
    },
  };
}

export default defineConfig({
  plugins: [react()],
  // config.plugins do not reach worker bundles in a build; tfjs runs only in workers.
  worker: { format: 'es', plugins: () => [tfjsWasmThreadedGlue()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2500 },
  // Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, which tfjs-wasm's
  // threaded build needs (workers/backendLoaders.ts). Everything the app loads is its own
  // (scripts, workers, .wasm binaries, the demo CSV), so require-corp blocks nothing. A static
  // host serving dist/ must send the same two headers, or the app falls back to one thread.
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup/fileReader.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
