/** M1: adversarial autoencoder with a 2-D mixture-of-K-Gaussians prior and a class-conditioned code discriminator D1 (steps 1-3). */
import { GanModel, type GanModelOptions } from './ganModel';

export function createM1(opts: Omit<GanModelOptions, 'kind'>): GanModel {
  return new GanModel({ ...opts, kind: 'm1' });
}
