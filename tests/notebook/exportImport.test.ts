import 'fake-indexeddb/auto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunRecord, datasetRef, openNotebook, type NotebookStore } from '../../src/notebook/store';
import { decodeBundle, encodeBundle, exportFileName, exportNotebook, exportRun, importNotebookFile, NotebookFileError } from '../../src/notebook/exportImport';
import { TrainingSession } from '../../src/compute/train/trainingSession';
import { defaultsFor } from '../../src/compute/train/settings';
import type { ParsedTable } from '../../src/compute/data/parseCsv';
import { blobs, useCpu } from '../compute/helpers';
import { zipSync, strToU8 } from 'fflate';

beforeAll(useCpu);

let n = 0;
const opened: NotebookStore[] = [];
async function fresh() {
  const nb = await openNotebook({ name: `nb-exp-${++n}` });
  opened.push(nb);
  return nb;
}
afterEach(() => {
  for (const nb of opened.splice(0)) nb.close();
});

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function expectSameBytes(a: Record<string, ArrayBufferView>, b: Record<string, ArrayBufferView>) {
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  for (const k of Object.keys(a)) {
    expect(b[k].constructor).toBe(a[k].constructor);
    expect(Buffer.from(bytesOf(b[k])).equals(Buffer.from(bytesOf(a[k])))).toBe(true);
  }
}

/** A trained run with two checkpoints, samples and an evaluation, in a store. */
async function storedRun(nb: NotebookStore) {
  const data = blobs(120, 5, 3);
  const settings = { ...defaultsFor('m2'), epochs: 2, widthScale: 0.05, batchSize: 32, seed: 2 };
  const table: ParsedTable = {
    name: 'blobs.csv',
    columns: ['label', 'f1'],
    kinds: ['text', 'numeric'],
    nRows: 2,
    values: Float32Array.from([NaN, 1.25, NaN, -0]),
    text: [['c0', 'c1'], null],
    missing: new Int32Array(2),
    nonNumeric: [
      { count: 0, row: -1, value: '' },
      { count: 0, row: -1, value: '' },
    ],
    delimiter: ',',
    bytes: 20,
  };
  const ds = await nb.saveDataset({ fileName: 'blobs.csv', table, roles: { label: 'label', group: null, features: ['f1'], keepClasses: ['c0', 'c1'], missing: 'drop' } });
  const run = await nb.saveRun(
    createRunRecord({ settings, dataset: datasetRef(data, 'blobs.csv', ds.id), backend: 'cpu', title: 'Export me', tags: ['t1'], notes: '**bold** <b>not html</b>' }),
  );
  const s = new TrainingSession(data, settings, () => {});
  await s.stepEpoch();
  await nb.saveProgress(run.id, await s.snapshot(), { kinds: ['lastGood'] });
  await s.stepEpoch();
  await nb.saveProgress(run.id, await s.snapshot(), { kinds: ['latest'], status: 'done' });
  const g = await s.trainer.generate(12, 4);
  await nb.saveSamples(run.id, { epoch: 2, seed: 4, n: 12, d: 5, features: g.features, labels: g.labels, featureNames: data.featureNames, classNames: data.classNames });
  await nb.addEvaluation(run.id, 'evaluateRun', { uar: 0.5, fid: Infinity, nan: NaN, negZero: -0, nested: [{ a: 1 }] });
  s.dispose();
  return { run: (await nb.getRun(run.id))!, datasetId: ds.id };
}

