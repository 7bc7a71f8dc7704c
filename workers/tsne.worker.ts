/**
 * The t-SNE worker: its own thread, so an embedding runs beside training. Thin comlink entry
 * over src/compute/embed: one joint, seeded embedding of real + synthetic rows, streamed, by
 * the fast t-SNE (default), tsne-js (the exact reference) or UMAP.
 *
 * Backend: a hardware GPU (WebGPU, then WebGL; software adapters are passed over by the
 * loaders) runs the fast t-SNE's exact gradient (WebGPU: tsneWebgpu.ts's WGSL; WebGL: tfjs
 * ops); without one the gradient is Barnes-Hut in plain TypeScript, faster here than tfjs's
 * WASM ops (measured in the bench).
 */
import * as Comlink from 'comlink';
import { jointSubsample, type EmbedSource } from '../src/compute/embed/subsample';
import { runTsne } from '../src/compute/embed/tsne';
import { chooseGradient, measureTsneSpeed, runFastTsne, type TensorEngineFactory } from '../src/compute/embed/fastTsne';
import { runUmap } from '../src/compute/embed/umap';
import { applyStandardisation, fitStandardisation } from '../src/compute/data/standardise';
import type { TsneApi, TsneProbe } from '../src/api';

let controller: AbortController | null = null;

interface Backend {
  name: string;
  engine: TensorEngineFactory | null;
  /** How the engine computes, in words (default: tfjs ops). */
  words?: string;
}
let backend: Promise<Backend> | null = null;

/** A hardware GPU backend for the tensor path, or none (plain TS). */
function pickBackend(): Promise<Backend> {
  backend ??= (async () => {
    try {
      const [{ selectBackend }, { loaders }, { createTensorEngine }, { createWebgpuEngine, tfjsWebgpuDevice }, { tf }] = await Promise.all([
        import('../src/compute/backend'),
        import('./backendLoaders'),
        import('../src/compute/embed/tsneTensor'),
        import('../src/compute/embed/tsneWebgpu'),
        import('../src/compute/tf'),
      ]);
      const report = await selectBackend({ loaders: { webgpu: loaders.webgpu, webgl: loaders.webgl } });
      const device = report.active === 'webgpu' ? tfjsWebgpuDevice(tf.backend()) : null;
      // WebGPU: our three-dispatch WGSL engine on tfjs's device; WebGL: tfjs ops.
      if (device) return { name: `webgpu (${report.detail})`, engine: (P, Y0, s) => createWebgpuEngine(device, P, Y0, s), words: 'exact gradient in 3 WGSL dispatches per iteration' };
      return { name: `${report.active} (${report.detail})`, engine: createTensorEngine };
    } catch {
      return { name: 'plain TS', engine: null };
    }
  })();
  return backend;
}

function engineWords(b: Backend, n: number): string {
  if (b.engine) return `${b.words ?? 'exact gradient as tfjs ops'} on ${b.name}`;
  return chooseGradient(n, {}, false) === 'exact' ? 'exact gradient in plain TS' : 'Barnes-Hut gradient in plain TS';
}

let probed: Promise<TsneProbe> | null = null;

const api: TsneApi = {
  probe() {
    probed ??= (async () => {
      const b = await pickBackend();
      const speed = await measureTsneSpeed({ tensorEngine: b.engine ?? undefined });
      return { backend: b.name, engine: engineWords(b, 5000), msPerIteration: speed.msPerIteration, suggestedCap: speed.suggestedCap };
    })();
    return probed;
  },
  async run(sources, opts, onPoints, onFrame) {
    controller?.abort();
    const ctl = new AbortController();
    controller = ctl;
    const t0 = performance.now();
    // Every source in the normalised space of the real table (SPEC: compare in the space of
    // the corpus whose statistics the GAN was trained with).
    const real = sources.find((s) => s.kind === 'real');
    const st = real ? fitStandardisation(real) : null;
    const normed: EmbedSource[] = sources.map((s) => (st ? { ...s, features: applyStandardisation(s.features, st) } : s));
    const sample = jointSubsample(normed, { cap: opts.cap, seed: opts.seed });
    const { features, ...points } = sample;
    onPoints(points);
    const method = opts.method ?? 'fast-tsne';
    let engine = '';
    const control = {
      signal: ctl.signal,
      // Two layouts a second: each is a Plotly redraw (~100 ms) on the page's main thread.
      minFrameMs: 500,
      onFrame: (f: Parameters<typeof onFrame>[0]) => onFrame(Comlink.transfer({ ...f, engine }, [f.layout.buffer as ArrayBuffer])),
    };
    let res: { cancelled: boolean; iteration: number; kl: number };
    if (method === 'tsne-js') {
      engine = 'tsne-js (exact reference)';
      res = await runTsne(features, sample.n, sample.d, { perplexity: opts.perplexity, iterations: opts.iterations, seed: opts.seed, streamEvery: 20 }, control);
    } else if (method === 'umap') {
      engine = 'UMAP (umap-js)';
      res = await runUmap(features, sample.n, sample.d, { epochs: opts.iterations, seed: opts.seed, streamEvery: 20 }, control);
    } else {
      const b = await pickBackend();
      engine = `fast t-SNE, ${engineWords(b, sample.n)}`;
      res = await runFastTsne(
        features,
        sample.n,
        sample.d,
        { perplexity: opts.perplexity, iterations: opts.iterations, seed: opts.seed, streamEvery: 20, gradient: b.engine ? 'tensor' : 'auto' },
        { ...control, tensorEngine: b.engine ?? undefined },
      );
    }
    if (controller === ctl) controller = null;
    return { cancelled: res.cancelled, iteration: res.iteration, kl: res.kl, ms: performance.now() - t0, engine };
  },
  cancel() {
    controller?.abort();
  },
};

Comlink.expose(api);
