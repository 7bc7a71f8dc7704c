/**
 * Training settings: one plain, serialisable object (it can be stored, diffed and put in a
 * URL). Defaults are the paper's values where the paper gives one (SPEC), and our choices,
 * marked as such, where it does not or where SPEC departs from it on measurement.
 */
import { MODEL_KINDS, type ModelKind } from '../models/sizes';

export type { ModelKind } from '../models/sizes';

/** One step's optimizer: SGD with learning rate lr and momentum (0 = plain SGD). */
export interface StepOptimizerSettings {
  lr: number;
  momentum: number;
}

export type StepKey = 'step1' | 'step2' | 'step3' | 'step4' | 'step5';
export const STEP_KEYS: readonly StepKey[] = ['step1', 'step2', 'step3', 'step4', 'step5'];

export interface TrainSettings {
  model: ModelKind;
  /** Drives weight init, batch order, prior and noise samples, and the validation split. */
  seed: number;
  epochs: number;
  batchSize: number;
  /** Multiplies hidden widths (1 = the paper). */
  widthScale: number;
  /** Step 1: autoencoder (encoder + decoder), reconstruction. */
  step1: StepOptimizerSettings;
  /** Step 2: D1. */
  step2: StepOptimizerSettings;
  /** Step 3: encoder, fooling D1. */
  step3: StepOptimizerSettings;
  /** Step 4 (M2, M3): D2. */
  step4: StepOptimizerSettings;
  /** Step 5 (M2-M4): decoder (M3: CG + decoder; M3/M4: + AUX head), fooling D2 (+ λ·infoGAN CE). */
  step5: StepOptimizerSettings;
  /** M1/M2 prior: radius r of the component means. */
  priorRadius: number;
  /** M1/M2 prior: isotropic std of each component. */
  priorStd: number;
  /** Weight λ of the infoGAN (AUX cross-entropy) term in step 5 (M3, M4; M4 with λ = 0 is M2). */
  lambda: number;
  /** Step 1's loss: 'sum' = ||x - x'||² summed over features, batch mean; 'mean' = per element. */
  reconLoss: 'sum' | 'mean';
  /** Global-norm clip of step 1's gradient; null = off. */
  clipNorm: number | null;
  /** Generator updates per D2 update. */
  d2Ratio: number;
  /** 'epoch': D2 (step 4) runs in every d2Ratio-th epoch; 'batch': in every d2Ratio-th batch. */
  d2RatioMode: 'epoch' | 'batch';
  /** Share of the data held out for validation (whole groups when a group column is set). */
  validationFraction: number;
}

/** Where a setting's default comes from. */
export type SettingSource =
  /** The paper states this value. */
  | 'paper'
  /** The paper is silent; this is our choice. */
  | 'ours'
  /** The paper gives a value, but SPEC departs from it on measurement; paperValue holds the paper's. */
  | 'departure';

export interface PaperValue<T> {
  /** Our default. */
  value: T;
  /** The paper's value; undefined when the paper gives none. */
  paper: T | undefined;
  source: SettingSource;
  note: string;
}

const M12_STEPS: Record<StepKey, StepOptimizerSettings> = {
  step1: { lr: 0.001, momentum: 0.9 },
  step2: { lr: 0.1, momentum: 0 },
  step3: { lr: 0.1, momentum: 0 },
  step4: { lr: 0.0001, momentum: 0 },
  step5: { lr: 0.001, momentum: 0 },
};

const M3_STEPS: Record<StepKey, StepOptimizerSettings> = {
  step1: { lr: 0.001, momentum: 0 },
  step2: { lr: 0.01, momentum: 0 },
  step3: { lr: 0.01, momentum: 0 },
  step4: { lr: 0.0001, momentum: 0 },
  step5: { lr: 0.001, momentum: 0 },
};

/**
 * Default epochs: ours (paper silent), chosen so the EmoDB demo (339 rows, d = 382) trains in
 * about a minute at width scale 1 on the WASM fallback in headless Chromium here: measured
 * 1.7 / 3.0 / 4.1 s per epoch for M1 / M2 / M3.
 */
export const DEFAULT_EPOCHS: Readonly<Record<ModelKind, number>> = { m1: 30, m2: 20, m3: 15, m4: 20 };

/** The defaults for a model (learning rates differ between M1/M2 and M3). */
export function defaultsFor(model: ModelKind): TrainSettings {
  const steps = model === 'm3' ? M3_STEPS : M12_STEPS;
  return {
    model,
    seed: 1,
    epochs: DEFAULT_EPOCHS[model],
    batchSize: 64,
    widthScale: 1,
    step1: { ...steps.step1 },
    step2: { ...steps.step2 },
    step3: { ...steps.step3 },
    step4: { ...steps.step4 },
    step5: { ...steps.step5 },
    priorRadius: 4,
    priorStd: 1,
    lambda: 1,
    reconLoss: 'sum',
    clipNorm: 100,
    d2Ratio: 2,
    d2RatioMode: 'epoch',
    validationFraction: 0.2,
  };
}

