/**
 * `npm run bench -- --only gpu` (bundled first, see bench.ts): the WebGPU training paths side by
 * side (issue #12), per model: plain tfjs ops vs the fast path (src/compute/gpu). For each:
 * WebGPU work per training iteration (dispatches, compute passes, submits, new buffers,
 * readbacks, uploads; counted by wrapping the `webgpu` package's classes), the epoch time, and a
 * parity check (per-batch losses of both paths from the same seed).
 *
 *   npm run bench -- --only gpu [--models m1,m2,m3] [--d 1582] [--rows 5530] [--batch 64]
 *        [--width 1] [--batches N] [--parity 3] [--paths plain,fast] [--out bench-results]
 *
 * --batches N times N mini-batches after a 3-batch warm-up and extrapolates to the epoch (the
 * default on a software adapter, N = 2, where a paper-size epoch takes minutes); --batches 0
 * times whole epochs (the default on a hardware GPU): epochs 2 and 3 after a warm-up epoch, so
 * one with and one without the D2 update (balance 2 : 1), and reports their mean.
 * On a software adapter (lavapipe) the times say nothing about a GPU: the table says so.
 *
 * On a lent GPU (../shared/gpu/README.md): `bash ../shared/gpu/prepare.sh src/bench/gpuBench.ts`,
 * then the device tool's run with carry [".gpu"] and `bash .gpu/run.sh --out $OUT`.
 * Without ../shared/data (the GPU machine has no copy) the rows are synthetic (same shape).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../compute/tf';
import type { Dataset } from '../compute/data/dataset';
import { diffCounts, installDispatchCounter, snapshotCounts, type GpuCounts } from '../compute/gpu/dispatchCounter';
import { setupNodeWebgpu, useWebgpu } from '../compute/gpu/nodeWebgpu';
import { Rng } from '../compute/train/rng';
import { defaultsFor, type ModelKind, type TrainSettings } from '../compute/train/settings';
import { createTrainer } from '../compute/train/trainer';
import { optionGetter } from './argv';
import { parseFeatures, repeatRows } from './benchData';

interface Args {
  models: ModelKind[];
  d: number;
  rows: number;
  batch: number;
  width: number;
  batches: number | null;
  parity: number;
  paths: Array<'plain' | 'fast'>;
  out: string;
  data: string;
}

function parseArgs(argv: string[]): Args {
  const get = optionGetter(argv);
  const b = get('batches');
  return {
    models: (get('models') ?? 'm1,m2,m3').split(',') as ModelKind[],
    d: Number(get('d') ?? 1582),
    rows: Number(get('rows') ?? 5530),
    batch: Number(get('batch') ?? 64),
    width: Number(get('width') ?? 1),
    batches: b === undefined ? null : Number(b),
    parity: Number(get('parity') ?? 3),
    paths: (get('paths') ?? 'plain,fast').split(',') as Array<'plain' | 'fast'>,
    out: get('out') ?? 'bench-results',
    data: get('data') ?? path.resolve(process.cwd(), '../shared/data'),
  };
}

/** urdu-is10.csv (d = 1582) repeated to `rows` rows when present, else synthetic rows of width d. */
function loadData(a: Args): Dataset & { source: string } {
  const file = path.join(a.data, 'urdu-is10.csv');
  if (a.d === 1582 && existsSync(file)) {
    return { ...repeatRows(parseFeatures(readFileSync(file, 'utf8'), 'urdu-is10'), a.rows), name: 'urdu-is10', source: `urdu-is10.csv repeated to ${a.rows} rows` };
  }
  const rng = new Rng(11);
  const K = 4;
  const features = new Float32Array(a.rows * a.d);
  const labels = new Int32Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    labels[i] = i % K;
    for (let j = 0; j < a.d; j++) features[i * a.d + j] = rng.normal() + (j % K === labels[i] ? 2 : 0);
  }
  return {
    name: 'synthetic',
    source: `synthetic Gaussian rows (${a.rows} x ${a.d}, K = 4; ${a.d === 1582 ? `${file} not found` : 'urdu-is10.csv is used only at d = 1582'})`,
    features,
    n: a.rows,
    d: a.d,
    featureNames: Array.from({ length: a.d }, (_, j) => `f${j + 1}`),
    labels,
    classNames: ['angry', 'happy', 'neutral', 'sad'],
  };
}

interface Row {
  model: ModelKind;
  path: 'plain' | 'fast';
  counts: GpuCounts;
  epochSeconds: number;
  msPerBatch: number;
  extrapolated: boolean;
  batchesPerEpoch: number;
}

async function measure(ds: Dataset, settings: TrainSettings, pathWanted: 'plain' | 'auto', timedBatches: number): Promise<Omit<Row, 'model'>> {
  const t = createTrainer(ds, null, settings, { path: pathWanted });
  const path = t.path;
  if (pathWanted === 'auto' && path !== 'fast') throw new Error(`fast path not built: ${t.fastPathNote}`);
  let done = 0;
  let c2: GpuCounts | null = null;
  let c3: GpuCounts | null = null;
  // Warm-up (pipelines compiled, buffers pooled) and the counts of one iteration (batch 3).
  const warm = await t.runEpoch({
    onBatch: (b) => {
      done = b;
      if (b === 2) c2 = snapshotCounts();
      if (b === 3) c3 = snapshotCounts();
    },
    shouldStop: () => done >= 3,
  });
  if ('diverged' in warm) throw new Error(warm.diverged.message);
  const counts = diffCounts(c3!, c2!);
  const per = t.batchesPerEpoch;
  let epochSeconds: number;
  let msPerBatch: number;
  const extrapolated = timedBatches > 0;
  if (extrapolated) {
    let n = 0;
    const t0 = performance.now();
    await t.runEpoch({ onBatch: () => n++, shouldStop: () => n >= timedBatches });
    const ms = performance.now() - t0;
    msPerBatch = ms / timedBatches;
    epochSeconds = (msPerBatch * per) / 1000;
  } else {
    await t.runEpoch(); // the rest of the warm-up epoch
    const t0 = performance.now();
    for (let e = 0; e < 2; e++) {
      const r = await t.runEpoch();
      if (!('train' in r)) throw new Error(`epoch failed: ${JSON.stringify(r)}`);
    }
    epochSeconds = (performance.now() - t0) / 2000;
    msPerBatch = (epochSeconds * 1000) / per;
  }
  t.dispose();
  return { path, counts, epochSeconds, msPerBatch, extrapolated, batchesPerEpoch: per };
}

