/**
 * The low-resource study (SPEC "Evaluation", the paper's Fig. 6): a neural classifier is trained
 * on P % of corpus A (stratified, seeded) plus N synthetic rows from a GAN trained on all of A,
 * and tested on corpus B (UAR). One line per N for one model, and one line per model at the
 * largest N.
 *
 * The classifier (paper silent; our choice): an MLP d-256-128-K (ReLU, softmax), Adam lr 1e-3,
 * batch 64, 30 epochs, Glorot-uniform weights, seeded; it is trained by the same code as the FID
 * network (eval/fidNet.ts, with other widths), which disposes every tensor it makes and predicts
 * in plain TypeScript. Real and synthetic rows are in A's normalised space (the GAN's); B is
 * z-scored with its own statistics by default (SPEC "Data"), or with A's.
 * The N = 0 cells do not depend on the model and are computed once.
 */
import { selectRows, type Dataset } from '../data/dataset';
import { applyStandardisation, fitStandardisation, standardiseDataset } from '../data/standardise';
import { trainFidNet } from '../eval/fidNet';
import { uar } from '../eval/uar';
import type { EpochLosses } from '../train/trainer';
import { deriveSeed } from '../train/rng';
import { alignCorpora, type CorpusNormalisation } from './crossCorpus';
import {
  asStudy,
  checkCancelled,
  meanStd,
  settingsFor,
  stratifiedPercent,
  trainGan,
  type ModelKind,
  type ModelSettingsOptions,
  type StudyControl,
} from './common';

export interface ClassifierOptions {
  /** Hidden widths (default [256, 128]). */
  hidden?: number[];
  /** Default 30. */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
}

export const LOW_RESOURCE_DEFAULTS = {
  percents: [10, 25, 50, 80, 100],
  nSynthetic: [0, 600, 2000, 6000],
  classifier: { hidden: [256, 128], epochs: 30, batchSize: 64, learningRate: 1e-3 },
} as const;

export interface LowResourceOptions extends ModelSettingsOptions, StudyControl {
  models: ModelKind[];
  /** P values (% of A's rows per class), default 10, 25, 50, 80, 100. */
  percents?: number[];
  /** N values (synthetic rows), default 0, 600, 2000, 6000. */
  nSynthetic?: number[];
  /**
   * Which N each model is run at: 'all' (default) every N for every model; 'paper' every N for
   * the first model and only the largest N (and 0) for the others (Fig. 6's two panels).
   */
  grid?: 'all' | 'paper';
  /** Repeats per cell with different subsample / classifier seeds (default 1); cells report the mean. */
  repeats?: number;
  normalisation?: CorpusNormalisation;
  classifier?: ClassifierOptions;
  seed?: number;
}

export interface LowResourceCell {
  model: ModelKind;
  percent: number;
  nSynthetic: number;
  /** UAR on B per repeat. */
  uars: number[];
  uar: number;
  std: number;
  realRows: number;
  syntheticRows: number;
}

export interface LowResourceLine {
  label: string;
  model: ModelKind;
  nSynthetic: number;
  points: Array<{ percent: number; uar: number; std: number }>;
}

export interface LowResourceResult {
  protocol: 'low-resource';
  corpora: { a: { name: string; n: number }; b: { name: string; n: number }; d: number; classNames: string[] };
  percents: number[];
  nSynthetic: number[];
  models: ModelKind[];
  repeats: number;
  chance: number;
  cells: LowResourceCell[];
  /** Fig. 6, left: one line per N for the first model. */
  linesByN: LowResourceLine[];
  /** Fig. 6, right: one line per model at the largest N (plus the N = 0 line for reference). */
  linesByModel: LowResourceLine[];
  gans: Array<{ model: ModelKind; history: EpochLosses[]; diverged: string | null; trainMs: number }>;
  ms: number;
}

export function lowResource(a: Dataset, b: Dataset, opts: LowResourceOptions): Promise<LowResourceResult> {
  return asStudy(opts, () => runLowResource(a, b, opts));
}

