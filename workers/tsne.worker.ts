/**
 * The t-SNE worker: its own thread, so an embedding runs beside training. Thin comlink entry
 * over src/compute/embed: one joint, seeded embedding of real + synthetic rows, streamed.
 */
import * as Comlink from 'comlink';
import { jointSubsample, type EmbedSource } from '../src/compute/embed/subsample';
import { runTsne } from '../src/compute/embed/tsne';
import { applyStandardisation, fitStandardisation } from '../src/compute/data/standardise';
import type { TsneApi } from '../src/api';

let controller: AbortController | null = null;

const api: TsneApi = {
  async run(sources, opts, onPoints, onFrame) {
    controller?.abort();
    const ctl = new AbortController();
    controller = ctl;
    // Every source in the normalised space of the real table (SPEC: compare in the space of
    // the corpus whose statistics the GAN was trained with).
    const real = sources.find((s) => s.kind === 'real');
    const st = real ? fitStandardisation(real) : null;
    const normed: EmbedSource[] = sources.map((s) => (st ? { ...s, features: applyStandardisation(s.features, st) } : s));
    const sample = jointSubsample(normed, { cap: opts.cap, seed: opts.seed });
    const { features, ...points } = sample;
    onPoints(points);
    const res = await runTsne(features, sample.n, sample.d, { perplexity: opts.perplexity, iterations: opts.iterations, seed: opts.seed, streamEvery: 20 }, {
      signal: ctl.signal,
      onFrame: (f) => onFrame(Comlink.transfer(f, [f.layout.buffer as ArrayBuffer])),
    });
    if (controller === ctl) controller = null;
    return { cancelled: res.cancelled, iteration: res.iteration, kl: res.kl, ms: res.setupMs + res.iterateMs };
  },
  cancel() {
    controller?.abort();
  },
};

Comlink.expose(api);
