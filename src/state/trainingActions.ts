/** Training, control and generation, from the UI's side. */
import * as Comlink from 'comlink';
import type { StepKey, TrainCommand, TrainSettings, TrainWorkerEvent } from '../api';
import type { RunRecord } from '../notebook/schema';
import { createRun, notebook, refreshRuns, tableForRun } from './notebookActions';
import { defaultsFor } from '../compute/train/settings';
import { client } from './actions';
import { getState, setState, type RunState } from './store';

let runCounter = 0;

export function updateTrainSettings(patch: Partial<TrainSettings>): void {
  setState((s) => ({ settings: { ...s.settings, train: { ...s.settings.train, ...patch } } }));
}

/** A new model brings its own paper learning rates; the run-shape settings stay. */
export function chooseModel(model: TrainSettings['model']): void {
  const cur = getState().settings.train;
  const d = defaultsFor(model);
  // Epochs follow the model's default unless the user changed them.
  const epochs = cur.epochs === defaultsFor(cur.model).epochs ? d.epochs : cur.epochs;
  updateTrainSettings({ model, epochs, step1: d.step1, step2: d.step2, step3: d.step3, step4: d.step4, step5: d.step5 });
}

// A worker restart loses the run it held (its tensors lived there): say so rather than
// leaving a run that looks paused but cannot resume.
client.subscribe((st) => {
  const run = getState().run;
  if (st.state === 'starting' && st.message.startsWith('The compute worker stopped') && run && run.status !== 'failed') {
    patchRun(run.id, { status: 'failed', message: 'The compute worker restarted and this run\'s model was lost; its losses are kept here. Start a new run.' });
  }
});

export function resetTrainSettings(): void {
  const cur = getState().settings.train;
  updateTrainSettings({ ...defaultsFor(cur.model) });
}

function patchRun(id: number, patch: Partial<RunState> | ((r: RunState) => Partial<RunState>)): void {
  setState((s) => {
    if (!s.run || s.run.id !== id) return {};
    const p = typeof patch === 'function' ? patch(s.run) : patch;
    return { run: { ...s.run, ...p } };
  });
}

export async function startTraining(): Promise<void> {
  const s = getState();
  const table = s.tables.find((t) => t.id === s.activeId);
  if (!table?.dataset) return;
  const id = ++runCounter;
  const settings = structuredClone(s.settings.train);
  const status = await client.api();
  const backend = await status.memory().then((m) => m.backend);
  const recordId = await createRun(settings, table.dataset, table.id, table.fileName, backend);
  setState({
    run: { id, tableName: table.fileName, settings, backend, info: null, status: 'starting', message: null, progress: null, history: [], markers: [], codes: null, recordId, savedEpoch: 0, saveError: null, overlays: [] },
    generated: null,
  });
  const onEvent = Comlink.proxy(eventHandler(id));
  // The dataset is copied into the worker (memcpy + transfer, off the structured-clone path).
  const ds = table.dataset;
  const features = ds.features.slice();
  const res = await status.trainStart(Comlink.transfer({ ...ds, features }, [features.buffer]), settings, onEvent, recordId);
  if (res.ok) patchRun(id, (r) => ({ info: res.value, status: r.status === 'starting' ? 'running' : r.status }));
  else patchRun(id, { status: 'failed', message: `${res.error.message} ${res.error.hint}` });
}

function eventHandler(id: number) {
  return (e: TrainWorkerEvent) => {
    if (e.type === 'progress') patchRun(id, { progress: e });
    else if (e.type === 'epoch') patchRun(id, (r) => ({ history: [...r.history, e.losses] }));
    else if (e.type === 'codes') patchRun(id, { codes: e });
    else if (e.type === 'saved') patchRun(id, { savedEpoch: e.error ? 0 : e.epoch, saveError: e.error });
    else {
      patchRun(id, (r) => ({
        status: e.state,
        message: e.message,
        markers: e.state === 'paused' || e.state === 'diverged' ? [...r.markers, { epoch: r.history.length, kind: e.state }] : r.markers,
      }));
      void refreshRuns();
    }
  };
}