/** Our defaults per model. */
export const PAPER_DEFAULTS: Readonly<Record<ModelKind, Readonly<TrainSettings>>> = {
  m1: defaultsFor('m1'),
  m2: defaultsFor('m2'),
  m3: defaultsFor('m3'),
  m4: defaultsFor('m4'),
};

/** The default, the paper's value and where each comes from, for the UI to show side by side. */
export function paperValue<K extends keyof TrainSettings>(model: ModelKind, key: K): PaperValue<TrainSettings[K]> {
  const def = defaultsFor(model)[key];
  const paper = (source: SettingSource, note: string, ...p: [TrainSettings[K] | undefined] | []): PaperValue<TrainSettings[K]> => ({
    value: def,
    paper: p.length ? p[0] : def,
    source,
    note,
  });
  const ours = (note: string) => paper('ours', note, undefined);
  switch (key) {
    case 'model':
      return model === 'm4'
        ? ours('M4 is the model the paper proposes in Section 6 but did not run; it takes M2\'s settings')
        : paper('paper', 'M1, M2, M3 of the paper');
    case 'seed':
      return ours('not in the paper; drives init, batch order, prior/noise samples and the split');
    case 'epochs':
      return ours('not in the paper ("until the errors converge"); chosen for a ~1 minute demo');
    case 'batchSize':
      return ours('not in the paper');
    case 'widthScale':
      return paper('paper', '1 = the paper\'s layer widths (Table 1); smaller only for a faster demo');
    case 'step1':
      return paper('paper', model === 'm3' ? 'lr 0.001, no momentum (M3)' : 'lr 0.001, momentum 0.9 (M1/M2; M4 takes M2\'s)');
    case 'step2':
      return paper('paper', model === 'm3' ? 'lr 0.01 (M3)' : 'lr 0.1 (M1/M2)');
    case 'step3':
      return paper('paper', model === 'm3' ? 'lr 0.01 (M3)' : 'lr 0.1 (M1/M2)');
    case 'step4':
      return paper('paper', 'lr 0.0001');
    case 'step5':
      return paper('paper', 'lr 0.001');
    case 'priorRadius':
      return ours('paper: "orthogonal", maximally separated means; radius not given');
    case 'priorStd':
      return ours('paper silent on the spread of each component');
    case 'lambda':
      return model === 'm4'
        ? paper('paper', 'M3\'s weight, equation (9); section 6 proposes varying it for M4 (0 = M2)')
        : paper('paper', 'equation (9) weighs the MI term 1; section 6 suggests trying other weights');
    case 'reconLoss':
      return paper(
        'departure',
        'paper: "mean squared error" written as ||x - x\'||²; the per-element mean does not learn (SPEC), so the summed form is the default',
        'mean' as TrainSettings[K],
      );
    case 'clipNorm':
      return paper(
        'departure',
        'ours: step 1 clipped to global norm 100, without it M1/M2 diverge at d = 1582 (SPEC); the paper has no clip',
        null as TrainSettings[K],
      );
    case 'd2Ratio':
      return paper('paper', '"the generators were trained for two epochs for every single epoch of training D2"');
    case 'd2RatioMode':
      return paper('paper', 'per epoch, read literally; per batch is our alternative');
    case 'validationFraction':
      return ours('paper: held-out sessions; the fraction is ours');
    default:
      return ours('');
  }
}

/** Check a settings object; returns human-readable problems (empty when fine). */
export function validateSettings(s: TrainSettings): string[] {
  const errs: string[] = [];
  if (!MODEL_KINDS.includes(s.model)) errs.push(`unknown model ${String(s.model)} (use m1, m2, m3 or m4)`);
  if (!Number.isInteger(s.epochs) || s.epochs < 1) errs.push('epochs must be an integer >= 1');
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1) errs.push('batchSize must be an integer >= 1');
  if (!(s.widthScale > 0)) errs.push('widthScale must be > 0');
  for (const k of STEP_KEYS) {
    const o = s[k];
    if (!(o.lr > 0 && Number.isFinite(o.lr))) errs.push(`${k} learning rate must be > 0`);
    if (!(o.momentum >= 0 && o.momentum < 1)) errs.push(`${k} momentum must be in [0, 1)`);
  }
  if (!(s.priorStd > 0)) errs.push('priorStd must be > 0');
  if (!(s.priorRadius >= 0)) errs.push('priorRadius must be >= 0');
  if (!(s.lambda >= 0)) errs.push('lambda must be >= 0');
  if (s.clipNorm !== null && !(s.clipNorm > 0)) errs.push('clipNorm must be > 0 or null');
  if (!Number.isInteger(s.d2Ratio) || s.d2Ratio < 1) errs.push('d2Ratio must be an integer >= 1');
  if (!(s.validationFraction >= 0 && s.validationFraction < 1)) errs.push('validationFraction must be in [0, 1)');
  return errs;
}
