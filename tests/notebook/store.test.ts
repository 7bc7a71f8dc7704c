import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deleteDB, openDB } from 'idb';
import {
  NotebookQuotaError,
  createRunRecord,
  datasetFingerprint,
  datasetRef,
  openNotebook,
  requestPersistence,
  storageEstimate,
  type NotebookStore,
} from '../../src/notebook/store';
import { MIGRATIONS, RUN_RECORD_VERSION, type Migration, type CheckpointRecord } from '../../src/notebook/schema';
import { defaultsFor } from '../../src/compute/train/settings';
import type { ParsedTable } from '../../src/compute/data/parseCsv';
import type { SessionSnapshot } from '../../src/compute/train/trainingSession';
import { blobs } from '../compute/helpers';

let dbCount = 0;
const opened: NotebookStore[] = [];
async function fresh(name = `nb-test-${++dbCount}`) {
  const nb = await openNotebook({ name });
  opened.push(nb);
  return nb;
}
afterEach(() => {
  for (const nb of opened.splice(0)) nb.close();
});

function run(title: string, now: number, seed = 1) {
  const ds = blobs(30, 4, 3);
  return createRunRecord({ settings: { ...defaultsFor('m2'), seed }, dataset: datasetRef(ds, 'blobs.csv'), backend: 'cpu', title, now });
}

function snapshot(epoch: number): SessionSnapshot {
  const history = Array.from({ length: epoch }, (_, i) => ({ epoch: i + 1, train: { recon: 1 / (i + 1) }, val: null, ms: 5 }));
  return {
    weights: { 'encoder/0/W': Float32Array.from([1.5, -2, epoch, Number.MIN_VALUE]), 'encoder/0/b': new Float32Array([NaN, 0]) },
    trainerState: { settings: defaultsFor('m2'), epoch, history, trainRng: { a: 1, b: 2, c: 3, d: epoch, spare: null }, generateRng: { a: 5, b: 6, c: 7, d: 8, spare: 0.25 } },
    optimizerState: { step1: { kind: 'momentum', iterations: 10 * epoch, slots: [{ name: 'encoder/0/W/momentum', shape: [2, 2], values: Float32Array.from([0.1, 0.2, 0.3, epoch]) }] } },
  };
}

function table(): ParsedTable {
  return {
    name: 't.csv',
    columns: ['speaker', 'label', 'f1', 'f2'],
    kinds: ['text', 'text', 'numeric', 'numeric'],
    nRows: 2,
    values: Float32Array.from([NaN, NaN, 1, 2, NaN, NaN, 3, 4]),
    text: [['s1', 's2'], ['angry', 'sad'], null, null],
    missing: new Int32Array(4),
    nonNumeric: [{ count: 0, row: -1, value: '' }, { count: 0, row: -1, value: '' }, { count: 0, row: -1, value: '' }, { count: 0, row: -1, value: '' }],
    delimiter: ',',
    bytes: 40,
  };
}

