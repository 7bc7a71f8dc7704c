/**
 * The λ study the paper proposes (Section 6; issue 11): for each model with an AUX head (M3, M4)
 * and each weight λ of the mutual-information term, train the GAN on the chosen folds and score
 * it as the cross-validation does (Metric 1/2, FID) plus intra-class spread and inter-class
 * separation (eval/spread.ts). The paper's claim to test: raising λ buys separability at the
 * cost of spread (realism); M4 at λ = 0 is M2.
 *
 * All (model, λ) columns share the folds, the metric SVMs and the FID network of each fold
 * (one crossValidation run with a variant per column), so differences come from λ alone.
 */
import type { Dataset } from '../data/dataset';
import { crossValidation, type CrossValidationOptions, type CrossValidationResult, type ModelFoldResult } from './crossValidation';
import { meanStd, type ModelKind, type ResultTable } from './common';

/** The sweep the issue asks for by default. */
export const DEFAULT_LAMBDAS: readonly number[] = [0, 0.25, 1, 4];

/** Models the study applies to: those with an AUX head. */
export const LAMBDA_MODELS: readonly ModelKind[] = ['m3', 'm4'];

export interface LambdaStudyOptions extends Omit<CrossValidationOptions, 'models' | 'variants'> {
  /** M3 and/or M4. */
  models: ModelKind[];
  /** λ values (default 0, 0.25, 1, 4). */
  lambdas?: number[];
}

/** One measure against λ: one line per model, mean ± std over folds at each λ. */
export interface LambdaMeasure {
  label: string;
  kind: 'uar' | 'fid';
  lines: Array<{ model: ModelKind; mean: number[]; std: number[] }>;
}

export interface LambdaStudyResult {
  protocol: 'lambda-study';
  models: ModelKind[];
  lambdas: number[];
  measures: LambdaMeasure[];
  /** Rows: measures; columns: "M4 λ=0", ... (the cross-validation layout). */
  table: ResultTable;
  cv: CrossValidationResult;
  ms: number;
}

export const lambdaLabel = (model: ModelKind, lambda: number) => `${model.toUpperCase()} λ=${lambda}`;

/** What each line of the λ plot shows, from one (model, λ) fold result. */
const MEASURES: Array<{ label: string; kind: 'uar' | 'fid'; of: (m: ModelFoldResult) => number }> = [
  { label: 'Metric 1, real set-1', kind: 'uar', of: (m) => m.metric1Set1?.uar ?? NaN },
  { label: 'Metric 2, real set-1', kind: 'uar', of: (m) => m.metric2Set1?.uar ?? NaN },
  { label: 'Metric 1, real set-2', kind: 'uar', of: (m) => m.metric1Set2?.uar ?? NaN },
  { label: 'Metric 2, real set-2', kind: 'uar', of: (m) => m.metric2Set2?.uar ?? NaN },
  { label: 'FID', kind: 'fid', of: (m) => m.fid },
  { label: 'Intra-class spread (synthetic / real)', kind: 'fid', of: (m) => m.spread?.spreadRatio ?? NaN },
  { label: 'Inter-class separation', kind: 'fid', of: (m) => m.spread?.separation ?? NaN },
];

export function checkLambdaRequest(models: ModelKind[], lambdas: number[]): void {
  if (models.length === 0) throw new Error('λ study: choose M3 and/or M4 (the models with the mutual-information term)');
  const bad = models.filter((m) => !LAMBDA_MODELS.includes(m));
  if (bad.length) throw new Error(`λ study: ${bad.map((m) => m.toUpperCase()).join(', ')} has no λ (no AUX head); use M3 or M4`);
  if (lambdas.length === 0) throw new Error('λ study: give at least one λ');
  const neg = lambdas.filter((l) => !(Number.isFinite(l) && l >= 0));
  if (neg.length) throw new Error(`λ study: λ must be a number >= 0, got ${neg.join(', ')}`);
}

export async function lambdaStudy(ds: Dataset, opts: LambdaStudyOptions): Promise<LambdaStudyResult> {
  const t0 = performance.now();
  const lambdas = (opts.lambdas ?? DEFAULT_LAMBDAS).slice();
  checkLambdaRequest(opts.models, lambdas);
  const variants = opts.models.flatMap((model) => lambdas.map((lambda) => ({ label: lambdaLabel(model, lambda), model, overrides: { lambda } })));
  const cv = await crossValidation(ds, { ...opts, models: opts.models, variants });
  const measures: LambdaMeasure[] = MEASURES.map((m) => ({
    label: m.label,
    kind: m.kind,
    lines: opts.models.map((model, mi) => {
      const stats = lambdas.map((_, li) => meanStd(cv.folds.map((f) => m.of(f.models[mi * lambdas.length + li]))));
      return { model, mean: stats.map((s) => s.mean), std: stats.map((s) => s.std) };
    }),
  }));
  const table: ResultTable = { ...cv.table, title: `λ study (${cv.folds.length} fold(s) of the cross-validation)` };
  return { protocol: 'lambda-study', models: opts.models.slice(), lambdas, measures, table, cv, ms: performance.now() - t0 };
}
