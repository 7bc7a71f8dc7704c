/**
 * The in-domain protocol (SPEC "Evaluation", the paper's Table 2): leave-one-group-out
 * cross-validation (groups optionally merged into F folds). For every fold:
 *   1. z-score both sides with the training side's statistics (SPEC "Data");
 *   2. fit the metric SVMs on real set-1 (training side) and real set-2 (held-out side), once
 *      per fold, and score set-1's SVM on set-2: the real -> real baseline;
 *   3. train the FID network on real set-1; real-vs-real FID (two halves of set-1) for scale;
 *   4. per model (all models share the folds): train the GAN on the training side, generate N
 *      balanced rows, Metric 1 (set-1's and set-2's SVM on the synthetic rows), Metric 2 (an SVM
 *      fitted on the synthetic rows, scored on set-1 and set-2), FID against set-1, and
 *      optionally the real-vs-synthetic detector AUC and k-NN precision/recall.
 * Means ± std over folds in the paper's layout (rows: Metric 1/2 on set-1/2, FID; columns: models).
 */
import { selectRows, type Dataset } from '../data/dataset';
import { fitStandardisation, applyStandardisation, standardiseDataset } from '../data/standardise';
import { fitClassifier, scoreClassifier, type FittedClassifier, type LabelledRows, type MetricResult } from '../eval/metrics';
import type { SvmTuneOptions } from '../eval/svm';
import { trainFidNet, type FidNetOptions } from '../eval/fidNet';
import { fid, fidRealVsReal } from '../eval/frechet';
import { detectorAuc, type DetectorOptions, type DetectorResult } from '../eval/detector';
import { knnPrecisionRecall, type KnnOptions, type KnnResult } from '../eval/knnMetrics';
import type { EpochLosses } from '../train/trainer';
import { spreadAndSeparation, SPREAD_SEPARATION_NOTE, type SpreadSeparation } from '../eval/spread';
import type { TrainSettings } from '../train/settings';
import { studyFolds, type Fold } from './folds';
import {
  asStudy,
  checkCancelled,
  settingsFor,
  tableRow,
  trainGan,
  type ModelKind,
  type ModelSettingsOptions,
  type ResultTable,
  type StudyControl,
} from './common';

export interface ExtrasOptions {
  /** Real-vs-synthetic detector AUC (default on). */
  detector?: boolean | DetectorOptions;
  /** k-NN precision/recall/density/coverage in the FID network's feature space (default on). */
  knn?: boolean | KnnOptions;
}

/** One trained column of the table: a model with its own settings on top (e.g. the λ study's λ). */
export interface ModelVariant {
  label: string;
  model: ModelKind;
  overrides?: Partial<TrainSettings>;
}

export interface CrossValidationOptions extends ModelSettingsOptions, StudyControl, ExtrasOptions {
  models: ModelKind[];
  /** Train these columns instead of one per model (the λ study: each model at each λ). */
  variants?: ModelVariant[];
  /** 'logo' (default) = one fold per group; F = groups merged into F folds. */
  folds?: number | 'logo';
  /** Run only these folds (0-based; e.g. a quick look at the first fold). Default all. */
  onlyFolds?: number[];
  /** Synthetic rows per GAN (paper: 6000). */
  nSynthetic?: number;
  /** Seeds the folds, SVM tuning and the FID network. */
  seed?: number;
  svm?: SvmTuneOptions;
  fidNet?: FidNetOptions;
  /** Called with each fold's results as soon as the fold is done (e.g. to fill a table live). */
  onFold?: (fold: FoldResult) => void;
}

/** Plain numbers of one metric (the full MetricResult is large). */
export interface MetricSummary {
  uar: number;
  chance: number;
  accuracy: number;
  confusion: number[][];
  params: MetricResult['params'];
  cvUar: number;
}

export function summariseMetric(m: MetricResult): MetricSummary {
  return { uar: m.uar, chance: m.chance, accuracy: m.accuracy, confusion: m.confusion, params: m.params, cvUar: m.cvUar };
}