describe('notebook store: runs', () => {
  it('saves, lists newest first, updates and reads back', async () => {
    const nb = await fresh();
    expect(nb.version).toBe(MIGRATIONS.length);
    const a = await nb.saveRun(run('first', 1000));
    const b = await nb.saveRun(run('second', 2000));
    const c = await nb.saveRun(run('third', 1500));
    expect((await nb.listRuns()).map((r) => r.title)).toEqual(['second', 'third', 'first']);
    const u = await nb.updateRun(a.id, { title: 'renamed', tags: ['baseline', 'demo'], notes: '# Notes\n*fine*' });
    expect(u.title).toBe('renamed');
    const back = await nb.getRun(a.id);
    expect(back).toMatchObject({ title: 'renamed', tags: ['baseline', 'demo'], notes: '# Notes\n*fine*', schema: RUN_RECORD_VERSION });
    expect(back!.settings).toEqual(a.settings);
    expect(back!.dataset.fingerprint).toBe(datasetFingerprint(blobs(30, 4, 3)));
    await nb.appendEpoch(b.id, { epoch: 1, train: { recon: 0.9 }, val: { recon: 1 }, ms: 3 });
    await nb.appendEpoch(b.id, { epoch: 2, train: { recon: 0.8 }, val: null, ms: 3 });
    const ev = await nb.addEvaluation(b.id, 'evaluateRun', { metric1: 0.5, rows: [1, 2] });
    const rb = await nb.getRun(b.id);
    expect(rb!.losses.map((l) => l.epoch)).toEqual([1, 2]);
    expect(rb!.evaluations).toEqual([ev]);
    await expect(nb.updateRun('nope', { title: 'x' })).rejects.toThrow(/no run nope/);
    expect(c.id).not.toBe(a.id);
  });

  it('saveProgress stores losses + checkpoints together; getSnapshot gives them back exactly', async () => {
    const nb = await fresh();
    const r = await nb.saveRun(run('r', 1));
    await nb.saveProgress(r.id, snapshot(2), { kinds: ['latest', 'lastGood'], status: 'running' });
    await nb.saveProgress(r.id, snapshot(3), { status: 'running' });
    const got = await nb.getSnapshot(r.id, 'latest');
    expect(got).toEqual(snapshot(3));
    expect(got!.weights['encoder/0/W']).toBeInstanceOf(Float32Array);
    expect((await nb.getCheckpoint(r.id, 'lastGood'))!.epoch).toBe(2);
    expect((await nb.getRun(r.id))!.losses.length).toBe(3);
    const infos = await nb.listCheckpoints(r.id);
    expect(infos.map((i) => i.kind).sort()).toEqual(['lastGood', 'latest']);
    expect(infos[0].bytes).toBe(4 * 4 + 2 * 4 + 4 * 4);
    // A reload mid-run: the run reopens paused at its last checkpoint.
    await nb.appendEpoch(r.id, { epoch: 4, train: { recon: 0.1 }, val: null, ms: 1 });
    const rec = await nb.recoverInterruptedRuns();
    expect(rec.map((x) => x.id)).toEqual([r.id]);
    const after = await nb.getRun(r.id);
    expect(after!.status).toBe('paused');
    expect(after!.losses.map((l) => l.epoch)).toEqual([1, 2, 3]);
    expect(after!.statusMessage).toMatch(/after epoch 3/);
    expect(await nb.recoverInterruptedRuns()).toEqual([]);
    expect(await nb.deleteCheckpoints(r.id, 'lastGood')).toBe(1);
    expect(await nb.listCheckpoints()).toHaveLength(1);
  });

  it('deleteRun removes the run, its checkpoints and samples; restoreDeleted undoes it', async () => {
    const nb = await fresh();
    const keep = await nb.saveRun(run('keep', 1));
    const r = await nb.saveRun(run('gone', 2));
    await nb.saveProgress(r.id, snapshot(1), { kinds: ['latest', 'lastGood'] });
    await nb.saveProgress(keep.id, snapshot(1));
    const s = await nb.saveSamples(r.id, { epoch: 1, seed: 9, n: 2, d: 2, features: Float32Array.from([1, 2, 3, 4]), labels: Int32Array.from([0, 1]), featureNames: ['a', 'b'], classNames: ['x', 'y'] }, 'demo');
    expect((await nb.getRun(r.id))!.samples).toEqual([s]);
    const del = await nb.deleteRun(r.id);
    expect(del!.checkpoints).toHaveLength(2);
    expect(del!.samples).toHaveLength(1);
    expect(await nb.getRun(r.id)).toBeUndefined();
    expect(await nb.listCheckpoints(r.id)).toEqual([]);
    expect(await nb.listSamples(r.id)).toEqual([]);
    expect(await nb.listCheckpoints(keep.id)).toHaveLength(1);
    expect(await nb.deleteRun(r.id)).toBeNull();
    await nb.restoreDeleted(del!);
    expect((await nb.getRun(r.id))!.title).toBe('gone');
    expect(await nb.getSnapshot(r.id, 'lastGood')).toEqual(snapshot(1));
    expect((await nb.getSamples(s.id))!.features).toEqual(Float32Array.from([1, 2, 3, 4]));
  });
});

