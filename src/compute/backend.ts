/**
 * Pick a tfjs backend in the order WebGPU -> WebGL -> WASM -> CPU, accepting each only after a
 * self-test (a matmul and a gradient checked against plain JS), and say why others were passed
 * over. Loading a backend is injected (`loaders`) so the worker can use bundler-specific URLs
 * for the WASM binaries and tests can run the same logic in Node.
 */
import { tf } from './tf';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendReport {
  active: BackendName;
  /** Adapter / renderer name, e.g. "ANGLE (Google, Vulkan ... SwiftShader ...)". */
  detail: string;
  rejected: { name: BackendName; reason: string }[];
  forced: BackendName | null;
  /** Milliseconds the self-test took on the chosen backend. */
  selfTestMs: number;
}

/** Prepares and registers a backend; resolves to a description or throws/returns a rejection. */
export type BackendLoader = () => Promise<{ detail: string } | { reject: string }>;

export interface SelectOptions {
  loaders: Partial<Record<BackendName, BackendLoader>>;
  /** Use only this backend (the user's choice in settings); falls back if it fails. */
  forced?: BackendName | null;
  /** Backends that failed earlier in this session (e.g. the worker crashed on them). */
  exclude?: { name: BackendName; reason: string }[];
}

/**
 * A matmul and the gradient of sum((A B)^2) w.r.t. A, compared with the same sums in plain JS.
 * Catches backends that register but compute garbage (seen with broken drivers).
 */
export async function selfTest(): Promise<void> {
  const a = [[1, 2, -1, 0.5], [0, -3, 2, 1], [0.25, 1, 1, -2]];
  const b = [[1, -1], [2, 0.5], [-0.5, 1], [3, 2]];
  const c = a.map((r) => b[0].map((_, j) => r.reduce((s, v, k) => s + v * b[k][j], 0)));
  // d/dA sum(C^2) = 2 C B^T
  const g = a.map((_, i) => b.map((bk) => 2 * c[i].reduce((s, cij, j) => s + cij * bk[j], 0)));
  const A = tf.tensor2d(a);
  const B = tf.tensor2d(b);
  const grad = tf.grad((x) => tf.sum(tf.square(tf.matMul(x as typeof A, B))));
  const C = tf.matMul(A, B);
  const G = grad(A);
  try {
    const [cv, gv] = await Promise.all([C.data(), G.data()]);
    const want = [...c.flat(), ...g.flat()];
    const got = [...Array.from(cv), ...Array.from(gv)];
    const worst = Math.max(...want.map((w, i) => Math.abs(w - got[i]) / Math.max(1, Math.abs(w))));
    if (!(worst < 1e-3)) throw new Error(`self-test mismatch (relative error ${worst.toExponential(2)})`);
  } finally {
    tf.dispose([A, B, C, G]);
  }
}

export async function selectBackend(opts: SelectOptions): Promise<BackendReport> {
  const rejected: { name: BackendName; reason: string }[] = [];
  const excluded = new Map((opts.exclude ?? []).map((e) => [e.name, e.reason]));
  const order = opts.forced ? [opts.forced, ...BACKEND_ORDER.filter((b) => b !== opts.forced)] : BACKEND_ORDER;
  for (const name of order) {
    if (excluded.has(name)) {
      rejected.push({ name, reason: excluded.get(name)! });
      continue;
    }
    const loader = opts.loaders[name];
    if (!loader) {
      rejected.push({ name, reason: 'not available in this build' });
      continue;
    }
    try {
      const loaded = await loader();
      if ('reject' in loaded) {
        // A forced backend is tried even where auto mode would pass it over (e.g. software GPU).
        if (!(opts.forced === name && loaded.reject.startsWith('software'))) {
          rejected.push({ name, reason: loaded.reject });
          continue;
        }
      }
      const ok = await tf.setBackend(name);
      if (!ok) throw new Error('tf.setBackend returned false (initialisation failed)');
      await tf.ready();
      const t0 = performance.now();
      await selfTest();
      return {
        active: name,
        detail: 'detail' in loaded ? loaded.detail : (loaded as { reject: string }).reject,
        rejected,
        forced: opts.forced ?? null,
        selfTestMs: performance.now() - t0,
      };
    } catch (e) {
      rejected.push({ name, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  throw new Error(`No tfjs backend works here: ${rejected.map((r) => `${r.name}: ${r.reason}`).join('; ')}`);
}
