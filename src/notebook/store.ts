/**
 * The notebook store over IndexedDB (idb): runs, checkpoints, stored datasets and generated
 * samples. Plain TypeScript, no DOM beyond IndexedDB and navigator.storage, so the page and the
 * training worker both use it (the worker writes checkpoints itself, without copying weights
 * through the page).
 *
 *   const nb = await openNotebook();
 *   const run = createRunRecord({ settings, dataset: datasetRef(ds, 'emodb.csv', null), backend: 'webgl' });
 *   await nb.saveRun(run);
 *   // after each epoch, in the worker (one transaction: losses + checkpoint):
 *   await nb.saveProgress(run.id, await session.snapshot(), { kinds: ['latest', 'lastGood'], status: 'running' });
 *   // on start-up, after a reload or crash:
 *   await nb.recoverInterruptedRuns();   // 'running' -> 'paused' at the last checkpoint
 *
 * Every write either lands or throws: a full disk gives a NotebookQuotaError saying what could
 * not be saved; nothing is dropped silently.
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { Dataset } from '../compute/data/dataset';
import type { ParsedTable } from '../compute/data/parseCsv';
import type { ColumnRoles } from '../compute/data/columnRoles';
import type { EpochLosses } from '../compute/train/trainer';
import type { TrainSettings } from '../compute/train/settings';
import type { SessionSnapshot } from '../compute/train/trainingSession';
import { datasetFingerprint } from './fingerprint';
import {
  DB_NAME,
  MIGRATIONS,
  RUN_RECORD_VERSION,
  SCHEMA_VERSION,
  upgradeRunRecord,
  type CheckpointKind,
  type CheckpointRecord,
  type DatasetRecord,
  type EvaluationRecord,
  type Migration,
  type NotebookDB,
  type RunDatasetRef,
  type RunRecord,
  type RunStatus,
  type SampleRecord,
  type SampleSummary,
} from './schema';

export { datasetFingerprint } from './fingerprint';

/** A write failed because the browser's storage quota is full. */
export class NotebookQuotaError extends Error {
  override readonly name = 'NotebookQuotaError';
  constructor(
    /** What could not be saved, in words (e.g. 'the latest checkpoint of run "M2 run"'). */
    readonly what: string,
    readonly cause?: unknown,
  ) {
    super(`Not enough browser storage to save ${what}. Delete old checkpoints or runs to make room, then try again.`);
  }
}

export function isQuotaError(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const x = e as { name?: unknown; code?: unknown; inner?: unknown };
  if (x.name === 'QuotaExceededError' || x.name === 'NS_ERROR_DOM_QUOTA_REACHED' || x.code === 22 || x.code === 1014) return true;
  return false;
}

async function guard<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof NotebookQuotaError) throw e;
    if (isQuotaError(e)) throw new NotebookQuotaError(what, e);
    throw e;
  }
}

