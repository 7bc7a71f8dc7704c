/** Fig. 3: every loss per epoch, train (solid) and validation (dashed), updated in place. */
import { useMemo, useState } from 'react';
import type { Data, Layout } from 'plotly.js';
import { useStore } from '../../state/store';
import { LOSS_NAME } from '../training/LossTable';
import { Plot } from './Plot';

const COLORS: Record<string, string> = { recon: '#3056d3', d1: '#d92d20', enc_adv: '#f79009', d2: '#7a5af8', gen: '#12b76a', aux: '#0e9384' };

export function LossCurves() {
  const run = useStore((s) => s.run);
  const [logY, setLogY] = useState(false);
  const history = run?.history;
  const keys = run?.info?.lossKeys;
  const markers = run?.markers;
  const data = useMemo<Data[]>(() => {
    if (!history || !keys) return [];
    const x = history.map((h) => h.epoch);
    const traces: Data[] = [];
    for (const k of keys) {
      traces.push({ x, y: history.map((h) => h.train[k]), name: `${LOSS_NAME[k] ?? k}, train`, mode: 'lines+markers', line: { color: COLORS[k], width: 2 }, marker: { size: 4 }, legendgroup: k });
      if (history.some((h) => h.val)) {
        traces.push({ x, y: history.map((h) => h.val?.[k] ?? null), name: `${LOSS_NAME[k] ?? k}, validation`, mode: 'lines', line: { color: COLORS[k], dash: 'dash', width: 1.5 }, legendgroup: k });
      }
    }
    return traces;
  }, [history, keys]);
  const layout = useMemo<Partial<Layout>>(
    () => ({
      title: { text: 'Losses per epoch (Fig. 3)', font: { size: 13 } },
      xaxis: { title: { text: 'epoch' }, dtick: history && history.length < 12 ? 1 : undefined },
      yaxis: { title: { text: 'loss' }, type: logY ? 'log' : 'linear' },
      legend: { font: { size: 10 }, orientation: 'h', y: -0.35 },
      margin: { l: 50, r: 10, t: 30, b: 110 },
      hovermode: 'x unified',
      shapes: (markers ?? []).map((m) => ({
        type: 'line',
        xref: 'x',
        yref: 'paper',
        x0: m.epoch + 0.5,
        x1: m.epoch + 0.5,
        y0: 0,
        y1: 1,
        line: { color: m.kind === 'diverged' ? '#d92d20' : '#98a2b3', dash: 'dot', width: 1.5 },
      })),
      annotations: (markers ?? []).map((m) => ({ x: m.epoch + 0.5, y: 1, xref: 'x', yref: 'paper', text: m.kind === 'diverged' ? 'guard: restored' : 'paused', showarrow: false, font: { size: 10 }, yanchor: 'bottom' })),
    }),
    [logY, markers, history],
  );
  if (!run || !history || history.length === 0) {
    return <p className="muted small">Loss curves appear here after the first epoch of a run.</p>;
  }
  return (
    <div>
      <label className="chip">
        <input type="checkbox" checked={logY} onChange={(e) => setLogY(e.target.checked)} data-testid="loss-log" /> log scale
      </label>
      <Plot data={data} layout={layout} testId="loss-plot" height={330} />
    </div>
  );
}
