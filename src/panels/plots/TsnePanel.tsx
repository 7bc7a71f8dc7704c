/**
 * Fig. 4 live: one joint t-SNE of real and synthetic rows (never two separate fits), computed
 * in its own worker, streamed every 20 iterations; colour by source or by class.
 */
import { useMemo, useState } from 'react';
import type { Data, Layout } from 'plotly.js';
import { useStore } from '../../state/store';
import { cancelTsne, runTsne } from '../../state/tsneActions';
import { NumberField } from '../training/SettingField';
import { Plot } from './Plot';
import { classColor } from './palette';

const SOURCE_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7'];

export function TsnePanel() {
  const st = useStore((s) => s.tsne);
  const run = useStore((s) => s.run);
  const gen = useStore((s) => s.generated);
  const classNames = useStore((s) => s.tables.find((t) => t.fileName === s.run?.tableName)?.dataset?.classNames ?? []);
  const [cap, setCap] = useState(600);
  const [perplexity, setPerplexity] = useState(30);
  const [iterations, setIterations] = useState(500);
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
  const layout = useMemo<Partial<Layout>>(
    () => ({
      title: { text: st?.frame ? `t-SNE of real and synthetic rows, iteration ${st.frame.iteration} of ${st.frame.iterations} (KL ${st.frame.kl.toFixed(3)})` : '', font: { size: 13 } },
      xaxis: { title: { text: 't-SNE 1' }, zeroline: false },
      yaxis: { title: { text: 't-SNE 2' }, zeroline: false },
      legend: { font: { size: 10 } },
    }),
    [st?.frame],
  );
  return (
    <div data-testid="tsne-panel">
      <div className="row">
        <NumberField label="points (cap)" value={cap} min={20} step={100} onChange={(v) => setCap(Math.round(v))} paper="issue: ~1500; exact t-SNE takes ~10 min there on 2 cores (issue #9)" testId="tsne-cap" />
        <NumberField label="perplexity" value={perplexity} min={2} onChange={setPerplexity} paper="30 (usual)" />
        <NumberField label="iterations" value={iterations} min={10} step={50} onChange={(v) => setIterations(Math.round(v))} paper="500" testId="tsne-iterations" />
        <NumberField label="seed" value={seed} step={1} onChange={(v) => setSeed(Math.round(v))} paper="initial layout" />
      </div>
      <div className="row">
        <button type="button" className="primary" data-testid="tsne-run" disabled={!canRun} onClick={() => void runTsne({ cap, perplexity, iterations, seed })}>
          Run t-SNE
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
          </span>
        </div>
      )}
      {st?.error && <p className="error-text">{st.error}</p>}
      <Plot data={data} layout={layout} testId="tsne-plot" height={440} />
    </div>
  );
}
