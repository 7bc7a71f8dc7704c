/**
 * UMAP (McInnes et al. 2018) through umap-js 1.4, as the panel's second embedding. Seeded:
 * umap-js takes its random function as a parameter, given the project's Rng. The k nearest
 * neighbours are ours (exact, `nearestNeighbours`, the point itself first as UMAP expects)
 * instead of umap-js's NN-descent: exact, deterministic and faster at these sizes. Epochs
 * run in chunks so frames stream and cancel is a message, as for t-SNE.
 */
import { UMAP } from 'umap-js';
import { nearestNeighbours } from './affinities';
import type { RunTsneControl, TsneFrame, TsneResult } from './tsne';
import { prepareTsneMatrix } from './tsneInput';
import { deriveSeed, Rng } from '../train/rng';

export interface UmapOptions {
  /** Neighbours per point (umap-js default 15). */
  nNeighbors?: number;
  /** Minimum distance between embedded points (default 0.1). */
  minDist?: number;
  /** Optimisation epochs (default: umap-js's, 500 up to 10 000 points). */
  epochs?: number;
  seed?: number;
  /** PCA to this many dimensions first when d is larger (default 50, as for t-SNE). */
  pcaDims?: number;
  /** Epochs per streamed frame (default 25). */
  streamEvery?: number;
}

export async function runUmap(data: Float32Array, n: number, d: number, opts: UmapOptions = {}, control: RunTsneControl = {}): Promise<TsneResult> {
  const t0 = now();
  const { signal, onFrame } = control;
  const yieldLoop = control.yieldBetweenChunks ?? true;
  const every = Math.max(1, Math.floor(opts.streamEvery ?? 25));
  const { x, dim } = prepareTsneMatrix(data, n, d, { pcaDims: opts.pcaDims ?? 50, seed: opts.seed });
  const k = Math.max(2, Math.min(opts.nNeighbors ?? 15, n - 1));
  const rng = new Rng(deriveSeed(opts.seed ?? 0, 'umap'));
  const umap = new UMAP({ nComponents: 2, nNeighbors: k, minDist: opts.minDist ?? 0.1, nEpochs: opts.epochs, random: () => rng.uniform() });
  const nn = nearestNeighbours(x, n, dim, k - 1);
  const knnIdx: number[][] = new Array(n);
  const knnDist: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    knnIdx[i] = [i];
    knnDist[i] = [0];
    for (let t = 0; t < k - 1; t++) {
      knnIdx[i].push(nn.idx[i * (k - 1) + t]);
      knnDist[i].push(Math.sqrt(nn.dist2[i * (k - 1) + t]));
    }
  }
  umap.setPrecomputedKNN(knnIdx, knnDist);
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = Array.from(x.subarray(i * dim, (i + 1) * dim));
  const epochs = umap.initializeFit(rows);
  const setupMs = now() - t0;
  const layout = (): Float32Array => {
    const e = umap.getEmbedding();
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      out[2 * i] = e[i][0];
      out[2 * i + 1] = e[i][1];
    }
    return out;
  };
  const frame = (epoch: number): TsneFrame => ({
    iteration: epoch, iterations: epochs, steps: epoch, layout: layout(), kl: NaN, gradNorm: NaN,
    phase: epoch === 0 ? 'init' : 'final', done: epoch >= epochs, elapsedMs: now() - t0,
  });
  onFrame?.(frame(0));
  const minGap = control.minFrameMs ?? 0;
  let lastFrame = now();
  let epoch = 0;
  while (epoch < epochs) {
    if (yieldLoop) await nextTask();
    if (signal?.aborted) return { layout: layout(), n, kl: NaN, steps: epoch, iteration: epoch, cancelled: true, setupMs, iterateMs: now() - t0 - setupMs };
    const stop = Math.min(epochs, epoch + every);
    while (epoch < stop) epoch = umap.step();
    if (onFrame && (epoch >= epochs || now() - lastFrame >= minGap)) {
      lastFrame = now();
      onFrame(frame(epoch));
    }
  }
  return { layout: layout(), n, kl: NaN, steps: epoch, iteration: epoch, cancelled: false, setupMs, iterateMs: now() - t0 - setupMs };
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
