import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRunRecord, datasetFingerprint, datasetRef, openNotebook } from '../../src/notebook/store';
import { alignLosses, compareSettings, duplicateRun } from '../../src/notebook/compare';
import { TrainingSession } from '../../src/compute/train/trainingSession';
import { defaultsFor } from '../../src/compute/train/settings';
import { blobs, useCpu } from '../compute/helpers';

beforeAll(useCpu);

const noop = () => {};

describe('a run survives a reload through IndexedDB and continues the same loss series', () => {
  it('train 2 epochs with checkpoints, "reload", recover, restore from the store, 2 more = 4 straight', async () => {
    const data = blobs(160, 6, 3);
    const settings = { ...defaultsFor('m1'), epochs: 4, widthScale: 0.05, batchSize: 32, seed: 11 };
    const straight = new TrainingSession(data, settings, noop);
    await straight.resume();
    const want = straight.trainer.history.map((h) => ({ train: h.train, val: h.val }));
    straight.dispose();

    const nb = await openNotebook({ name: 'nb-persist' });
    const run = await nb.saveRun(createRunRecord({ settings, dataset: datasetRef(data, 'blobs.csv'), backend: 'cpu', status: 'running' }));
    const s = new TrainingSession(data, settings, noop);
    for (let e = 0; e < 2; e++) {
      await s.stepEpoch();
      await nb.saveProgress(run.id, await s.snapshot(), { kinds: ['latest', 'lastGood'], status: 'running' });
    }
    // The tab dies mid-epoch 3: the session is gone, the run still says 'running'.
    s.dispose();
    nb.close();

    const nb2 = await openNotebook({ name: 'nb-persist' });
    const [rec] = await nb2.recoverInterruptedRuns();
    expect(rec.status).toBe('paused');
    expect(rec.dataset.fingerprint).toBe(datasetFingerprint(data));
    const snap = (await nb2.getSnapshot(run.id))!;
    const resumed = await TrainingSession.restore(data, rec.settings, snap, noop);
    await resumed.resume();
    expect(resumed.trainer.history.map((h) => ({ train: h.train, val: h.val }))).toEqual(want);
    resumed.dispose();
    nb2.close();
  }, 60_000);
});

describe('compare helpers', () => {
  it('marks differing settings, aligns losses by epoch, duplicates with a new seed', () => {
    const ref = { name: 'x', fingerprint: 'f', datasetId: null, n: 1, d: 1, classNames: ['a'] };
    const a = createRunRecord({ settings: defaultsFor('m2'), dataset: ref, backend: 'cpu', now: 1 });
    const b = duplicateRun(a, 99, 2);
    expect(b.id).not.toBe(a.id);
    expect(b.settings.seed).toBe(99);
    b.settings.step1 = { lr: 0.01, momentum: 0.9 };
    const rows = compareSettings([a, b]);
    expect(rows.filter((r) => r.differs).map((r) => r.key)).toEqual(['seed', 'step1.lr']);
    a.losses = [{ epoch: 1, train: { recon: 1 }, val: null, ms: 1 }, { epoch: 2, train: { recon: 0.5 }, val: null, ms: 1 }];
    b.losses = [{ epoch: 1, train: { recon: 2 }, val: { recon: 3 }, ms: 1 }];
    expect(alignLosses([a, b], 'recon')).toEqual({ epochs: [1, 2], series: [[1, 0.5], [2, null]] });
    expect(alignLosses([a, b], 'recon', 'val').series).toEqual([[null, null], [3, null]]);
  });
});
