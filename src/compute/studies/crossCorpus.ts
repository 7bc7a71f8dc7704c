/**
 * The cross-corpus protocol (SPEC "Evaluation", the paper's Table 3): the GAN is trained on all
 * of corpus A; Metric 1 uses the SVM fitted on a class-balanced (seeded) subsample of corpus B
 * and scores the synthetic rows; Metric 2 fits the SVM on the synthetic rows and scores all of
 * B; FID uses the network trained on (all of) B. Beside them: the real -> real baseline (SVM fitted
 * on all of A, scored on all of B) and real-vs-real FIDs (two halves of B; A vs B).
 *
 * Normalisation (SPEC "Data"): by default each corpus is z-scored with its own statistics and
 * the synthetic rows live in A's normalised space (the GAN was trained in it); option 'a' z-scores
 * B with A's statistics instead.
 */
import { selectRows, type Dataset } from '../data/dataset';
import { tableError } from '../data/tableError';
import { applyStandardisation, fitStandardisation, standardiseDataset } from '../data/standardise';
import { fitClassifier, scoreClassifier, type LabelledRows } from '../eval/metrics';
import type { SvmTuneOptions } from '../eval/svm';
import { trainFidNet, type FidNetOptions } from '../eval/fidNet';
import { fid, fidRealVsReal } from '../eval/frechet';
import type { DetectorResult } from '../eval/detector';
import type { KnnResult } from '../eval/knnMetrics';
import type { EpochLosses } from '../train/trainer';
import type { TrainSettings } from '../train/settings';
import { summariseMetric, syntheticExtras, type ExtrasOptions, type MetricSummary } from './crossValidation';
import {
  asStudy,
  balancedRows,
  checkCancelled,
  settingsFor,
  tableRow,
  trainGan,
  type ModelKind,
  type ModelSettingsOptions,
  type ResultTable,
  type StudyControl,
} from './common';

export type CorpusNormalisation = 'own' | 'a';

function listSome(names: string[], max = 8): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/**
 * B with its columns in A's order and its labels in A's class order. Throws a TableError naming
 * the columns (or classes) that only one corpus has. Columns that are the same set in another
 * order are reordered silently.
 */
export function alignCorpora(a: Dataset, b: Dataset): Dataset {
  const inA = new Set(a.featureNames);
  const inB = new Set(b.featureNames);
  const onlyA = a.featureNames.filter((c) => !inB.has(c));
  const onlyB = b.featureNames.filter((c) => !inA.has(c));
  if (onlyA.length || onlyB.length || a.d !== b.d) {
    const parts = [];
    if (onlyA.length) parts.push(`only in ${a.name}: ${listSome(onlyA)}`);
    if (onlyB.length) parts.push(`only in ${b.name}: ${listSome(onlyB)}`);
    throw tableError(
      'unknown_column',
      `Corpus A (${a.name}, ${a.d} features) and corpus B (${b.name}, ${b.d} features) have different feature columns${parts.length ? ` (${parts.join('; ')})` : ''}.`,
      'Cross-corpus evaluation needs the same feature set in both corpora: extract both with the same openSMILE configuration, or exclude the extra columns.',
      { column: onlyA[0] ?? onlyB[0] },
    );
  }
  const aClasses = new Set(a.classNames);
  const bClasses = new Set(b.classNames);
  const cOnlyA = a.classNames.filter((c) => !bClasses.has(c));
  const cOnlyB = b.classNames.filter((c) => !aClasses.has(c));
  if (cOnlyA.length || cOnlyB.length) {
    const parts = [];
    if (cOnlyA.length) parts.push(`only in ${a.name}: ${cOnlyA.join(', ')}`);
    if (cOnlyB.length) parts.push(`only in ${b.name}: ${cOnlyB.join(', ')}`);
    throw tableError(
      'too_few_classes',
      `Corpus A (${a.name}) and corpus B (${b.name}) have different classes (${parts.join('; ')}).`,
      'Keep the same classes in both corpora (e.g. angry, happy, neutral, sad).',
    );
  }
  const sameOrder = a.featureNames.every((c, j) => b.featureNames[j] === c) && a.classNames.every((c, k) => b.classNames[k] === c);
  if (sameOrder) return b;
  const colOf = a.featureNames.map((c) => b.featureNames.indexOf(c));
  const features = new Float32Array(b.n * a.d);
  for (let i = 0; i < b.n; i++) for (let j = 0; j < a.d; j++) features[i * a.d + j] = b.features[i * b.d + colOf[j]];
  const classOf = b.classNames.map((c) => a.classNames.indexOf(c));
  const labels = Int32Array.from(b.labels, (l) => classOf[l]);
  return { ...b, features, featureNames: a.featureNames.slice(), labels, classNames: a.classNames.slice() };
}

