/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2500 },
  // No COOP/COEP headers: tfjs-wasm's threaded build gave no speed-up here (BROWSER-NOTES.md)
  // and its pthread workers failed to start, so the app stays a plain static site.
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup/fileReader.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
