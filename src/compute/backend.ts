/**
 * Pick a tfjs backend in the order WebGPU -> WebGL -> WASM -> CPU, accepting each only after a
 * self-test (a matmul and a gradient checked against plain JS), and say why others were passed
 * over. Without WebGPU the fallback is chosen by measurement: when both WebGL (a hardware one;
 * the loaders turn software renderers away) and WASM pass, a short training-like probe runs on
 * each and the faster is kept. Loading a backend is injected (`loaders`) so the worker can use
 * bundler-specific URLs for the WASM binaries and tests can run the same logic in Node.
 */
import { tf, type Scalar } from './tf';

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
  /** Where the fallback was chosen by measurement: ms per probe step of each candidate. */
  probeMs?: Partial<Record<BackendName, number>>;
}

/** Prepares and registers a backend; resolves to a description or throws/returns a rejection. */
export type BackendLoader = () => Promise<{ detail: string } | { reject: string }>;

export interface SelectOptions {
  loaders: Partial<Record<BackendName, BackendLoader>>;
  /** Use only this backend (the user's choice in settings); falls back if it fails. */
  forced?: BackendName | null;
  /** Backends that failed earlier in this session (e.g. the worker crashed on them). */
  exclude?: { name: BackendName; reason: string }[];
  /** Time one probe step on the active backend (tests inject a fake); default `probeStep`. */
  probe?: () => Promise<number>;
}

/** Backends that compete by measurement when both pass (auto mode, no WebGPU). */
const MEASURED: BackendName[] = ['webgl', 'wasm'];

/**
 * Milliseconds per step of a small MLP autoencoder (batch 64, 512-256-512, forward, gradients
 * and an SGD update), the shape of work training does: one warm-up step (WebGL compiles its
 * shaders there), then the median of 3 timed steps, each synced by reading the loss.
 */
export async function probeStep(): Promise<number> {
  const x = tf.randomNormal([64, 512], 0, 1, 'float32', 1);
  const w1 = tf.tidy(() => tf.variable(tf.randomNormal([512, 256], 0, 0.05, 'float32', 2)));
  const w2 = tf.tidy(() => tf.variable(tf.randomNormal([256, 512], 0, 0.05, 'float32', 3)));
  const step = async () => {
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(tf.matMul(tf.relu(tf.matMul(x, w1)), w2), x))) as Scalar, [w1, w2]);
    tf.tidy(() => {
      w1.assign(tf.sub(w1, tf.mul(grads[w1.name], 1e-3)));
      w2.assign(tf.sub(w2, tf.mul(grads[w2.name], 1e-3)));
    });
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  };
  try {
    await step();
    const ms: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await step();
      ms.push(performance.now() - t0);
    }
    return ms.sort((a, b) => a - b)[1];
  } finally {
    tf.dispose([x, w1, w2]);
  }
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
  /** A backend that passed but may lose the measurement to the next one in MEASURED. */
  let held: BackendReport | null = null;
  const probe = opts.probe ?? probeStep;
  for (const name of order) {
    if (held && !MEASURED.includes(name)) break;
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
      const report: BackendReport = {
        active: name,
        detail: 'detail' in loaded ? loaded.detail : (loaded as { reject: string }).reject,
        rejected,
        forced: opts.forced ?? null,
        selfTestMs: performance.now() - t0,
      };
      if (opts.forced || !MEASURED.includes(name)) return report;
      if (!held) {
        held = report;
        continue;
      }
      // Both fallbacks work: keep the faster on this machine.
      const mine = await probe();
      await tf.setBackend(held.active);
      const theirs = await probe();
      const [win, lose, winMs, loseMs] = mine < theirs ? [report, held, mine, theirs] : [held, report, theirs, mine];
      rejected.push({ name: lose.active, reason: `measured slower here: ${loseMs.toFixed(1)} ms per probe step vs ${winMs.toFixed(1)} ms on ${win.active}` });
      await tf.setBackend(win.active);
      tf.removeBackend(lose.active);
      return { ...win, rejected, probeMs: { [held.active]: theirs, [name]: mine } };
    } catch (e) {
      rejected.push({ name, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  if (held) {
    // The other measured backend failed: the one that passed stays active.
    await tf.setBackend(held.active);
    return { ...held, rejected };
  }
  throw new Error(`No tfjs backend works here: ${rejected.map((r) => `${r.name}: ${r.reason}`).join('; ')}`);
}
