/**
 * The paper's classifier-based metrics, all scored as UAR with chance 1/K:
 *   Metric 1 (TRTS): SVM fitted on real rows, UAR on synthetic rows;
 *   Metric 2 (TSTR): SVM fitted on synthetic rows, UAR on real rows;
 *   baseline:        SVM fitted on real set-1, UAR on real set-2 (what a number means).
 * The SVM's C and kernel are tuned by cross-validation on the fitting side only (svm.ts).
 */
import type { Dataset } from '../data/dataset';
import { fitTunedSvm, type SvmModel, type SvmParams, type SvmTuneOptions, type SvmTuning } from './svm';
import { uar } from './uar';

/** The parts of a Dataset the metrics read. Class indices must refer to the same class list. */
export type LabelledRows = Pick<Dataset, 'features' | 'labels' | 'n' | 'd' | 'classNames'>;

export interface MetricResult {
  /** Unweighted average recall on the scored side (0..1). */
  uar: number;
  /** 1/K. */
  chance: number;
  /** Rows = true class, columns = predicted class (K x K). */
  confusion: number[][];
  recall: number[];
  accuracy: number;
  /** The tuned hyper-parameters of the SVM that produced the predictions. */
  params: SvmParams;
  /** Its cross-validated UAR on the fitting side (NaN if there was nothing to tune). */
  cvUar: number;
  tuning: SvmTuning;
  fitRows: number;
  scoredRows: number;
  supportVectors: number;
}

/** A tuned SVM fitted on one side, to be scored on one or more others; dispose() when done. */
export interface FittedClassifier {
  model: SvmModel;
  tuning: SvmTuning;
  k: number;
  d: number;
  fitRows: number;
  dispose(): void;
}

function classesOf(a: LabelledRows, b?: LabelledRows): number {
  const k = a.classNames.length;
  if (k < 2) throw new Error(`metrics: need at least 2 classes, got ${k}`);
  if (b) {
    if (b.d !== a.d) throw new Error(`metrics: feature widths differ (${a.d} vs ${b.d})`);
    if (b.classNames.length !== k || b.classNames.some((c, i) => c !== a.classNames[i])) {
      throw new Error(`metrics: class lists differ (${a.classNames.join(',')} vs ${b.classNames.join(',')})`);
    }
  }
  return k;
}

/** Tunes (CV on these rows only) and fits the metric SVM. */
export async function fitClassifier(train: LabelledRows, opts: SvmTuneOptions = {}): Promise<FittedClassifier> {
  const k = classesOf(train);
  if (train.n === 0) throw new Error('metrics: no rows to fit on');
  const { model, tuning } = await fitTunedSvm(train.features, train.labels, train.d, { ...opts, k });
  return { model, tuning, k, d: train.d, fitRows: train.n, dispose: () => model.dispose() };
}

/** UAR (and the rest) of a fitted classifier on labelled rows. */
export function scoreClassifier(clf: FittedClassifier, test: LabelledRows): MetricResult {
  if (test.d !== clf.d) throw new Error(`metrics: feature widths differ (${clf.d} vs ${test.d})`);
  if (test.classNames.length !== clf.k) throw new Error('metrics: class counts differ');
  if (test.n === 0) throw new Error('metrics: no rows to score');
  const r = uar(test.labels, clf.model.predict(test.features), clf.k);
  return {
    uar: r.uar,
    chance: r.chance,
    confusion: r.confusion,
    recall: r.recall,
    accuracy: r.accuracy,
    params: clf.tuning.best,
    cvUar: clf.tuning.bestCvUar,
    tuning: clf.tuning,
    fitRows: clf.fitRows,
    scoredRows: test.n,
    supportVectors: clf.model.supportVectors,
  };
}

async function fitAndScore(train: LabelledRows, test: LabelledRows, opts: SvmTuneOptions): Promise<MetricResult> {
  classesOf(train, test);
  const clf = await fitClassifier(train, opts);
  try {
    return scoreClassifier(clf, test);
  } finally {
    clf.dispose();
  }
}

/** Metric 1 (train on real, test on synthetic). */
export function trts(real: LabelledRows, synthetic: LabelledRows, opts: SvmTuneOptions = {}): Promise<MetricResult> {
  return fitAndScore(real, synthetic, opts);
}

/** Metric 2 (train on synthetic, test on real). */
export function tstr(synthetic: LabelledRows, real: LabelledRows, opts: SvmTuneOptions = {}): Promise<MetricResult> {
  return fitAndScore(synthetic, real, opts);
}

/** Real -> real baseline: fitted on set-1, scored on set-2. */
export function baseline(set1: LabelledRows, set2: LabelledRows, opts: SvmTuneOptions = {}): Promise<MetricResult> {
  return fitAndScore(set1, set2, opts);
}

export interface GanMetrics {
  /** Metric 1 with the SVM fitted on real set-1 / set-2, scored on the synthetic rows. */
  trtsSet1: MetricResult;
  trtsSet2?: MetricResult;
  /** Metric 2: the SVM fitted on the synthetic rows, scored on set-1 / set-2. */
  tstrSet1: MetricResult;
  tstrSet2?: MetricResult;
  /** SVM fitted on set-1, scored on set-2 (the same fit as trtsSet1). */
  baseline?: MetricResult;
}

export type MetricsStage = 'fit real set-1' | 'fit real set-2' | 'fit synthetic' | 'done';

/**
 * All classifier metrics of one GAN run with three SVM fits (on set-1, set-2, synthetic) instead
 * of five: Metric 1 and 2 on set-1 and (when given) set-2, and the real -> real baseline.
 */
export async function ganMetrics(
  rows: { set1: LabelledRows; set2?: LabelledRows; synthetic: LabelledRows },
  opts: SvmTuneOptions & { onStage?: (stage: MetricsStage) => void } = {},
): Promise<GanMetrics> {
  const { set1, set2, synthetic } = rows;
  classesOf(set1, synthetic);
  if (set2) classesOf(set1, set2);
  const { onStage, ...svmOpts } = opts;

  onStage?.('fit real set-1');
  const c1 = await fitClassifier(set1, svmOpts);
  let trtsSet1: MetricResult;
  let base: MetricResult | undefined;
  try {
    trtsSet1 = scoreClassifier(c1, synthetic);
    if (set2) base = scoreClassifier(c1, set2);
  } finally {
    c1.dispose();
  }

  let trtsSet2: MetricResult | undefined;
  if (set2) {
    onStage?.('fit real set-2');
    const c2 = await fitClassifier(set2, svmOpts);
    try {
      trtsSet2 = scoreClassifier(c2, synthetic);
    } finally {
      c2.dispose();
    }
  }

  onStage?.('fit synthetic');
  const cs = await fitClassifier(synthetic, svmOpts);
  let tstrSet1: MetricResult;
  let tstrSet2: MetricResult | undefined;
  try {
    tstrSet1 = scoreClassifier(cs, set1);
    if (set2) tstrSet2 = scoreClassifier(cs, set2);
  } finally {
    cs.dispose();
  }
  onStage?.('done');
  return { trtsSet1, trtsSet2, tstrSet1, tstrSet2, baseline: base };
}
