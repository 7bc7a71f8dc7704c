/** Fig. 3: every loss per epoch, train (solid) and validation (dashed), updated in place. */
import { useMemo, useState } from 'react';
import type { Data, Layout } from 'plotly.js';
import { useStore } from '../../state/store';
import { LOSS_NAME } from '../training/LossTable';
import { Plot } from './Plot';

// Okabe-Ito colours (colour-blind safe), one per loss.
const COLORS: Record<string, string> = { recon: '#0072B2', d1: '#D55E00', enc_adv: '#E69F00', d2: '#CC79A7', gen: '#009E73', aux: '#56B4E9' };

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
      xaxis: { title: { text: 'epoch' }, dtick: history && history.length < 12 ? 1 : undefined, visible: !!history?.length },
      yaxis: { title: { text: 'loss' }, type: logY ? 'log' : 'linear', visible: !!history?.length },
      // The legend is HTML below the plot: Plotly re-measures its legend text on every update,
      // which doubled the cost of each live redraw here.
      showlegend: false,
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
  // The (empty) plot exists before training starts, so creating it never lands mid-run.
  const empty = !run || !history || history.length === 0;
  return (
    <div>
      <label className="chip">
        <input type="checkbox" checked={logY} onChange={(e) => setLogY(e.target.checked)} data-testid="loss-log" /> log scale
      </label>
      {empty && <p className="muted small">Loss curves appear here after the first epoch of a run.</p>}
      <Plot data={data} layout={layout} testId="loss-plot" height={300} />
      {keys && (
        <div className="legend small">
          {keys.map((k) => (
            <span key={k}>
              <i style={{ background: COLORS[k] }} /> {LOSS_NAME[k] ?? k}
            </span>
          ))}
          <span className="muted">solid: train; dashed: validation</span>
        </div>
      )}
    </div>
  );
}
