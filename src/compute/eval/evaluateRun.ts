/**
 * The paper's metrics for one trained GAN (the run on screen), on its own splits: Metric 1 and 2
 * on set-1 (the rows it trained on) and set-2 (its held-out rows), the real -> real baseline,
 * FID against set-1 with real-vs-real FID for scale, and the detector / k-NN extras. Everything
 * is compared in the normalised space of the training split (SPEC "Data"). The same building
 * blocks as one fold of the cross-validation (studies/crossValidation.ts).
 */
import type { Dataset } from '../data/dataset';
import { applyStandardisation, standardiseDataset, type Standardisation } from '../data/standardise';
import { ganMetrics, type LabelledRows } from './metrics';
import { trainFidNet } from './fidNet';
import { fid, fidRealVsReal } from './frechet';
import type { DetectorResult } from './detector';
import type { KnnResult } from './knnMetrics';
import { summariseMetric, syntheticExtras, type MetricSummary } from '../studies/crossValidation';
import { checkCancelled, type StudyControl } from '../studies/common';
import { spreadAndSeparation, type SpreadSeparation } from './spread';

export interface RunEvaluation {
  nSynthetic: number;
  set1Rows: number;
  set2Rows: number;
  metric1Set1: MetricSummary;
  metric1Set2: MetricSummary | null;
  metric2Set1: MetricSummary;
  metric2Set2: MetricSummary | null;
  /** SVM fitted on real set-1, scored on real set-2: what the numbers above compare with. */
  baseline: MetricSummary | null;
  fid: number;
  /** FID between two halves of real set-1: the scale of "as real as real". */
  fidRealVsReal: number;
  /** FID of the held-out real rows against set-1. */
  fidSet2: number | null;
  detector: DetectorResult | null;
  knn: KnnResult | null;
  /** Intra-class spread (synthetic / real set-1) and inter-class separation (eval/spread.ts). */
  spread: SpreadSeparation;
  ms: number;
}

export async function evaluateRun(
  split: { train: Dataset; val: Dataset | null },
  standardisation: Standardisation,
  generated: { features: Float32Array; labels: Int32Array },
  opts: StudyControl & { seed?: number } = {},
): Promise<RunEvaluation> {
  const t0 = performance.now();
  const seed = opts.seed ?? 0;
  const set1 = standardiseDataset(split.train, standardisation);
  const set2 = split.val ? standardiseDataset(split.val, standardisation) : undefined;
  const n = generated.labels.length;
  const synthetic: LabelledRows = {
    features: applyStandardisation(generated.features, standardisation),
    labels: generated.labels,
    n,
    d: set1.d,
    classNames: set1.classNames,
  };
  const report = (stage: string, fraction: number) => opts.onProgress?.({ stage, fold: 0, folds: 0, model: null, fraction });
  report('Metric 1 and 2: SVMs', 0);
  const m = await ganMetrics({ set1, set2, synthetic }, { seed, isCancelled: opts.isCancelled, onStage: (s) => report(`Metric 1 and 2: ${s}`, s === 'fit real set-1' ? 0.05 : s === 'fit real set-2' ? 0.2 : 0.35) });
  checkCancelled(opts);
  report('FID: training the d-64-64-64-64-K network on real set-1', 0.5);
  const net = await trainFidNet(set1, { seed, isCancelled: opts.isCancelled });
  checkCancelled(opts);
  report('FID and detector', 0.85);
  const synthEmb = net.extract(synthetic.features);
  const extras = syntheticExtras({}, set1.features, synthetic.features, set1.d, net.extract(set1.features), synthEmb, net.outputDim, seed);
  report('done', 1);
  return {
    nSynthetic: n,
    set1Rows: set1.n,
    set2Rows: set2?.n ?? 0,
    metric1Set1: summariseMetric(m.trtsSet1),
    metric1Set2: m.trtsSet2 ? summariseMetric(m.trtsSet2) : null,
    metric2Set1: summariseMetric(m.tstrSet1),
    metric2Set2: m.tstrSet2 ? summariseMetric(m.tstrSet2) : null,
    baseline: m.baseline ? summariseMetric(m.baseline) : null,
    fid: fid(set1, synthetic, net),
    fidRealVsReal: fidRealVsReal(set1, net, seed),
    fidSet2: set2 ? fid(set1, set2, net) : null,
    ...extras,
    spread: spreadAndSeparation(set1, synthetic, set1.classNames.length),
    ms: performance.now() - t0,
  };
}
