/** Two-corpus fixtures for the study tests, from the shared real data. */
import { loadCsv } from '../helpers';
import { selectRows, type Dataset } from '../../../src/compute/data/dataset';

const CLASSES = ['angry', 'happy', 'neutral', 'sad'];

/**
 * URDU eGeMAPS split by speaker into two "corpora" with every class in both: each speaker's
 * majority class, speakers of a class alternately to A and B.
 */
export function urduSplit(): { a: Dataset; b: Dataset } {
  const ds = loadCsv('urdu-egemaps.csv', { labelColumn: 'label', groupColumn: 'speaker', keepClasses: CLASSES });
  const G = ds.groupNames!.length;
  const votes = Array.from({ length: G }, () => new Array<number>(4).fill(0));
  for (let i = 0; i < ds.n; i++) votes[ds.groups![i]][ds.labels[i]]++;
  const major = votes.map((v) => v.indexOf(Math.max(...v)));
  const side = new Int32Array(G);
  const seen = [0, 0, 0, 0];
  for (let g = 0; g < G; g++) side[g] = seen[major[g]]++ % 2;
  const rowsOf = (s: number) => Array.from({ length: ds.n }, (_, i) => i).filter((i) => side[ds.groups![i]] === s);
  return { a: { ...selectRows(ds, rowsOf(0)), name: 'urdu-A' }, b: { ...selectRows(ds, rowsOf(1)), name: 'urdu-B' } };
}