export interface ModelFoldResult {
  model: ModelKind;
  /** The column's label (the model's name, or the variant's label). */
  label: string;
  settings: TrainSettings;
  /** Per-epoch losses of the GAN. */
  history: EpochLosses[];
  diverged: string | null;
  metric1Set1: MetricSummary | null;
  metric1Set2: MetricSummary | null;
  metric2Set1: MetricSummary | null;
  metric2Set2: MetricSummary | null;
  fid: number;
  detector: DetectorResult | null;
  knn: KnnResult | null;
  /** Intra-class spread (synthetic / real set-1) and inter-class separation; null when diverged. */
  spread: SpreadSeparation | null;
  trainMs: number;
  evalMs: number;
}

export interface FoldResult {
  fold: number;
  testGroups: string[];
  trainRows: number;
  testRows: number;
  /** SVM fitted on real set-1, scored on real set-2. */
  baseline: MetricSummary;
  /** FID between two halves of real set-1 (scale). */
  fidRealVsReal: number;
  /** FID of real set-2 against real set-1 (what held-out real speakers score). */
  fidSet2: number;
  models: ModelFoldResult[];
}

export interface CrossValidationResult {
  protocol: 'cross-validation';
  dataset: { name: string; n: number; d: number; classNames: string[]; groups: number };
  models: ModelKind[];
  /** Column labels, one per trained model or variant. */
  columns: string[];
  nSynthetic: number;
  folds: FoldResult[];
  table: ResultTable;
  ms: number;
}

const NAN_METRIC = null;

/** Detector AUC (z-scored rows) and k-NN metrics (embedded rows), as the options ask. */
export function syntheticExtras(
  opts: ExtrasOptions,
  realZ: Float32Array,
  synthZ: Float32Array,
  d: number,
  realEmb: Float32Array,
  synthEmb: Float32Array,
  p: number,
  seed: number,
): { detector: DetectorResult | null; knn: KnnResult | null } {
  const detOpts = opts.detector === undefined || opts.detector === true ? {} : opts.detector;
  const knnOpts = opts.knn === undefined || opts.knn === true ? {} : opts.knn;
  const detector = detOpts ? detectorAuc(realZ, synthZ, d, { seed, ...detOpts }) : null;
  const knn = knnOpts ? knnPrecisionRecall(realEmb, synthEmb, p, { seed, ...knnOpts }) : null;
  return { detector, knn };
}

/** Runs the cross-validation for every model on shared folds. */
export function crossValidation(ds: Dataset, opts: CrossValidationOptions): Promise<CrossValidationResult> {
  return asStudy(opts, () => runCrossValidation(ds, opts));
}

