/** M3: 256-D code, code generator CG(z ~ N(0, I_20), c), D1 in code space, D2 in data space and the infoGAN AUX head on D2's trunk (with the one-hot slot zeroed on the AUX path). */
import { GanModel, type GanModelOptions } from './ganModel';

export function createM3(opts: Omit<GanModelOptions, 'kind'>): GanModel {
  return new GanModel({ ...opts, kind: 'm3' });
}
