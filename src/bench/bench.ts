/**
 * `npm run bench` entry (tsx). Runs each benchmark section in turn; each section is a Node entry
 * bundled first (see src/node/runBundled.ts for why) and given the same argv.
 *
 *   npm run bench                      all sections
 *   npm run bench -- --only training   one section (training | tsne | gpu | browser), comma list allowed
 *
 * Sections: training (benchMain.ts: epoch time per tfjs backend in Node), tsne (tsneBench.ts:
 * fast t-SNE / UMAP beside tsne-js), gpu (gpuBench.ts: WebGPU dispatch counts and epoch times,
 * plain tfjs beside the fast path), browser (browserBench.ts: the same figures in headless
 * Chromium). A section whose file is absent is skipped with a line saying so.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, runBundled } from '../node/runBundled';

const SECTIONS: Array<{ name: string; entry: string }> = [
  { name: 'training', entry: 'src/bench/benchMain.ts' },
  { name: 'tsne', entry: 'src/bench/tsneBench.ts' },
  { name: 'gpu', entry: 'src/bench/gpuBench.ts' },
  { name: 'browser', entry: 'src/bench/browserBench.ts' },
];

const argv = process.argv.slice(2);
const i = argv.indexOf('--only');
const only = i >= 0 ? argv[i + 1].split(',') : null;
for (const s of SECTIONS) {
  if (only && !only.includes(s.name)) continue;
  if (!existsSync(path.join(REPO_ROOT, s.entry))) {
    console.log(`== bench ${s.name}: skipped (${s.entry} not present)`);
    continue;
  }
  console.log(`\n== bench ${s.name} (${s.entry})`);
  await runBundled(s.entry, `bench-${s.name}`);
}
