/**
 * Issue #12 goal 1, the dispatch budget, counted on the WebGPU adapter here (lavapipe in CI) by
 * wrapping the `webgpu` package's classes (src/compute/gpu/dispatchCounter.ts). Per training
 * iteration of the fast path: M1 at most 80 dispatches, and for every model 1 compute pass,
 * 1 submit, 0 new buffers, 0 readbacks (the losses are read once per epoch), 1 upload
 * (queue.writeBuffer of the batch's indices and samples). The counts do not depend on d or the
 * widths (only on the layer count), so the small models count what the paper's sizes count;
 * M1 is also counted at the paper's d = 1582 and batch 64 (width scale 0.1: at width 1 two
 * iterations took ~39 s on lavapipe here; `npm run bench -- --only gpu` counts width 1).
 */
import { describe, expect, test } from 'vitest';
import { blobs } from '../helpers';
import { installDispatchCounter, snapshotCounts, diffCounts, type GpuCounts } from '../../../src/compute/gpu/dispatchCounter';
import { defaultsFor, type ModelKind } from '../../../src/compute/train/settings';
import { createTrainer } from '../../../src/compute/train/trainer';
import { onWebgpu, webgpuAdapter } from './gpuSetup';

const adapter = await webgpuAdapter();

/** The budgets this path reaches; a test fails if the counts grow past them. */
export const DISPATCH_BUDGET: Record<ModelKind, number> = { m1: 60, m2: 98, m3: 115, m4: 105 };

async function countIterations(model: ModelKind, o: { d: number; n: number; batch: number; width: number; iterations: number }) {
  const counter = installDispatchCounter();
  void counter;
  const t = createTrainer(blobs(o.n, o.d, 4, 3), null, { ...defaultsFor(model), widthScale: o.width, batchSize: o.batch, seed: 2 });
  expect(t.path).toBe('fast');
  let start: GpuCounts | null = null;
  let end: GpuCounts | null = null;
  let done = 0;
  // Count from the end of batch 1 (the epoch's set-up copies are behind us) to the end of
  // batch 1 + iterations, in a D2 epoch (epoch 1: step 4 trains).
  await t.runEpoch({
    onBatch: (b) => {
      done = b;
      if (b === 1) start = snapshotCounts();
      if (b === 1 + o.iterations) end = snapshotCounts();
    },
    shouldStop: () => done >= 1 + o.iterations,
  });
  const c = diffCounts(end!, start!);
  const per = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v / o.iterations])) as unknown as GpuCounts;
  const dispatches = t.fastDispatches!;
  t.dispose();
  return { per, dispatches };
}

describe.skipIf(!adapter)(`dispatch budget of the fast path (${adapter})`, () => {
  for (const model of ['m1', 'm2', 'm3', 'm4'] as ModelKind[]) {
    test(`${model}: per iteration <= ${DISPATCH_BUDGET[model]} dispatches, 1 pass, 1 submit, 0 buffers, 0 readbacks`, async () => {
      await onWebgpu();
      const { per, dispatches } = await countIterations(model, { d: 47, n: 64, batch: 16, width: 0.05, iterations: 3 });
      console.log(`${model}: ${JSON.stringify(per)} (program: ${JSON.stringify(dispatches)})`);
      expect(per.dispatches).toBe(dispatches.d2train);
      expect(per.dispatches).toBeLessThanOrEqual(DISPATCH_BUDGET[model]);
      expect(per.passes).toBe(1);
      expect(per.submits).toBe(1);
      expect(per.buffers).toBe(0);
      expect(per.readbacks).toBe(0);
      expect(per.writes).toBe(1);
      if (model === 'm1') expect(per.dispatches).toBeLessThanOrEqual(80); // the budget
    });
  }

  test('m1 at d = 1582, batch 64: the same counts', async () => {
    await onWebgpu();
    const { per } = await countIterations('m1', { d: 1582, n: 192, batch: 64, width: 0.1, iterations: 1 });
    console.log(`m1 d=1582: ${JSON.stringify(per)}`);
    expect(per.dispatches).toBeLessThanOrEqual(80);
    expect(per).toMatchObject({ passes: 1, submits: 1, buffers: 0, readbacks: 0, writes: 1 });
  });
});