export interface CrossCorpusOptions extends ModelSettingsOptions, StudyControl, ExtrasOptions {
  models: ModelKind[];
  /** Paper: 6000. */
  nSynthetic?: number;
  /** 'own' (default): each corpus z-scored with its own statistics; 'a': B with A's. */
  normalisation?: CorpusNormalisation;
  seed?: number;
  svm?: SvmTuneOptions;
  fidNet?: FidNetOptions;
}

export interface CrossCorpusModelResult {
  model: ModelKind;
  settings: TrainSettings;
  history: EpochLosses[];
  diverged: string | null;
  /** SVM fitted on class-balanced B, scored on the synthetic rows. */
  metric1: MetricSummary | null;
  /** SVM fitted on the synthetic rows, scored on all of B. */
  metric2: MetricSummary | null;
  /** FID of the synthetic rows against B (network trained on B). */
  fid: number;
  detector: DetectorResult | null;
  knn: KnnResult | null;
  trainMs: number;
}

export interface CrossCorpusResult {
  protocol: 'cross-corpus';
  corpora: { a: { name: string; n: number }; b: { name: string; n: number; balancedRows: number }; d: number; classNames: string[] };
  normalisation: CorpusNormalisation;
  nSynthetic: number;
  /** SVM fitted on all of A, scored on all of B (real -> real, cross-corpus). */
  baseline: MetricSummary;
  /** FID between two halves of B, and of A against B, in B's network (scale). */
  fidRealVsReal: number;
  fidAvsB: number;
  models: CrossCorpusModelResult[];
  table: ResultTable;
  ms: number;
}

export function crossCorpus(a: Dataset, b: Dataset, opts: CrossCorpusOptions): Promise<CrossCorpusResult> {
  return asStudy(opts, () => runCrossCorpus(a, b, opts));
}