describe('notebook store: datasets and storage', () => {
  it('stores a parsed table with its column choices', async () => {
    const nb = await fresh();
    const roles = { label: 'label', group: 'speaker', features: ['f1', 'f2'], keepClasses: ['angry', 'sad'], missing: 'drop' as const };
    const d = await nb.saveDataset({ fileName: 't.csv', table: table(), roles });
    const list = await nb.listDatasets();
    expect(list).toHaveLength(1);
    expect(list[0].table).toEqual(table());
    expect(list[0].table.values).toBeInstanceOf(Float32Array);
    expect(list[0].roles).toEqual(roles);
    await nb.updateDatasetRoles(d.id, { ...roles, group: null });
    expect((await nb.getDataset(d.id))!.roles.group).toBeNull();
    expect((await nb.deleteDataset(d.id))!.id).toBe(d.id);
    expect(await nb.listDatasets()).toEqual([]);
  });

  it('a full disk gives a NotebookQuotaError that says what was not saved', async () => {
    const nb = await fresh();
    const r = run('big run', 1);
    const spy = vi.spyOn(nb.db, 'put').mockRejectedValue(new DOMException('quota', 'QuotaExceededError'));
    const err = await nb.saveRun(r).catch((e) => e);
    expect(err).toBeInstanceOf(NotebookQuotaError);
    expect((err as NotebookQuotaError).what).toBe('run "big run"');
    expect((err as Error).message).toMatch(/Delete old checkpoints/);
    const cp: CheckpointRecord = { runId: r.id, kind: 'latest', epoch: 3, savedAt: 1, ...snapshot(3) };
    await expect(nb.saveCheckpoint(cp)).rejects.toMatchObject({ name: 'NotebookQuotaError', what: expect.stringMatching(/latest checkpoint \(epoch 3\)/) });
    spy.mockRejectedValue(new Error('other'));
    await expect(nb.saveRun(r)).rejects.toThrow('other');
    spy.mockRestore();
  });

  it('a full disk inside a transaction (progress, import) also gives NotebookQuotaError and writes nothing', async () => {
    const nb = await fresh();
    const r = await nb.saveRun(run('progress', 1));
    await nb.saveProgress(r.id, snapshot(1));
    const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    await expect(nb.saveProgress(r.id, snapshot(2))).rejects.toMatchObject({ name: 'NotebookQuotaError', what: expect.stringMatching(/checkpoint of epoch 2/) });
    await expect(nb.putRecords({ runs: [run('x', 5)] }, 'the imported runs')).rejects.toBeInstanceOf(NotebookQuotaError);
    spy.mockRestore();
    expect((await nb.getRun(r.id))!.losses).toHaveLength(1);
    expect((await nb.getCheckpoint(r.id, 'latest'))!.epoch).toBe(1);
    expect(await nb.listRuns()).toHaveLength(1);
  });

  it('storageEstimate / requestPersistence use navigator.storage when present', async () => {
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 10, quota: 100 }), persisted: async () => false, persist: async () => true } });
    expect(await storageEstimate()).toEqual({ usage: 10, quota: 100 });
    expect(await requestPersistence()).toBe(true);
    vi.stubGlobal('navigator', {});
    expect(await storageEstimate()).toBeNull();
    expect(await requestPersistence()).toBeNull();
    vi.unstubAllGlobals();
  });
});

describe('datasetFingerprint', () => {
  it('changes with content and column choices, not with the display name', () => {
    const a = blobs(20, 3, 2);
    const fp = datasetFingerprint(a);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    const renamed: typeof a = { ...a, name: 'other' };
    expect(datasetFingerprint(renamed)).toBe(fp);
    const f = a.features.slice();
    f[7] += 1e-3;
    expect(datasetFingerprint({ ...a, features: f })).not.toBe(fp);
    const l = a.labels.slice();
    l[0] = 1;
    expect(datasetFingerprint({ ...a, labels: l })).not.toBe(fp);
    expect(datasetFingerprint({ ...a, featureNames: ['f1', 'f2', 'x'] })).not.toBe(fp);
    expect(datasetFingerprint({ ...a, classNames: ['c1', 'c0'] })).not.toBe(fp);
    expect(datasetFingerprint({ ...a, groups: new Int32Array(20), groupNames: ['g'] })).not.toBe(fp);
  });
});

