/** Build the model a TrainSettings object asks for. */
import { GanModel } from './ganModel';
import { createM1 } from './m1';
import { createM2 } from './m2';
import { createM3 } from './m3';
import { createM4 } from './m4';
import type { ModelKind } from './sizes';

export interface ModelSpec {
  model: ModelKind;
  widthScale: number;
  priorRadius: number;
  priorStd: number;
}

export function createModel(spec: ModelSpec, d: number, K: number, seed: number): GanModel {
  const opts = { d, K, seed, widthScale: spec.widthScale, priorRadius: spec.priorRadius, priorStd: spec.priorStd };
  switch (spec.model) {
    case 'm1':
      return createM1(opts);
    case 'm2':
      return createM2(opts);
    case 'm3':
      return createM3(opts);
    case 'm4':
      return createM4(opts);
  }
}

export { GanModel } from './ganModel';
export type { StepId, LatentSample, GanModelOptions } from './ganModel';
export { MODEL_KINDS, modelSizes, paramCounts, type ModelKind, type ModelSizes } from './sizes';
