/// <reference types="@webgpu/types" />
/**
 * Counts the WebGPU work a piece of code issues (issue #12's dispatch budget): compute
 * dispatches, compute passes, queue submits, new buffers and readbacks (mapAsync for reading),
 * plus queue.writeBuffer calls (uploads that are NOT new buffers). It wraps the prototypes of
 * the WebGPU classes in globalThis (in Node: the `webgpu` package's globals after
 * Object.assign(globalThis, globals)), so it sees tfjs's work and ours alike. Node/tests only.
 */

export interface GpuCounts {
  dispatches: number;
  passes: number;
  submits: number;
  buffers: number;
  readbacks: number;
  writes: number;
  /** GPUBuffer.destroy calls: buffers - destroyed = buffers alive (tfjs destroys its upload staging buffers). */
  destroyed: number;
}

export const zeroCounts = (): GpuCounts => ({ dispatches: 0, passes: 0, submits: 0, buffers: 0, readbacks: 0, writes: 0, destroyed: 0 });

export function diffCounts(a: GpuCounts, b: GpuCounts): GpuCounts {
  return {
    dispatches: a.dispatches - b.dispatches,
    passes: a.passes - b.passes,
    submits: a.submits - b.submits,
    buffers: a.buffers - b.buffers,
    readbacks: a.readbacks - b.readbacks,
    writes: a.writes - b.writes,
    destroyed: a.destroyed - b.destroyed,
  };
}

/** Counts divided by n (per iteration), rounded to 0.1. */
export function perIteration(c: GpuCounts, n: number): GpuCounts {
  const r = (v: number) => Math.round((v / n) * 10) / 10;
  return { dispatches: r(c.dispatches), passes: r(c.passes), submits: r(c.submits), buffers: r(c.buffers), readbacks: r(c.readbacks), writes: r(c.writes), destroyed: r(c.destroyed) };
}

type Proto = Record<string, unknown>;

let installed: GpuCounts | null = null;

/**
 * Install the counting wrappers once (idempotent); returns the live counters. Call after the
 * WebGPU globals exist and before work you want counted.
 */
export function installDispatchCounter(): GpuCounts {
  if (installed) return installed;
  const g = globalThis as unknown as Record<string, { prototype: Proto } | undefined>;
  const need = ['GPUComputePassEncoder', 'GPUCommandEncoder', 'GPUQueue', 'GPUDevice', 'GPUBuffer'];
  for (const n of need) if (!g[n]) throw new Error(`installDispatchCounter: ${n} is not defined (set up the WebGPU globals first)`);
  const c = zeroCounts();
  const wrap = (cls: string, method: string, count: (args: unknown[]) => void) => {
    const proto = g[cls]!.prototype;
    const orig = proto[method] as (...a: unknown[]) => unknown;
    if (typeof orig !== 'function') throw new Error(`installDispatchCounter: ${cls}.${method} missing`);
    proto[method] = function (this: unknown, ...args: unknown[]) {
      count(args);
      return orig.apply(this, args);
    };
  };
  wrap('GPUComputePassEncoder', 'dispatchWorkgroups', () => c.dispatches++);
  wrap('GPUCommandEncoder', 'beginComputePass', () => c.passes++);
  wrap('GPUQueue', 'submit', () => c.submits++);
  wrap('GPUQueue', 'writeBuffer', () => c.writes++);
  wrap('GPUDevice', 'createBuffer', () => c.buffers++);
  wrap('GPUBuffer', 'destroy', () => c.destroyed++);
  // A readback is a map for reading (mode 1 = GPUMapMode.READ); maps for writing are uploads.
  wrap('GPUBuffer', 'mapAsync', (args) => {
    if (((args[0] as number) & 1) !== 0) c.readbacks++;
  });
  installed = c;
  return c;
}

/** A copy of the counters now (to diff later). */
export function snapshotCounts(): GpuCounts {
  if (!installed) throw new Error('dispatch counter not installed');
  return { ...installed };
}
