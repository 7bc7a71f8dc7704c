/**
 * What the three protocols share: progress reports, cancellation, the per-model training
 * settings, training a GAN to the end, balanced subsamples, and the mean ± std result table.
 */
import { classCounts, selectRows, type Dataset } from '../data/dataset';
import { defaultsFor, type ModelKind, type TrainSettings } from '../train/settings';
import { createTrainer, type EpochLosses, type Trainer } from '../train/trainer';
import { deriveSeed, Rng } from '../train/rng';

export type { ModelKind } from '../train/settings';

/** One progress report: `fraction` is the whole study's progress (0..1). */
export interface StudyProgress {
  stage: string;
  /** 1-based fold (0 when the protocol has no folds or the stage is not per fold). */
  fold: number;
  folds: number;
  model: ModelKind | null;
  fraction: number;
}

export interface StudyControl {
  onProgress?: (p: StudyProgress) => void;
  /** Checked between stages and between GAN epochs; true makes the study throw StudyCancelled. */
  isCancelled?: () => boolean;
  /** Called after every GAN epoch (e.g. to print or store per-epoch losses). */
  onEpoch?: (model: ModelKind, fold: number, losses: EpochLosses) => void;
}

export class StudyCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'StudyCancelled';
  }
}

export function checkCancelled(ctl: StudyControl): void {
  if (ctl.isCancelled?.()) throw new StudyCancelled();
}

/** Runs a study; a 'cancelled' error from a lower layer (SVM tuning, FID net) becomes StudyCancelled. */
export async function asStudy<T>(ctl: StudyControl, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof StudyCancelled) && e instanceof Error && e.message === 'cancelled' && ctl.isCancelled?.()) {
      throw new StudyCancelled();
    }
    throw e;
  }
}

/** Training settings for the models of a study: per-model objects, then common overrides. */
export interface ModelSettingsOptions {
  /** Full settings per model (default: defaultsFor(model)). */
  settings?: Partial<Record<ModelKind, TrainSettings>>;
  /** Applied on top for every model (e.g. { epochs: 5, widthScale: 0.1, seed: 3 }). */
  overrides?: Partial<TrainSettings>;
}

export function settingsFor(model: ModelKind, opts: ModelSettingsOptions): TrainSettings {
  const base = opts.settings?.[model] ?? defaultsFor(model);
  return { ...structuredClone(base), ...(opts.overrides ?? {}), model };
}

export interface GanRun {
  trainer: Trainer;
  history: EpochLosses[];
  /** Set when the divergence guard stopped training; metrics are then NaN. */
  diverged: string | null;
  ms: number;
}

/**
 * Trains a GAN on raw rows for settings.epochs epochs (the Trainer z-scores with these rows'
 * statistics). The caller disposes run.trainer.
 */
export async function trainGan(
  train: Dataset,
  settings: TrainSettings,
  ctl: StudyControl,
  report: (epochFraction: number) => void,
  fold = 0,
): Promise<GanRun> {
  const t0 = performance.now();
  const trainer = createTrainer(train, null, settings);
  let diverged: string | null = null;
  try {
    for (let e = 0; e < settings.epochs; e++) {
      checkCancelled(ctl);
      const r = await trainer.runEpoch({ shouldStop: () => ctl.isCancelled?.() ?? false, yieldEvery: 4 });
      if ('cancelled' in r) throw new StudyCancelled();
      if ('diverged' in r) {
        diverged = r.diverged.message;
        break;
      }
      ctl.onEpoch?.(settings.model, fold, r);
      report((e + 1) / settings.epochs);
    }
  } catch (err) {
    trainer.dispose();
    throw err;
  }
  return { trainer, history: trainer.history.slice(), diverged, ms: performance.now() - t0 };
}

/** A seeded class-balanced subsample: min-class-count rows of every class (sorted indices). */
export function balancedRows(ds: Pick<Dataset, 'labels' | 'classNames'>, seed: number): Int32Array {
  const counts = classCounts(ds);
  const present = counts.filter((c) => c > 0);
  const m = Math.min(...present);
  const rng = new Rng(deriveSeed(seed, 'balanced'));
  const picked: number[] = [];
  for (let k = 0; k < counts.length; k++) {
    const rows: number[] = [];
    for (let i = 0; i < ds.labels.length; i++) if (ds.labels[i] === k) rows.push(i);
    rng.shuffle(rows);
    picked.push(...rows.slice(0, m));
  }
  return Int32Array.from(picked.sort((a, b) => a - b));
}

/**
 * A seeded stratified subsample of `percent`% of the rows of every class (at least 1 row of each
 * class that has rows); 100 = all rows. Sorted indices. Nested: for one seed, the rows of a smaller
 * percent are a subset of the rows of a larger one (less noise when comparing P values).
 */
export function stratifiedPercent(ds: Pick<Dataset, 'labels' | 'classNames'>, percent: number, seed: number): Int32Array {
  if (!(percent > 0 && percent <= 100)) throw new Error(`percent must be in (0, 100], got ${percent}`);
  const rng = new Rng(deriveSeed(seed, 'percent'));
  const picked: number[] = [];
  for (let k = 0; k < ds.classNames.length; k++) {
    const rows: number[] = [];
    for (let i = 0; i < ds.labels.length; i++) if (ds.labels[i] === k) rows.push(i);
    if (rows.length === 0) continue;
    rng.shuffle(rows);
    const take = Math.min(rows.length, Math.max(1, Math.round((rows.length * percent) / 100)));
    picked.push(...rows.slice(0, take));
  }
  return Int32Array.from(picked.sort((a, b) => a - b));
}

export function subset(ds: Dataset, rows: ArrayLike<number>): Dataset {
  return selectRows(ds, rows);
}

/** Mean and (sample, n-1) standard deviation of the finite values; NaN when none. */
export function meanStd(values: number[]): { mean: number; std: number; n: number } {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { mean: NaN, std: NaN, n: 0 };
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, std, n: v.length };
}

/** A results table in the paper's layout: one row per measure, one column per model. */
export interface ResultTable {
  title: string;
  columns: string[];
  rows: Array<{
    label: string;
    /** 'uar' values are 0..1 and shown as percentages; 'fid' as they are. */
    kind: 'uar' | 'fid';
    /** values[column][fold] (one value per fold; one value when the protocol has no folds). */
    values: number[][];
    mean: number[];
    std: number[];
  }>;
  /** Lines shown under the table (baseline, chance, scale). */
  notes: string[];
}

export function tableRow(label: string, kind: 'uar' | 'fid', values: number[][]): ResultTable['rows'][number] {
  const ms = values.map(meanStd);
  return { label, kind, values, mean: ms.map((m) => m.mean), std: ms.map((m) => m.std) };
}

function fmt(kind: 'uar' | 'fid', mean: number, std: number, folds: number): string {
  if (!Number.isFinite(mean)) return 'n/a';
  const scale = kind === 'uar' ? 100 : 1;
  const m = (mean * scale).toFixed(2);
  return folds > 1 && Number.isFinite(std) ? `${m} ± ${(std * scale).toFixed(2)}` : m;
}

/** The table as GitHub markdown (UAR in %, mean ± std over folds). */
export function tableToMarkdown(t: ResultTable): string {
  const lines = [`**${t.title}**`, '', `| | ${t.columns.join(' | ')} |`, `|---|${t.columns.map(() => '---|').join('')}`];
  for (const r of t.rows) {
    lines.push(`| ${r.label} | ${r.mean.map((m, c) => fmt(r.kind, m, r.std[c], r.values[c].length)).join(' | ')} |`);
  }
  if (t.notes.length) lines.push('', ...t.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}
