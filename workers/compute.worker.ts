/**
 * The compute worker: a thin comlink entry over src/compute. It owns every tensor; the UI
 * gets plain data and progress callbacks.
 */
import * as Comlink from 'comlink';
import { tf } from '../src/compute/tf';
import { selectBackend } from '../src/compute/backend';
import { parseCsvFile } from '../src/compute/data/parseCsv';
import { buildDataset } from '../src/compute/data/columnRoles';
import { TableError, tableError, toErrorInfo } from '../src/compute/data/tableError';
import { TrainingSession } from '../src/compute/train/trainingSession';
import { rowsToCsv } from '../src/compute/data/writeCsv';
import { evaluateRun } from '../src/compute/eval/evaluateRun';
import { StudyCancelled } from '../src/compute/studies/common';
import { lambdaStudy } from '../src/compute/studies/lambdaStudy';
import { crossValidation } from '../src/compute/studies/crossValidation';
import { crossCorpus } from '../src/compute/studies/crossCorpus';
import { lowResource } from '../src/compute/studies/lowResource';
import { openNotebook, type NotebookStore } from '../src/notebook/store';
import type { RunStatus } from '../src/notebook/schema';
import type { ComputeApi, ParsedTable, Result, TrainEvent, TrainWorkerEvent, WorkerEvent } from '../src/api';
import { loaders } from './backendLoaders';

const cancelled = new Set<string>();
let session: TrainingSession | null = null;
let notebook: Promise<NotebookStore> | null = null;
const store = () => (notebook ??= openNotebook());

/**
 * Keep a run in the notebook: a checkpoint after every epoch (a reload loses at most the
 * current epoch) and its status on every change. Written from here, so the weights never pass
 * through the page.
 */
function persistRun(s: TrainingSession, runId: string, onEvent: (e: TrainWorkerEvent) => void): (e: TrainEvent) => void {
  s.afterEpoch = async (sess) => {
    try {
      const snap = await sess.snapshot();
      await (await store()).saveProgress(runId, snap, { kinds: ['latest', 'lastGood'], status: 'running' });
      onEvent({ type: 'saved', epoch: snap.trainerState.epoch, error: null });
    } catch (e) {
      onEvent({ type: 'saved', epoch: sess.trainer.epoch, error: e instanceof Error ? e.message : String(e) });
    }
  };
  return (e) => {
    if (e.type === 'state') {
      const finished = e.state === 'done' || e.state === 'stopped';
      void store()
        .then((nb) => nb.updateRun(runId, { status: e.state as RunStatus, statusMessage: e.message, ...(finished ? { finishedAt: Date.now() } : {}) }))
        .catch(() => undefined);
    }
  };
}
/** Set by cancelStudy; checked by the running evaluation/study between its stages. */
let studyCancelled = false;

/** Errors that are not about a table still travel as plain data. */
function plainError<T>(e: unknown, hint: string): Result<T> {
  const message = e instanceof Error ? e.message : String(e);
  return { ok: false, error: { code: 'read_failed', message, hint } };
}

/** Tables parsed here, by id, so changing column roles never ships 35 MB back from the UI. */
const tables = new Map<string, ParsedTable>();

function fail<T>(e: unknown): Result<T> {
  return { ok: false, error: toErrorInfo(e) };
}

