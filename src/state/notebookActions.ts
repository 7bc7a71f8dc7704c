/**
 * The lab notebook from the page's side: the workspace (tables, runs) comes back on reload,
 * runs are listed, renamed, annotated, deleted (with undo), exported, imported and reported.
 * Checkpoints are written by the compute worker itself (see workers/compute.worker.ts).
 */
import { createRunRecord, datasetFingerprint, datasetRef, openNotebook, requestPersistence, storageEstimate, type DeletedRun, type NotebookStore, type RunPatch } from '../notebook/store';
import type { RunRecord } from '../notebook/schema';
import { exportNotebook, exportRun, exportFileName, importNotebookFile } from '../notebook/exportImport';
import { renderRunReport, reportFileName } from '../notebook/report';
import type { ColumnRoles, Dataset, TrainSettings } from '../api';
import { settingsFromHash, settingsToHash, URL_STATE_NOTE } from '../notebook/urlState';
import { client } from './actions';
import { applyRoles } from './actions';
export { URL_STATE_NOTE };
import { getState, setState } from './store';

let nbPromise: Promise<NotebookStore> | null = null;
export const notebook = () => (nbPromise ??= openNotebook());

export async function refreshRuns(): Promise<void> {
  try {
    const nb = await notebook();
    const { runs, unreadable } = await nb.listRunsChecked();
    const storage = await storageEstimate();
    setState((s) => ({ notebook: { ...s.notebook, runs, unreadable, storage, error: null } }));
  } catch (e) {
    setState((s) => ({ notebook: { ...s.notebook, error: `The notebook could not be read: ${e instanceof Error ? e.message : String(e)}` } }));
  }
}

/** On start-up: interrupted runs become paused at their last checkpoint; tables come back. */
export async function restoreWorkspace(): Promise<void> {
  try {
    const nb = await notebook();
    const recovered = await nb.recoverInterruptedRuns();
    const persisted = await requestPersistence().catch(() => null);
    setState((s) => ({ notebook: { ...s.notebook, recovered: recovered.length, persisted } }));
    const datasets = await nb.listDatasets();
    for (const d of datasets) {
      if (getState().tables.some((t) => t.id === d.id)) continue;
      setState((s) => ({ tables: [...s.tables, { id: d.id, fileName: d.fileName, table: d.table, roles: d.roles, summary: null, dataset: null, error: null }], activeId: s.activeId ?? d.id }));
      await applyRoles(d.id, d.roles);
    }
  } catch (e) {
    setState((s) => ({ notebook: { ...s.notebook, error: `The saved workspace could not be restored: ${e instanceof Error ? e.message : String(e)}` } }));
  }
  await refreshRuns();
}

/** A run record for a run about to start (the worker then saves its checkpoints). */
export async function createRun(settings: TrainSettings, ds: Dataset, tableId: string, fileName: string, backend: string): Promise<string | null> {
  try {
    const nb = await notebook();
    const stored = (await nb.getDataset(tableId)) ? tableId : null;
    const rec = createRunRecord({ settings, dataset: datasetRef(ds, fileName, stored), backend, title: `${settings.model.toUpperCase()} on ${fileName.split(' ')[0]}, seed ${settings.seed}` });
    await nb.saveRun(rec);
    await refreshRuns();
    return rec.id;
  } catch (e) {
    setState((s) => ({ notebook: { ...s.notebook, error: `This run will not be saved: ${e instanceof Error ? e.message : String(e)}` } }));
    return null;
  }
}

export async function saveRoles(id: string, roles: ColumnRoles): Promise<void> {
  const nb = await notebook();
  if (await nb.getDataset(id)) await nb.updateDatasetRoles(id, roles);
}

export async function forgetTable(id: string): Promise<void> {
  await (await notebook()).deleteDataset(id);
}

export async function patchRun(id: string, patch: RunPatch): Promise<void> {
  await (await notebook()).updateRun(id, patch);
  await refreshRuns();
}

let lastDeleted: DeletedRun | null = null;
export async function deleteRun(id: string): Promise<void> {
  lastDeleted = await (await notebook()).deleteRun(id);
  setState((s) => ({ notebook: { ...s.notebook, undo: lastDeleted ? lastDeleted.run.title : null } }));
  await refreshRuns();
}
export async function undoDelete(): Promise<void> {
  if (!lastDeleted) return;
  await (await notebook()).restoreDeleted(lastDeleted);
  lastDeleted = null;
  setState((s) => ({ notebook: { ...s.notebook, undo: null } }));
  await refreshRuns();
}

