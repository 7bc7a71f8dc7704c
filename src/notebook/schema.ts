/**
 * The notebook's IndexedDB layout: database "emogan-lab", its object stores and record types,
 * and one explicit migration per schema version.
 *
 * Two kinds of versioning:
 * - the database version (SCHEMA_VERSION): MIGRATIONS[v] takes a database from version v to
 *   v + 1 inside the upgrade transaction (stores, indexes, and any record rewrites);
 * - each record's own `schema` field: records written by an older layout are brought up to date
 *   when read (upgradeRunRecord), so an old run still opens even when it was never rewritten.
 *
 * Plain data only (typed arrays, numbers, strings): the same records are written from the page
 * and from the training worker, exported to zip files, and imported back.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { EpochLosses, OptimizerState, TrainerState } from '../compute/train/trainer';
import type { ModelKind, TrainSettings } from '../compute/train/settings';
import type { ParsedTable } from '../compute/data/parseCsv';
import type { ColumnRoles } from '../compute/data/columnRoles';

export const DB_NAME = 'emogan-lab';
/** The database version this code writes. */
export const SCHEMA_VERSION = 1;
/** The run record layout this code writes (records without `schema` are version 0). */
export const RUN_RECORD_VERSION = 1;

export type RunStatus = 'running' | 'paused' | 'done' | 'stopped' | 'diverged' | 'interrupted';
export type CheckpointKind = 'latest' | 'lastGood';

export interface RunDatasetRef {
  /** Display name (usually the file name). */
  name: string;
  /** datasetFingerprint() of the Dataset trained on (content + column choices). */
  fingerprint: string;
  /** Id in the datasets store when the table is stored locally; null when not. */
  datasetId: string | null;
  n: number;
  d: number;
  classNames: string[];
}

/** One evaluation result as the caller produced it (opaque JSON-compatible data). */
export interface EvaluationRecord {
  id: string;
  at: number;
  /** What was evaluated, e.g. 'evaluateRun', 'crossValidation'. */
  kind: string;
  result: unknown;
}

/** A short description of a stored sample set (rows live in the samples store). */
export interface SampleSummary {
  id: string;
  at: number;
  n: number;
  epoch: number;
  seed: number | null;
  note: string;
}

export interface RunRecord {
  schema: number;
  id: string;
  title: string;
  tags: string[];
  /** The user's markdown notes (stored as text). */
  notes: string;
  model: ModelKind;
  dataset: RunDatasetRef;
  /** All settings; the seed is settings.seed. */
  settings: TrainSettings;
  /** tfjs backend used ('webgl', 'wasm', 'cpu', ...). */
  backend: string;
  /** Per-epoch losses, in epoch order. */
  losses: EpochLosses[];
  status: RunStatus;
  statusMessage: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  evaluations: EvaluationRecord[];
  samples: SampleSummary[];
}

export interface CheckpointRecord {
  runId: string;
  kind: CheckpointKind;
  epoch: number;
  savedAt: number;
  weights: Record<string, Float32Array>;
  trainerState: TrainerState;
  optimizerState: OptimizerState;
}

export interface DatasetRecord {
  id: string;
  /** Display name. */
  name: string;
  fileName: string;
  table: ParsedTable;
  roles: ColumnRoles;
  savedAt: number;
}

export interface SampleRecord {
  id: string;
  runId: string;
  createdAt: number;
  epoch: number;
  seed: number | null;
  n: number;
  d: number;
  /** n x d, row-major, in the input's units. */
  features: Float32Array;
  labels: Int32Array;
  featureNames: string[];
  classNames: string[];
}

export interface NotebookDB extends DBSchema {
  runs: { key: string; value: RunRecord; indexes: { createdAt: number } };
  checkpoints: { key: [string, CheckpointKind]; value: CheckpointRecord; indexes: { runId: string } };
  datasets: { key: string; value: DatasetRecord };
  samples: { key: string; value: SampleRecord; indexes: { runId: string } };
}

export const STORE_NAMES = ['runs', 'checkpoints', 'datasets', 'samples'] as const;

/** The upgrade transaction as migrations see it (typed loosely so future stores can be added). */
export type UpgradeTx = IDBPTransaction<NotebookDB, StoreNames<NotebookDB>[], 'versionchange'>;

