/**
 * t-SNE over tsne-js: the stepped session reproduces tsne-js's own run(), seeds fix the
 * layout, Math.random is restored, frames stream, cancel stops within a chunk, and the
 * layout separates what should be separated (blobs; EmoDB's four emotions).
 */
import { describe, expect, test } from 'vitest';
import { runTsne, TSNE_JS_EXACT, TsneSession, tsneJsReference, withSeededMathRandom, type TsneFrame } from '../../../src/compute/embed/tsne';
import { gaussianBlobs as blobs } from './gaussianBlobs';


/** Share of points whose k nearest neighbours in the 2-D layout mostly share its label (majority vote). */
function knnAgreement(layout: Float32Array, labels: Int32Array, k: number): number {
  const n = labels.length;
  let ok = 0;
  const K = Math.max(...labels) + 1;
  for (let i = 0; i < n; i++) {
    const d: Array<[number, number]> = [];
    for (let j = 0; j < n; j++) if (j !== i) d.push([(layout[2 * i] - layout[2 * j]) ** 2 + (layout[2 * i + 1] - layout[2 * j + 1]) ** 2, j]);
    d.sort((a, b) => a[0] - b[0]);
    const votes = new Array<number>(K).fill(0);
    for (let t = 0; t < k; t++) votes[labels[d[t][1]]]++;
    if (votes.indexOf(Math.max(...votes)) === labels[i]) ok++;
  }
  return ok / n;
}

describe('t-SNE (tsne-js, stepped)', () => {
  test('reproduces tsne-js run() exactly (TSNE_JS_EXACT), and restores Math.random', () => {
    const { x } = blobs(60, 8, 3, 6);
    const saved = Math.random;
    const ref = tsneJsReference(x, 60, 8, { iterations: 200, seed: 7, perplexity: 10 });
    expect(ref.length).toBe(120);
    expect(Math.random).toBe(saved);
    const s = new TsneSession(x, 60, 8, { iterations: 200, seed: 7, perplexity: 10, ...TSNE_JS_EXACT });
    expect(Math.random).toBe(saved);
    s.step(10_000);
    expect(s.done).toBe(true);
    expect(Array.from(s.layout())).toEqual(Array.from(ref));
  });

  test('Math.random is restored even when the seeded call throws, and is seeded inside', () => {
    const saved = Math.random;
    const a = withSeededMathRandom(3, () => [Math.random(), Math.random()]);
    const b = withSeededMathRandom(3, () => [Math.random(), Math.random()]);
    expect(a).toEqual(b);
    expect(() =>
      withSeededMathRandom(3, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Math.random).toBe(saved);
  });

  test('same seed -> identical layout; another seed -> another layout; runs all iterations', async () => {
    const { x } = blobs(80, 12, 4, 5);
    const a = await runTsne(x, 80, 12, { iterations: 250, seed: 11, perplexity: 15 });
    const b = await runTsne(x, 80, 12, { iterations: 250, seed: 11, perplexity: 15 });
    const c = await runTsne(x, 80, 12, { iterations: 250, seed: 12, perplexity: 15 });
    expect(a.cancelled).toBe(false);
    expect(a.layout.length).toBe(160);
    expect(Array.from(a.layout)).toEqual(Array.from(b.layout));
    expect(Array.from(a.layout)).not.toEqual(Array.from(c.layout));
    // no built-in early stop: iterations 0-49, 51-99, 101-249 = 248 steps
    expect(a.steps).toBe(248);
    expect(a.iteration).toBe(250);
  });

  test('streams intermediate layouts every streamEvery iterations', async () => {
    const { x } = blobs(50, 6, 2, 6);
    const frames: TsneFrame[] = [];
    const res = await runTsne(x, 50, 6, { iterations: 160, seed: 1, perplexity: 10, streamEvery: 20 }, { onFrame: (f) => frames.push(f) });
    expect(frames[0].phase).toBe('init');
    expect(frames[0].steps).toBe(0);
    expect(frames.length).toBeGreaterThanOrEqual(8);
    for (let i = 1; i < frames.length; i++) {
      expect(frames[i].steps).toBeGreaterThan(frames[i - 1].steps);
      expect(frames[i].steps - frames[i - 1].steps).toBeLessThanOrEqual(20);
      expect(frames[i].layout.length).toBe(100);
      expect(Array.from(frames[i].layout)).not.toEqual(Array.from(frames[i - 1].layout));
    }
    const last = frames[frames.length - 1];
    expect(last.done).toBe(true);
    expect(last.phase).toBe('final');
    expect(frames.some((f) => f.phase === 'exaggeration')).toBe(true);
    expect(Array.from(last.layout)).toEqual(Array.from(res.layout));
    expect(Number.isFinite(last.kl)).toBe(true);
  });

  test('cancel: an abort that arrives as a separate task (like a worker message) stops within one chunk', async () => {
    const { x } = blobs(120, 10, 3, 5);
    const ctrl = new AbortController();
    const frames: TsneFrame[] = [];
    const res = await runTsne(
      x,
      120,
      10,
      { iterations: 5000, seed: 2, streamEvery: 10 },
      {
        signal: ctrl.signal,
        onFrame: (f) => {
          frames.push(f);
          if (frames.length === 3) setTimeout(() => ctrl.abort(), 0);
        },
      },
    );
    expect(res.cancelled).toBe(true);
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(frames.length).toBeLessThanOrEqual(4); // at most one more chunk after the abort was sent
    expect(res.steps).toBe(frames[frames.length - 1].steps);
    expect(res.layout.length).toBe(240);
    // already-aborted signal: nothing is computed
    const pre = new AbortController();
    pre.abort();
    const none = await runTsne(x, 120, 10, {}, { signal: pre.signal });
    expect(none.cancelled).toBe(true);
    expect(none.steps).toBe(0);
  });

  test('two well-separated Gaussian blobs stay apart (nearest-neighbour purity > 0.95)', async () => {
    const { x, labels } = blobs(150, 10, 2, 8, 5);
    const res = await runTsne(x, 150, 10, { iterations: 300, seed: 3, perplexity: 20 });
    expect(knnAgreement(res.layout, labels, 1)).toBeGreaterThan(0.95);
  });

  // EmoDB's four classes: tsne-js's layout is checked beside the fast t-SNE's in fastTsne.test.ts
  // (a 180-row subset: the whole 339 rows took 28 s of the 30 s test budget).
});

describe('jointTsne (Fig. 4 in one call)', () => {
  test('one embedding of real + synthetic, every point tagged', async () => {
    const { jointTsne } = await import('../../../src/compute/embed/jointTsne');
    const a = blobs(60, 5, 2, 6, 1);
    const b = blobs(90, 5, 2, 6, 2);
    const res = await jointTsne(
      [
        { name: 'real', kind: 'real', features: a.x, n: 60, d: 5, labels: a.labels },
        { name: 'M1', kind: 'synthetic', features: b.x, n: 90, d: 5, labels: b.labels },
      ],
      { cap: 100, iterations: 120, seed: 1, perplexity: 10 },
    );
    expect(res.points.n).toBe(100);
    expect(res.tsne.layout.length).toBe(200);
    expect(res.points.kept.map((k) => k[0] + k[1])).toEqual([40, 60]);
    expect(new Set(res.points.synthetic)).toEqual(new Set([0, 1]));
    expect('features' in res.points).toBe(false);
  });
});
