/**
 * The validation split (our choice; the paper's Fig. 3 needs a validation curve): held-out
 * groups (speakers/sessions) when the dataset has a group column, else a held-out fraction of
 * the rows of every class (stratified). Seeded.
 */
import { selectRows, type Dataset } from './dataset';
import { Rng } from '../train/rng';

export interface SplitResult {
  train: Dataset;
  val: Dataset;
  trainRows: Int32Array;
  valRows: Int32Array;
  /** 'groups' when whole groups were held out, else 'rows'. */
  by: 'groups' | 'rows';
  /** Held-out group indices (into groupNames) when by = 'groups'. */
  valGroups?: number[];
}

/**
 * Split off about `fraction` of the data for validation. With groups: round(fraction * G)
 * groups (at least 1, at most G - 1) chosen at random; without: round(fraction * n_k) rows of
 * each class k (at least 1 when the class has 2 or more rows).
 */
export function validationSplit(ds: Dataset, fraction: number, seed: number, useGroups = true): SplitResult {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`validation fraction must be in (0, 1), got ${fraction}`);
  const rng = new Rng(seed);
  const isVal = new Uint8Array(ds.n);
  let by: 'groups' | 'rows' = 'rows';
  let valGroups: number[] | undefined;
  const present = ds.groups ? Array.from(new Set(ds.groups)).sort((a, b) => a - b) : [];
  if (useGroups && ds.groups && present.length >= 2) {
    by = 'groups';
    const order = rng.shuffle(present.slice());
    const m = Math.min(present.length - 1, Math.max(1, Math.round(fraction * present.length)));
    valGroups = order.slice(0, m).sort((a, b) => a - b);
    const held = new Set(valGroups);
    for (let i = 0; i < ds.n; i++) if (held.has(ds.groups[i])) isVal[i] = 1;
  } else {
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < ds.n; i++) {
      const l = ds.labels[i];
      const list = byClass.get(l);
      if (list) list.push(i);
      else byClass.set(l, [i]);
    }
    for (const k of Array.from(byClass.keys()).sort((a, b) => a - b)) {
      const rows = rng.shuffle(byClass.get(k)!.slice());
      const m = rows.length < 2 ? 0 : Math.min(rows.length - 1, Math.max(1, Math.round(fraction * rows.length)));
      for (let j = 0; j < m; j++) isVal[rows[j]] = 1;
    }
  }
  const trainList: number[] = [];
  const valList: number[] = [];
  for (let i = 0; i < ds.n; i++) (isVal[i] ? valList : trainList).push(i);
  const trainRows = Int32Array.from(trainList);
  const valRows = Int32Array.from(valList);
  return { train: selectRows(ds, trainRows), val: selectRows(ds, valRows), trainRows, valRows, by, valGroups };
}
