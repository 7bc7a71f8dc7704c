/**
 * `npm run bench` entry (tsx). tfjs-core's ESM build uses extension-less imports that Node's
 * ESM loader (and tsx) cannot resolve, and its CommonJS build lacks the gradients; so this
 * launcher bundles benchMain.ts with esbuild (tsx's own dependency) the way
 * ../shared/gpu/prepare.sh does, then runs the bundle with the same arguments.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.cwd();
const outDir = path.join(root, 'node_modules', '.cache', 'emogan-bench');
mkdirSync(outDir, { recursive: true });
const outfile = path.join(outDir, 'bench.mjs');
await build({
  entryPoints: [path.join(root, 'src/bench/benchMain.ts')],
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
