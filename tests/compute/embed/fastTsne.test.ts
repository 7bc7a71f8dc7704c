/**
 * The fast t-SNE (issue #9): P calibration, the Barnes-Hut and tensor gradients against the
 * exact one, seeds, cancel, no tensor leak, and quality against tsne-js (the reference) and
 * UMAP on three well-separated Gaussian blobs and on EmoDB's four classes (a 180-row subset).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { conditionalP, nearestNeighbours, sparseJointP } from '../../../src/compute/embed/affinities';
import { EXACT_MAX_N, measureTsneSpeed, PlainTsne, prepareFastTsne, runFastTsne } from '../../../src/compute/embed/fastTsne';
import { exactJointP, klDivergence, neighbourPreservation } from '../../../src/compute/embed/quality';
import { QuadTree, repulsiveForcesExact } from '../../../src/compute/embed/tsneGradient';
import { createTensorEngine } from '../../../src/compute/embed/tsneTensor';
import { runTsne, type TsneFrame } from '../../../src/compute/embed/tsne';
import { prepareTsneMatrix } from '../../../src/compute/embed/tsneInput';
import { runUmap } from '../../../src/compute/embed/umap';
import { stratifiedSubsample } from '../../../src/compute/embed/subsample';
import { Rng } from '../../../src/compute/train/rng';
import { tf } from '../../../src/compute/tf';
import { loadCsv, useCpu } from '../helpers';
import { gaussianBlobs as blobs } from './gaussianBlobs';


/** Share of points whose k nearest layout neighbours mostly share its label. */
function knnAgreement(layout: ArrayLike<number>, labels: Int32Array, k: number): number {
  const n = labels.length;
  const { idx } = nearestNeighbours(Float64Array.from(layout), n, 2, k);
  const K = Math.max(...labels) + 1;
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const votes = new Array<number>(K).fill(0);
    for (let t = 0; t < k; t++) votes[labels[idx[i * k + t]]]++;
    if (votes.indexOf(Math.max(...votes)) === labels[i]) ok++;
  }
  return ok / n;
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let t = 0; t < a.length; t++) {
    num += (a[t] - b[t]) ** 2;
    den += b[t] ** 2;
  }
  return Math.sqrt(num / den);
}

describe('input similarities P', () => {
  test('k = 3 x perplexity neighbours, each row calibrated to the perplexity; P symmetric, sums to 1', () => {
    const { x } = blobs(200, 8, 3, 4);
    const perplexity = 10;
    const { idx, dist2 } = nearestNeighbours(x, 200, 8, 30);
    // neighbours nearest first, self excluded
    for (let i = 0; i < 200; i++) {
      for (let t = 0; t < 30; t++) expect(idx[i * 30 + t]).not.toBe(i);
      for (let t = 1; t < 30; t++) expect(dist2[i * 30 + t]).toBeGreaterThanOrEqual(dist2[i * 30 + t - 1]);
    }
    const pc = conditionalP(dist2, 200, 30, perplexity);
    for (let i = 0; i < 200; i++) {
      let H = 0;
      let s = 0;
      for (let t = 0; t < 30; t++) {
        const p = pc[i * 30 + t];
        s += p;
        if (p > 0) H -= p * Math.log(p);
      }
      expect(s).toBeCloseTo(1, 9);
      expect(Math.exp(H)).toBeCloseTo(perplexity, 3);
    }
    const P = sparseJointP(x, 200, 8, perplexity);
    let total = 0;
    const at = new Map<string, number>();
    for (let i = 0; i < 200; i++) for (let e = P.rowPtr[i]; e < P.rowPtr[i + 1]; e++) {
      total += P.val[e];
      at.set(`${i},${P.col[e]}`, P.val[e]);
    }
    expect(total).toBeCloseTo(1, 9);
    for (const [key, v] of at) {
      const [i, j] = key.split(',');
      expect(at.get(`${j},${i}`)).toBeCloseTo(v, 15);
    }
  });
});

