/**
 * The browser bench's worker (src/bench/browserBench.ts): one tfjs backend per worker (tfjs
 * cannot re-initialise WASM with other flags in the same realm), the app's own backend loaders
 * and trainer, and the same timing as the Node bench (src/bench/benchMain.ts): one warm-up
 * mini-batch, then timed mini-batches of the first (D2-training) epoch, extrapolated to the
 * epoch's batch count. Each part is its own runEpoch call (the epoch resumes), timed until the
 * call returns, so work a GPU backend still had queued is inside the timing.
 */
import { tf } from '../../compute/tf';
import { selectBackend, type BackendLoader, type BackendName } from '../../compute/backend';
import { defaultsFor, type ModelKind } from '../../compute/train/settings';
import { createTrainer } from '../../compute/train/trainer';
import { loaders, wasmLoader } from '../../../workers/backendLoaders';
import { parseFeatures, repeatRows } from '../benchData';

export interface BenchConfig {
  /** e.g. 'wasm-2t': the backend, and for WASM the thread count. */
  label: string;
  backend: BackendName;
  wasmThreads?: number;
  models: ModelKind[];
  dataUrl: string;
  rows: number;
  /** Most mini-batches timed per cell (after the warm-up one). */
  batches: number;
  /** Stop timing a cell once its timed batches took this long (at least one is timed). */
  budgetMs: number;
}

export interface BenchCell {
  label: string;
  backend: string;
  detail: string;
  model: ModelKind;
  d: number;
  rows: number;
  batchesPerEpoch: number;
  batchesTimed: number;
  warmupMs: number;
  msPerBatch: number;
  epochSeconds: number;
  /** GPU dispatches (WebGPU) or draw calls (WebGL) per timed mini-batch; null elsewhere. */
  dispatchesPerBatch: number | null;
  /** The trainer's path: 'fast' (WebGPU kernels, src/compute/gpu) or 'plain' (tfjs ops). */
  path: 'fast' | 'plain';
}

export type BenchMessage =
  | { type: 'ready'; backend: string; detail: string; rejected: string[] }
  | { type: 'cell'; cell: BenchCell }
  | { type: 'done' }
  | { type: 'error'; message: string };


/** Counts GPU work submitted from this worker: WebGPU dispatches and WebGL draw calls. */
let dispatches = 0;
function countDispatches(): void {
  const g = self as unknown as Record<string, { prototype: Record<string, unknown> } | undefined>;
  const wrap = (cls: string, method: string) => {
    const proto = g[cls]?.prototype;
    const orig = proto?.[method];
    if (!proto || typeof orig !== 'function') return;
    proto[method] = function (this: unknown, ...args: unknown[]) {
      dispatches++;
      return (orig as (...a: unknown[]) => unknown).apply(this, args);
    };
  };
  wrap('GPUComputePassEncoder', 'dispatchWorkgroups');
  wrap('GPUComputePassEncoder', 'dispatchWorkgroupsIndirect');
  wrap('WebGL2RenderingContext', 'drawElements');
  wrap('WebGL2RenderingContext', 'drawArrays');
}

const post = (m: BenchMessage) => self.postMessage(m);

async function run(cfg: BenchConfig): Promise<void> {
  countDispatches();
  const loader: BackendLoader = cfg.backend === 'wasm' ? wasmLoader(cfg.wasmThreads ?? 1) : loaders[cfg.backend];
  const report = await selectBackend({ loaders: { [cfg.backend]: loader }, forced: cfg.backend });
  if (report.active !== cfg.backend) throw new Error(`${cfg.backend} did not start`);
  post({ type: 'ready', backend: report.active, detail: report.detail, rejected: report.rejected.map((r) => `${r.name}: ${r.reason}`) });
  const text = await (await fetch(cfg.dataUrl)).text();
  const ds = repeatRows(parseFeatures(text, cfg.dataUrl.split('/').pop() ?? 'data'), cfg.rows);
  const gpu = cfg.backend === 'webgpu' || cfg.backend === 'webgl';
  for (const model of cfg.models) {
    const t = createTrainer(ds, null, { ...defaultsFor(model), widthScale: 1, batchSize: 64 });
    const per = t.batchesPerEpoch;
    // Warm-up: the epoch's first mini-batch on its own (runEpoch returns once its work is done,
    // also on WebGPU's fast path, which otherwise only syncs at the end of an epoch).
    let done = 0;
    const w0 = performance.now();
    const first = await t.runEpoch({ onBatch: (b) => (done = b), shouldStop: () => done >= 1 });
    const warmupMs = performance.now() - w0;
    if ('diverged' in first) throw new Error(`${model} diverged on ${report.active}: ${first.diverged.message}`);
    // Timed: the next mini-batches of the same epoch, up to cfg.batches or cfg.budgetMs, from
    // the call to its return (all their work finished).
    const d0 = dispatches;
    const t0 = performance.now();
    const r = await t.runEpoch({
      onBatch: (b) => (done = b),
      shouldStop: () => done >= per || done - 1 >= cfg.batches || performance.now() - t0 >= cfg.budgetMs,
      yieldEvery: 1000,
    });
    const timedMs = performance.now() - t0;
    const timed = done - 1;
    const timedDispatches = dispatches - d0;
    const trainPath = t.path;
    t.dispose();
    if ('diverged' in r) throw new Error(`${model} diverged on ${report.active}: ${r.diverged.message}`);
    if (timed <= 0) throw new Error(`no batch timed for ${model} (epoch has ${per} batches)`);
    const msPerBatch = timedMs / timed;
    post({
      type: 'cell',
      cell: {
        label: cfg.label,
        backend: report.active,
        detail: report.detail,
        model,
        d: ds.d,
        rows: ds.n,
        batchesPerEpoch: per,
        batchesTimed: timed,
        warmupMs,
        msPerBatch,
        epochSeconds: (msPerBatch * per) / 1000,
        dispatchesPerBatch: gpu ? timedDispatches / timed : null,
        path: trainPath,
      },
    });
  }
  tf.disposeVariables();
}

self.onmessage = (e: MessageEvent<BenchConfig>) => {
  run(e.data).then(
    () => post({ type: 'done' }),
    (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
};