/** Worst relative difference of the first `batches` per-batch losses of the two paths. */
async function parity(ds: Dataset, settings: TrainSettings, batches: number): Promise<number> {
  const run = async (p: 'plain' | 'auto') => {
    const t = createTrainer(ds, null, settings, { path: p });
    const out: number[][] = [];
    let done = 0;
    await t.runEpoch({ onBatchLosses: (l) => out.push(Array.from(l)), onBatch: (b) => (done = b), shouldStop: () => done >= batches });
    t.dispose();
    return out;
  };
  const f = await run('auto');
  const p = await run('plain');
  let worst = 0;
  f.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - p[i][j]) / Math.max(1e-3, Math.abs(p[i][j]))))));
  return worst;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const adapter = await setupNodeWebgpu();
  if (!adapter) {
    console.log('gpu bench: no WebGPU adapter in Node (install the software one: bash ../shared/gpu/software-webgpu.sh); skipped');
    return;
  }
  if (!(await useWebgpu())) throw new Error('tfjs webgpu backend did not start');
  installDispatchCounter();
  const software = /software|llvmpipe|lavapipe|swiftshader/i.test(adapter);
  const timed = a.batches ?? (software ? 2 : 0);
  const ds = loadData(a);
  console.log(`adapter: ${adapter}${software ? ' (software: times say nothing about a GPU)' : ''}`);
  console.log(`data: ${ds.source}; batch ${a.batch}, width scale ${a.width}`);
  const rows: Row[] = [];
  const parities: Record<string, number> = {};
  for (const model of a.models) {
    const settings: TrainSettings = { ...defaultsFor(model), batchSize: a.batch, widthScale: a.width };
    for (const p of a.paths) {
      const r = { model, ...(await measure(ds, settings, p === 'fast' ? 'auto' : 'plain', timed)) };
      rows.push(r);
      const c = r.counts;
      console.log(
        `${model} ${r.path}: ${c.dispatches} dispatches, ${c.passes} passes, ${c.submits} submits, ${c.buffers} new buffers, ${c.readbacks} readbacks, ${c.writes} uploads per iteration; epoch ${r.epochSeconds.toFixed(2)} s${r.extrapolated ? ` (extrapolated from ${timed} batches)` : ''}`,
      );
    }
    if (a.parity > 0) {
      parities[model] = await parity(ds, settings, a.parity);
      console.log(`${model} parity: worst relative difference of the first ${a.parity} batches' losses ${parities[model].toExponential(2)} (goal < 1e-4)`);
    }
  }
  const machine = { adapter, software, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, tfjs: tf.version_core };
  const date = new Date().toISOString().slice(0, 10);
  const timeNote = timed > 0 ? `epoch times extrapolated from ${timed} timed batches after a 3-batch warm-up, in a D2 epoch` : 'epoch time = mean of epochs 2 and 3 (one with, one without the D2 update) after a warm-up epoch';
  const table = [
    `WebGPU adapter: ${adapter}${software ? ' — a SOFTWARE adapter: epoch times say nothing about a GPU' : ''}. ${ds.source}, batch ${a.batch}, width scale ${a.width}; tfjs ${tf.version_core}; ${timeNote}. Counts per training iteration (steps 1-3, or 1-5 with D2 in a D2 epoch).`,
    '',
    '| model | path | dispatches | compute passes | submits | new buffers | readbacks | uploads | epoch (s) | parity (worst rel.) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.model.toUpperCase()} | ${r.path === 'fast' ? 'fast path' : 'plain tfjs'} | ${r.counts.dispatches} | ${r.counts.passes} | ${r.counts.submits} | ${r.counts.buffers} | ${r.counts.readbacks} | ${r.counts.writes} | ${r.epochSeconds.toFixed(2)}${r.extrapolated ? '*' : ''} | ${r.path === 'fast' && parities[r.model] !== undefined ? parities[r.model].toExponential(1) : ''} |`,
    ),
    '',
    timed > 0 ? '\\* extrapolated' : '',
  ].join('\n');
  mkdirSync(a.out, { recursive: true });
  const base = `gpu-${date}-${software ? 'software' : 'gpu'}`;
  writeFileSync(path.join(a.out, `${base}.json`), JSON.stringify({ date, machine, args: a, data: ds.source, timeNote, rows, parity: parities }, null, 2));
  writeFileSync(path.join(a.out, `${base}.md`), table + '\n');
  console.log('\n' + table);
  console.log(`\nwrote ${path.join(a.out, base)}.json and .md`);
}

// Awaited at the top level so that `npm run bench` runs the next section only after this one.
try {
  await main();
} catch (e) {
  console.error(e);
  process.exitCode = 1;
}
