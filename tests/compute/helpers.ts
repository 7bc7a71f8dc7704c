/**
 * Test helpers for the compute tests: backend set-up (CPU for determinism, WASM for speed),
 * a tiny CSV reader for the shared corpora, and synthetic datasets.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../../src/compute/tf';
import type { Dataset } from '../../src/compute/data/dataset';
import { Rng } from '../../src/compute/train/rng';
import { patchWasmTransposedMatMul } from '../../src/compute/wasmMatMul';

export const SHARED_DATA = path.resolve(__dirname, '../../../shared/data');

let wasmReady: Promise<boolean> | null = null;

/** Use tfjs's CPU backend (deterministic, slow). */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Use the WASM backend when it loads in Node, else CPU; returns the backend's name. */
export async function useFastBackend(): Promise<string> {
  if (!wasmReady) {
    wasmReady = (async () => {
      try {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        patchWasmTransposedMatMul();
        const req = createRequire(import.meta.url);
        const dir = path.dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
        wasm.setWasmPaths(path.join(dir, 'dist') + path.sep);
        return await tf.setBackend('wasm');
      } catch {
        return false;
      }
    })();
  }
  const ok = await wasmReady;
  if (ok) await tf.setBackend('wasm');
  else await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}

export interface CsvOptions {
  labelColumn: string;
  groupColumn?: string;
  /** Keep these classes only (in this order). */
  keepClasses?: string[];
  /** Feature columns: those whose name matches (default /^f\d+$/). */
  featurePattern?: RegExp;
  /** Keep only the first maxFeatures feature columns. */
  maxFeatures?: number;
}

/** A small CSV reader for the shared corpora (no quoted commas in them). */
export function loadCsv(file: string, opts: CsvOptions): Dataset {
  const text = readFileSync(path.isAbsolute(file) ? file : path.join(SHARED_DATA, file), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const pat = opts.featurePattern ?? /^f\d+$/;
  let featCols = header.map((h, i) => (pat.test(h) ? i : -1)).filter((i) => i >= 0);
  if (opts.maxFeatures) featCols = featCols.slice(0, opts.maxFeatures);
  const labelCol = header.indexOf(opts.labelColumn);
  if (labelCol < 0) throw new Error(`no column ${opts.labelColumn}`);
  const groupCol = opts.groupColumn ? header.indexOf(opts.groupColumn) : -1;
  const rows = lines.slice(1).map((l) => l.split(','));
  const kept = rows.filter((r) => !opts.keepClasses || opts.keepClasses.includes(r[labelCol]));
  const classNames = opts.keepClasses ?? Array.from(new Set(kept.map((r) => r[labelCol]))).sort();
  const groupNames = groupCol >= 0 ? Array.from(new Set(kept.map((r) => r[groupCol]))).sort() : undefined;
  const d = featCols.length;
  const features = new Float32Array(kept.length * d);
  const labels = new Int32Array(kept.length);
  const groups = groupNames ? new Int32Array(kept.length) : undefined;
  kept.forEach((r, i) => {
    featCols.forEach((c, j) => (features[i * d + j] = Number(r[c])));
    labels[i] = classNames.indexOf(r[labelCol]);
    if (groups && groupNames) groups[i] = groupNames.indexOf(r[groupCol]);
  });
  return {
    name: path.basename(file),
    features,
    n: kept.length,
    d,
    featureNames: featCols.map((c) => header[c]),
    labels,
    classNames,
    groups,
    groupNames,
  };
}

/** K Gaussian blobs in d dimensions (class k centred at 3·e_(k mod d)), raw units offset/scaled. */
export function blobs(n: number, d: number, K: number, seed = 7): Dataset {
  const rng = new Rng(seed);
  const features = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % K;
    labels[i] = k;
    for (let j = 0; j < d; j++) features[i * d + j] = 10 + 5 * ((j === k % d ? 3 : 0) + rng.normal());
  }
  return {
    name: 'blobs',
    features,
    n,
    d,
    featureNames: Array.from({ length: d }, (_, j) => `f${j + 1}`),
    labels,
    classNames: Array.from({ length: K }, (_, k) => `c${k}`),
  };
}