/** Takes the database from version `from` to `from + 1` (store layout and record rewrites). */
export type Migration = (db: IDBPDatabase<NotebookDB>, tx: UpgradeTx) => void | Promise<void>;

/**
 * MIGRATIONS[v]: version v -> v + 1. Append one function per new version; never edit an old one
 * (a database at version v only ever runs MIGRATIONS[v..]).
 */
export const MIGRATIONS: readonly Migration[] = [
  // 0 -> 1: the first layout.
  (db) => {
    const runs = db.createObjectStore('runs', { keyPath: 'id' });
    runs.createIndex('createdAt', 'createdAt');
    const cps = db.createObjectStore('checkpoints', { keyPath: ['runId', 'kind'] });
    cps.createIndex('runId', 'runId');
    db.createObjectStore('datasets', { keyPath: 'id' });
    const samples = db.createObjectStore('samples', { keyPath: 'id' });
    samples.createIndex('runId', 'runId');
  },
];

const RUN_STATUSES: readonly RunStatus[] = ['running', 'paused', 'done', 'stopped', 'diverged', 'interrupted'];

/**
 * Bring a stored run record of any known layout to the current one (pure; the input is not
 * changed). Version 0 = records written before the `schema` field existed: they may lack
 * tags, notes, evaluations, samples, statusMessage, finishedAt and updatedAt, may keep the
 * dataset as a bare name + fingerprint, and may have a missing or unknown status.
 * Throws on records too broken to show (no id or no settings).
 */
export function upgradeRunRecord(raw: unknown): RunRecord {
  if (!raw || typeof raw !== 'object') throw new Error('run record is not an object');
  const r = raw as Record<string, unknown> & Partial<RunRecord>;
  if (typeof r.id !== 'string' || !r.id) throw new Error('run record has no id');
  if (!r.settings || typeof r.settings !== 'object') throw new Error(`run ${r.id} has no settings`);
  const version = typeof r.schema === 'number' ? r.schema : 0;
  if (version > RUN_RECORD_VERSION) throw new Error(`run ${r.id} was written by a newer version of the app (record layout ${version})`);
  if (version === RUN_RECORD_VERSION) return r as RunRecord;
  // 0 -> 1
  const settings = r.settings as TrainSettings;
  const createdAt = typeof r.createdAt === 'number' ? r.createdAt : 0;
  const ds = (r.dataset ?? {}) as Partial<RunDatasetRef>;
  const legacyName = typeof r.datasetName === 'string' ? r.datasetName : undefined;
  const legacyFp = typeof r.datasetFingerprint === 'string' ? r.datasetFingerprint : undefined;
  const status = RUN_STATUSES.includes(r.status as RunStatus) ? (r.status as RunStatus) : 'interrupted';
  return {
    schema: RUN_RECORD_VERSION,
    id: r.id,
    title: typeof r.title === 'string' ? r.title : `${String(settings.model ?? 'run').toUpperCase()} run`,
    tags: Array.isArray(r.tags) ? r.tags.map(String) : [],
    notes: typeof r.notes === 'string' ? r.notes : '',
    model: (r.model ?? settings.model) as ModelKind,
    dataset: {
      name: ds.name ?? legacyName ?? '(unknown dataset)',
      fingerprint: ds.fingerprint ?? legacyFp ?? '',
      datasetId: ds.datasetId ?? null,
      n: ds.n ?? 0,
      d: ds.d ?? 0,
      classNames: ds.classNames ?? [],
    },
    settings,
    backend: typeof r.backend === 'string' ? r.backend : 'unknown',
    losses: Array.isArray(r.losses) ? (r.losses as EpochLosses[]) : [],
    status,
    statusMessage: typeof r.statusMessage === 'string' ? r.statusMessage : null,
    createdAt,
    updatedAt: typeof r.updatedAt === 'number' ? r.updatedAt : createdAt,
    finishedAt: typeof r.finishedAt === 'number' ? r.finishedAt : null,
    evaluations: Array.isArray(r.evaluations) ? (r.evaluations as EvaluationRecord[]) : [],
    samples: Array.isArray(r.samples) ? (r.samples as SampleSummary[]) : [],
  };
}
