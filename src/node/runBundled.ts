/**
 * Run a Node entry of this project (the bench, the CLI) that imports tfjs. tfjs-core's ESM
 * build uses extension-less imports that Node's ESM loader (and tsx) cannot resolve, and its
 * CommonJS build lacks the gradients; so the entry is bundled with esbuild (as
 * ../shared/gpu/prepare.sh does) into node_modules/.cache and imported, with the same argv.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (this file is src/node/runBundled.ts), so entries run from any directory. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function runBundled(entry: string, name: string): Promise<void> {
  const outDir = path.join(REPO_ROOT, 'node_modules', '.cache', `emogan-${name}`);
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [path.join(REPO_ROOT, entry)],
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
}