async function runCrossValidation(ds: Dataset, opts: CrossValidationOptions): Promise<CrossValidationResult> {
  const t0 = performance.now();
  const runs: ModelVariant[] = opts.variants ?? opts.models.map((m) => ({ label: m.toUpperCase(), model: m }));
  if (runs.length === 0) throw new Error('cross-validation: choose at least one model');
  const seed = opts.seed ?? 0;
  const nSynthetic = opts.nSynthetic ?? 6000;
  const svmOpts: SvmTuneOptions = { seed, ...(opts.svm ?? {}) };
  const allFolds = studyFolds(ds, { folds: opts.folds, seed });
  const folds: Fold[] = opts.onlyFolds ? allFolds.filter((f) => opts.onlyFolds!.includes(f.index)) : allFolds;
  if (folds.length === 0) throw new Error('cross-validation: no folds selected');
  const F = folds.length;
  const M = runs.length;
  // Work units per fold: 1 (SVMs + FID net) + per model 1 (GAN) + 1 (metrics).
  const unitsPerFold = 1 + 2 * M;
  const total = F * unitsPerFold;
  const report = (stage: string, fi: number, model: ModelKind | null, units: number) =>
    opts.onProgress?.({ stage, fold: fi + 1, folds: F, model, fraction: Math.min(1, (fi * unitsPerFold + units) / total) });

  const results: FoldResult[] = [];
  for (let fi = 0; fi < F; fi++) {
    const fold = folds[fi];
    checkCancelled(opts);
    const trainRaw = selectRows(ds, fold.trainRows);
    const testRaw = selectRows(ds, fold.testRows);
    const st = fitStandardisation(trainRaw);
    const set1 = standardiseDataset(trainRaw, st);
    const set2 = standardiseDataset(testRaw, st);

    report('fit SVM on real set-1', fi, null, 0);
    const c1 = await fitClassifier(set1, { ...svmOpts, isCancelled: opts.isCancelled });
    let c2: FittedClassifier | null = null;
    try {
      const base = summariseMetric(scoreClassifier(c1, set2));
      checkCancelled(opts);
      report('fit SVM on real set-2', fi, null, 0.3);
      c2 = await fitClassifier(set2, { ...svmOpts, isCancelled: opts.isCancelled });
      checkCancelled(opts);
      report('train FID network on real set-1', fi, null, 0.6);
      const net = await trainFidNet(set1, { seed, ...(opts.fidNet ?? {}), isCancelled: opts.isCancelled });
      const fidRR = fidRealVsReal(set1, net, seed);
      const fidS2 = fid(set1, set2, net);
      const set1Emb = net.extract(set1.features);

      const modelResults: ModelFoldResult[] = [];
      for (let mi = 0; mi < M; mi++) {
        const { model, label, overrides } = runs[mi];
        const settings = { ...settingsFor(model, opts), ...(overrides ?? {}), model };
        const base0 = 1 + 2 * mi;
        report(`train ${label}`, fi, model, base0);
        const run = await trainGan(trainRaw, settings, opts, (f) => report(`train ${label}`, fi, model, base0 + f), fi + 1);
        const te = performance.now();
        try {
          if (run.diverged) {
            modelResults.push({
              model, label, settings, history: run.history, diverged: run.diverged,
              metric1Set1: NAN_METRIC, metric1Set2: NAN_METRIC, metric2Set1: NAN_METRIC, metric2Set2: NAN_METRIC,
              fid: NaN, detector: null, knn: null, spread: null, trainMs: run.ms, evalMs: 0,
            });
            continue;
          }
          checkCancelled(opts);
          report(`generate ${nSynthetic} rows (${label})`, fi, model, base0 + 1);
          const gen = await run.trainer.generate(nSynthetic);
          const synthetic: LabelledRows = {
            features: applyStandardisation(gen.features, st),
            labels: gen.labels,
            n: nSynthetic,
            d: ds.d,
            classNames: ds.classNames,
          };
          report(`Metric 1 and 2 (${label})`, fi, model, base0 + 1.2);
          const m1s1 = summariseMetric(scoreClassifier(c1, synthetic));
          const m1s2 = summariseMetric(scoreClassifier(c2, synthetic));
          const cs = await fitClassifier(synthetic, { ...svmOpts, isCancelled: opts.isCancelled });
          let m2s1: MetricSummary;
          let m2s2: MetricSummary;
          try {
            m2s1 = summariseMetric(scoreClassifier(cs, set1));
            m2s2 = summariseMetric(scoreClassifier(cs, set2));
          } finally {
            cs.dispose();
          }
          checkCancelled(opts);
          report(`FID and detector (${label})`, fi, model, base0 + 1.7);
          const fidValue = fid(set1, synthetic, net);
          const extras = syntheticExtras(opts, set1.features, synthetic.features, ds.d, set1Emb, net.extract(synthetic.features), net.outputDim, seed);
          modelResults.push({
            model, label, settings, history: run.history, diverged: null,
            metric1Set1: m1s1, metric1Set2: m1s2, metric2Set1: m2s1, metric2Set2: m2s2,
            fid: fidValue, ...extras, spread: spreadAndSeparation(set1, synthetic, ds.classNames.length), trainMs: run.ms, evalMs: performance.now() - te,
          });
        } finally {
          run.trainer.dispose();
        }
        report(`done ${label}`, fi, model, base0 + 2);
      }
      results.push({
        fold: fold.index,
        testGroups: fold.testGroups.map((g) => ds.groupNames?.[g] ?? String(g)),
        trainRows: fold.trainRows.length,
        testRows: fold.testRows.length,
        baseline: base,
        fidRealVsReal: fidRR,
        fidSet2: fidS2,
        models: modelResults,
      });
    } finally {
      c1.dispose();
      c2?.dispose();
    }
    opts.onFold?.(results[results.length - 1]);
  }
  opts.onProgress?.({ stage: 'done', fold: F, folds: F, model: null, fraction: 1 });
  return {
    protocol: 'cross-validation',
    dataset: { name: ds.name, n: ds.n, d: ds.d, classNames: ds.classNames.slice(), groups: ds.groupNames?.length ?? 0 },
    models: opts.models.slice(),
    columns: runs.map((r) => r.label),
    nSynthetic,
    folds: results,
    table: crossValidationTable(results, runs.map((r) => r.label)),
    ms: performance.now() - t0,
  };
}