describe('gradient', () => {
  test('Barnes-Hut repulsion: theta 0 gives the exact forces; theta 0.5 is within 2 %', () => {
    const rng = new Rng(4);
    const n = 600;
    const Y = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const c = i % 5; // clustered, as a t-SNE layout is
      Y[2 * i] = 30 * Math.cos(c) + 2 * rng.normal();
      Y[2 * i + 1] = 30 * Math.sin(c) + 2 * rng.normal();
    }
    const exact = new Float64Array(2 * n);
    const Zexact = repulsiveForcesExact(Y, n, exact);
    const tree = new QuadTree();
    const bh0 = new Float64Array(2 * n);
    const Z0 = tree.repulsive(Y, n, 0, bh0);
    expect(relErr(bh0, exact)).toBeLessThan(1e-10);
    expect(Z0).toBeCloseTo(Zexact, 6);
    const bh = new Float64Array(2 * n);
    const Z = tree.repulsive(Y, n, 0.5, bh);
    expect(relErr(bh, exact)).toBeLessThan(0.02);
    expect(Math.abs(Z - Zexact) / Zexact).toBeLessThan(0.02);
  });

  test('tensor gradient (tfjs CPU backend) takes the same step as the plain exact one; no tensor leak over a run', async () => {
    await useCpu();
    const { x } = blobs(90, 6, 3, 5);
    const { P, Y0, schedule } = prepareFastTsne(x, 90, 6, { perplexity: 10, iterations: 60, seed: 2 });
    const rng = new Rng(9);
    const Yspread = Y0.map(() => 5 * rng.normal()); // a spread-out layout, so the step is not all noise
    const plain = new PlainTsne(P, Yspread, schedule, 'exact');
    plain.step(1);
    const before = tf.memory().numTensors;
    const engine = createTensorEngine(P, Yspread, schedule, { blockEntries: 90 * 25 }); // 4 row blocks
    const r = await engine.run(0, 1);
    engine.dispose();
    const stepPlain = Array.from(plain.layout(), (v, t) => v - Yspread[t]);
    const stepTensor = Array.from(r.layout, (v, t) => v - Yspread[t]);
    expect(relErr(stepTensor, stepPlain)).toBeLessThan(1e-4);
    expect(r.kl).toBeCloseTo(plain.kl, 4);
    // a whole streamed run on the tensor path
    const res = await runFastTsne(x, 90, 6, { perplexity: 10, iterations: 60, seed: 2, gradient: 'tensor', streamEvery: 20 }, { tensorEngine: createTensorEngine });
    expect(res.gradient).toBe('tensor');
    expect(res.iteration).toBe(60);
    expect(res.layout.every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('fast t-SNE runs', () => {
  test('same seed -> identical layout, other seed -> another (exact and Barnes-Hut paths)', async () => {
    for (const n of [150, EXACT_MAX_N + 100]) {
      const { x } = blobs(n, 8, 3, 5);
      const a = await runFastTsne(x, n, 8, { iterations: 60, seed: 5, perplexity: 10 });
      const b = await runFastTsne(x, n, 8, { iterations: 60, seed: 5, perplexity: 10 });
      const c = await runFastTsne(x, n, 8, { iterations: 60, seed: 6, perplexity: 10 });
      expect(a.gradient).toBe(n <= EXACT_MAX_N ? 'exact' : 'barnes-hut');
      expect(Array.from(a.layout)).toEqual(Array.from(b.layout));
      expect(Array.from(a.layout)).not.toEqual(Array.from(c.layout));
    }
  });

  test('streams a frame per chunk; an abort sent as a separate task stops within one chunk', async () => {
    const { x } = blobs(200, 8, 3, 5);
    const ctrl = new AbortController();
    const frames: TsneFrame[] = [];
    const res = await runFastTsne(x, 200, 8, { iterations: 100_000, seed: 1, streamEvery: 10 }, {
      signal: ctrl.signal,
      onFrame: (f) => {
        frames.push(f);
        if (frames.length === 3) setTimeout(() => ctrl.abort(), 0);
      },
    });
    expect(res.cancelled).toBe(true);
    expect(frames[0].iteration).toBe(0);
    expect(frames.slice(1).map((f) => f.iteration)).toEqual(frames.slice(1).map((_, i) => 10 * (i + 1)));
    expect(frames.length).toBeLessThanOrEqual(4); // at most one more chunk after the abort was sent
    expect(res.iteration).toBe(frames[frames.length - 1].iteration);
    expect(Array.from(res.layout)).toEqual(Array.from(frames[frames.length - 1].layout));
  });

  test('the speed probe measures and picks a cap among the probed sizes', async () => {
    const p = await measureTsneSpeed({ sizes: [200, 400], timedIterations: 2, budgetMs: 60_000 });
    expect(p.msPerIteration.map((m) => m.n)).toEqual([200, 400]);
    expect(p.msPerIteration.every((m) => m.ms > 0)).toBe(true);
    expect(p.suggestedCap).toBe(400);
    const tight = await measureTsneSpeed({ sizes: [200, 400], timedIterations: 2, budgetMs: 1e-6 });
    expect(tight.suggestedCap).toBe(100);
  });
});

/**
 * Issue #9 item 2: same data, same seed and iterations; KL(P || Q) measured by one function on
 * one exact P for every method; 10-NN preservation likewise.
 */
describe('quality against tsne-js (the exact reference)', () => {
  interface Case {
    name: string;
    x: Float32Array;
    labels: Int32Array;
    n: number;
    d: number;
  }
  const cases: Case[] = [];
  beforeAll(() => {
    const b = blobs(150, 10, 3, 8, 5);
    cases.push({ name: 'three Gaussian blobs', x: b.x, labels: b.labels, n: 150, d: 10 });
    const ds = loadCsv('emodb-is09.csv', { labelColumn: 'label', keepClasses: ['angry', 'happy', 'neutral', 'sad'] });
    const idx = stratifiedSubsample(ds.labels, 180, 1);
    const x = new Float32Array(idx.length * ds.d);
    idx.forEach((r, i) => x.set(ds.features.subarray(r * ds.d, (r + 1) * ds.d), i * ds.d));
    cases.push({ name: 'EmoDB 4 classes (180 rows, 382-D)', x, labels: Int32Array.from(idx, (r) => ds.labels[r]), n: idx.length, d: ds.d });
  });

  for (const which of [0, 1]) {
    test(`case ${which}: fast KL within 5 % of tsne-js's, 10-NN preservation no worse than tsne-js's - 0.02; UMAP groups the classes`, async () => {
      const c = cases[which];
      const opts = { perplexity: 30, iterations: 300, seed: 3, standardize: true };
      const { x, dim } = prepareTsneMatrix(c.x, c.n, c.d, opts);
      const P = exactJointP(x, c.n, dim, 30);
      const ref = await runTsne(c.x, c.n, c.d, opts);
      const fast = await runFastTsne(c.x, c.n, c.d, opts);
      const umap = await runUmap(c.x, c.n, c.d, { seed: 3, epochs: 300 });
      const kl = { ref: klDivergence(P, ref.layout, c.n), fast: klDivergence(P, fast.layout, c.n), umap: klDivergence(P, umap.layout, c.n) };
      const nn = {
        ref: neighbourPreservation(x, c.n, dim, ref.layout, 10),
        fast: neighbourPreservation(x, c.n, dim, fast.layout, 10),
        umap: neighbourPreservation(x, c.n, dim, umap.layout, 10),
      };
      const agree = { ref: knnAgreement(ref.layout, c.labels, 5), fast: knnAgreement(fast.layout, c.labels, 5), umap: knnAgreement(umap.layout, c.labels, 5) };
      console.log(`${c.name}: KL ${JSON.stringify(kl)}; 10-NN preservation ${JSON.stringify(nn)}; 5-NN class agreement ${JSON.stringify(agree)}`);
      expect(kl.fast).toBeLessThanOrEqual(1.05 * kl.ref);
      expect(nn.fast).toBeGreaterThanOrEqual(nn.ref - 0.02);
      // the classes are grouped by every method (blobs: all; EmoDB: chance is about 0.27)
      const floor = which === 0 ? 0.98 : 0.6;
      expect(agree.ref).toBeGreaterThan(floor);
      expect(agree.fast).toBeGreaterThan(floor);
      expect(agree.umap).toBeGreaterThan(floor);
    });
  }

  test('UMAP is seeded: same seed, same layout; another seed, another', async () => {
    const { x } = blobs(120, 6, 3, 6);
    const a = await runUmap(x, 120, 6, { seed: 1, epochs: 60 });
    const b = await runUmap(x, 120, 6, { seed: 1, epochs: 60 });
    const c = await runUmap(x, 120, 6, { seed: 2, epochs: 60 });
    expect(a.iteration).toBe(60);
    expect(Array.from(a.layout)).toEqual(Array.from(b.layout));
    expect(Array.from(a.layout)).not.toEqual(Array.from(c.layout));
  });
});
