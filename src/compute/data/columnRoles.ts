/**
 * Which column is the label, which the group, which are features, which classes to keep;
 * and the Dataset + summary built from a ParsedTable under those choices.
 */
import type { Dataset } from './dataset';
import type { ParsedTable } from './parseCsv';
import { METADATA_NAME } from './columnNames';
import { tableError } from './tableError';

export type MissingPolicy = 'drop' | 'mean';

export interface ColumnRoles {
  label: string;
  group: string | null;
  features: string[];
  /** Class names to keep, in display order. */
  keepClasses: string[];
  missing: MissingPolicy;
}

export interface DatasetSummary {
  name: string;
  rowsInFile: number;
  rowsKept: number;
  dropped: { otherClass: number; missingLabel: number; missingValues: number };
  d: number;
  classCounts: { name: string; count: number }[];
  groupCounts: { name: string; count: number }[] | null;
  /** Cells in the chosen feature columns that were empty / NaN / Inf (before dropping or filling). */
  missingCells: number;
  rowsWithMissing: number;
  missingPolicy: MissingPolicy;
  /** The first few features' ranges, for a preview. */
  featurePreview: { name: string; min: number; mean: number; max: number }[];
  /** Columns in the file that were not used (metadata, text). */
  ignoredColumns: string[];
}

const LABEL_NAMES = ['label', 'emotion', 'class', 'category', 'target', 'y'];
const GROUP_NAMES = ['speaker', 'session', 'group', 'subject', 'actor', 'spk', 'sess', 'fold'];
/** The paper's four classes, kept by default when present. */
export const PAPER_CLASSES = ['angry', 'happy', 'neutral', 'sad'];

function columnIndex(table: ParsedTable, name: string): number {
  const j = table.columns.indexOf(name);
  if (j < 0) {
    throw tableError('unknown_column', `There is no column named "${name}".`, `Pick one of: ${table.columns.slice(0, 12).join(', ')}${table.columns.length > 12 ? ', ...' : ''}.`, { column: name });
  }
  return j;
}

/** String values of any column (numeric columns without kept text are formatted). */
export function columnStrings(table: ParsedTable, name: string): string[] {
  const j = columnIndex(table, name);
  const t = table.text[j];
  if (t) return t;
  const c = table.columns.length;
  const out = new Array<string>(table.nRows);
  for (let i = 0; i < table.nRows; i++) {
    const v = table.values[i * c + j];
    out[i] = Number.isNaN(v) ? '' : String(v);
  }
  return out;
}

/** Distinct non-empty values of a column with their counts, most frequent first. */
export function distinctValues(table: ParsedTable, name: string): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const s of columnStrings(table, name)) if (s !== '') counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

/** Columns that could serve as a label: text columns, or numeric ones with few distinct values. */
export function labelCandidates(table: ParsedTable): string[] {
  return table.columns.filter((name, j) => {
    if (table.kinds[j] === 'text' || table.text[j]) {
      const k = distinctValues(table, name).length;
      return k >= 1 && k <= Math.max(50, Math.sqrt(table.nRows));
    }
    return false;
  });
}

/** Defaults that work for the paper's kind of table and the bundled demo. */
export function suggestRoles(table: ParsedTable): ColumnRoles {
  const lower = table.columns.map((c) => c.toLowerCase());
  const candidates = labelCandidates(table);
  let label = LABEL_NAMES.map((n) => table.columns[lower.indexOf(n)]).find((c) => c !== undefined && candidates.includes(c));
  if (!label) {
    // The text column with the fewest distinct values (>= 2) is the likeliest label.
    const scored = candidates
      .map((c) => ({ c, k: distinctValues(table, c).length }))
      .filter((s) => s.k >= 2)
      .sort((a, b) => a.k - b.k);
    label = scored[0]?.c;
  }
  if (!label) {
    throw tableError('no_label_column', 'No column looks like a class label (a text column such as "label" or "emotion").',
      'Add a label column naming each row\'s class (e.g. angry, happy, neutral, sad) and load the file again.');
  }
  const group = GROUP_NAMES.map((n) => table.columns[lower.indexOf(n)]).find((c) => c !== undefined && c !== label) ?? null;
  const features = table.columns.filter((c, j) => table.kinds[j] === 'numeric' && c !== label && c !== group && !METADATA_NAME.test(c));
  return { label, group, features, keepClasses: defaultClasses(table, label), missing: 'drop' };
}

/** The paper's four classes when at least two are present, else every class. */
export function defaultClasses(table: ParsedTable, label: string): string[] {
  const values = distinctValues(table, label).map((v) => v.value);
  const paper = PAPER_CLASSES.filter((p) => values.some((v) => v.toLowerCase() === p)).map((p) => values.find((v) => v.toLowerCase() === p)!);
  return paper.length >= 2 ? paper : values.slice().sort();
}

