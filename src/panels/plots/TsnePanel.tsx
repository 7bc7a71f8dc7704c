/**
 * Fig. 4 live: one joint embedding of real and synthetic rows (never two separate fits),
 * computed in its own worker, streamed every 20 iterations; colour by source or by class.
 * Methods: the fast t-SNE (default), tsne-js (the exact reference) and UMAP. The default cap
 * follows the worker's measured speed (issue #9); the status line says what was subsampled.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Data, Layout } from 'plotly.js';
import { useStore } from '../../state/store';
import { cancelTsne, probeTsne, runTsne } from '../../state/tsneActions';
import type { EmbedMethod, TsneProbe } from '../../api';
import { NumberField } from '../training/SettingField';
import { Plot } from './Plot';
import { classColor } from './palette';

const SOURCE_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7'];

const METHODS: { id: EmbedMethod; label: string; iterations: number }[] = [
  { id: 'fast-tsne', label: 't-SNE (fast)', iterations: 1000 },
  { id: 'tsne-js', label: 't-SNE (tsne-js, exact reference)', iterations: 500 },
  { id: 'umap', label: 'UMAP', iterations: 500 },
];
/** tsne-js is exact O(N^2) plain JS: 600 points is about 1 s per 10 iterations here. */
const TSNE_JS_CAP = 600;

