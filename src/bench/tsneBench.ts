/**
 * `npm run bench -- --only tsne` (issue #9): the fast t-SNE beside tsne-js and UMAP, in one run.
 *
 *   npm run bench -- --only tsne [--sizes 2000,5000] [--iterations 1000] [--no-browser] [--no-quality]
 *
 * Data: 10 Gaussian clusters in 50-D (centres 3 sigma apart on random axes, seeded), as the
 * issue's "2000 points, 50-D". Sections:
 *   1. Node: the fast t-SNE's plain-TS path (what the CPU / WASM fallback runs) at each size,
 *      whole runs, and at the first size its layout scored (KL on the exact P, 10-NN) beside
 *      the same run with the exact gradient and UMAP; its tfjs tensor path on WASM and on Node's WebGPU adapter (software
 *      lavapipe here: correctness, not GPU speed) timed over a few iterations and
 *      extrapolated; the WGSL engine (tsneWebgpu.ts, 3 dispatches per iteration) likewise on
 *      Node's WebGPU adapter (on a lent GPU: `npm run bench -- --only tsne --no-browser` gives
 *      the GPU figure); UMAP (umap-js, 500 epochs).
 *   2. Headless Chromium (Debian's, /usr/bin/chromium): a page with the embed code bundled by
 *      esbuild runs the fast t-SNE at each size (the in-browser figures), tsne-js per
 *      iteration at 2000 points (extrapolated: a whole run takes ~half an hour here), and the
 *      quality table: tsne-js, fast t-SNE and UMAP on the same data, seed and iterations, KL on
 *      one exact P and 10-NN preservation, on EmoDB's 4 classes and on three Gaussian blobs.
 *      (tsne-js runs only in the browser: under Node its ndarray code needs uglify-js at run
 *      time, which an esbuild bundle breaks.)
 * Writes bench-results/tsne-<date>.json and .md; prints the tables.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../compute/tf';
import { prepareFastTsne, runFastTsne, type TsneSchedule } from '../compute/embed/fastTsne';
import { createTensorEngine } from '../compute/embed/tsneTensor';
import { createWebgpuEngine, tfjsWebgpuDevice } from '../compute/embed/tsneWebgpu';
import { runUmap } from '../compute/embed/umap';
import { exactJointP, klDivergence, neighbourPreservation } from '../compute/embed/quality';
import { Rng } from '../compute/train/rng';
import { setupNodeWebgpu, useWebgpu } from '../compute/gpu/nodeWebgpu';
import { optionGetter } from './argv';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../e2e/chromium';

const argv = process.argv.slice(2);
const get = optionGetter(argv);
const SIZES = (get('sizes') ?? '2000,5000').split(',').map(Number);
const ITERATIONS = Number(get('iterations') ?? 1000);
const BROWSER = !argv.includes('--no-browser');
const QUALITY = !argv.includes('--no-quality');
const ROOT = process.cwd();

interface Row {
  where: string;
  method: string;
  n: number;
  iterations: number;
  seconds: number;
  extrapolated: boolean;
  note?: string;
}
const rows: Row[] = [];
interface QualityRow {
  data: string;
  n: number;
  iterations: number;
  method: string;
  seconds: number;
  kl: number;
  nn10: number;
}
let quality: QualityRow[] = [];

/** K clusters in d dims: centre of cluster k = 3 x a random unit-variance vector; seeded. */
function clusters(n: number, d: number, K: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const centres = Array.from({ length: K }, () => Array.from({ length: d }, () => 3 * rng.normal() / Math.sqrt(2)));
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = centres[i % K][j] + rng.normal();
  return x;
}

function log(s: string): void {
  console.log(s);
}

/** Layouts of the first size, scored at the end of the Node section (Barnes-Hut vs exact vs UMAP). */
const firstLayouts: Array<{ method: string; layout: Float32Array; seconds: number; iterations: number }> = [];

