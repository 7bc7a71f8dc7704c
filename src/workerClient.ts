/**
 * The UI's handle on the compute worker: starts it, picks the backend, and when the worker
 * crashes or its GPU device is lost, says so and restarts it on the next backend. Loaded data
 * lives in the UI's state (plain typed arrays), so nothing is lost by a restart.
 */
import * as Comlink from 'comlink';
import type { BackendName, BackendReport, ComputeApi, WorkerEvent } from './api';

export type ClientStatus =
  | { state: 'starting'; message: string }
  | { state: 'ready'; report: BackendReport; notice: string | null }
  | { state: 'failed'; message: string };

type Listener = (s: ClientStatus) => void;

export class ComputeClient {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<ComputeApi> | null = null;
  private listeners = new Set<Listener>();
  private excluded: { name: BackendName; reason: string }[] = [];
  private status: ClientStatus = { state: 'starting', message: 'Starting the compute worker...' };
  private ready: Promise<Comlink.Remote<ComputeApi>> | null = null;
  private generation = 0;
  /** Times of recent crashes: a worker that keeps failing is not restarted forever. */
  private crashes: number[] = [];

  constructor(private forced: BackendName | null) {}

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    fn(this.status);
    return () => this.listeners.delete(fn);
  }

  private set(s: ClientStatus): void {
    this.status = s;
    for (const fn of this.listeners) fn(s);
  }

  /** The worker's API, once a backend has passed its self-test. */
  api(): Promise<Comlink.Remote<ComputeApi>> {
    if (!this.ready) this.ready = this.start(null);
    return this.ready;
  }

  /** Restart with the user's forced backend (or auto when null). */
  setForced(forced: BackendName | null): Promise<Comlink.Remote<ComputeApi>> {
    this.forced = forced;
    this.excluded = [];
    this.ready = this.start(null);
    return this.ready;
  }

  private start(notice: string | null): Promise<Comlink.Remote<ComputeApi>> {
    const gen = ++this.generation;
    this.worker?.terminate();
    this.remote?.[Comlink.releaseProxy]();
    this.set({ state: 'starting', message: notice ?? 'Starting the compute worker...' });
    const worker = new Worker(new URL('../workers/compute.worker.ts', import.meta.url), { type: 'module', name: 'compute' });
    this.worker = worker;
    const remote = Comlink.wrap<ComputeApi>(worker);
    this.remote = remote;
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      if (gen === this.generation) this.crashed(`the worker crashed: ${ev.message || 'unknown error'}`);
    });
    const onEvent = Comlink.proxy((e: WorkerEvent) => {
      if (gen === this.generation && e.type === 'device-lost') this.crashed(`the GPU device was lost (${e.message})`);
    });
    return remote.init({ forced: this.forced, exclude: this.excluded }, onEvent).then(
      (report) => {
        if (gen === this.generation) this.set({ state: 'ready', report, notice });
        return remote;
      },
      (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        if (gen === this.generation) this.set({ state: 'failed', message });
        throw e;
      },
    );
  }

  private crashed(why: string): void {
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < 60_000), now];
    if (this.crashes.length > 4) {
      this.generation++;
      this.worker?.terminate();
      this.set({ state: 'failed', message: `The compute worker keeps failing (${why}). Reload the page, or force the CPU backend in settings.` });
      return;
    }
    const s = this.status;
    const backend = s.state === 'ready' ? s.report.active : null;
    if (backend && backend !== 'cpu') this.excluded.push({ name: backend, reason: `failed earlier in this session: ${why}` });
    const next = backend ? `restarted without ${backend}` : 'restarted';
    this.ready = this.start(`The compute worker stopped: ${why}. It was ${next}; your loaded data is kept.`);
    this.ready.catch(() => undefined);
  }
}
