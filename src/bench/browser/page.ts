/**
 * The browser bench's page (src/bench/browserBench.ts drives it): `window.benchRun(config)`
 * runs one backend in a fresh worker and resolves to its messages; each message is also logged
 * to the console (prefixed `bench:`) so the driver can print progress.
 */
import type { BenchConfig, BenchMessage } from './bench.worker';

const log = document.getElementById('log')!;

function benchRun(cfg: BenchConfig): Promise<BenchMessage[]> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name: `bench-${cfg.label}` });
    const out: BenchMessage[] = [];
    const finish = () => {
      worker.terminate();
      resolve(out);
    };
    worker.onmessage = (e: MessageEvent<BenchMessage>) => {
      out.push(e.data);
      const line = JSON.stringify(e.data);
      console.log(`bench: ${line}`);
      log.textContent += `${line}\n`;
      if (e.data.type === 'done' || e.data.type === 'error') finish();
    };
    worker.onerror = (e) => {
      e.preventDefault();
      out.push({ type: 'error', message: `worker error: ${e.message || 'unknown'}` });
      finish();
    };
    worker.postMessage(cfg);
  });
}

Object.assign(window, { benchRun, crossOriginIsolatedHere: self.crossOriginIsolated });