function download(bytes: BlobPart, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function downloadRun(run: RunRecord): Promise<void> {
  const bytes = await exportRun(await notebook(), run.id, { checkpoints: true, samples: true });
  download(bytes as BlobPart, exportFileName(run.title), 'application/zip');
}
export async function downloadNotebook(): Promise<void> {
  const bytes = await exportNotebook(await notebook(), { datasets: false });
  download(bytes as BlobPart, exportFileName('notebook'), 'application/zip');
}
export async function downloadReport(run: RunRecord): Promise<void> {
  // The loss curves as an image (the report loads nothing, so plots are embedded PNGs).
  const plots: { title: string; dataUrl: string }[] = [];
  if (run.losses.length > 0) {
    const { figureToPng } = await import('../panels/plots/Plot');
    const x = run.losses.map((l) => l.epoch);
    const keys = Object.keys(run.losses[0].train);
    const colors = ['#0072B2', '#D55E00', '#E69F00', '#CC79A7', '#009E73', '#56B4E9'];
    const data = keys.flatMap((k, i) => [
      { x, y: run.losses.map((l) => l.train[k]), name: `${k} (train)`, mode: 'lines' as const, line: { color: colors[i % 6] } },
      { x, y: run.losses.map((l) => l.val?.[k] ?? null), name: `${k} (validation)`, mode: 'lines' as const, line: { color: colors[i % 6], dash: 'dash' as const } },
    ]);
    try {
      plots.push({ title: 'Losses per epoch (train solid, validation dashed)', dataUrl: await figureToPng(data, { xaxis: { title: { text: 'epoch' } }, yaxis: { title: { text: 'loss' } } }) });
    } catch {
      // A report without the picture is still a report; the losses table is in it.
    }
  }
  download(renderRunReport(run, { plots }), reportFileName(run), 'text/html');
}
export async function importFile(file: File): Promise<string> {
  try {
    const rep = await importNotebookFile(await notebook(), new Uint8Array(await file.arrayBuffer()));
    await refreshRuns();
    return `Imported ${rep.runs.length} run${rep.runs.length === 1 ? '' : 's'}${rep.renamed.length ? ` (${rep.renamed.length} renamed as copies)` : ''}.`;
  } catch (e) {
    return `Could not import ${file.name}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** The loaded table a stored run was trained on, if it is loaded with the same column choices. */
export function tableForRun(run: RunRecord): { id: string; fileName: string; dataset: Dataset } | null {
  for (const t of getState().tables) {
    if (!t.dataset) continue;
    if (t.id !== run.dataset.datasetId && t.fileName !== run.dataset.name) continue;
    if (datasetFingerprint(t.dataset) === run.dataset.fingerprint) return { id: t.id, fileName: t.fileName, dataset: t.dataset };
  }
  return null;
}

/** Settings in the address bar's hash (data not included): applied at start-up. */
export function applySettingsFromUrl(): void {
  if (!location.hash || location.hash.length < 2) return;
  const res = settingsFromHash(location.hash);
  if (res.settings) {
    setState((s) => ({ settings: { ...s.settings, train: res.settings! }, notebook: { ...s.notebook, message: `Training settings taken from the link (${res.settings!.model.toUpperCase()}, seed ${res.settings!.seed}). ${URL_STATE_NOTE}` } }));
  } else {
    setState((s) => ({ notebook: { ...s.notebook, message: `The link's settings were not used: ${res.reason}` } }));
  }
}

/** Put the current settings in the address bar and on the clipboard. */
export async function shareSettings(): Promise<string> {
  const hash = settingsToHash(getState().settings.train);
  history.replaceState(null, '', hash);
  try {
    await navigator.clipboard.writeText(location.href);
    return `Link copied. ${URL_STATE_NOTE}`;
  } catch {
    return `The link is in the address bar. ${URL_STATE_NOTE}`;
  }
}

/** "Same settings, new seed": the next run's settings; the user presses Train. */
export function duplicateWithNewSeed(run: RunRecord): void {
  const seed = Math.max(run.settings.seed, ...getState().notebook.runs.map((r) => r.settings.seed)) + 1;
  setState((s) => ({ settings: { ...s.settings, train: { ...run.settings, seed } }, notebook: { ...s.notebook, message: `Settings of "${run.title}" with seed ${seed} are ready: press Train.` } }));
}

export async function freeSpace(): Promise<void> {
  const api = await client.api();
  const n = await api.deleteOldCheckpoints(getState().run?.recordId ?? null);
  setState((s) => ({ notebook: { ...s.notebook, message: `Deleted ${n} old checkpoint${n === 1 ? '' : 's'} (runs keep their losses and metrics; they can no longer be resumed).` } }));
  await refreshRuns();
}

export function setCompare(ids: string[]): void {
  setState((s) => ({ notebook: { ...s.notebook, compare: ids } }));
}
