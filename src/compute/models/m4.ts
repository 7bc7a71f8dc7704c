/**
 * M4, the model the paper's Section 6 proposes but did not run: M2 (mixture-of-Gaussians prior,
 * 2-D code, D1 + D2, steps 1-5) plus M3's infoGAN AUX head (100-128-K on D2's trunk, one-hot
 * slot zeroed on the AUX path) predicting the mixture component k of each generated row. Step 5
 * adds λ·CE(AUX(dec(z)), k) to the decoder's loss through the same code path as M3
 * (trainStep.generatorLosses / step5); λ = 0 trains exactly M2's decoder (the AUX head still
 * learns, but nothing flows back). AUX is built after D2, so M4's other weights start equal to
 * M2's for the same seed.
 */
import { GanModel, type GanModelOptions } from './ganModel';

export function createM4(opts: Omit<GanModelOptions, 'kind'>): GanModel {
  return new GanModel({ ...opts, kind: 'm4' });
}
