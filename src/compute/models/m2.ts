/** M2: M1 plus the class-conditioned data-space discriminator D2 (steps 1-5). */
import { GanModel, type GanModelOptions } from './ganModel';

export function createM2(opts: Omit<GanModelOptions, 'kind'>): GanModel {
  return new GanModel({ ...opts, kind: 'm2' });
}