const api: ComputeApi = {
  async init(opts, onEvent) {
    const report = await selectBackend({ loaders, forced: opts.forced, exclude: opts.exclude });
    if (report.active === 'webgpu') {
      const device = (tf.backend() as unknown as { device?: { lost?: Promise<{ message: string }> } }).device;
      device?.lost?.then((info) => onEvent({ type: 'device-lost', backend: 'webgpu', message: info.message || 'the GPU device was lost' } satisfies WorkerEvent));
    }
    return report;
  },
  async parseTable(id, file, onProgress) {
    cancelled.delete(id);
    try {
      const table = await parseCsvFile(file, { onProgress, isCancelled: () => cancelled.has(id) });
      tables.set(id, table);
      // The UI gets its own copy (it outlives a worker crash); the copying happens here, off the page's thread.
      const copy = { ...table, values: table.values.slice() };
      return Comlink.transfer({ ok: true as const, value: copy }, [copy.values.buffer]);
    } catch (e) {
      return fail(e);
    } finally {
      cancelled.delete(id);
    }
  },
  cancelParse(id) {
    cancelled.add(id);
  },
  async buildDataset(id, roles, sent) {
    if (sent) tables.set(id, sent);
    const table = tables.get(id);
    if (!table) return { missing: true as const };
    try {
      const value = buildDataset(table, roles);
      const ds = value.dataset;
      const buffers: ArrayBuffer[] = [ds.features.buffer as ArrayBuffer, ds.labels.buffer as ArrayBuffer];
      if (ds.groups) buffers.push(ds.groups.buffer as ArrayBuffer);
      return Comlink.transfer({ ok: true as const, value }, buffers);
    } catch (e) {
      return fail(e);
    }
  },
  async trainStart(dataset, settings, onEvent, runId) {
    if (session) {
      await session.stop().catch(() => undefined);
      session.dispose();
      session = null;
    }
    try {
      let keep: (e: TrainEvent) => void = () => undefined;
      const s = new TrainingSession(dataset, settings, (e) => {
        onEvent(e);
        keep(e);
      });
      if (runId) keep = persistRun(s, runId, onEvent);
      session = s;
      void s.resume();
      return { ok: true, value: s.info };
    } catch (e) {
      return plainError(e, 'Check the settings (e.g. batch size, validation fraction) and the dataset.');
    }
  },
  async trainOpen(runId, dataset, onEvent) {
    if (session) {
      await session.stop().catch(() => undefined);
      session.dispose();
      session = null;
    }
    try {
      const nb = await store();
      const run = await nb.getRun(runId);
      const snap = await nb.getSnapshot(runId, 'latest');
      if (!run || !snap) return plainError(new Error('This run has no saved checkpoint.'), 'It stopped before its first epoch finished; start a new run.');
      let keep: (e: TrainEvent) => void = () => undefined;
      const s = await TrainingSession.restore(dataset, snap.trainerState.settings, snap, (e) => {
        onEvent(e);
        keep(e);
      });
      keep = persistRun(s, runId, onEvent);
      session = s;
      return { ok: true, value: { ...s.info, epoch: s.trainer.epoch } };
    } catch (e) {
      return plainError(e, 'The stored checkpoint could not be restored on this dataset.');
    }
  },
  async persistTable(id, fileName, roles) {
    const table = tables.get(id);
    if (!table) return plainError(new Error('The worker no longer holds this table.'), 'Load the file again.');
    try {
      await (await store()).saveDataset({ id, fileName, table, roles });
      return { ok: true, value: null };
    } catch (e) {
      return plainError(e, 'Free some space (delete old runs or checkpoints in the notebook) and load the table again.');
    }
  },
  async trainControl(cmd) {
    if (!session) return;
    if (cmd === 'pause') await session.pause();
    else if (cmd === 'resume') void session.resume();
    else if (cmd === 'step') void session.stepEpoch();
    else await session.stop();
  },
  async trainSetLearningRates(update) {
    if (!session) return plainError(new Error('No run to change.'), 'Start a run first.');
    try {
      session.setLearningRates(update);
      return { ok: true, value: session.trainer.settings };
    } catch (e) {
      return plainError(e, 'Pause training, then use a learning rate > 0 and momentum in [0, 1).');
    }
  },
  async generate(n, seed, runId) {
    if (!session) return plainError(new Error('No trained model yet.'), 'Train a model first.');
    if (session.status === 'running') return plainError(new Error('Training is running.'), 'Pause or stop training, then generate.');
    try {
      const tr = session.trainer;
      const { features, labels } = await tr.generate(n, seed);
      const csv = new Blob([rowsToCsv(features, labels, tr.d, tr.featureNames, tr.classNames)], { type: 'text/csv' });
      const value = { features, labels, n, d: tr.d, featureNames: tr.featureNames, classNames: tr.classNames, csv };
      if (runId) {
        // Kept with the run (a copy: the original is transferred to the page).
        await (await store())
          .saveSamples(runId, { epoch: tr.epoch, seed, n, d: tr.d, features: features.slice(), labels: labels.slice(), featureNames: tr.featureNames, classNames: tr.classNames })
          .catch(() => undefined);
      }
      return Comlink.transfer({ ok: true as const, value }, [features.buffer as ArrayBuffer, labels.buffer as ArrayBuffer]);
    } catch (e) {
      return plainError(e, 'Try fewer rows.');
    }
  },
  async evaluateRun(nSynthetic, seed, onProgress) {
    if (!session) return plainError(new Error('No trained model yet.'), 'Train a model first.');
    if (session.status === 'running') return plainError(new Error('Training is running.'), 'Pause or stop training, then evaluate.');
    studyCancelled = false;
    try {
      const generated = await session.trainer.generate(nSynthetic, seed);
      const value = await evaluateRun(session.split, session.trainer.standardisation, generated, {
        seed,
        onProgress: (p) => onProgress(p),
        isCancelled: () => studyCancelled,
      });
      return { ok: true, value };
    } catch (e) {
      if (e instanceof StudyCancelled) return { ok: false, error: { code: 'cancelled', message: 'Evaluation cancelled.', hint: '' } };
      return plainError(e, 'Try fewer synthetic rows, or train longer if the model diverged.');
    }
  },
  async runStudy(req, a, b, onProgress) {
    studyCancelled = false;
    const control = { onProgress: (p: Parameters<typeof onProgress>[0]) => onProgress(p), isCancelled: () => studyCancelled };
    const common = { models: req.models, overrides: req.overrides, seed: req.seed, ...control };
    try {
      if (req.kind === 'cross-validation') {
        const r = await crossValidation(a, { ...common, folds: req.folds, nSynthetic: req.nSynthetic, onlyFolds: req.firstFoldOnly ? [0] : undefined });
        return { ok: true, value: { kind: req.kind, table: r.table, lines: null, ms: r.ms } };
      }
      if (req.kind === 'lambda') {
        const r = await lambdaStudy(a, { ...common, lambdas: req.lambdas, folds: req.folds, nSynthetic: req.nSynthetic, onlyFolds: req.firstFoldOnly ? [0] : undefined });
        return { ok: true, value: { kind: req.kind, table: r.table, lines: null, lambda: { lambdas: r.lambdas, measures: r.measures }, ms: r.ms } };
      }
      if (!b) return plainError(new Error('Choose corpus B.'), 'Load a second table and pick it as corpus B.');
      if (req.kind === 'cross-corpus') {
        const r = await crossCorpus(a, b, { ...common, nSynthetic: req.nSynthetic });
        return { ok: true, value: { kind: req.kind, table: r.table, lines: null, ms: r.ms } };
      }
      const r = await lowResource(a, b, { ...common, grid: 'paper' });
      return { ok: true, value: { kind: req.kind, table: null, lines: { byN: r.linesByN, byModel: r.linesByModel, chance: r.chance }, ms: r.ms } };
    } catch (e) {
      if (e instanceof StudyCancelled) return { ok: false, error: { code: 'cancelled', message: 'Study cancelled.', hint: '' } };
      if (e instanceof TableError) return { ok: false, error: e.info };
      return plainError(e, 'Check the corpora (same feature columns and classes) and the settings.');
    }
  },
  cancelStudy() {
    studyCancelled = true;
  },
  async encodeRows(features, n) {
    if (!session) return plainError(new Error('No trained model.'), 'Train or reopen an M1 or M2 run first.');
    if (session.status === 'running') return plainError(new Error('Training is running.'), 'Pause it first.');
    if (session.trainer.codeDim !== 2) return plainError(new Error('This run\'s code is not 2-D.'), 'Use an M1 or M2 run as the encoder (the paper uses M1).');
    try {
      const xy = await session.trainer.encode(features, n);
      return Comlink.transfer({ ok: true as const, value: { xy, codeDim: 2 } }, [xy.buffer as ArrayBuffer]);
    } catch (e) {
      return plainError(e, 'The rows must have the same feature columns as the run\'s table.');
    }
  },
  async deleteOldCheckpoints(keepRunId) {
    const nb = await store();
    let deleted = 0;
    for (const c of await nb.listCheckpoints()) {
      if (c.runId === keepRunId && c.kind === 'latest') continue;
      deleted += await nb.deleteCheckpoints(c.runId, c.kind);
    }
    return deleted;
  },
  dropTable(id) {
    tables.delete(id);
  },
  memory() {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() };
  },
  simulateCrash() {
    // An uncaught error outside any call: what a driver fault or a bug in a kernel looks like.
    setTimeout(() => {
      throw tableError('read_failed', 'Simulated worker crash (diagnostics)', '');
    }, 0);
  },
};

Comlink.expose(api);
