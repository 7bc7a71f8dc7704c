/**
 * Pure helpers for the notebook sidebar and the compare view: settings of 2-4 runs side by side
 * with the differing ones marked, their loss series aligned by epoch, and "duplicate" (same
 * settings, new seed).
 */
import type { TrainSettings } from '../compute/train/settings';
import { createRunRecord } from './store';
import type { RunRecord } from './schema';

export interface SettingsRow {
  /** 'epochs', 'step1.lr', ... */
  key: string;
  /** One value per run, in the order given. */
  values: (string | number | boolean | null)[];
  /** The runs do not all have the same value. */
  differs: boolean;
}

function flat(s: TrainSettings): Map<string, string | number | boolean | null> {
  const m = new Map<string, string | number | boolean | null>();
  for (const [k, v] of Object.entries(s)) {
    if (v && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) m.set(`${k}.${k2}`, v2 as number);
    else m.set(k, v as string | number | boolean | null);
  }
  return m;
}

/** Settings of several runs as rows (union of keys, first run's order), differences marked. */
export function compareSettings(runs: Pick<RunRecord, 'settings'>[]): SettingsRow[] {
  const maps = runs.map((r) => flat(r.settings));
  const keys: string[] = [];
  for (const m of maps) for (const k of m.keys()) if (!keys.includes(k)) keys.push(k);
  return keys.map((key) => {
    const values = maps.map((m) => (m.has(key) ? m.get(key)! : null));
    return { key, values, differs: values.some((v) => !Object.is(v, values[0])) };
  });
}

/** One loss key of several runs, aligned by epoch (null where a run has no such epoch). */
export function alignLosses(runs: Pick<RunRecord, 'losses'>[], key: string, split: 'train' | 'val' = 'train'): { epochs: number[]; series: (number | null)[][] } {
  const maxEpoch = Math.max(0, ...runs.flatMap((r) => r.losses.map((l) => l.epoch)));
  const epochs = Array.from({ length: maxEpoch }, (_, i) => i + 1);
  const series = runs.map((r) => {
    const by = new Map(r.losses.map((l) => [l.epoch, split === 'train' ? l.train[key] : l.val?.[key]]));
    return epochs.map((e) => {
      const v = by.get(e);
      return typeof v === 'number' ? v : null;
    });
  });
  return { epochs, series };
}

/** A new (unsaved) run with the same settings and dataset and a new seed. */
export function duplicateRun(run: RunRecord, seed: number, now = Date.now()): RunRecord {
  return createRunRecord({
    settings: { ...structuredClone(run.settings), seed },
    dataset: run.dataset,
    backend: run.backend,
    title: `${run.title} (seed ${seed})`,
    tags: run.tags.slice(),
    now,
  });
}
