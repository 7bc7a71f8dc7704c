/**
 * Layer widths of the paper's models (Table 1, digested in SPEC "Models"), for any feature
 * width d >= 2 and class count K >= 2. `widthScale` multiplies hidden widths only
 * (rounded, at least 2): never d, K, M1/M2's 2-D code or M3's 20-D noise. M3's 256-D code
 * is a hidden width of its autoencoder and is scaled too (256 at widthScale 1).
 */

/** M1-M3 are the paper's; M4 is the model its Section 6 proposes (M2 + the infoGAN AUX head). */
export type ModelKind = 'm1' | 'm2' | 'm3' | 'm4';

export const MODEL_KINDS: readonly ModelKind[] = ['m1', 'm2', 'm3', 'm4'];

export interface ModelSizes {
  kind: ModelKind;
  d: number;
  K: number;
  widthScale: number;
  /** Code (bottleneck) width. */
  codeDim: number;
  /** Encoder widths, input first: [d, ..., codeDim]. */
  encoder: number[];
  /** Decoder widths: [codeDim, ..., d]. */
  decoder: number[];
  /** D1 widths: [codeDim + K, ..., 1]. */
  d1: number[];
  /** D2 widths: [d + K, ..., 1], or null (M1). */
  d2: number[] | null;
  /** Code generator widths [noiseDim + K, hidden, codeDim], or null (M1/M2). */
  codeGenerator: number[] | null;
  /** Noise width of the code generator (M3: 20). */
  noiseDim: number;
  /** AUX head widths on D2's trunk: [trunk output, hidden, K], or null. */
  aux: number[] | null;
}

/** The paper's values at widthScale 1. */
export const PAPER_WIDTHS = {
  m12: { encoderHidden: [1000, 500, 100], code: 2 },
  m3: { encoderHidden: [1000, 700, 300], code: 256 },
  disc: [1000, 500, 100],
  cgHidden: 140,
  noise: 20,
  auxHidden: 128,
} as const;

export function scaleWidth(w: number, widthScale: number): number {
  return Math.max(2, Math.round(w * widthScale));
}

export interface SizeOptions {
  /** Add the AUX head to a model that does not have one in the paper (for M4 = M2 + AUX). */
  withAux?: boolean;
}

export function modelSizes(kind: ModelKind, d: number, K: number, widthScale = 1, opts: SizeOptions = {}): ModelSizes {
  if (!(Number.isInteger(d) && d >= 2)) throw new Error(`d must be an integer >= 2, got ${d}`);
  if (!(Number.isInteger(K) && K >= 2)) throw new Error(`K must be an integer >= 2, got ${K}`);
  if (!(widthScale > 0 && Number.isFinite(widthScale))) throw new Error(`widthScale must be > 0, got ${widthScale}`);
  const s = (w: number) => scaleWidth(w, widthScale);
  const isM3 = kind === 'm3';
  const encHidden = (isM3 ? PAPER_WIDTHS.m3.encoderHidden : PAPER_WIDTHS.m12.encoderHidden).map(s);
  const codeDim = isM3 ? s(PAPER_WIDTHS.m3.code) : PAPER_WIDTHS.m12.code;
  const disc = PAPER_WIDTHS.disc.map(s);
  const encoder = [d, ...encHidden, codeDim];
  const decoder = [codeDim, ...encHidden.slice().reverse(), d];
  const d1 = [codeDim + K, ...disc, 1];
  const d2 = kind === 'm1' ? null : [d + K, ...disc, 1];
  const noiseDim = isM3 ? PAPER_WIDTHS.noise : 0;
  const codeGenerator = isM3 ? [noiseDim + K, s(PAPER_WIDTHS.cgHidden), codeDim] : null;
  const aux = isM3 || kind === 'm4' || (opts.withAux && d2) ? [disc[disc.length - 1], s(PAPER_WIDTHS.auxHidden), K] : null;
  return { kind, d, K, widthScale, codeDim, encoder, decoder, d1, d2, codeGenerator, noiseDim, aux };
}

/** Weights + biases of a dense stack with the given widths. */
export function denseParamCount(widths: readonly number[]): number {
  let n = 0;
  for (let i = 0; i + 1 < widths.length; i++) n += widths[i] * widths[i + 1] + widths[i + 1];
  return n;
}

export interface ParamCounts {
  encoder: number;
  decoder: number;
  d1: number;
  d2: number;
  codeGenerator: number;
  aux: number;
  total: number;
}

/** Parameter counts per part (AUX counts its own head only: the trunk belongs to D2). */
export function paramCounts(sz: ModelSizes): ParamCounts {
  const encoder = denseParamCount(sz.encoder);
  const decoder = denseParamCount(sz.decoder);
  const d1 = denseParamCount(sz.d1);
  const d2 = sz.d2 ? denseParamCount(sz.d2) : 0;
  const codeGenerator = sz.codeGenerator ? denseParamCount(sz.codeGenerator) : 0;
  const aux = sz.aux ? denseParamCount(sz.aux) : 0;
  return { encoder, decoder, d1, d2, codeGenerator, aux, total: encoder + decoder + d1 + d2 + codeGenerator + aux };
}
