/**
 * A run, or the whole notebook, as ONE file: a zip (fflate) holding `notebook.json` (all
 * records as JSON, every typed array replaced by a reference) and `bin/<i>.bin` (each typed
 * array's raw bytes, little-endian as every browser stores them). Import reads it back
 * losslessly: typed arrays byte for byte (NaN payloads included), numbers exactly (NaN,
 * +-Infinity and -0 are tagged in the JSON), run records brought to the current layout.
 *
 *   const bytes = await exportRun(nb, runId);            // Uint8Array -> Blob -> download
 *   const bytes = await exportNotebook(nb);
 *   const report = await importNotebookFile(nb, bytes);  // { runs: [...ids], ... }
 *
 * Pure data in and out (no DOM): works in the page and in a worker.
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import type { CheckpointRecord, DatasetRecord, RunRecord, SampleRecord } from './schema';
import { upgradeRunRecord } from './schema';
import type { NotebookStore } from './store';

export const FILE_FORMAT = 'emogan-lab-notebook';
export const FILE_VERSION = 1;

export interface NotebookBundle {
  runs: RunRecord[];
  checkpoints: CheckpointRecord[];
  samples: SampleRecord[];
  datasets: DatasetRecord[];
}

export interface BundleManifest {
  format: typeof FILE_FORMAT;
  version: number;
  exportedAt: number;
  /** 'run': one run; 'notebook': everything. */
  scope: 'run' | 'notebook';
  counts: { runs: number; checkpoints: number; samples: number; datasets: number };
}

/** The file is not a notebook export, or is damaged / from a newer version. */
export class NotebookFileError extends Error {
  override readonly name = 'NotebookFileError';
}

type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray;

const TYPED: Record<string, { new (buf: ArrayBuffer): TypedArray; BYTES_PER_ELEMENT: number }> = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
};

function typedName(v: unknown): string | null {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return null;
  const n = (v as TypedArray).constructor.name;
  return n in TYPED ? n : null;
}

/** JSON with typed arrays moved out to binary parts and non-JSON numbers tagged. */
function encodeValue(v: unknown, bins: Uint8Array[]): unknown {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $num: 'NaN' };
    if (v === Infinity) return { $num: 'Infinity' };
    if (v === -Infinity) return { $num: '-Infinity' };
    if (Object.is(v, -0)) return { $num: '-0' };
    return v;
  }
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') throw new Error(`cannot export a ${typeof v}`);
    return v;
  }
  const tn = typedName(v);
  if (tn) {
    const t = v as TypedArray;
    // Copy: the view may be part of a bigger buffer.
    bins.push(new Uint8Array(t.buffer, t.byteOffset, t.byteLength).slice());
    return { $typed: tn, bin: bins.length - 1, length: t.length };
  }
  if (Array.isArray(v)) return v.map((x) => encodeValue(x, bins));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined) continue;
    out[k] = encodeValue(x, bins);
  }
  return out;
}

function decodeValue(v: unknown, bins: (i: number) => Uint8Array): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => decodeValue(x, bins));
  const o = v as Record<string, unknown>;
  if (typeof o.$num === 'string' && Object.keys(o).length === 1) {
    const m: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
    if (!(o.$num in m)) throw new NotebookFileError(`unknown number tag ${o.$num}`);
    return m[o.$num];
  }
  if (typeof o.$typed === 'string' && typeof o.bin === 'number') {
    const C = TYPED[o.$typed];
    if (!C) throw new NotebookFileError(`unknown array type ${o.$typed}`);
    const raw = bins(o.bin);
    if (raw.byteLength % C.BYTES_PER_ELEMENT !== 0 || (typeof o.length === 'number' && raw.byteLength !== o.length * C.BYTES_PER_ELEMENT)) {
      throw new NotebookFileError(`binary part ${o.bin} has ${raw.byteLength} bytes, not ${String(o.length)} x ${C.BYTES_PER_ELEMENT}`);
    }
    // A fresh, aligned buffer.
    const buf = new ArrayBuffer(raw.byteLength);
    new Uint8Array(buf).set(raw);
    return new C(buf);
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decodeValue(x, bins);
  return out;
}

