/**
 * The paper's Fig. 1 toy world: the source is N(0, I_2) (the generator's noise), the target a
 * mixture of K 2-D Gaussians with orthogonal means (K = 4: (r,0), (0,r), (-r,0), (0,-r)).
 * Plain Float32Arrays, seeded by our Rng; no tensors.
 */
import type { Rng } from '../train/rng';

export interface ToyTarget {
  /** Number of modes (default 4). */
  modes: number;
  /** Distance of each mode's mean from the origin (default 2). */
  radius: number;
  /** Isotropic std of each mode (default 0.2). */
  std: number;
}

export const DEFAULT_TOY_TARGET: ToyTarget = { modes: 4, radius: 2, std: 0.2 };

/** Mode means: radius * (cos 2 pi k / K, sin 2 pi k / K); for K = 4 the orthogonal axes. */
export function toyModeMeans(t: ToyTarget = DEFAULT_TOY_TARGET): Array<[number, number]> {
  return Array.from({ length: t.modes }, (_, k): [number, number] => {
    const a = (2 * Math.PI * k) / t.modes;
    // Round away float noise so K = 4 gives exact (±r, 0), (0, ±r).
    return [round12(t.radius * Math.cos(a)), round12(t.radius * Math.sin(a))];
  });
}

function round12(v: number): number {
  return Math.round(v * 1e12) / 1e12 + 0; // + 0 turns -0 into 0
}

/** n target points (n x 2) and their mode. */
export function sampleToyTarget(n: number, rng: Rng, t: ToyTarget = DEFAULT_TOY_TARGET): { points: Float32Array; modes: Int32Array } {
  const means = toyModeMeans(t);
  const points = new Float32Array(n * 2);
  const modes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = rng.int(t.modes);
    modes[i] = k;
    points[2 * i] = means[k][0] + t.std * rng.normal();
    points[2 * i + 1] = means[k][1] + t.std * rng.normal();
  }
  return { points, modes };
}

/** n source points N(0, I_2), n x 2. */
export function sampleToySource(n: number, rng: Rng): Float32Array {
  const z = new Float32Array(n * 2);
  for (let i = 0; i < z.length; i++) z[i] = rng.normal();
  return z;
}

/** A steps x steps grid over [-extent, extent]^2, row-major (x fastest), (steps^2) x 2. */
export function makeGrid(extent = 3, steps = 15): Float32Array {
  const g = new Float32Array(steps * steps * 2);
  for (let r = 0; r < steps; r++)
    for (let c = 0; c < steps; c++) {
      const i = r * steps + c;
      g[2 * i] = -extent + (2 * extent * c) / Math.max(steps - 1, 1);
      g[2 * i + 1] = -extent + (2 * extent * r) / Math.max(steps - 1, 1);
    }
  return g;
}

/** For each point (n x 2): its nearest mode and the distance to it. */
export function nearestMode(points: Float32Array, t: ToyTarget = DEFAULT_TOY_TARGET): { mode: Int32Array; distance: Float32Array } {
  const means = toyModeMeans(t);
  const n = points.length / 2;
  const mode = new Int32Array(n);
  const distance = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let bk = 0;
    for (let k = 0; k < means.length; k++) {
      const dx = points[2 * i] - means[k][0];
      const dy = points[2 * i + 1] - means[k][1];
      const dd = dx * dx + dy * dy;
      if (dd < best) {
        best = dd;
        bk = k;
      }
    }
    mode[i] = bk;
    distance[i] = Math.sqrt(best);
  }
  return { mode, distance };
}

export interface ModeCoverage {
  /** Share of samples within `within` of each mode's mean (K). */
  perMode: number[];
  /** Modes holding at least `minShare` of the samples. */
  covered: number;
  /** Share of samples within `within` of some mode. */
  onTarget: number;
  meanDistance: number;
}

/** Summary of how samples spread over the target's modes (for tests and the panel's caption). */
export function modeCoverage(points: Float32Array, t: ToyTarget = DEFAULT_TOY_TARGET, within = 3 * t.std, minShare = 0.05): ModeCoverage {
  const { mode, distance } = nearestMode(points, t);
  const n = mode.length;
  const counts = new Array<number>(t.modes).fill(0);
  let on = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += distance[i];
    if (distance[i] <= within) {
      counts[mode[i]]++;
      on++;
    }
  }
  const perMode = counts.map((c) => c / Math.max(n, 1));
  return { perMode, covered: perMode.filter((s) => s >= minShare).length, onTarget: on / Math.max(n, 1), meanDistance: sum / Math.max(n, 1) };
}
