/**
 * A tiny reader for the shared corpus CSVs (/work/shared/data/*.csv) for the eval tests:
 * plain comma-separated, no quoted fields (the name/text columns have no commas), features f1..fN.
 */
import { readFileSync } from 'node:fs';
import type { Dataset } from '../../../src/compute/data/dataset';

export const SHARED_DATA = '/work/shared/data';

export interface ReadOptions {
  labelCol?: string;
  groupCol?: string;
  /** Keep only rows whose label is one of these, in this class order. */
  classes?: string[];
}

export function readSharedCsv(file: string, opts: ReadOptions = {}): Dataset {
  const text = readFileSync(file, 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const labelCol = header.indexOf(opts.labelCol ?? 'label');
  const groupCol = header.indexOf(opts.groupCol ?? 'speaker');
  if (labelCol < 0) throw new Error(`no column ${opts.labelCol ?? 'label'} in ${file}`);
  const featCols: number[] = [];
  header.forEach((h, i) => {
    if (/^f\d+$/.test(h)) featCols.push(i);
  });
  const d = featCols.length;
  const classNames = opts.classes ? [...opts.classes] : [];
  const groupNames: string[] = [];
  const feats: number[] = [];
  const labels: number[] = [];
  const groups: number[] = [];
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r].split(',');
    if (cells.length !== header.length) throw new Error(`${file}:${r + 1}: ${cells.length} cells, header has ${header.length}`);
    const lab = cells[labelCol];
    let li = classNames.indexOf(lab);
    if (li < 0) {
      if (opts.classes) continue;
      li = classNames.push(lab) - 1;
    }
    labels.push(li);
    if (groupCol >= 0) {
      let gi = groupNames.indexOf(cells[groupCol]);
      if (gi < 0) gi = groupNames.push(cells[groupCol]) - 1;
      groups.push(gi);
    }
    for (const c of featCols) feats.push(Number(cells[c]));
  }
  return {
    name: file.split('/').pop() ?? file,
    features: Float32Array.from(feats),
    n: labels.length,
    d,
    featureNames: featCols.map((c) => header[c]),
    labels: Int32Array.from(labels),
    classNames,
    groups: groupCol >= 0 ? Int32Array.from(groups) : undefined,
    groupNames: groupCol >= 0 ? groupNames : undefined,
  };
}

/** Row indices whose group name is (or is not) in the given set. */
export function rowsByGroup(ds: Dataset, names: string[], keep: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < ds.n; i++) {
    const g = ds.groupNames![ds.groups![i]];
    if (names.includes(g) === keep) out.push(i);
  }
  return out;
}
