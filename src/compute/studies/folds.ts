/**
 * Cross-validation folds for the in-domain protocol (SPEC "Evaluation": leave-one-session /
 * speaker-group-out). A fold is a partition of the rows into a training side and a test side;
 * with groups, a group's rows are always all on one side (no speaker leaks into both).
 *
 *   leaveOneGroupOut(ds)          one fold per group present in the data
 *   mergedGroupFolds(ds, F, seed) groups merged into F folds, balanced by row count
 *   rowFolds(ds, F, seed)         no group column: stratified row folds (our fallback)
 *   studyFolds(ds, {folds, seed}) picks one of the above
 */
import type { Dataset } from '../data/dataset';
import { stratifiedFolds } from '../eval/svm';
import { deriveSeed, Rng } from '../train/rng';

export interface Fold {
  /** 0-based fold number. */
  index: number;
  /** Group indices (into groupNames) on the test side; empty for row folds. */
  testGroups: number[];
  /** Row indices, ascending. */
  trainRows: Int32Array;
  testRows: Int32Array;
}

type GroupedRows = Pick<Dataset, 'n' | 'groups' | 'groupNames'>;

function presentGroups(ds: GroupedRows): { groups: Int32Array; present: number[]; sizes: Map<number, number> } {
  if (!ds.groups) throw new Error('folds: the dataset has no group column (choose a speaker/session column, or use row folds)');
  const sizes = new Map<number, number>();
  for (let i = 0; i < ds.n; i++) sizes.set(ds.groups[i], (sizes.get(ds.groups[i]) ?? 0) + 1);
  const present = [...sizes.keys()].sort((a, b) => a - b);
  return { groups: ds.groups, present, sizes };
}

/** Folds from an assignment group -> fold number. */
function foldsFromAssignment(groups: Int32Array, n: number, assign: Map<number, number>, F: number): Fold[] {
  const testGroups: number[][] = Array.from({ length: F }, () => []);
  for (const [g, f] of [...assign.entries()].sort((a, b) => a[0] - b[0])) testGroups[f].push(g);
  const foldOf = new Int32Array(n);
  for (let i = 0; i < n; i++) foldOf[i] = assign.get(groups[i])!;
  return foldsFromRowAssignment(foldOf, F, testGroups);
}

function foldsFromRowAssignment(foldOf: Int32Array, F: number, testGroups: number[][]): Fold[] {
  const out: Fold[] = [];
  for (let f = 0; f < F; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < foldOf.length; i++) (foldOf[i] === f ? test : train).push(i);
    out.push({ index: f, testGroups: testGroups[f], trainRows: Int32Array.from(train), testRows: Int32Array.from(test) });
  }
  return out;
}

/** One fold per group present in the data (leave-one-group-out). Needs at least 2 groups. */
export function leaveOneGroupOut(ds: GroupedRows): Fold[] {
  const { groups, present } = presentGroups(ds);
  if (present.length < 2) throw new Error(`folds: leave-one-group-out needs at least 2 groups, the data has ${present.length}`);
  const assign = new Map<number, number>(present.map((g, f) => [g, f]));
  return foldsFromAssignment(groups, ds.n, assign, present.length);
}

/**
 * Groups merged into F folds (e.g. 29 speakers -> 5 folds), balanced by row count: groups are
 * shuffled (seeded), sorted by size (largest first; ties keep the shuffled order), and each is
 * given to the fold with the fewest rows so far (ties: the lowest fold). 2 <= F <= groups.
 */
export function mergedGroupFolds(ds: GroupedRows, F: number, seed: number): Fold[] {
  const { groups, present, sizes } = presentGroups(ds);
  if (!Number.isInteger(F) || F < 2) throw new Error(`folds: need at least 2 folds, got ${F}`);
  if (F > present.length) {
    throw new Error(`folds: ${F} folds asked for but the data has only ${present.length} groups (use at most ${present.length})`);
  }
  const order = new Rng(deriveSeed(seed, 'group-folds')).shuffle(present.slice());
  const ranked = order.map((g, i) => ({ g, i, size: sizes.get(g)! })).sort((a, b) => b.size - a.size || a.i - b.i);
  const load = new Array<number>(F).fill(0);
  const assign = new Map<number, number>();
  for (const { g, size } of ranked) {
    let best = 0;
    for (let f = 1; f < F; f++) if (load[f] < load[best]) best = f;
    assign.set(g, best);
    load[best] += size;
  }
  return foldsFromAssignment(groups, ds.n, assign, F);
}

/** Without a group column: F stratified, seeded row folds (our fallback; rows of one speaker may then straddle folds). */
export function rowFolds(ds: Pick<Dataset, 'labels'>, F: number, seed: number): Fold[] {
  if (!Number.isInteger(F) || F < 2) throw new Error(`folds: need at least 2 folds, got ${F}`);
  if (F > ds.labels.length) throw new Error(`folds: ${F} folds but only ${ds.labels.length} rows`);
  const foldOf = stratifiedFolds(ds.labels, F, deriveSeed(seed, 'row-folds'));
  return foldsFromRowAssignment(foldOf, F, Array.from({ length: F }, () => []));
}

export interface FoldOptions {
  /** 'logo' (default) = one fold per group; a number F = groups merged into F folds. */
  folds?: number | 'logo';
  seed?: number;
}

/** The folds a study uses: by group when the dataset has groups, else stratified row folds (F default 5). */
export function studyFolds(ds: Pick<Dataset, 'n' | 'labels' | 'groups' | 'groupNames'>, opts: FoldOptions = {}): Fold[] {
  const seed = opts.seed ?? 0;
  const folds = opts.folds ?? 'logo';
  if (!ds.groups) return rowFolds(ds, folds === 'logo' ? 5 : folds, seed);
  if (folds === 'logo') return leaveOneGroupOut(ds);
  const { present } = presentGroups(ds);
  return folds === present.length ? leaveOneGroupOut(ds) : mergedGroupFolds(ds, folds, seed);
}