/** The paper's Table 2 layout from per-fold results (columns: model names or variant labels). */
export function crossValidationTable(folds: FoldResult[], columns: string[]): ResultTable {
  const col = (f: (m: ModelFoldResult) => number) =>
    columns.map((_, mi) => folds.map((fr) => f(fr.models[mi])));
  const uarOf = (m: MetricSummary | null) => (m ? m.uar : NaN);
  const rows = [
    tableRow('Metric 1, real set-1', 'uar', col((m) => uarOf(m.metric1Set1))),
    tableRow('Metric 2, real set-1', 'uar', col((m) => uarOf(m.metric2Set1))),
    tableRow('Metric 1, real set-2', 'uar', col((m) => uarOf(m.metric1Set2))),
    tableRow('Metric 2, real set-2', 'uar', col((m) => uarOf(m.metric2Set2))),
    tableRow('FID', 'fid', col((m) => m.fid)),
  ];
  if (folds.some((f) => f.models.some((m) => m.detector))) rows.push(tableRow('Detector AUC (0.5 = indistinguishable)', 'fid', col((m) => m.detector?.auc ?? NaN)));
  if (folds.some((f) => f.models.some((m) => m.knn))) {
    rows.push(tableRow('k-NN precision', 'fid', col((m) => m.knn?.precision ?? NaN)));
    rows.push(tableRow('k-NN recall', 'fid', col((m) => m.knn?.recall ?? NaN)));
  }
  rows.push(tableRow('Intra-class spread (synthetic / real)', 'fid', col((m) => m.spread?.spreadRatio ?? NaN)));
  rows.push(tableRow('Inter-class separation', 'fid', col((m) => m.spread?.separation ?? NaN)));
  const meanOf = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const k = folds[0]?.baseline.chance ?? NaN;
  const notes = [
    `real -> real baseline (SVM fitted on set-1, scored on set-2): ${(100 * meanOf(folds.map((f) => f.baseline.uar))).toFixed(2)} % UAR; chance ${(100 * k).toFixed(2)} %`,
    `FID real vs real: two halves of set-1 ${meanOf(folds.map((f) => f.fidRealVsReal)).toFixed(2)}, set-2 vs set-1 ${meanOf(folds.map((f) => f.fidSet2)).toFixed(2)}`,
    `${folds.length} fold(s); mean ± std over folds`,
    `inter-class separation of real set-1: ${meanOf(folds.map((f) => f.models.find((m) => m.spread)?.spread?.separationReal ?? NaN)).toFixed(2)}. ${SPREAD_SEPARATION_NOTE}`,
  ];
  const diverged = folds.flatMap((f) => f.models.filter((m) => m.diverged).map((m) => `${m.label} fold ${f.fold + 1}`));
  if (diverged.length) notes.push(`diverged (left out of the means): ${diverged.join(', ')}`);
  return { title: 'Cross-validation (leave-one-group-out)', columns: columns.slice(), rows, notes };
}
