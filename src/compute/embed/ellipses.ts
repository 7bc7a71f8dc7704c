/**
 * Outlines of 2-D Gaussian components for the code-space panel (the mixture prior's
 * components drawn as 1- and 2-sigma ellipses). Axis-aligned (isotropic or diagonal
 * covariance): the k-sigma ellipse of N(mu, diag(sx^2, sy^2)) is
 * (mu_x + k sx cos t, mu_y + k sy sin t). Pure numbers, no drawing.
 */

export interface Ellipse {
  /** Closed outline: x values (first point repeated at the end). */
  x: Float32Array;
  y: Float32Array;
  /** Which sigma level (1, 2, ...). */
  sigmas: number;
  /** The component it belongs to (its index). */
  component: number;
}

/**
 * The k-sigma ellipse of an axis-aligned 2-D Gaussian as a closed polyline of `segments`
 * segments (segments + 1 points). `std` is one number (isotropic) or [sx, sy] (diagonal).
 */
export function gaussianEllipse(
  mean: readonly [number, number],
  std: number | readonly [number, number],
  sigmas = 1,
  segments = 64,
): { x: Float32Array; y: Float32Array } {
  const [sx, sy] = typeof std === 'number' ? [std, std] : std;
  if (!(sx >= 0 && sy >= 0)) throw new Error('gaussianEllipse: std must be >= 0');
  const m = Math.max(3, Math.floor(segments));
  const x = new Float32Array(m + 1);
  const y = new Float32Array(m + 1);
  for (let i = 0; i <= m; i++) {
    const t = (2 * Math.PI * (i % m)) / m;
    x[i] = mean[0] + sigmas * sx * Math.cos(t);
    y[i] = mean[1] + sigmas * sy * Math.sin(t);
  }
  return { x, y };
}

/**
 * Means of the M1/M2 mixture prior's components as SPEC defines them:
 * r * (cos 2 pi k / K, sin 2 pi k / K), k = 0..K-1.
 */
export function mixtureMeans(K: number, radius = 4): Array<[number, number]> {
  return Array.from({ length: K }, (_, k): [number, number] => [
    radius * Math.cos((2 * Math.PI * k) / K),
    radius * Math.sin((2 * Math.PI * k) / K),
  ]);
}

/**
 * 1- and 2-sigma outlines (or the given levels) of every component of a 2-D mixture.
 * `means` from the model (or mixtureMeans); `std` shared by all components (a number for
 * isotropic, [sx, sy] for diagonal) or a function of the component index.
 */
export function mixtureEllipses(
  means: ReadonlyArray<readonly [number, number]>,
  std: number | readonly [number, number] | ((component: number) => number | readonly [number, number]),
  levels: readonly number[] = [1, 2],
  segments = 64,
): Ellipse[] {
  const out: Ellipse[] = [];
  means.forEach((mu, c) => {
    const s = typeof std === 'function' ? std(c) : std;
    for (const k of levels) out.push({ ...gaussianEllipse(mu, s, k, segments), sigmas: k, component: c });
  });
  return out;
}

/**
 * Probability mass of an isotropic/diagonal 2-D Gaussian inside its k-sigma ellipse:
 * 1 - exp(-k^2 / 2) (0.393 for 1 sigma, 0.865 for 2): a legend can say so.
 */
export function ellipseMass(sigmas: number): number {
  return 1 - Math.exp(-(sigmas * sigmas) / 2);
}
