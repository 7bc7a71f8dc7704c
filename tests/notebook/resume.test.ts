import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingSession, type TrainEvent } from '../../src/compute/train/trainingSession';
import { defaultsFor, type ModelKind } from '../../src/compute/train/settings';
import { tf } from '../../src/compute/tf';
import { blobs, useCpu } from '../compute/helpers';

beforeAll(useCpu);

const noop = (_e: TrainEvent) => {};

function settings(model: ModelKind, epochs: number) {
  // step1 keeps the paper's momentum 0.9 for M1/M2, so the velocities matter for the resume.
  return { ...defaultsFor(model), epochs, widthScale: 0.05, batchSize: 32, seed: 5 };
}

const series = (s: TrainingSession) => s.trainer.history.map((h) => ({ epoch: h.epoch, train: h.train, val: h.val }));

describe('resume determinism (CPU backend)', () => {
  for (const model of ['m2', 'm3'] as const) {
    it(`${model}: 4 epochs straight = 2 epochs, snapshot, dispose, restore, 2 more (exactly)`, async () => {
      const data = blobs(160, 6, 3);
      const straight = new TrainingSession(data, settings(model, 4), noop);
      await straight.resume();
      expect(straight.trainer.epoch).toBe(4);
      const want = series(straight);
      const wantWeights = await straight.trainer.getWeights();
      straight.dispose();

      const before = tf.memory().numTensors;
      const first = new TrainingSession(data, settings(model, 4), noop);
      await first.stepEpoch();
      await first.stepEpoch();
      const snap = await first.snapshot();
      if (model === 'm2') expect(snap.optimizerState.step1?.kind).toBe('momentum');
      if (model === 'm2') expect(snap.optimizerState.step1?.slots.length).toBeGreaterThan(0);
      first.dispose();
      // Through structuredClone, as IndexedDB / postMessage would store it.
      const stored = structuredClone(snap);
      const second = await TrainingSession.restore(data, settings(model, 4), stored, noop);
      expect(second.trainer.epoch).toBe(2);
      await second.resume();
      expect(second.status).toBe('done');
      expect(series(second)).toEqual(want);
      const got = await second.trainer.getWeights();
      for (const k of Object.keys(wantWeights)) expect(got[k]).toEqual(wantWeights[k]);
      second.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }, 60_000);
  }

  it('without the optimizer state the series differs (the test can see momentum)', async () => {
    const data = blobs(160, 6, 3);
    const straight = new TrainingSession(data, settings('m2', 4), noop);
    await straight.resume();
    const want = series(straight);
    straight.dispose();
    const first = new TrainingSession(data, settings('m2', 4), noop);
    await first.stepEpoch();
    await first.stepEpoch();
    const snap = await first.snapshot();
    first.dispose();
    const second = await TrainingSession.restore(data, settings('m2', 4), { ...snap, optimizerState: {} }, noop);
    await second.resume();
    expect(series(second)).not.toEqual(want);
    second.dispose();
  }, 60_000);

  it('refuses a snapshot mid-epoch and a mismatched optimizer kind', async () => {
    const data = blobs(400, 6, 3);
    const s = new TrainingSession(data, settings('m2', 2), noop);
    let n = 0;
    await s.trainer.runEpoch({ shouldStop: () => ++n > 2 });
    await expect(s.snapshot()).rejects.toThrow(/middle of epoch 1/);
    s.dispose();
    const a = new TrainingSession(data, settings('m2', 2), noop);
    const snap = await a.snapshot();
    a.dispose();
    const other = { ...settings('m2', 2), step1: { lr: 0.001, momentum: 0 } };
    const bad = { ...snap, trainerState: { ...snap.trainerState, settings: other } };
    await expect(TrainingSession.restore(data, settings('m2', 2), bad, noop)).rejects.toThrow(/saved as momentum/);
  }, 60_000);
});
