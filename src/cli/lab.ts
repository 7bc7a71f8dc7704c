/**
 * `npx tsx src/cli/lab.ts ...` (or `npm run lab -- ...`): the headless lab. tfjs-core's ESM
 * build uses extension-less imports that Node's ESM loader (and tsx) cannot resolve, and its
 * CommonJS build lacks the gradients; so, like src/bench/bench.ts, this launcher bundles
 * labMain.ts with esbuild (tsx's own dependency) and runs the bundle with the same arguments.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The repository root (this file is src/cli/lab.ts), so the CLI runs from any directory.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.env.EMOGAN_LAB_ROOT = root;
const outDir = path.join(root, 'node_modules', '.cache', 'emogan-lab');
mkdirSync(outDir, { recursive: true });
const outfile = path.join(outDir, 'lab.mjs');
await build({
  entryPoints: [path.join(root, 'src/cli/labMain.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  mainFields: ['module', 'main'],
  external: ['webgpu'],
  outfile,
  logLevel: 'warning',
  // The WASM backend's Emscripten loader uses require/__dirname/__filename in Node.
  banner: {
    js:
      "import { createRequire } from 'module'; import { fileURLToPath as __fu } from 'url'; import { dirname as __dn } from 'path';" +
      ' const require = createRequire(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);',
  },
});
await import(pathToFileURL(outfile).href);
