/**
 * M1/M2's prior p_z (SPEC, our choice where the paper is silent): an equal-weight mixture of
 * K isotropic 2-D Gaussians, component k centred at r (cos 2πk/K, sin 2πk/K) with std s
 * (defaults r = 4, s = 1: for K = 4 the four orthogonal directions). Sampling returns the
 * component of each sample, which is the sample's class c_z.
 */
import type { Rng } from '../train/rng';

export interface MixturePriorOptions {
  K: number;
  radius?: number;
  std?: number;
}

export class MixturePrior {
  readonly K: number;
  readonly radius: number;
  readonly std: number;
  readonly dim = 2;

  constructor({ K, radius = 4, std = 1 }: MixturePriorOptions) {
    if (!(K >= 2)) throw new Error(`mixture prior needs K >= 2, got ${K}`);
    this.K = K;
    this.radius = radius;
    this.std = std;
  }

  /** Component means, K x 2 row-major. */
  means(): Float32Array {
    const m = new Float32Array(this.K * 2);
    for (let k = 0; k < this.K; k++) {
      const a = (2 * Math.PI * k) / this.K;
      m[2 * k] = this.radius * Math.cos(a);
      m[2 * k + 1] = this.radius * Math.sin(a);
    }
    return m;
  }

  /** Index of the component whose mean is nearest to (x, y). */
  nearestComponent(x: number, y: number): number {
    const m = this.means();
    let best = 0;
    let bestD = Infinity;
    for (let k = 0; k < this.K; k++) {
      const dx = x - m[2 * k];
      const dy = y - m[2 * k + 1];
      const dd = dx * dx + dy * dy;
      if (dd < bestD) {
        bestD = dd;
        best = k;
      }
    }
    return best;
  }

  /**
   * n samples (n x 2 row-major) and their components. Components are drawn uniformly unless
   * `labels` fixes them.
   */
  sample(n: number, rng: Rng, labels?: Int32Array): { z: Float32Array; labels: Int32Array } {
    const m = this.means();
    const lab = labels ? Int32Array.from(labels) : new Int32Array(n);
    const z = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const k = labels ? lab[i] : rng.int(this.K);
      lab[i] = k;
      z[2 * i] = m[2 * k] + this.std * rng.normal();
      z[2 * i + 1] = m[2 * k + 1] + this.std * rng.normal();
    }
    return { z, labels: lab };
  }
}