async function runCrossCorpus(a: Dataset, bIn: Dataset, opts: CrossCorpusOptions): Promise<CrossCorpusResult> {
  const t0 = performance.now();
  if (opts.models.length === 0) throw new Error('cross-corpus: choose at least one model');
  const b = alignCorpora(a, bIn);
  const seed = opts.seed ?? 0;
  const nSynthetic = opts.nSynthetic ?? 6000;
  const normalisation = opts.normalisation ?? 'own';
  const svmOpts: SvmTuneOptions = { seed, ...(opts.svm ?? {}), isCancelled: opts.isCancelled };
  const M = opts.models.length;
  const total = 1 + 2 * M;
  const report = (stage: string, model: ModelKind | null, units: number) =>
    opts.onProgress?.({ stage, fold: 0, folds: 0, model, fraction: Math.min(1, units / total) });

  const stA = fitStandardisation(a);
  const stB = normalisation === 'own' ? fitStandardisation(b) : stA;
  const aZ = standardiseDataset(a, stA);
  const bZ = standardiseDataset(b, stB);
  const balanced = selectRows(bZ, balancedRows(bZ, seed));

  report('fit SVM on real A (baseline)', null, 0);
  const cA = await fitClassifier(aZ, svmOpts);
  let baseline: MetricSummary;
  try {
    baseline = summariseMetric(scoreClassifier(cA, bZ));
  } finally {
    cA.dispose();
  }
  checkCancelled(opts);
  report('fit SVM on class-balanced B', null, 0.4);
  const cB = await fitClassifier(balanced, svmOpts);
  try {
    checkCancelled(opts);
    report('train FID network on B', null, 0.7);
    const net = await trainFidNet(bZ, { seed, ...(opts.fidNet ?? {}), isCancelled: opts.isCancelled });
    const fidRR = fidRealVsReal(bZ, net, seed);
    const fidAB = fid(bZ, aZ, net);
    const bEmb = net.extract(bZ.features);

    const models: CrossCorpusModelResult[] = [];
    for (let mi = 0; mi < M; mi++) {
      const model = opts.models[mi];
      const settings = settingsFor(model, opts);
      const u0 = 1 + 2 * mi;
      report(`train ${model.toUpperCase()} on A`, model, u0);
      const run = await trainGan(a, settings, opts, (f) => report(`train ${model.toUpperCase()} on A`, model, u0 + f));
      try {
        if (run.diverged) {
          models.push({ model, settings, history: run.history, diverged: run.diverged, metric1: null, metric2: null, fid: NaN, detector: null, knn: null, trainMs: run.ms });
          continue;
        }
        checkCancelled(opts);
        report(`generate and score (${model.toUpperCase()})`, model, u0 + 1);
        const gen = await run.trainer.generate(nSynthetic);
        // The synthetic rows in the normalised space of the corpus the GAN was trained with (A).
        const synthetic: LabelledRows = {
          features: applyStandardisation(gen.features, stA),
          labels: gen.labels,
          n: nSynthetic,
          d: a.d,
          classNames: a.classNames,
        };
        const metric1 = summariseMetric(scoreClassifier(cB, synthetic));
        const cs = await fitClassifier(synthetic, svmOpts);
        let metric2: MetricSummary;
        try {
          metric2 = summariseMetric(scoreClassifier(cs, bZ));
        } finally {
          cs.dispose();
        }
        const extras = syntheticExtras(opts, bZ.features, synthetic.features, a.d, bEmb, net.extract(synthetic.features), net.outputDim, seed);
        models.push({ model, settings, history: run.history, diverged: null, metric1, metric2, fid: fid(bZ, synthetic, net), ...extras, trainMs: run.ms });
      } finally {
        run.trainer.dispose();
      }
    }
    report('done', null, total);
    const col = (f: (m: CrossCorpusModelResult) => number) => models.map((m) => [f(m)]);
    const rows = [
      tableRow('Metric 1 (SVM on balanced B)', 'uar', col((m) => m.metric1?.uar ?? NaN)),
      tableRow('Metric 2 (tested on all of B)', 'uar', col((m) => m.metric2?.uar ?? NaN)),
      tableRow('FID (network trained on B)', 'fid', col((m) => m.fid)),
    ];
    if (models.some((m) => m.detector)) rows.push(tableRow('Detector AUC vs B', 'fid', col((m) => m.detector?.auc ?? NaN)));
    const table: ResultTable = {
      title: `Cross-corpus (A = ${a.name}, B = ${b.name})`,
      columns: opts.models.map((m) => m.toUpperCase()),
      rows,
      notes: [
        `real -> real baseline (SVM fitted on A, scored on B): ${(100 * baseline.uar).toFixed(2)} % UAR; chance ${(100 * baseline.chance).toFixed(2)} %`,
        `FID real vs real: two halves of B ${fidRR.toFixed(2)}, A vs B ${fidAB.toFixed(2)}`,
        normalisation === 'own' ? 'each corpus z-scored with its own statistics' : "B z-scored with A's statistics",
      ],
    };
    return {
      protocol: 'cross-corpus',
      corpora: { a: { name: a.name, n: a.n }, b: { name: b.name, n: b.n, balancedRows: balanced.n }, d: a.d, classNames: a.classNames.slice() },
      normalisation,
      nSynthetic,
      baseline,
      fidRealVsReal: fidRR,
      fidAvsB: fidAB,
      models,
      table,
      ms: performance.now() - t0,
    };
  } finally {
    cB.dispose();
  }
}
