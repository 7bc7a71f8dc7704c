/**
 * The benchmark proper (see bench.ts for why it is bundled first): epoch time of M1, M2, M3
 * at the paper's size (d = 1582, N = 5530 rows made by repeating urdu-is10.csv, batch 64,
 * width scale 1) and at d = 88 (urdu-egemaps.csv), per tfjs backend available in Node.
 *
 *   npm run bench -- [--backends cpu,wasm] [--batches 3] [--models m1,m2,m3] [--sizes 1582,88]
 *                    [--rows 5530] [--out bench-results] [--backend webgpu]
 *
 * On 2 CPU cores a full epoch at d = 1582 takes minutes, so by default each cell times a few
 * mini-batches after one warm-up batch and extrapolates to the epoch's batch count (the
 * output says so). `--batches 0` runs whole epochs. Batches are timed in the first epoch, where
 * the balance rule trains D2 (step 4), so M2/M3 figures are for a D2 epoch.
 * `--backend webgpu` runs on WebGPU in Node through the `webgpu` package (Dawn), set up as in
 * ../shared/gpu/README.md; the package is not a dependency: prepare.sh packs it for the GPU
 * machine (bash ../shared/gpu/prepare.sh src/bench/benchMain.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../compute/tf';
import type { Dataset } from '../compute/data/dataset';
import { defaultsFor, type ModelKind } from '../compute/train/settings';
import { createTrainer } from '../compute/train/trainer';
import { optionGetter } from './argv';
import { parseFeatures, repeatRows } from './benchData';
import { patchWasmTransposedMatMul } from '../compute/wasmMatMul';

interface Args {
  backends: string[];
  batches: number;
  models: ModelKind[];
  sizes: number[];
  rows: number;
  out: string;
  data: string;
}

function parseArgs(argv: string[]): Args {
  const get = optionGetter(argv);
  const backend = get('backend');
  return {
    backends: (backend ?? get('backends') ?? 'cpu,wasm').split(','),
    batches: Number(get('batches') ?? 3),
    models: (get('models') ?? 'm1,m2,m3').split(',') as ModelKind[],
    sizes: (get('sizes') ?? '1582,88').split(',').map(Number),
    rows: Number(get('rows') ?? 5530),
    out: get('out') ?? 'bench-results',
    data: get('data') ?? path.resolve(process.cwd(), '../shared/data'),
  };
}

const loadFeatures = (file: string): Dataset => parseFeatures(readFileSync(file, 'utf8'), path.basename(file));

async function setBackend(name: string): Promise<string | null> {
  try {
    if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      patchWasmTransposedMatMul();
      const dir = path.resolve(process.cwd(), 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + path.sep;
      wasm.setWasmPaths(dir);
    } else if (name === 'webgpu') {
      // ../shared/gpu/README.md step 1: Dawn's globals before the backend is imported.
      const pkg = 'webgpu';
      const webgpu = (await import(/* @vite-ignore */ pkg)) as { create: (o: string[]) => unknown; globals: object };
      const g = globalThis as Record<string, unknown>;
      Object.assign(g, webgpu.globals);
      Object.defineProperty(g, 'navigator', { value: { gpu: webgpu.create([]) }, configurable: true, writable: true });
      g.window = g;
      await import('@tensorflow/tfjs-backend-webgpu');
    }
    const ok = await tf.setBackend(name);
    if (!ok) return null;
    await tf.ready();
    return tf.getBackend();
  } catch (e) {
    console.error(`backend ${name} unavailable: ${(e as Error).message}`);
    return null;
  }
}

interface Cell {
  backend: string;
  model: ModelKind;
  d: number;
  rows: number;
  batchesPerEpoch: number;
  batchesTimed: number;
  msPerBatch: number;
  epochSeconds: number;
  extrapolated: boolean;
}

async function timeCell(ds: Dataset, model: ModelKind, batches: number, backend: string): Promise<Cell> {
  const t = createTrainer(ds, null, { ...defaultsFor(model), widthScale: 1, batchSize: 64 });
  const per = t.batchesPerEpoch;
  const whole = batches <= 0 || batches + 1 >= per;
  let done = 0;
  let tStart = 0;
  const stopAt = whole ? per : batches + 1;
  const t0 = performance.now();
  await t.runEpoch({
    onBatch: (b) => {
      done = b;
      if (b === 1) tStart = performance.now();
    },
    shouldStop: () => done >= stopAt,
  });
  const tEnd = performance.now();
  t.dispose();
  let msPerBatch: number;
  let epochSeconds: number;
  if (whole) {
    epochSeconds = (tEnd - t0) / 1000;
    msPerBatch = (tEnd - t0) / per;
  } else {
    msPerBatch = (tEnd - tStart) / batches; // warm-up batch excluded
    epochSeconds = (msPerBatch * per) / 1000;
  }
  return { backend, model, d: ds.d, rows: ds.n, batchesPerEpoch: per, batchesTimed: whole ? per : batches, msPerBatch, epochSeconds, extrapolated: !whole };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const files: Record<number, string> = { 1582: 'urdu-is10.csv', 88: 'urdu-egemaps.csv' };
  const data = new Map<number, Dataset>();
  for (const d of args.sizes) {
    const f = files[d];
    if (!f) throw new Error(`no corpus for d = ${d} (known: ${Object.keys(files).join(', ')})`);
    data.set(d, repeatRows(loadFeatures(path.join(args.data, f)), args.rows));
  }
  const cells: Cell[] = [];
  for (const b of args.backends) {
    const active = await setBackend(b);
    if (!active) {
      console.log(`skipping backend ${b}`);
      continue;
    }
    for (const d of args.sizes) {
      for (const m of args.models) {
        const c = await timeCell(data.get(d)!, m, args.batches, active);
        cells.push(c);
        console.log(`${active} ${m} d=${d}: ${c.msPerBatch.toFixed(0)} ms/batch, epoch ${c.epochSeconds.toFixed(1)} s${c.extrapolated ? ` (extrapolated from ${c.batchesTimed} batches)` : ''}`);
      }
    }
  }
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    tfjs: tf.version_core,
  };
  const date = new Date().toISOString().slice(0, 10);
  const note = cells.some((c) => c.extrapolated)
    ? `Epoch times extrapolated from ${args.batches} timed mini-batches (after 1 warm-up batch) x batches per epoch; timed in a D2-training epoch.`
    : 'Whole epochs timed.';
  const table = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.platform}, Node ${machine.node}, tfjs ${machine.tfjs}. ${note}`,
    '',
    '| backend | model | d | rows | batch | ms / batch | epoch (s) |',
    '|---|---|---|---|---|---|---|',
    ...cells.map((c) => `| ${c.backend} | ${c.model.toUpperCase()} | ${c.d} | ${c.rows} | 64 | ${c.msPerBatch.toFixed(0)} | ${c.epochSeconds.toFixed(1)}${c.extrapolated ? '*' : ''} |`),
    '',
    cells.some((c) => c.extrapolated) ? '\\* extrapolated' : '',
  ].join('\n');
  mkdirSync(args.out, { recursive: true });
  const base = `bench-${date}${args.backends.includes('webgpu') ? '-webgpu' : ''}`;
  writeFileSync(path.join(args.out, `${base}.json`), JSON.stringify({ date, machine, args, note, cells }, null, 2));
  writeFileSync(path.join(args.out, `${base}.md`), table + '\n');
  console.log('\n' + table);
  console.log(`\nwrote ${path.join(args.out, base)}.json and .md`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