async function nodeSection(): Promise<void> {
  for (const n of SIZES) {
    const x = clusters(n, 50, 10, 1);
    const r = await runFastTsne(x, n, 50, { iterations: ITERATIONS, seed: 1 }, { yieldBetweenChunks: false });
    if (n === SIZES[0]) firstLayouts.push({ method: `fast t-SNE (${r.gradient})`, layout: r.layout, seconds: (r.setupMs + r.iterateMs) / 1000, iterations: ITERATIONS });
    rows.push({ where: 'Node', method: `fast t-SNE, ${r.gradient} (plain TS)`, n, iterations: ITERATIONS, seconds: (r.setupMs + r.iterateMs) / 1000, extrapolated: false, note: `setup ${(r.setupMs / 1000).toFixed(1)} s, KL (sparse P) ${r.kl.toFixed(3)}` });
    log(`Node fast t-SNE n=${n}: ${((r.setupMs + r.iterateMs) / 1000).toFixed(1)} s (${r.gradient})`);
  }
  // The tensor path where tfjs runs in Node: WASM (the browser's CPU fallback backend) and WebGPU.
  const backends: Array<{ name: string; set: () => Promise<string | null> }> = [
    {
      name: 'wasm',
      set: async () => {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(path.resolve(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + path.sep);
        return (await tf.setBackend('wasm')) ? 'tfjs WASM' : null;
      },
    },
    {
      name: 'webgpu',
      set: async () => {
        const desc = await setupNodeWebgpu().catch(() => null);
        if (!desc) return null;
        return (await useWebgpu()) ? `tfjs WebGPU (${desc})` : null;
      },
    },
  ];
  for (const b of backends) {
    let label: string | null = null;
    try {
      label = await b.set();
    } catch (e) {
      log(`backend ${b.name} unavailable: ${(e as Error).message}`);
    }
    if (!label) continue;
    await tf.ready();
    // lavapipe takes seconds per iteration at these sizes: time only the smallest there.
    for (const n of b.name === 'webgpu' ? SIZES.slice(0, 1) : SIZES) {
      const x = clusters(n, 50, 10, 1);
      const { P, Y0, schedule } = prepareFastTsne(x, n, 50, { iterations: ITERATIONS, seed: 1 });
      const spread = spreadLayout(Y0);
      const e = createTensorEngine(P, spread, { ...schedule, exaggerationIterations: 0, momentumSwitch: 0 } as TsneSchedule);
      const timed = b.name === 'webgpu' ? 3 : 10;
      try {
        await e.run(0, 2);
        const t0 = performance.now();
        await e.run(2, timed);
        const ms = (performance.now() - t0) / timed;
        rows.push({ where: 'Node', method: `fast t-SNE, exact tensor gradient, ${label}`, n, iterations: ITERATIONS, seconds: (ms * ITERATIONS) / 1000, extrapolated: true, note: `${ms.toFixed(0)} ms / iteration over ${timed}` });
        log(`Node tensor path on ${label} n=${n}: ${ms.toFixed(0)} ms/iteration`);
      } finally {
        e.dispose();
      }
    }
  }
  // The WGSL engine (3 dispatches per iteration) on Node's WebGPU adapter, when there is one.
  const device = tf.getBackend() === 'webgpu' ? tfjsWebgpuDevice(tf.backend()) : null;
  if (device) {
    for (const n of SIZES) {
      const x = clusters(n, 50, 10, 1);
      const { P, Y0, schedule } = prepareFastTsne(x, n, 50, { iterations: ITERATIONS, seed: 1 });
      const e = createWebgpuEngine(device, P, spreadLayout(Y0), schedule);
      const timed = 5;
      try {
        await e.run(0, 2);
        const t0 = performance.now();
        await e.run(2, timed);
        const ms = (performance.now() - t0) / timed;
        const desc = (await setupNodeWebgpu()) ?? 'webgpu';
        rows.push({ where: 'Node', method: `fast t-SNE, exact gradient in 3 WGSL dispatches, WebGPU (${desc})`, n, iterations: ITERATIONS, seconds: (ms * ITERATIONS) / 1000, extrapolated: true, note: `${ms.toFixed(0)} ms / iteration over ${timed}` });
        log(`Node WGSL engine n=${n}: ${ms.toFixed(0)} ms/iteration`);
      } finally {
        e.dispose();
      }
    }
  }
  for (const n of SIZES) {
    const x = clusters(n, 50, 10, 1);
    const t0 = performance.now();
    const u = await runUmap(x, n, 50, { seed: 1 }, { yieldBetweenChunks: false });
    if (n === SIZES[0]) firstLayouts.push({ method: 'UMAP (umap-js)', layout: u.layout, seconds: (performance.now() - t0) / 1000, iterations: u.iteration });
    rows.push({ where: 'Node', method: 'UMAP (umap-js, exact kNN)', n, iterations: u.iteration, seconds: (performance.now() - t0) / 1000, extrapolated: false });
    log(`Node UMAP n=${n}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

/**
 * tsne-js cannot do the size in reasonable time (about an hour at 2000 points), so at
 * that size the fast path's Barnes-Hut layout is scored against its own exact-gradient run
 * (same P, seed, schedule) and UMAP, KL on the exact dense P.
 */
async function nodeQuality(): Promise<void> {
  const n = SIZES[0];
  const x = clusters(n, 50, 10, 1);
  const t0 = performance.now();
  const exact = await runFastTsne(x, n, 50, { iterations: ITERATIONS, seed: 1, gradient: 'exact' }, { yieldBetweenChunks: false });
  firstLayouts.splice(1, 0, { method: 'fast t-SNE (exact)', layout: exact.layout, seconds: (performance.now() - t0) / 1000, iterations: ITERATIONS });
  const P = exactJointP(x, n, 50, 30);
  for (const l of firstLayouts) {
    const q = { data: `ten 50-D clusters (${n} points), Node`, n, iterations: l.iterations, method: l.method, seconds: l.seconds, kl: klDivergence(P, l.layout, n), nn10: neighbourPreservation(x, n, 50, l.layout, 10) };
    quality.push(q);
    log(`quality ${q.data} ${q.method}: KL ${q.kl.toFixed(4)}, 10-NN ${q.nn10.toFixed(3)}`);
  }
}

/** A spread-out layout (as after the first iterations), so per-iteration timings are representative. */
function spreadLayout(Y0: Float64Array): Float64Array {
  const rng = new Rng(3);
  return Y0.map(() => 20 * rng.normal());
}

/** EmoDB's 4 classes (the demo table), features and labels. */
function emodb(): { x: number[]; n: number; d: number } {
  const lines = readFileSync(path.resolve(ROOT, 'public/demo/emodb-is09.csv'), 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const fc = header.map((h, i) => (/^f\d+$/.test(h) ? i : -1)).filter((i) => i >= 0);
  const lc = header.indexOf('label');
  const keep = ['angry', 'happy', 'neutral', 'sad'];
  const data = lines.slice(1).map((l) => l.split(',')).filter((r) => keep.includes(r[lc]));
  return { x: data.flatMap((r) => fc.map((c) => Number(r[c]))), n: data.length, d: fc.length };
}

/** The page's bundle: the embed code and a few entry points on window. */
const PAGE_ENTRY = `
import { runFastTsne } from './src/compute/embed/fastTsne';
import { TsneSession } from './src/compute/embed/tsne';
import { runUmap } from './src/compute/embed/umap';
import { prepareTsneMatrix } from './src/compute/embed/tsneInput';
import { exactJointP, klDivergence, neighbourPreservation } from './src/compute/embed/quality';
import { Rng } from './src/compute/train/rng';
function clusters(n, d, K, seed) {
  const rng = new Rng(seed);
  const centres = Array.from({ length: K }, () => Array.from({ length: d }, () => 3 * rng.normal() / Math.sqrt(2)));
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = centres[i % K][j] + rng.normal();
  return x;
}
function blobs(n, d, K, sep, seed) {
  const rng = new Rng(seed);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = (j === i % K ? sep : 0) + rng.normal();
  return x;
}
window.bench = {
  async fast(n, iterations) {
    const x = clusters(n, 50, 10, 1);
    const t0 = performance.now();
    const r = await runFastTsne(x, n, 50, { iterations, seed: 1 });
    return { seconds: (performance.now() - t0) / 1000, setup: r.setupMs / 1000, gradient: r.gradient, kl: r.kl };
  },
  tsneJsPerIteration(n, steps) {
    const x = clusters(n, 50, 10, 1);
    const t0 = performance.now();
    const s = new TsneSession(x, n, 50, { iterations: 1000, seed: 1 });
    const setup = (performance.now() - t0) / 1000;
    s.step(2);
    const t1 = performance.now();
    s.step(steps);
    return { setup, perIteration: (performance.now() - t1) / 1000 / steps };
  },
  async quality(which, iterations, emo) {
    let x, n, d, name;
    if (which === 'emodb') { x = Float32Array.from(emo.x); n = emo.n; d = emo.d; name = 'EmoDB 4 classes (' + n + ' rows, 382-D, z-scored, PCA 50)'; }
    else { n = 300; d = 10; x = blobs(n, d, 3, 8, 5); name = 'three Gaussian blobs (300 points, 10-D)'; }
    const opts = { perplexity: 30, iterations, seed: 3, standardize: true };
    const prep = prepareTsneMatrix(x, n, d, opts);
    const P = exactJointP(prep.x, n, prep.dim, 30);
    const out = [];
    const score = (method, layout, seconds) => out.push({ data: name, n, iterations, method, seconds, kl: klDivergence(P, layout, n), nn10: neighbourPreservation(prep.x, n, prep.dim, layout, 10) });
    let t0 = performance.now();
    const s = new TsneSession(x, n, d, opts);
    s.step(1e9);
    score('tsne-js (exact)', s.layout(), (performance.now() - t0) / 1000);
    t0 = performance.now();
    const f = await runFastTsne(x, n, d, opts);
    score('fast t-SNE (' + f.gradient + ')', f.layout, (performance.now() - t0) / 1000);
    t0 = performance.now();
    const u = await runUmap(x, n, d, { seed: 3, epochs: iterations });
    score('UMAP (umap-js)', u.layout, (performance.now() - t0) / 1000);
    return out;
  },
};
`;

async function browserSection(): Promise<void> {
  const esbuildName = 'esbuild';
  const pwName = '@playwright/test';
  const esbuild = (await import(/* @vite-ignore */ esbuildName)) as typeof import('esbuild');
  const { chromium } = (await import(/* @vite-ignore */ pwName)) as typeof import('@playwright/test');
  const built = await esbuild.build({
    stdin: { contents: PAGE_ENTRY, resolveDir: ROOT, loader: 'ts', sourcefile: 'tsne-bench-page.ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    logLevel: 'warning',
  });
  const script = built.outputFiles[0].text;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_FLAGS,
  });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(0);
    await page.setContent('<!doctype html><title>t-SNE bench</title>');
    await page.addScriptTag({ content: script });
    const version = browser.version();
    for (const n of SIZES) {
      const r = await page.evaluate(([n, it]) => (window as unknown as { bench: { fast: (a: number, b: number) => Promise<{ seconds: number; setup: number; gradient: string; kl: number }> } }).bench.fast(n, it), [n, ITERATIONS] as const);
      rows.push({ where: `Chromium ${version}`, method: `fast t-SNE, ${r.gradient} (plain TS)`, n, iterations: ITERATIONS, seconds: r.seconds, extrapolated: false, note: `setup ${r.setup.toFixed(1)} s, KL (sparse P) ${r.kl.toFixed(3)}` });
      log(`Chromium fast t-SNE n=${n}: ${r.seconds.toFixed(1)} s`);
    }
    const n0 = SIZES[0];
    const tj = await page.evaluate((n) => (window as unknown as { bench: { tsneJsPerIteration: (a: number, b: number) => { setup: number; perIteration: number } } }).bench.tsneJsPerIteration(n, 5), n0);
    rows.push({ where: `Chromium ${version}`, method: 'tsne-js (exact)', n: n0, iterations: ITERATIONS, seconds: tj.setup + tj.perIteration * ITERATIONS, extrapolated: true, note: `${tj.perIteration.toFixed(2)} s / iteration over 5, setup ${tj.setup.toFixed(1)} s` });
    log(`Chromium tsne-js n=${n0}: ${tj.perIteration.toFixed(2)} s/iteration`);
    if (QUALITY) {
      const emo = emodb();
      for (const which of ['blobs', 'emodb']) {
        const q = await page.evaluate(([w, e]) => (window as unknown as { bench: { quality: (a: string, b: number, c: unknown) => Promise<QualityRow[]> } }).bench.quality(w, 500, e), [which, emo] as const);
        quality = quality.concat(q);
        for (const r of q) log(`quality ${r.data} ${r.method}: KL ${r.kl.toFixed(4)}, 10-NN ${r.nn10.toFixed(3)}, ${r.seconds.toFixed(1)} s`);
      }
    }
  } finally {
    await browser.close();
  }
}

await nodeSection();
if (QUALITY) await nodeQuality();
if (BROWSER) await browserSection();

const machine = `${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
const md = [
  `t-SNE / UMAP benchmark, ${date}. Machine: ${machine}. Data: 10 Gaussian clusters in 50-D (seeded). Other work may share the cores: timings are noisy.`,
  '',
  '| where | method | points | iterations | seconds | note |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.where} | ${r.method} | ${r.n} | ${r.iterations} | ${r.seconds.toFixed(1)}${r.extrapolated ? '*' : ''} | ${r.note ?? ''} |`),
  '',
  '\\* extrapolated from timed iterations',
  '',
  ...(quality.length
    ? [
        'Quality (per data set: same data, seed and perplexity 30, same iterations for the t-SNEs; KL(P || Q) on one exact P for all methods; 10-NN preservation):',
        '',
        '| data | method | iterations | seconds | KL | 10-NN preservation |',
        '|---|---|---|---|---|---|',
        ...quality.map((q) => `| ${q.data} | ${q.method} | ${q.iterations} | ${q.seconds.toFixed(1)} | ${q.kl.toFixed(4)} | ${q.nn10.toFixed(3)} |`),
      ]
    : []),
].join('\n');
const dir = path.join(ROOT, 'bench-results');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, `tsne-${date}.json`), JSON.stringify({ date, machine, sizes: SIZES, iterations: ITERATIONS, rows, quality }, null, 2));
writeFileSync(path.join(dir, `tsne-${date}.md`), md + '\n');
console.log('\n' + md);
console.log(`\nwrote bench-results/tsne-${date}.json and .md`);
