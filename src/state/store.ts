/**
 * The app's state: one small store the panels read with useStore. Workers never see it.
 * Settings live in one serialisable object persisted to localStorage.
 */
import { useSyncExternalStore } from 'react';
import type { BackendName, ColumnRoles, Dataset, DatasetSummary, EpochLosses, GeneratedRows, ParsedTable, RunEvaluation, SessionInfo, StudyProgress, TableErrorInfo, TrainSettings, TsneFrame, TsnePoints, StudyRequest, StudyOutcome } from '../api';
import { defaultsFor } from '../compute/train/settings';
import type { CodeSnapshot } from '../compute/train/trainingSession';
import type { RunRecord } from '../notebook/schema';

export interface LoadedTable {
  id: string;
  fileName: string;
  table: ParsedTable;
  roles: ColumnRoles;
  summary: DatasetSummary | null;
  dataset: Dataset | null;
  /** Why the current column choices do not give a usable dataset (the table stays loaded). */
  error: TableErrorInfo | null;
}

export interface LoadingState {
  id: string;
  fileName: string;
  fraction: number;
  rows: number;
}

export interface AppSettings {
  forcedBackend: BackendName | null;
  /** The settings the next training run starts with (paper defaults until changed). */
  train: TrainSettings;
}

export type RunStatus = 'starting' | 'running' | 'paused' | 'done' | 'stopped' | 'diverged' | 'failed';

export interface RunState {
  id: number;
  tableName: string;
  settings: TrainSettings;
  backend: string;
  info: SessionInfo | null;
  status: RunStatus;
  message: string | null;
  progress: { epoch: number; epochs: number; batch: number; batches: number; etaMs: number; elapsedMs: number } | null;
  history: EpochLosses[];
  /** Where the run was paused or the guard restored weights, after which epoch. */
  markers: { epoch: number; kind: 'paused' | 'diverged' }[];
  /** The notebook record this run is saved under (null: not saved). */
  recordId: string | null;
  /** Last epoch whose checkpoint was saved, and the last save error. */
  savedEpoch: number;
  saveError: string | null;
  /** Other runs' synthetic rows passed through this run's encoder (Fig. 5's comparison). */
  overlays: { runId: string; title: string; model: string; xy: Float32Array; labels: Int32Array }[];
  /** The latest code-space snapshot (Fig. 5), if the model's code is 2-D. */
  codes: CodeSnapshot | null;
}

export interface AppState {
  tables: LoadedTable[];
  activeId: string | null;
  loading: LoadingState | null;
  /** The last failed load: the file's name and what was wrong. */
  loadError: { fileName: string; error: TableErrorInfo } | null;
  settings: AppSettings;
  run: RunState | null;
  generated: (GeneratedRows & { runId: number; seed: number }) | null;
  evaluation: EvaluationState | null;
  tsne: TsneState | null;
  study: StudyState | null;
  notebook: NotebookState;
}

export interface NotebookState {
  runs: RunRecord[];
  unreadable: { id: string; reason: string }[];
  storage: { usage: number; quota: number } | null;
  /** Runs found 'running' at start-up (the page was closed mid-run), now paused. */
  recovered: number;
  persisted: boolean | null;
  /** Title of the last deleted run while it can still be restored. */
  undo: string | null;
  error: string | null;
  /** A passing message (settings from a link, a duplicate ready, space freed). */
  message: string | null;
  /** Run ids ticked for comparison (2 to 4). */
  compare: string[];
}

export interface StudyState {
  request: StudyRequest;
  corpora: string;
  status: 'running' | 'done' | 'cancelled' | 'failed';
  progress: StudyProgress | null;
  outcome: StudyOutcome | null;
  /** Title of the notebook run the outcome was stored with (null: no run to keep it with). */
  keptWith?: string | null;
  error: string | null;
}

export interface TsneState {
  status: 'running' | 'done' | 'cancelled' | 'failed';
  sources: string;
  points: TsnePoints | null;
  frame: TsneFrame | null;
  error: string | null;
}

export interface EvaluationState {
  runId: number;
  nSynthetic: number;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  progress: StudyProgress | null;
  result: RunEvaluation | null;
  error: string | null;
}

const SETTINGS_KEY = 'emogan-lab.settings.v1';

function loadSettings(): AppSettings {
  const defaults: AppSettings = { forcedBackend: null, train: defaultsFor('m1') };
  try {
    const raw = localStorage.getItem(SETTINGS_KEY);
    if (!raw) return defaults;
    const saved = JSON.parse(raw) as Partial<AppSettings>;
    // Settings saved by an older version may lack newer fields: fill them from the defaults.
    const train = saved.train ? { ...defaultsFor(saved.train.model ?? 'm1'), ...saved.train } : defaults.train;
    return { ...defaults, ...saved, train };
  } catch {
    return defaults;
  }
}

let state: AppState = { tables: [], activeId: null, loading: null, loadError: null, settings: loadSettings(), run: null, generated: null, evaluation: null, tsne: null, study: null,
  notebook: { runs: [], unreadable: [], storage: null, recovered: 0, persisted: null, undo: null, error: null, message: null, compare: [] },
};
const listeners = new Set<() => void>();

export function getState(): AppState {
  return state;
}

export function setState(update: Partial<AppState> | ((s: AppState) => Partial<AppState>)): void {
  const patch = typeof update === 'function' ? update(state) : update;
  const next = { ...state, ...patch };
  if (patch.settings && patch.settings !== state.settings) {
    try {
      localStorage.setItem(SETTINGS_KEY, JSON.stringify(next.settings));
    } catch {
      // Private mode or full storage: settings then last for this page only.
    }
  }
  state = next;
  for (const fn of listeners) fn();
}

export function updateTable(id: string, patch: Partial<LoadedTable>): void {
  setState((s) => ({ tables: s.tables.map((t) => (t.id === id ? { ...t, ...patch } : t)) }));
}

export function useStore<T>(select: (s: AppState) => T): T {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => select(state),
  );
}