const newId = (): string =>
  typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}${Math.random().toString(36).slice(2, 10)}`;

// ---- plain record helpers ----

/** The dataset reference stored with a run. */
export function datasetRef(ds: Dataset, name: string = ds.name, datasetId: string | null = null): RunDatasetRef {
  return { name, fingerprint: datasetFingerprint(ds), datasetId, n: ds.n, d: ds.d, classNames: ds.classNames.slice() };
}

export interface NewRunInit {
  settings: TrainSettings;
  dataset: RunDatasetRef;
  backend: string;
  title?: string;
  tags?: string[];
  notes?: string;
  status?: RunStatus;
  /** Defaults to Date.now(). */
  now?: number;
  id?: string;
}

/** A new run record (not yet saved). */
export function createRunRecord(init: NewRunInit): RunRecord {
  const now = init.now ?? Date.now();
  return {
    schema: RUN_RECORD_VERSION,
    id: init.id ?? newId(),
    title: init.title ?? `${init.settings.model.toUpperCase()} on ${init.dataset.name}, seed ${init.settings.seed}`,
    tags: init.tags ?? [],
    notes: init.notes ?? '',
    model: init.settings.model,
    dataset: structuredClone(init.dataset),
    settings: structuredClone(init.settings),
    backend: init.backend,
    losses: [],
    status: init.status ?? 'paused',
    statusMessage: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
    evaluations: [],
    samples: [],
  };
}

/** Fields a user (or the training loop) changes on an existing run. */
export type RunPatch = Partial<Pick<RunRecord, 'title' | 'tags' | 'notes' | 'status' | 'statusMessage' | 'finishedAt' | 'backend' | 'losses'>>;

/** What deleteRun removed; pass to restoreDeleted to undo. */
export interface DeletedRun {
  run: RunRecord;
  checkpoints: CheckpointRecord[];
  samples: SampleRecord[];
}

export interface CheckpointInfo {
  runId: string;
  kind: CheckpointKind;
  epoch: number;
  savedAt: number;
  /** Bytes of weights + optimizer velocities (the bulk of the record). */
  bytes: number;
}

export interface DatasetInit {
  name?: string;
  fileName: string;
  table: ParsedTable;
  roles: ColumnRoles;
  id?: string;
}

export interface StorageInfo {
  usage: number;
  quota: number;
}

export interface OpenOptions {
  /** Database name (tests use their own); default "emogan-lab". */
  name?: string;
  /** For tests of future versions: the migration list (its length is the version opened). */
  migrations?: readonly Migration[];
  /** Another tab/worker holds an older connection open and blocks the upgrade. */
  onBlocked?: () => void;
}

function checkpointBytes(c: CheckpointRecord): number {
  let b = 0;
  for (const w of Object.values(c.weights)) b += w.byteLength;
  for (const s of Object.values(c.optimizerState)) for (const sl of s?.slots ?? []) b += sl.values.byteLength;
  return b;
}

/** Open (creating or migrating) the notebook database. */
export async function openNotebook(opts: OpenOptions = {}): Promise<NotebookStore> {
  const migrations = opts.migrations ?? MIGRATIONS;
  const version = migrations.length;
  let migrationError: unknown = null;
  const db = await openDB<NotebookDB>(opts.name ?? DB_NAME, version, {
    upgrade(db, oldVersion, _newVersion, tx) {
      // Run MIGRATIONS[oldVersion..version-1] in order; synchronous ones run right here (store
      // creation must happen inside the upgrade event), async ones chain on the same transaction.
      const run = (v: number): void | Promise<void> => {
        for (; v < version; v++) {
          const r = migrations[v](db, tx);
          if (r && typeof (r as Promise<void>).then === 'function') {
            const next = v + 1;
            return (r as Promise<void>).then(() => run(next));
          }
        }
      };
      // openDB itself rejects when the upgrade aborts; the transaction's own promise need not.
      tx.done.catch(() => {});
      const p = run(oldVersion);
      if (p)
        p.catch((e) => {
          migrationError = e;
          try {
            tx.abort();
          } catch {
            /* already finished */
          }
        });
    },
    blocked: () => opts.onBlocked?.(),
    // A newer version wants to upgrade (another tab): let it, this connection closes.
    blocking: () => db.close(),
  }).catch((e) => {
    throw migrationError ?? e;
  });
  return new NotebookStore(db);
}

export class NotebookStore {
  constructor(readonly db: IDBPDatabase<NotebookDB>) {}

  get version(): number {
    return this.db.version;
  }

  close(): void {
    this.db.close();
  }

  // ---- runs ----

  /** Insert or replace a run (updatedAt is set to now). Returns what was stored. */
  async saveRun(run: RunRecord): Promise<RunRecord> {
    const rec = { ...run, schema: RUN_RECORD_VERSION, updatedAt: Date.now() };
    await guard(`run "${run.title}"`, () => this.db.put('runs', rec));
    return rec;
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const raw = await this.db.get('runs', id);
    return raw === undefined ? undefined : upgradeRunRecord(raw);
  }

  /** All runs, newest first, plus any stored records that could not be read (never hidden). */
  async listRunsChecked(): Promise<{ runs: RunRecord[]; unreadable: { id: string; reason: string }[] }> {
    const raws = await this.db.getAllFromIndex('runs', 'createdAt');
    // Records without createdAt (very old or broken) are not in the index: read them too.
    const keys = await this.db.getAllKeys('runs');
    const seen = new Set(raws.map((r) => (r as { id?: string }).id));
    for (const k of keys) if (!seen.has(k)) raws.push((await this.db.get('runs', k))!);
    const runs: RunRecord[] = [];
    const unreadable: { id: string; reason: string }[] = [];
    for (const raw of raws) {
      try {
        runs.push(upgradeRunRecord(raw));
      } catch (e) {
        unreadable.push({ id: String((raw as { id?: unknown })?.id ?? '?'), reason: e instanceof Error ? e.message : String(e) });
      }
    }
    runs.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    return { runs, unreadable };
  }

  /** All readable runs, newest first. */
  async listRuns(): Promise<RunRecord[]> {
    return (await this.listRunsChecked()).runs;
  }

  /** Change fields of a stored run (rename, tags, notes, status...); returns the updated run. */
  async updateRun(id: string, patch: RunPatch): Promise<RunRecord> {
    return this.mutateRun(id, `changes to run ${id}`, (r) => Object.assign(r, structuredClone(patch)));
  }

  /** Append one finished epoch's losses (replacing an entry with the same epoch number). */
  async appendEpoch(id: string, losses: EpochLosses): Promise<RunRecord> {
    return this.mutateRun(id, `epoch ${losses.epoch} of run ${id}`, (r) => {
      r.losses = r.losses.filter((l) => l.epoch < losses.epoch);
      r.losses.push(structuredClone(losses));
    });
  }

  /** Store an evaluation result (opaque JSON-compatible data) with the run. */
  async addEvaluation(id: string, kind: string, result: unknown, at = Date.now()): Promise<EvaluationRecord> {
    const ev: EvaluationRecord = { id: newId(), at, kind, result: structuredClone(result) };
    await this.mutateRun(id, `the ${kind} result of run ${id}`, (r) => r.evaluations.push(ev));
    return ev;
  }

  /**
   * After an epoch: the run's losses become the snapshot's history and the checkpoint(s) are
   * written, in ONE transaction (both or neither), so a reload loses at most the current epoch.
   */
  async saveProgress(
    id: string,
    snap: SessionSnapshot,
    opts: { kinds?: CheckpointKind[]; status?: RunStatus; statusMessage?: string | null } = {},
  ): Promise<RunRecord> {
    const kinds = opts.kinds ?? ['latest'];
    const epoch = snap.trainerState.epoch;
    return guard(`the checkpoint of epoch ${epoch} (run ${id})`, async () => {
      const tx = this.db.transaction(['runs', 'checkpoints'], 'readwrite');
      const reqs: Promise<unknown>[] = [];
      const raw = await tx.objectStore('runs').get(id);
      if (!raw) {
        tx.abort();
        await tx.done.catch(() => {});
        throw new Error(`no run ${id}`);
      }
      const run = upgradeRunRecord(raw);
      run.losses = structuredClone(snap.trainerState.history);
      if (opts.status) run.status = opts.status;
      if (opts.statusMessage !== undefined) run.statusMessage = opts.statusMessage;
      run.updatedAt = Date.now();
      const cps = tx.objectStore('checkpoints');
      for (const kind of kinds) {
        reqs.push(cps.put({ runId: id, kind, epoch, savedAt: run.updatedAt, weights: snap.weights, trainerState: snap.trainerState, optimizerState: snap.optimizerState }));
      }
      reqs.push(tx.objectStore('runs').put(run));
      // Await every request too, so a failed put is not an unhandled rejection.
      await Promise.all([...reqs, tx.done]);
      return run;
    });
  }

  /**
   * Runs left 'running' by a reload or crash become 'paused' at their last checkpoint (their
   * losses cut to the checkpoint's epoch). Call once at start-up; returns the runs changed.
   */
  async recoverInterruptedRuns(): Promise<RunRecord[]> {
    const changed: RunRecord[] = [];
    for (const run of await this.listRuns()) {
      if (run.status !== 'running') continue;
      const cp = await this.getCheckpoint(run.id, 'latest');
      const epoch = cp?.epoch ?? 0;
      changed.push(
        await this.mutateRun(run.id, `the recovered state of run "${run.title}"`, (r) => {
          r.status = 'paused';
          r.losses = r.losses.filter((l) => l.epoch <= epoch);
          r.statusMessage = cp
            ? `Interrupted (page closed or reloaded); resumes from the checkpoint after epoch ${epoch}.`
            : 'Interrupted before the first checkpoint; resuming starts from epoch 1.';
        }),
      );
    }
    return changed;
  }

  /** Delete a run with its checkpoints and samples (one transaction). Keep the result to undo. */
  async deleteRun(id: string): Promise<DeletedRun | null> {
    const tx = this.db.transaction(['runs', 'checkpoints', 'samples'], 'readwrite');
    const raw = await tx.objectStore('runs').get(id);
    if (!raw) {
      await tx.done;
      return null;
    }
    const checkpoints = await tx.objectStore('checkpoints').index('runId').getAll(id);
    const samples = await tx.objectStore('samples').index('runId').getAll(id);
    await tx.objectStore('runs').delete(id);
    for (const c of checkpoints) await tx.objectStore('checkpoints').delete([c.runId, c.kind]);
    for (const s of samples) await tx.objectStore('samples').delete(s.id);
    await tx.done;
    return { run: raw, checkpoints, samples };
  }

  /** Undo deleteRun: put everything it returned back (one transaction). */
  async restoreDeleted(d: DeletedRun): Promise<void> {
    await guard(`run "${d.run.title}" (undo delete)`, async () => {
      const tx = this.db.transaction(['runs', 'checkpoints', 'samples'], 'readwrite');
      const reqs: Promise<unknown>[] = [];
      reqs.push(tx.objectStore('runs').put(d.run));
      for (const c of d.checkpoints) reqs.push(tx.objectStore('checkpoints').put(c));
      for (const s of d.samples) reqs.push(tx.objectStore('samples').put(s));
      await Promise.all([...reqs, tx.done]);
    });
  }

  // ---- checkpoints ----

  async saveCheckpoint(c: CheckpointRecord): Promise<void> {
    await guard(`the ${c.kind} checkpoint (epoch ${c.epoch}) of run ${c.runId}`, () => this.db.put('checkpoints', c));
  }

  async getCheckpoint(runId: string, kind: CheckpointKind): Promise<CheckpointRecord | undefined> {
    return this.db.get('checkpoints', [runId, kind]);
  }

  /** A run's checkpoint as a SessionSnapshot (for TrainingSession.restore). */
  async getSnapshot(runId: string, kind: CheckpointKind = 'latest'): Promise<SessionSnapshot | undefined> {
    const c = await this.getCheckpoint(runId, kind);
    return c && { weights: c.weights, trainerState: c.trainerState, optimizerState: c.optimizerState };
  }

  /** Checkpoints without their arrays (all runs, or one), with their sizes: for "free space". */
  async listCheckpoints(runId?: string): Promise<CheckpointInfo[]> {
    const out: CheckpointInfo[] = [];
    const tx = this.db.transaction('checkpoints');
    let cur = runId === undefined ? await tx.store.openCursor() : await tx.store.index('runId').openCursor(runId);
    while (cur) {
      const c = cur.value;
      out.push({ runId: c.runId, kind: c.kind, epoch: c.epoch, savedAt: c.savedAt, bytes: checkpointBytes(c) });
      cur = await cur.continue();
    }
    await tx.done;
    return out;
  }

  /** Delete a run's checkpoints (one kind or all); the run itself stays. */
  async deleteCheckpoints(runId: string, kind?: CheckpointKind): Promise<number> {
    const tx = this.db.transaction('checkpoints', 'readwrite');
    const keys = kind ? [[runId, kind] as [string, CheckpointKind]] : await tx.store.index('runId').getAllKeys(runId);
    let n = 0;
    for (const k of keys) {
      if (await tx.store.get(k)) {
        await tx.store.delete(k);
        n++;
      }
    }
    await tx.done;
    return n;
  }

  // ---- samples ----

  /** Store generated rows for a run and add their summary to the run (one transaction). */
  async saveSamples(
    runId: string,
    rows: Pick<SampleRecord, 'epoch' | 'seed' | 'n' | 'd' | 'features' | 'labels' | 'featureNames' | 'classNames'>,
    note = '',
  ): Promise<SampleSummary> {
    if (rows.features.length !== rows.n * rows.d) throw new Error(`saveSamples: ${rows.features.length} values for ${rows.n} x ${rows.d}`);
    const rec: SampleRecord = { ...rows, id: newId(), runId, createdAt: Date.now() };
    const summary: SampleSummary = { id: rec.id, at: rec.createdAt, n: rec.n, epoch: rec.epoch, seed: rec.seed, note };
    await guard(`${rows.n} generated rows of run ${runId}`, async () => {
      const tx = this.db.transaction(['runs', 'samples'], 'readwrite');
      const reqs: Promise<unknown>[] = [];
      const raw = await tx.objectStore('runs').get(runId);
      if (!raw) {
        tx.abort();
        await tx.done.catch(() => {});
        throw new Error(`no run ${runId}`);
      }
      const run = upgradeRunRecord(raw);
      run.samples.push(summary);
      run.updatedAt = Date.now();
      reqs.push(tx.objectStore('samples').put(rec));
      reqs.push(tx.objectStore('runs').put(run));
      await Promise.all([...reqs, tx.done]);
    });
    return summary;
  }

  async getSamples(id: string): Promise<SampleRecord | undefined> {
    return this.db.get('samples', id);
  }

  async listSamples(runId: string): Promise<SampleRecord[]> {
    return this.db.getAllFromIndex('samples', 'runId', runId);
  }

  // ---- datasets ----

  /** Store a loaded table with its column choices, so reopening the app brings it back. */
  async saveDataset(init: DatasetInit): Promise<DatasetRecord> {
    const rec: DatasetRecord = {
      id: init.id ?? newId(),
      name: init.name ?? init.table.name,
      fileName: init.fileName,
      table: init.table,
      roles: structuredClone(init.roles),
      savedAt: Date.now(),
    };
    await guard(`the dataset "${rec.name}" (${(init.table.values.byteLength / 1e6).toFixed(1)} MB)`, () => this.db.put('datasets', rec));
    return rec;
  }

  async getDataset(id: string): Promise<DatasetRecord | undefined> {
    return this.db.get('datasets', id);
  }

  /** All stored datasets (with their tables), oldest first. */
  async listDatasets(): Promise<DatasetRecord[]> {
    const all = await this.db.getAll('datasets');
    return all.sort((a, b) => a.savedAt - b.savedAt);
  }

  async updateDatasetRoles(id: string, roles: ColumnRoles): Promise<void> {
    const rec = await this.getDataset(id);
    if (!rec) throw new Error(`no dataset ${id}`);
    await guard(`the column choices of "${rec.name}"`, () => this.db.put('datasets', { ...rec, roles: structuredClone(roles) }));
  }

  async deleteDataset(id: string): Promise<DatasetRecord | undefined> {
    const rec = await this.getDataset(id);
    if (rec) await this.db.delete('datasets', id);
    return rec;
  }

  // ---- bulk (export / import) ----

  /** Put records as they are, in one transaction (import, undo). */
  async putRecords(r: { runs?: RunRecord[]; checkpoints?: CheckpointRecord[]; samples?: SampleRecord[]; datasets?: DatasetRecord[] }, what = 'the imported runs'): Promise<void> {
    await guard(what, async () => {
      const tx = this.db.transaction(['runs', 'checkpoints', 'samples', 'datasets'], 'readwrite');
      const reqs: Promise<unknown>[] = [];
      for (const x of r.runs ?? []) reqs.push(tx.objectStore('runs').put(x));
      for (const x of r.checkpoints ?? []) reqs.push(tx.objectStore('checkpoints').put(x));
      for (const x of r.samples ?? []) reqs.push(tx.objectStore('samples').put(x));
      for (const x of r.datasets ?? []) reqs.push(tx.objectStore('datasets').put(x));
      await Promise.all([...reqs, tx.done]);
    });
  }

  // ---- internals ----

  private async mutateRun(id: string, what: string, f: (r: RunRecord) => void): Promise<RunRecord> {
    return guard(what, async () => {
      const tx = this.db.transaction('runs', 'readwrite');
      const raw = await tx.store.get(id);
      if (!raw) {
        tx.abort();
        await tx.done.catch(() => {});
        throw new Error(`no run ${id}`);
      }
      const run = upgradeRunRecord(raw);
      f(run);
      run.id = id;
      run.updatedAt = Date.now();
      await tx.store.put(run);
      await tx.done;
      return run;
    });
  }
}

// ---- storage ----

type StorageManagerLike = { estimate?: () => Promise<{ usage?: number; quota?: number }>; persist?: () => Promise<boolean>; persisted?: () => Promise<boolean> };

function storageManager(): StorageManagerLike | null {
  const nav = (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator;
  return nav?.storage ?? null;
}

/** Bytes used and available to this origin, or null where the browser does not say. */
export async function storageEstimate(): Promise<StorageInfo | null> {
  const sm = storageManager();
  if (!sm?.estimate) return null;
  try {
    const e = await sm.estimate();
    return { usage: e.usage ?? 0, quota: e.quota ?? 0 };
  } catch {
    return null;
  }
}

/**
 * Ask the browser to keep this origin's storage (not evicted under pressure). true: granted or
 * already; false: refused; null: not available here (e.g. inside a worker, or an old browser).
 */
export async function requestPersistence(): Promise<boolean | null> {
  const sm = storageManager();
  if (!sm?.persist) return null;
  try {
    if (sm.persisted && (await sm.persisted())) return true;
    return await sm.persist();
  } catch {
    return null;
  }
}

export { DB_NAME, SCHEMA_VERSION };