/** Zip a bundle into one file's bytes. */
export function encodeBundle(b: NotebookBundle, scope: 'run' | 'notebook' = 'notebook', exportedAt = Date.now()): Uint8Array {
  const bins: Uint8Array[] = [];
  const manifest: BundleManifest = {
    format: FILE_FORMAT,
    version: FILE_VERSION,
    exportedAt,
    scope,
    counts: { runs: b.runs.length, checkpoints: b.checkpoints.length, samples: b.samples.length, datasets: b.datasets.length },
  };
  const body = encodeValue({ runs: b.runs, checkpoints: b.checkpoints, samples: b.samples, datasets: b.datasets }, bins);
  const files: Zippable = {
    'manifest.json': [strToU8(JSON.stringify(manifest, null, 1)), { level: 6 }],
    'notebook.json': [strToU8(JSON.stringify(body)), { level: 6 }],
    'README.txt': [
      strToU8(
        'EmoGAN Lab notebook export. Import it in the app (Notebook > Import).\n' +
          'manifest.json: what is inside; notebook.json: runs, settings, losses, evaluations, notes;\n' +
          'bin/*.bin: raw little-endian typed arrays (weights, optimizer state, samples, tables),\n' +
          'referenced from notebook.json as {"$typed": type, "bin": index}.\n',
      ),
      { level: 6 },
    ],
  };
  // Float weights barely compress; store them (fast, and the file is still one zip).
  bins.forEach((u, i) => (files[`bin/${i}.bin`] = [u, { level: 0 }]));
  return zipSync(files, { mtime: new Date(exportedAt) });
}