export function TsnePanel() {
  const st = useStore((s) => s.tsne);
  const run = useStore((s) => s.run);
  const gen = useStore((s) => s.generated);
  const classNames = useStore((s) => s.tables.find((t) => t.fileName === s.run?.tableName)?.dataset?.classNames ?? []);
  const [method, setMethod] = useState<EmbedMethod>('fast-tsne');
  const [probe, setProbe] = useState<TsneProbe | null>(null);
  // null = the method's default (the cap from the measured speed); a number once the user edits it.
  const [capEdit, setCap] = useState<number | null>(null);
  const [perplexity, setPerplexity] = useState(30);
  const [iterEdit, setIterations] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    probeTsne().then((p) => live && setProbe(p), () => undefined);
    return () => {
      live = false;
    };
  }, []);
  const defaultCap = method === 'tsne-js' ? TSNE_JS_CAP : (probe?.suggestedCap ?? 1000);
  const cap = capEdit ?? defaultCap;
  const iterations = iterEdit ?? METHODS.find((m) => m.id === method)!.iterations;
  const [seed, setSeed] = useState(1);
  const [colourBy, setColourBy] = useState<'source' | 'class'>('source');
  const canRun = !!run && !!gen && gen.runId === run.id && st?.status !== 'running';
  const points = st?.points ?? null;
  const layout2d = st?.frame?.layout ?? null;

  const data = useMemo<Data[]>(() => {
    if (!points || !layout2d) return [];
    const groups = colourBy === 'source' ? points.sourceNames.map((name, i) => ({ name, test: (j: number) => points.source[j] === i, color: SOURCE_COLORS[i % 4] })) : classNames.map((name, k) => ({ name, test: (j: number) => points.labels[j] === k, color: classColor(k) }));
    const traces: Data[] = [];
    for (const g of groups) {
      for (const synth of [0, 1]) {
        const x: number[] = [];
        const y: number[] = [];
        const text: string[] = [];
        for (let j = 0; j < points.labels.length; j++) {
          if (!g.test(j) || points.synthetic[j] !== synth) continue;
          x.push(layout2d[2 * j]);
          y.push(layout2d[2 * j + 1]);
          text.push(`${classNames[points.labels[j]] ?? points.labels[j]}, ${points.sourceNames[points.source[j]]} row ${points.sourceRow[j] + 1}`);
        }
        if (x.length === 0) continue;
        traces.push({
          x, y, text, type: 'scatter', mode: 'markers', hoverinfo: 'text',
          name: colourBy === 'source' ? g.name : `${g.name} (${synth ? 'synthetic' : 'real'})`,
          marker: { color: g.color, size: synth ? 6 : 7, symbol: synth ? 'x' : 'circle', opacity: 0.8 },
        });
      }
    }
    return traces;
  }, [points, layout2d, colourBy, classNames]);
  // The layout stays the same object for a whole run (the title changing every frame made each
  // Plotly.react a full relayout: 100-190 ms main-thread tasks); the frame's title is HTML above.
  const umap = isUmap(st?.frame);
  const layout = useMemo<Partial<Layout>>(
    () => ({
      margin: { l: 50, r: 10, t: 10, b: 40 },
      xaxis: { title: { text: umap ? 'UMAP 1' : 't-SNE 1' }, zeroline: false },
      yaxis: { title: { text: umap ? 'UMAP 2' : 't-SNE 2' }, zeroline: false },
      legend: { font: { size: 10 } },
    }),
    [umap],
  );
  return (
    <div data-testid="tsne-panel">
      <div className="row">
        <label className="setting">
          <span>method</span>
          <select data-testid="tsne-method" value={method} onChange={(e) => setMethod(e.target.value as EmbedMethod)}>
            {METHODS.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <NumberField
          label="points (cap)"
          value={cap}
          min={20}
          step={100}
          onChange={(v) => setCap(Math.round(v))}
          paper={
            method === 'tsne-js'
              ? `${TSNE_JS_CAP}: tsne-js is exact O(N²) plain JS`
              : !probe
                ? 'measuring this machine...'
                : method === 'umap'
                  ? `${probe.suggestedCap}: the fast t-SNE's measured cap (${probe.backend}); UMAP's speed is similar here`
                  : `${probe.suggestedCap}: 1000 iterations in about 20 s at the measured speed (${probe.backend})`
          }
          testId="tsne-cap"
        />
        {method !== 'umap' && <NumberField label="perplexity" value={perplexity} min={2} onChange={setPerplexity} paper="30 (usual)" />}
        <NumberField label={method === 'umap' ? 'epochs' : 'iterations'} value={iterations} min={10} step={50} onChange={(v) => setIterations(Math.round(v))} paper={method === 'fast-tsne' ? '1000 (the 2008 paper)' : '500'} testId="tsne-iterations" />
        <NumberField label="seed" value={seed} step={1} onChange={(v) => setSeed(Math.round(v))} paper="initial layout" />
      </div>
      <div className="row">
        <button type="button" className="primary" data-testid="tsne-run" disabled={!canRun} onClick={() => void runTsne({ cap, perplexity, iterations, seed, method })}>
          Run {method === 'umap' ? 'UMAP' : 't-SNE'}
        </button>
        <button type="button" data-testid="tsne-cancel" disabled={st?.status !== 'running'} onClick={() => void cancelTsne()}>
          Cancel
        </button>
        <label className="chip">
          <input type="radio" checked={colourBy === 'source'} onChange={() => setColourBy('source')} /> colour by real / synthetic
        </label>
        <label className="chip">
          <input type="radio" checked={colourBy === 'class'} onChange={() => setColourBy('class')} data-testid="tsne-by-class" /> by class
        </label>
      </div>
      {!canRun && st?.status !== 'running' && <p className="small muted">Train a model and generate synthetic rows first; the t-SNE embeds the run's table together with them.</p>}
      {st && (
        <div className="row small" data-testid="tsne-status" data-status={st.status}>
          <progress max={1} value={st.frame ? st.frame.iteration / st.frame.iterations : 0} />
          <span>
            {st.status}: {st.sources}
            {points ? `; ${points.labels.length} points embedded${points.subsampled ? ' (stratified subsample)' : ''}` : '; preparing (PCA to 50-D, affinities)...'}
            {st.frame?.engine ? `; ${st.frame.engine}` : ''}
          </span>
        </div>
      )}
      {points?.subsampled && (
        <p className="small muted" data-testid="tsne-subsampled">
          Subsampled to the cap, class proportions kept within each source:{' '}
          {points.sourceNames.map((name, i) => `${name} ${sum(points.kept[i])} of ${sum(points.available[i])} rows`).join(', ')}.
        </p>
      )}
      {st?.error && <p className="error-text">{st.error}</p>}
      <p className="small plot-title" data-testid="tsne-title">{st?.frame ? frameTitle(st.frame) : ''}</p>
      <Plot data={data} layout={layout} testId="tsne-plot" height={440} />
    </div>
  );
}

function sum(a: number[]): number {
  return a.reduce((s, v) => s + v, 0);
}

function isUmap(f: { engine?: string } | null | undefined): boolean {
  return !!f?.engine?.startsWith('UMAP');
}

function frameTitle(f: { iteration: number; iterations: number; kl: number; engine?: string; elapsedMs: number }): string {
  const secs = `${(f.elapsedMs / 1000).toFixed(1)} s`;
  if (isUmap(f)) return `UMAP of real and synthetic rows, epoch ${f.iteration} of ${f.iterations} (${secs})`;
  const kl = Number.isFinite(f.kl) ? `, KL ${f.kl.toFixed(3)}` : '';
  return `t-SNE of real and synthetic rows, iteration ${f.iteration} of ${f.iterations} (${secs}${kl})`;
}