/** Build the Dataset the models train on; throws a TableError saying what to change. */
export function buildDataset(table: ParsedTable, roles: ColumnRoles): { dataset: Dataset; summary: DatasetSummary } {
  const c = table.columns.length;
  const labelStrings = columnStrings(table, roles.label);
  const groupStrings = roles.group ? columnStrings(table, roles.group) : null;
  const featIdx = roles.features.map((f) => columnIndex(table, f));
  if (featIdx.length < 2) {
    throw tableError('too_few_features', `Only ${featIdx.length} feature column${featIdx.length === 1 ? ' is' : 's are'} selected; the models need at least 2.`,
      'Select at least two numeric feature columns.');
  }
  for (let k = 0; k < featIdx.length; k++) {
    const j = featIdx[k];
    const name = table.columns[j];
    if (table.kinds[j] === 'text') {
      throw tableError('non_numeric', `Column "${name}" holds text (e.g. "${firstText(table, j)}"), so it cannot be a feature.`,
        `Remove "${name}" from the feature columns.`, { column: name });
    }
    const nn = table.nonNumeric[j];
    if (nn.count > 0) {
      throw tableError('non_numeric', `Feature column "${name}" has ${nn.count} value${nn.count > 1 ? 's' : ''} that ${nn.count > 1 ? 'are' : 'is'} not a number, first in row ${nn.row}: "${nn.value}".`,
        `Fix the cell in row ${nn.row} (line ${nn.row + 1} of the file), or exclude column "${name}" from the features.`, { row: nn.row, column: name });
    }
  }
  const keep = new Map(roles.keepClasses.map((k, i) => [k, i]));
  const d = featIdx.length;
  const counts = { otherClass: 0, missingLabel: 0, missingValues: 0 };
  let missingCells = 0;
  let rowsWithMissing = 0;
  const rowsOk: number[] = [];
  const rowHasMissing: boolean[] = [];
  for (let i = 0; i < table.nRows; i++) {
    let miss = 0;
    for (let k = 0; k < d; k++) if (Number.isNaN(table.values[i * c + featIdx[k]])) miss++;
    const lab = labelStrings[i];
    if (lab === '') { counts.missingLabel++; continue; }
    if (!keep.has(lab)) { counts.otherClass++; continue; }
    missingCells += miss;
    if (miss > 0) {
      rowsWithMissing++;
      if (roles.missing === 'drop') { counts.missingValues++; continue; }
    }
    rowsOk.push(i);
    rowHasMissing.push(miss > 0);
  }
  const n = rowsOk.length;
  const features = new Float32Array(n * d);
  const labels = new Int32Array(n);
  const groupNames: string[] = [];
  const groupIndex = new Map<string, number>();
  const groups = groupStrings ? new Int32Array(n) : undefined;
  for (let r = 0; r < n; r++) {
    const i = rowsOk[r];
    for (let k = 0; k < d; k++) features[r * d + k] = table.values[i * c + featIdx[k]];
    labels[r] = keep.get(labelStrings[i])!;
    if (groups && groupStrings) {
      const g = groupStrings[i] === '' ? '(none)' : groupStrings[i];
      if (!groupIndex.has(g)) { groupIndex.set(g, groupNames.length); groupNames.push(g); }
      groups[r] = groupIndex.get(g)!;
    }
  }
  if (roles.missing === 'mean' && rowsWithMissing > 0) fillColumnMeans(features, n, d);
  const classCounts = roles.keepClasses.map((name) => ({ name, count: 0 }));
  for (const l of labels) classCounts[l].count++;
  const present = classCounts.filter((cc) => cc.count > 0);
  if (present.length < 2) {
    throw tableError('too_few_classes',
      `The label column "${roles.label}" has ${present.length === 0 ? 'no rows' : `only one class ("${present[0].name}")`} among the kept rows; the models need at least 2 classes.`,
      `Keep at least two classes, or choose another label column${counts.missingValues ? ` (${counts.missingValues} rows were dropped for missing values: try "fill with column mean")` : ''}.`,
      { column: roles.label });
  }
  const small = classCounts.find((cc) => cc.count < 2);
  if (small) {
    throw tableError('class_too_small', `Class "${small.name}" has ${small.count} row${small.count === 1 ? '' : 's'}; each class needs at least 2.`,
      `Untick "${small.name}" in the classes to keep, or add more rows of it.`, { column: roles.label });
  }
  let groupCounts: { name: string; count: number }[] | null = null;
  if (groups) {
    groupCounts = groupNames.map((name) => ({ name, count: 0 }));
    for (const g of groups) groupCounts[g].count++;
  }
  const used = new Set([roles.label, ...(roles.group ? [roles.group] : []), ...roles.features]);
  const dataset: Dataset = {
    name: table.name,
    features,
    n,
    d,
    featureNames: roles.features.slice(),
    labels,
    classNames: roles.keepClasses.slice(),
    ...(groups ? { groups, groupNames } : {}),
  };
  return {
    dataset,
    summary: {
      name: table.name,
      rowsInFile: table.nRows,
      rowsKept: n,
      dropped: counts,
      d,
      classCounts,
      groupCounts,
      missingCells,
      rowsWithMissing,
      missingPolicy: roles.missing,
      featurePreview: previewRanges(features, n, d, roles.features, 8),
      ignoredColumns: table.columns.filter((col) => !used.has(col)),
    },
  };
}

function firstText(table: ParsedTable, j: number): string {
  const t = table.text[j];
  return (t?.find((s) => s !== '') ?? '').slice(0, 30);
}

function fillColumnMeans(x: Float32Array, n: number, d: number): void {
  for (let k = 0; k < d; k++) {
    let sum = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * d + k];
      if (!Number.isNaN(v)) { sum += v; m++; }
    }
    const mean = m > 0 ? sum / m : 0;
    for (let i = 0; i < n; i++) if (Number.isNaN(x[i * d + k])) x[i * d + k] = mean;
  }
}

function previewRanges(x: Float32Array, n: number, d: number, names: string[], count: number) {
  const out: { name: string; min: number; mean: number; max: number }[] = [];
  for (let k = 0; k < Math.min(count, d); k++) {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * d + k];
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    out.push({ name: names[k], min, mean: n ? sum / n : 0, max });
  }
  return out;
}