/** Read a file made by encodeBundle; throws NotebookFileError with a reason when it is not one. */
export function decodeBundle(bytes: Uint8Array): { manifest: BundleManifest; bundle: NotebookBundle } {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new NotebookFileError(`not a zip file (${e instanceof Error ? e.message : String(e)})`);
  }
  const m = files['manifest.json'];
  const nbj = files['notebook.json'];
  if (!m || !nbj) throw new NotebookFileError('this zip is not an EmoGAN Lab notebook export (no manifest.json / notebook.json)');
  let manifest: BundleManifest;
  let body: unknown;
  try {
    manifest = JSON.parse(strFromU8(m)) as BundleManifest;
    body = JSON.parse(strFromU8(nbj));
  } catch (e) {
    throw new NotebookFileError(`damaged notebook file (${e instanceof Error ? e.message : String(e)})`);
  }
  if (manifest.format !== FILE_FORMAT) throw new NotebookFileError(`unknown format ${String(manifest.format)}`);
  if (typeof manifest.version !== 'number' || manifest.version > FILE_VERSION) {
    throw new NotebookFileError(`this file was written by a newer version of the app (file version ${String(manifest.version)}); update the app to open it`);
  }
  const decoded = decodeValue(body, (i) => {
    const f = files[`bin/${i}.bin`];
    if (!f) throw new NotebookFileError(`missing binary part bin/${i}.bin`);
    return f;
  }) as Partial<NotebookBundle>;
  const arr = <T>(x: T[] | undefined, what: string): T[] => {
    if (x === undefined) return [];
    if (!Array.isArray(x)) throw new NotebookFileError(`${what} is not a list`);
    return x;
  };
  let runs: RunRecord[];
  try {
    runs = arr(decoded.runs, 'runs').map((r) => upgradeRunRecord(r));
  } catch (e) {
    if (e instanceof NotebookFileError) throw e;
    throw new NotebookFileError(`a run in the file cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    manifest,
    bundle: {
      runs,
      checkpoints: arr(decoded.checkpoints, 'checkpoints'),
      samples: arr(decoded.samples, 'samples'),
      datasets: arr(decoded.datasets, 'datasets'),
    },
  };
}

export interface ExportRunOptions {
  /** Default true. */
  checkpoints?: boolean;
  /** Default true. */
  samples?: boolean;
  /** The stored table the run was trained on, when it is stored (default false: data not included). */
  dataset?: boolean;
}

/** Collect one run's records from the store. */
export async function collectRun(store: NotebookStore, runId: string, opts: ExportRunOptions = {}): Promise<NotebookBundle> {
  const run = await store.getRun(runId);
  if (!run) throw new Error(`no run ${runId}`);
  const checkpoints: CheckpointRecord[] = [];
  if (opts.checkpoints ?? true) {
    for (const kind of ['latest', 'lastGood'] as const) {
      const c = await store.getCheckpoint(runId, kind);
      if (c) checkpoints.push(c);
    }
  }
  const samples = opts.samples ?? true ? await store.listSamples(runId) : [];
  const datasets: DatasetRecord[] = [];
  if (opts.dataset && run.dataset.datasetId) {
    const d = await store.getDataset(run.dataset.datasetId);
    if (d) datasets.push(d);
  }
  return { runs: [run], checkpoints, samples, datasets };
}

/** Everything in the notebook (datasets optional, default included). */
export async function collectNotebook(store: NotebookStore, opts: { datasets?: boolean } = {}): Promise<NotebookBundle> {
  const runs = await store.listRuns();
  const checkpoints: CheckpointRecord[] = [];
  const samples: SampleRecord[] = [];
  for (const r of runs) {
    for (const kind of ['latest', 'lastGood'] as const) {
      const c = await store.getCheckpoint(r.id, kind);
      if (c) checkpoints.push(c);
    }
    samples.push(...(await store.listSamples(r.id)));
  }
  const datasets = opts.datasets ?? true ? await store.listDatasets() : [];
  return { runs, checkpoints, samples, datasets };
}

export async function exportRun(store: NotebookStore, runId: string, opts: ExportRunOptions = {}): Promise<Uint8Array> {
  return encodeBundle(await collectRun(store, runId, opts), 'run');
}

export async function exportNotebook(store: NotebookStore, opts: { datasets?: boolean } = {}): Promise<Uint8Array> {
  return encodeBundle(await collectNotebook(store, opts), 'notebook');
}

/** A file name for an export: letters, digits, '-' only. */
export function exportFileName(title: string, when = new Date()): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'notebook';
  return `emogan-${slug}-${when.toISOString().slice(0, 10)}.zip`;
}

export interface ImportReport {
  manifest: BundleManifest;
  /** Ids of the runs now in the store from this file (new ids where copies were made). */
  runs: string[];
  /** Runs whose id already existed and were left alone ('skip'). */
  skipped: string[];
  /** Old id -> new id for runs imported as copies ('copy'). */
  renamed: Record<string, string>;
  datasets: string[];
}

export type ImportConflict = 'copy' | 'replace' | 'skip';

const newId = (): string =>
  typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/**
 * Import a file made by exportRun / exportNotebook. A run whose id is already in the store is
 * imported as a copy with a new id (default), replaces the stored one, or is skipped. One
 * transaction: all of the file or nothing (a full disk throws NotebookQuotaError). 'replace'
 * overwrites the run record and its checkpoints/samples with the same keys; it deletes nothing first.
 */
export async function importNotebookFile(store: NotebookStore, bytes: Uint8Array, opts: { onConflict?: ImportConflict } = {}): Promise<ImportReport> {
  const { manifest, bundle } = decodeBundle(bytes);
  const mode = opts.onConflict ?? 'copy';
  const out: NotebookBundle = { runs: [], checkpoints: [], samples: [], datasets: [] };
  const report: ImportReport = { manifest, runs: [], skipped: [], renamed: {}, datasets: [] };
  const idMap = new Map<string, string>();
  const skip = new Set<string>();
  for (const r of bundle.runs) {
    const exists = (await store.getRun(r.id)) !== undefined;
    if (exists && mode === 'skip') {
      skip.add(r.id);
      report.skipped.push(r.id);
      continue;
    }
    const id = exists && mode === 'copy' ? newId() : r.id;
    if (id !== r.id) report.renamed[r.id] = id;
    idMap.set(r.id, id);
    out.runs.push({ ...r, id });
    report.runs.push(id);
  }
  for (const c of bundle.checkpoints) {
    if (skip.has(c.runId)) continue;
    out.checkpoints.push({ ...c, runId: idMap.get(c.runId) ?? c.runId });
  }
  const sampleIds = new Map<string, string>();
  for (const s of bundle.samples) {
    if (skip.has(s.runId)) continue;
    const runId = idMap.get(s.runId) ?? s.runId;
    const id = runId === s.runId ? s.id : newId();
    sampleIds.set(s.id, id);
    out.samples.push({ ...s, runId, id });
  }
  // Sample summaries of copied runs point at the copies' sample ids.
  for (const r of out.runs) r.samples = r.samples.map((x) => ({ ...x, id: sampleIds.get(x.id) ?? x.id }));
  for (const d of bundle.datasets) {
    // Datasets are content; an existing id is the same table: keep the stored one.
    if (await store.getDataset(d.id)) continue;
    out.datasets.push(d);
    report.datasets.push(d.id);
  }
  await store.putRecords(out, `the ${out.runs.length} run(s) from the imported file`);
  return report;
}
