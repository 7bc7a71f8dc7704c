/** Fig. 4: one joint t-SNE of real and synthetic rows, in its own worker, streamed. */
import * as Comlink from 'comlink';
import type { EmbedSource, TsneApi, TsneFrame, TsnePoints, TsneProbe, TsneRunOptions } from '../api';
import { getState, setState } from './store';

let remote: Comlink.Remote<TsneApi> | null = null;
function tsneWorker(): Comlink.Remote<TsneApi> {
  if (!remote) {
    const w = new Worker(new URL('../../workers/tsne.worker.ts', import.meta.url), { type: 'module', name: 'tsne' });
    w.addEventListener('error', (e) => {
      e.preventDefault();
      remote = null;
      setState((s) => (s.tsne ? { tsne: { ...s.tsne, status: 'failed', error: `The t-SNE worker stopped: ${e.message}` } } : {}));
    });
    remote = Comlink.wrap<TsneApi>(w);
  }
  return remote;
}

let runCounter = 0;

/** Real rows = the run's table; synthetic = the rows last generated from the run. */
export async function runTsne(opts: TsneRunOptions): Promise<void> {
  const s = getState();
  const run = s.run;
  const table = s.tables.find((t) => t.fileName === run?.tableName)?.dataset;
  const gen = s.generated && run && s.generated.runId === run.id ? s.generated : null;
  if (!table || !gen) return;
  const id = ++runCounter;
  const sources: EmbedSource[] = [
    { name: 'real', kind: 'real', features: table.features, n: table.n, d: table.d, labels: table.labels },
    { name: `synthetic (${run!.settings.model.toUpperCase()})`, kind: 'synthetic', features: gen.features, n: gen.n, d: gen.d, labels: gen.labels },
  ];
  setState({ tsne: { status: 'running', sources: sources.map((x) => `${x.name} ${x.n}`).join(', '), points: null, frame: null, error: null } });
  const mine = () => id === runCounter;
  try {
    // Copies, transferred: cheaper for the page than a structured clone of a large table.
    const copies = sources.map((x) => ({ ...x, features: x.features.slice(), labels: x.labels.slice() }));
    const res = await tsneWorker().run(
      Comlink.transfer(copies, copies.flatMap((x) => [x.features.buffer as ArrayBuffer, x.labels.buffer as ArrayBuffer])),
      opts,
      Comlink.proxy((p: TsnePoints) => mine() && setState((st) => ({ tsne: st.tsne && { ...st.tsne, points: p } }))),
      Comlink.proxy((f: TsneFrame) => mine() && setState((st) => ({ tsne: st.tsne && { ...st.tsne, frame: f } }))),
    );
    if (mine()) setState((st) => ({ tsne: st.tsne && { ...st.tsne, status: res.cancelled ? 'cancelled' : 'done' } }));
  } catch (e) {
    if (mine()) setState((st) => ({ tsne: st.tsne && { ...st.tsne, status: 'failed', error: e instanceof Error ? e.message : String(e) } }));
  }
}

/** The worker's measured speed (default cap); asked once, shared by every panel mount. */
let probe: Promise<TsneProbe> | null = null;
export function probeTsne(): Promise<TsneProbe> {
  probe ??= tsneWorker()
    .probe()
    .catch((e: unknown) => {
      probe = null;
      throw e;
    });
  return probe;
}

export async function cancelTsne(): Promise<void> {
  await remote?.cancel();
}