describe('schema versions and migrations', () => {
  it('an older run record (layout 0, before the schema field) still opens, upgraded', async () => {
    const name = `nb-test-${++dbCount}`;
    const nb = await fresh(name);
    nb.close();
    // Write records the way an older build did, bypassing today's types.
    const raw = await openDB(name);
    await raw.put('runs', {
      id: 'old-1',
      model: 'm1',
      settings: { ...defaultsFor('m1'), seed: 4 },
      datasetName: 'emodb.csv',
      datasetFingerprint: 'abcdabcdabcdabcd',
      losses: [{ epoch: 1, train: { recon: 1 }, val: null, ms: 2 }],
      status: 'training',
      createdAt: 500,
    });
    await raw.put('runs', { id: 'future', schema: 99, settings: defaultsFor('m1'), createdAt: 600 });
    await raw.put('runs', { id: 'broken', createdAt: 700 });
    raw.close();
    const nb2 = await fresh(name);
    const r = await nb2.getRun('old-1');
    expect(r).toMatchObject({
      schema: RUN_RECORD_VERSION,
      id: 'old-1',
      title: 'M1 run',
      tags: [],
      notes: '',
      model: 'm1',
      dataset: { name: 'emodb.csv', fingerprint: 'abcdabcdabcdabcd', datasetId: null },
      status: 'interrupted',
      updatedAt: 500,
      evaluations: [],
      samples: [],
    });
    expect(r!.settings.seed).toBe(4);
    // Updating it writes the current layout.
    await nb2.updateRun('old-1', { title: 'kept' });
    expect((await nb2.db.get('runs', 'old-1'))!.schema).toBe(RUN_RECORD_VERSION);
    const listed = await nb2.listRunsChecked();
    expect(listed.runs.map((x) => x.id)).toEqual(['old-1']);
    // Unreadable records are reported, not hidden.
    expect(listed.unreadable.map((u) => u.id).sort()).toEqual(['broken', 'future']);
    expect(listed.unreadable.find((u) => u.id === 'future')!.reason).toMatch(/newer version/);
  });

  it('a database written at version 1 opens after a (simulated) version 2 migration, which runs once', async () => {
    const name = `nb-test-${++dbCount}`;
    const v1 = await fresh(name);
    const r = await v1.saveRun(run('from v1', 10));
    await v1.saveProgress(r.id, snapshot(2));
    v1.close();
    let calls = 0;
    const toV2: Migration = async (db, tx) => {
      calls++;
      expect(db.version).toBe(2);
      // A record rewrite inside the upgrade transaction (e.g. a renamed field).
      let cur = await tx.objectStore('runs').openCursor();
      while (cur) {
        await cur.update({ ...cur.value, tags: [...cur.value.tags, 'migrated-v2'] });
        cur = await cur.continue();
      }
    };
    const migrations = [...MIGRATIONS, toV2];
    const v2 = await openNotebook({ name, migrations });
    opened.push(v2);
    expect(v2.version).toBe(2);
    expect(calls).toBe(1);
    expect((await v2.getRun(r.id))!.tags).toEqual(['migrated-v2']);
    expect(await v2.getSnapshot(r.id)).toEqual(snapshot(2));
    v2.close();
    const again = await openNotebook({ name, migrations });
    opened.push(again);
    expect(calls).toBe(1);
    // A fresh profile runs every migration from 0.
    await deleteDB(`nb-fresh-${dbCount}`);
    const fresh2 = await openNotebook({ name: `nb-fresh-${dbCount}`, migrations });
    opened.push(fresh2);
    expect(calls).toBe(2);
    expect([...fresh2.db.objectStoreNames].sort()).toEqual(['checkpoints', 'datasets', 'runs', 'samples']);
  });

  it('a failing migration rejects the open instead of leaving a half-migrated database', async () => {
    const name = `nb-test-${++dbCount}`;
    const v1 = await fresh(name);
    await v1.saveRun(run('safe', 10));
    v1.close();
    const bad: Migration = async () => {
      throw new Error('migration exploded');
    };
    await expect(openNotebook({ name, migrations: [...MIGRATIONS, bad] })).rejects.toThrow();
    const back = await fresh(name);
    expect(back.version).toBe(1);
    expect((await back.listRuns()).map((x) => x.title)).toEqual(['safe']);
  });
});