describe('export / import', () => {
  it('a run round-trips through one zip file: weights byte-identical, metadata equal', async () => {
    const a = await fresh();
    const { run } = await storedRun(a);
    const file = await exportRun(a, run.id);
    expect(file[0]).toBe(0x50); // 'PK'
    const b = await fresh();
    const rep = await importNotebookFile(b, file);
    expect(rep.runs).toEqual([run.id]);
    expect(rep.manifest.scope).toBe('run');
    expect(await b.getRun(run.id)).toEqual(run);
    const ev = (await b.getRun(run.id))!.evaluations[0].result as Record<string, number>;
    expect(ev.fid).toBe(Infinity);
    expect(Number.isNaN(ev.nan)).toBe(true);
    expect(Object.is(ev.negZero, -0)).toBe(true);
    for (const kind of ['latest', 'lastGood'] as const) {
      const ca = (await a.getCheckpoint(run.id, kind))!;
      const cb = (await b.getCheckpoint(run.id, kind))!;
      expectSameBytes(ca.weights, cb.weights);
      expect(cb.trainerState).toEqual(ca.trainerState);
      expect(cb.optimizerState).toEqual(ca.optimizerState);
      const slotsA = Object.fromEntries(ca.optimizerState.step1!.slots.map((sl) => [sl.name, sl.values]));
      const slotsB = Object.fromEntries(cb.optimizerState.step1!.slots.map((sl) => [sl.name, sl.values]));
      expect(Object.keys(slotsA).length).toBeGreaterThan(0);
      expectSameBytes(slotsA, slotsB);
      expect(cb).toEqual(ca);
    }
    const sa = await a.listSamples(run.id);
    const sb = await b.listSamples(run.id);
    expect(sb).toEqual(sa);
    expectSameBytes({ f: sa[0].features, l: sa[0].labels }, { f: sb[0].features, l: sb[0].labels });
    // The dataset is not included unless asked for.
    expect(await b.listDatasets()).toEqual([]);
  }, 60_000);

  it('the whole notebook round-trips, datasets included; a second import makes copies', async () => {
    const a = await fresh();
    const { run, datasetId } = await storedRun(a);
    const other = await a.saveRun(createRunRecord({ settings: defaultsFor('m1'), dataset: run.dataset, backend: 'wasm', title: 'Second', now: run.createdAt + 1 }));
    const file = await exportNotebook(a);
    const b = await fresh();
    const rep = await importNotebookFile(b, file);
    expect(rep.runs.sort()).toEqual([run.id, other.id].sort());
    expect((await b.listRuns()).map((r) => r.title)).toEqual(['Second', 'Export me']);
    const da = (await a.getDataset(datasetId))!;
    const db = (await b.getDataset(datasetId))!;
    expect(db).toEqual(da);
    expectSameBytes({ v: da.table.values }, { v: db.table.values });
    // Importing again: copies with new ids, their samples too; the originals untouched.
    const rep2 = await importNotebookFile(b, file);
    expect(Object.keys(rep2.renamed).sort()).toEqual([run.id, other.id].sort());
    const copyId = rep2.renamed[run.id];
    const copy = (await b.getRun(copyId))!;
    expect(copy.title).toBe('Export me');
    const copySamples = await b.listSamples(copyId);
    expect(copySamples).toHaveLength(1);
    expect(copy.samples[0].id).toBe(copySamples[0].id);
    expect((await b.listSamples(run.id))[0].id).not.toBe(copySamples[0].id);
    expect((await b.getCheckpoint(copyId, 'latest'))!.weights).toEqual((await a.getCheckpoint(run.id, 'latest'))!.weights);
    expect(rep2.datasets).toEqual([]);
    const rep3 = await importNotebookFile(b, file, { onConflict: 'skip' });
    expect(rep3.runs).toEqual([]);
    expect(rep3.skipped.sort()).toEqual([run.id, other.id].sort());
    expect(await b.listRuns()).toHaveLength(4);
  }, 60_000);

  it('garbage and foreign files are refused with a reason', async () => {
    const b = await fresh();
    await expect(importNotebookFile(b, strToU8('hello'))).rejects.toBeInstanceOf(NotebookFileError);
    expect(() => decodeBundle(zipSync({ 'x.txt': strToU8('x') }))).toThrow(/not an EmoGAN Lab notebook/);
    const future = zipSync({ 'manifest.json': strToU8(JSON.stringify({ format: 'emogan-lab-notebook', version: 99 })), 'notebook.json': strToU8('{}') });
    expect(() => decodeBundle(future)).toThrow(/newer version/);
    const good = encodeBundle({ runs: [], checkpoints: [], samples: [], datasets: [] });
    expect(decodeBundle(good).bundle.runs).toEqual([]);
    expect(await b.listRuns()).toEqual([]);
    expect(exportFileName('M2 on EmoDB: seed 3!', new Date('2026-01-02T00:00:00Z'))).toBe('emogan-m2-on-emodb-seed-3-2026-01-02.zip');
  });
});
