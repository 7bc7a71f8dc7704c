/** 2 to 4 runs side by side: settings (differences highlighted), losses overlaid, metrics. */
import { useMemo } from 'react';
import type { Data, Layout } from 'plotly.js';
import { alignLosses, compareSettings } from '../../notebook/compare';
import { setCompare } from '../../state/notebookActions';
import { useStore } from '../../state/store';
import { Plot } from '../plots/Plot';

const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7'];
type Metrics = { metric1Set1?: { uar: number }; metric2Set1?: { uar: number }; metric1Set2?: { uar: number } | null; metric2Set2?: { uar: number } | null; fid?: number };
const pct = (m?: { uar: number } | null) => (m ? `${(100 * m.uar).toFixed(1)} %` : 'n/a');

export function ComparePanel() {
  const all = useStore((s) => s.notebook.runs);
  const ids = useStore((s) => s.notebook.compare);
  const runs = useMemo(() => ids.map((id) => all.find((r) => r.id === id)).filter((r): r is NonNullable<typeof r> => !!r), [all, ids]);
  const rows = useMemo(() => compareSettings(runs), [runs]);
  const data = useMemo<Data[]>(() => {
    const out: Data[] = [];
    for (const split of ['train', 'val'] as const) {
      const { epochs, series } = alignLosses(runs, 'recon', split);
      series.forEach((y, i) => out.push({ x: epochs, y, name: `${runs[i].title} (${split})`, mode: 'lines', line: { color: COLORS[i], dash: split === 'val' ? 'dash' : 'solid' } }));
    }
    return out;
  }, [runs]);
  const layout = useMemo<Partial<Layout>>(() => ({ title: { text: 'Reconstruction loss per epoch (solid: train, dashed: validation)', font: { size: 12 } }, xaxis: { title: { text: 'epoch' } }, yaxis: { title: { text: 'loss' } }, legend: { font: { size: 10 } } }), []);
  if (runs.length < 2) return null;
  const metrics = runs.map((r) => r.evaluations.filter((e) => e.kind === 'run metrics').pop()?.result as Metrics | undefined);
  return (
    <div className="panel" data-testid="compare-panel">
      <div className="row">
        <h2>Compare {runs.length} runs</h2>
        <button type="button" className="linkish" onClick={() => setCompare([])}>
          close
        </button>
      </div>
      <table className="metrics compare" data-testid="compare-settings">
        <thead>
          <tr>
            <th>setting</th>
            {runs.map((r, i) => (
              <th key={r.id} style={{ color: COLORS[i] }}>{r.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} className={row.differs ? 'differs' : undefined} data-differs={row.differs}>
              <td>{row.key}</td>
              {row.values.map((v, i) => (
                <td key={i} className="num">{v === null ? 'off' : String(v)}</td>
              ))}
            </tr>
          ))}
          {[
            ['Metric 1, set-1', (m?: Metrics) => pct(m?.metric1Set1)],
            ['Metric 2, set-1', (m?: Metrics) => pct(m?.metric2Set1)],
            ['Metric 1, set-2', (m?: Metrics) => pct(m?.metric1Set2)],
            ['Metric 2, set-2', (m?: Metrics) => pct(m?.metric2Set2)],
            ['FID', (m?: Metrics) => (m?.fid !== undefined ? m.fid.toFixed(2) : 'n/a')],
          ].map(([label, f]) => (
            <tr key={label as string} className="metric-row">
              <td>{label as string}</td>
              {metrics.map((m, i) => (
                <td key={i} className="num">{(f as (m?: Metrics) => string)(m)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small muted">Highlighted: settings that differ. Metrics: each run's latest evaluation (n/a: not evaluated yet).</p>
      <Plot data={data} layout={layout} testId="compare-losses" height={300} />
    </div>
  );
}