/** Reopen a stored run, paused at its latest checkpoint, to resume it, evaluate or generate. */
export async function openStoredRun(rec: RunRecord): Promise<string | null> {
  const table = tableForRun(rec);
  if (!table) return `Load "${rec.dataset.name}" with the same column choices first (${rec.dataset.n} rows, d = ${rec.dataset.d}, classes ${rec.dataset.classNames.join(', ')}).`;
  const id = ++runCounter;
  const api = await client.api();
  const backend = (await api.memory()).backend;
  setState(() => ({
    activeId: table.id,
    run: {
      id, tableName: table.fileName, settings: rec.settings, backend, info: null, status: 'starting', message: 'Restoring the last checkpoint...',
      progress: null, history: rec.losses.slice(), markers: [{ epoch: rec.losses.length, kind: 'paused' }], codes: null, recordId: rec.id, savedEpoch: rec.losses.length, saveError: null, overlays: [],
    },
    generated: null,
    evaluation: null,
  }));
  const features = table.dataset.features.slice();
  const res = await api.trainOpen(rec.id, Comlink.transfer({ ...table.dataset, features }, [features.buffer]), Comlink.proxy(eventHandler(id)));
  if (!res.ok) {
    patchRun(id, { status: 'failed', message: `${res.error.message} ${res.error.hint}` });
    return res.error.message;
  }
  setState((s) => ({ settings: { ...s.settings, train: rec.settings } }));
  patchRun(id, (r) => ({ info: res.value, status: 'paused', message: `Reopened at epoch ${res.value.epoch} from the notebook; press Resume to continue.`, history: r.history.slice(0, res.value.epoch) }));
  return null;
}

export async function controlTraining(cmd: TrainCommand): Promise<void> {
  const api = await client.api();
  await api.trainControl(cmd);
}

/** Apply learning rates to the paused run (and to the settings of the next run). */
export async function applyLearningRates(steps: Partial<Record<StepKey, { lr: number; momentum: number }>>): Promise<string | null> {
  updateTrainSettings(steps);
  const run = getState().run;
  if (!run || run.status !== 'paused' && run.status !== 'diverged') return null;
  const api = await client.api();
  const res = await api.trainSetLearningRates(steps);
  if (!res.ok) return `${res.error.message} ${res.error.hint}`;
  patchRun(run.id, { settings: res.value });
  return null;
}

export async function generateRows(n: number, seed: number): Promise<string | null> {
  const run = getState().run;
  if (!run) return 'Train a model first.';
  const api = await client.api();
  const res = await api.generate(n, seed, run.recordId);
  if (!res.ok) return `${res.error.message} ${res.error.hint}`;
  setState({ generated: { ...res.value, runId: run.id, seed } });
  void refreshRuns();
  return null;
}

/**
 * Fig. 5's comparison: the latest synthetic rows kept with another run (same table) passed
 * through the current run's encoder (the paper uses a trained M1's).
 */
export async function overlayRun(rec: RunRecord, on: boolean): Promise<string | null> {
  const run = getState().run;
  if (!run) return 'Open an M1 run first.';
  if (!on) {
    patchRun(run.id, (r) => ({ overlays: r.overlays.filter((o) => o.runId !== rec.id) }));
    return null;
  }
  const last = rec.samples[rec.samples.length - 1];
  if (!last) return `"${rec.title}" has no generated rows kept: reopen it and press Generate.`;
  const sample = await (await notebook()).getSamples(last.id);
  if (!sample) return 'Its generated rows could not be read.';
  // At most 800 rows, every class alike (rows are balanced: i mod K).
  const m = Math.min(sample.n, 800);
  const api = await client.api();
  const res = await api.encodeRows(sample.features.slice(0, m * sample.d), m);
  if (!res.ok) return `${res.error.message} ${res.error.hint}`;
  patchRun(run.id, (r) => ({ overlays: [...r.overlays.filter((o) => o.runId !== rec.id), { runId: rec.id, title: rec.title, model: rec.model, xy: res.value.xy, labels: sample.labels.slice(0, m) }] }));
  return null;
}