async function runLowResource(a: Dataset, bIn: Dataset, opts: LowResourceOptions): Promise<LowResourceResult> {
  const t0 = performance.now();
  if (opts.models.length === 0) throw new Error('low-resource: choose at least one model');
  const b = alignCorpora(a, bIn);
  const seed = opts.seed ?? 0;
  const percents = (opts.percents ?? [...LOW_RESOURCE_DEFAULTS.percents]).slice().sort((x, y) => x - y);
  const ns = Array.from(new Set(opts.nSynthetic ?? [...LOW_RESOURCE_DEFAULTS.nSynthetic])).sort((x, y) => x - y);
  const nMax = ns[ns.length - 1];
  const repeats = opts.repeats ?? 1;
  const grid = opts.grid ?? 'all';
  const clf = { ...LOW_RESOURCE_DEFAULTS.classifier, ...(opts.classifier ?? {}) };
  const K = a.classNames.length;
  for (const p of percents) if (!(p > 0 && p <= 100)) throw new Error(`low-resource: P must be in (0, 100], got ${p}`);
  for (const n of ns) if (!(Number.isInteger(n) && n >= 0)) throw new Error(`low-resource: N must be a whole number >= 0, got ${n}`);

  const stA = fitStandardisation(a);
  const stB = (opts.normalisation ?? 'own') === 'own' ? fitStandardisation(b) : stA;
  const aZ = standardiseDataset(a, stA);
  const bZ = standardiseDataset(b, stB);
  // Subsamples per (P, repeat), shared by every model and N.
  const subsets = new Map<string, Dataset>();
  const subsetOf = (p: number, r: number) => {
    const key = `${p}/${r}`;
    let s = subsets.get(key);
    if (!s) subsets.set(key, (s = selectRows(aZ, stratifiedPercent(aZ, p, deriveSeed(seed, `lowres-${r}`)))));
    return s;
  };

  const nsFor = (mi: number) => (grid === 'all' || mi === 0 ? ns.filter((n) => n > 0) : nMax > 0 ? [nMax] : []);
  const classifierRuns = percents.length * repeats * (ns.includes(0) ? 1 : 0) +
    opts.models.reduce((s, _, mi) => s + percents.length * repeats * nsFor(mi).length, 0);
  const ganUnits = 5; // one GAN counts as this many classifier runs in the progress fraction
  const total = classifierRuns + ganUnits * opts.models.length;
  let done = 0;
  const report = (stage: string, model: ModelKind | null, extra = 0) =>
    opts.onProgress?.({ stage, fold: 0, folds: 0, model, fraction: Math.min(1, (done + extra) / total) });

  const trainAndTest = async (train: { features: Float32Array; labels: Int32Array; n: number }, r: number, p: number, n: number): Promise<number> => {
    const net = await trainFidNet(
      { features: train.features, labels: train.labels, n: train.n, d: a.d, classNames: a.classNames },
      {
        hidden: [...clf.hidden],
        featureLayer: 1,
        epochs: clf.epochs,
        batchSize: clf.batchSize,
        learningRate: clf.learningRate,
        seed: deriveSeed(seed, `lowres-clf-${r}-${p}-${n}`),
        isCancelled: opts.isCancelled,
      },
    );
    const prob = net.predictProba(bZ.features);
    const pred = new Int32Array(bZ.n);
    for (let i = 0; i < bZ.n; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (prob[i * K + k] > prob[i * K + best]) best = k;
      pred[i] = best;
    }
    return uar(bZ.labels, pred, K).uar;
  };

  const cell = (model: ModelKind, percent: number, nSynthetic: number, uars: number[], realRows: number): LowResourceCell => {
    const ms = meanStd(uars);
    return { model, percent, nSynthetic, uars, uar: ms.mean, std: ms.std, realRows, syntheticRows: nSynthetic };
  };

  const cells: LowResourceCell[] = [];
  // N = 0: real rows only (model-independent).
  const realOnly = new Map<number, { uars: number[]; rows: number }>();
  if (ns.includes(0)) {
    for (const p of percents) {
      const uars: number[] = [];
      for (let r = 0; r < repeats; r++) {
        checkCancelled(opts);
        report(`classifier on ${p} % of A, no synthetic rows`, null);
        uars.push(await trainAndTest(subsetOf(p, r), r, p, 0));
        done++;
      }
      realOnly.set(p, { uars, rows: subsetOf(p, 0).n });
    }
  }

  const gans: LowResourceResult['gans'] = [];
  for (let mi = 0; mi < opts.models.length; mi++) {
    const model = opts.models[mi];
    for (const [p, v] of realOnly) cells.push(cell(model, p, 0, v.uars, v.rows));
    const modelNs = nsFor(mi);
    if (modelNs.length === 0) continue;
    const settings = settingsFor(model, opts);
    report(`train ${model.toUpperCase()} on A`, model);
    const run = await trainGan(a, settings, opts, (f) => report(`train ${model.toUpperCase()} on A`, model, f * ganUnits));
    done += ganUnits;
    let synth: { features: Float32Array; labels: Int32Array } | null = null;
    try {
      gans.push({ model, history: run.history, diverged: run.diverged, trainMs: run.ms });
      if (!run.diverged) {
        const g = await run.trainer.generate(Math.max(...modelNs));
        // Labels cycle 0..K-1, so every prefix is (nearly) balanced.
        synth = { features: applyStandardisation(g.features, stA), labels: g.labels };
      }
    } finally {
      run.trainer.dispose();
    }
    for (const n of modelNs) {
      for (const p of percents) {
        const uars: number[] = [];
        for (let r = 0; r < repeats; r++) {
          checkCancelled(opts);
          if (!synth) {
            uars.push(NaN);
            done++;
            continue;
          }
          report(`classifier on ${p} % of A + ${n} synthetic rows (${model.toUpperCase()})`, model);
          const real = subsetOf(p, r);
          const features = new Float32Array((real.n + n) * a.d);
          features.set(real.features);
          features.set(synth.features.subarray(0, n * a.d), real.n * a.d);
          const labels = new Int32Array(real.n + n);
          labels.set(real.labels);
          labels.set(synth.labels.subarray(0, n), real.n);
          uars.push(await trainAndTest({ features, labels, n: real.n + n }, r, p, n));
          done++;
        }
        cells.push(cell(model, p, n, uars, subsetOf(p, 0).n));
      }
    }
  }
  opts.onProgress?.({ stage: 'done', fold: 0, folds: 0, model: null, fraction: 1 });

  const line = (model: ModelKind, n: number, label: string): LowResourceLine | null => {
    const pts = percents.map((p) => cells.find((c) => c.model === model && c.percent === p && c.nSynthetic === n));
    if (pts.some((c) => !c)) return null;
    return { label, model, nSynthetic: n, points: pts.map((c) => ({ percent: c!.percent, uar: c!.uar, std: c!.std })) };
  };
  const first = opts.models[0];
  const linesByN = ns.map((n) => line(first, n, `${first.toUpperCase()}, N = ${n}`)).filter((l): l is LowResourceLine => l !== null);
  const linesByModel = [
    ...(ns.includes(0) && nMax > 0 ? [line(first, 0, 'real only (N = 0)')] : []),
    ...opts.models.map((m) => line(m, nMax, `${m.toUpperCase()}, N = ${nMax}`)),
  ].filter((l): l is LowResourceLine => l !== null);
  return {
    protocol: 'low-resource',
    corpora: { a: { name: a.name, n: a.n }, b: { name: b.name, n: b.n }, d: a.d, classNames: a.classNames.slice() },
    percents,
    nSynthetic: ns,
    models: opts.models.slice(),
    repeats,
    chance: 1 / K,
    cells,
    linesByN,
    linesByModel,
    gans,
    ms: performance.now() - t0,
  };
}

/** The grid as a markdown table: rows = P, columns = the lines. */
export function lowResourceMarkdown(r: LowResourceResult): string {
  const lines = [...r.linesByN, ...r.linesByModel.filter((l) => !r.linesByN.some((m) => m.model === l.model && m.nSynthetic === l.nSynthetic))];
  const out = [
    `**Low-resource (train: P % of ${r.corpora.a.name} + N synthetic; test: ${r.corpora.b.name}; UAR %, chance ${(100 * r.chance).toFixed(1)})**`,
    '',
    `| P % | ${lines.map((l) => l.label).join(' | ')} |`,
    `|---|${lines.map(() => '---|').join('')}`,
  ];
  r.percents.forEach((p, i) => out.push(`| ${p} | ${lines.map((l) => (100 * l.points[i].uar).toFixed(2)).join(' | ')} |`));
  return out.join('\n');
}
