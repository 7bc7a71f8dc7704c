/**
 * Fig. 5 live: the codes of the training and validation rows, coloured by class, over the
 * prior's components (1- and 2-sigma circles) for M1/M2; for M3 the first two principal axes
 * of the 256-D codes with the code generator's samples overlaid. Updated after every epoch.
 */
import { useMemo, useState } from 'react';
import { overlayRun } from '../../state/trainingActions';
import type { Data, Layout, Shape } from 'plotly.js';
import { useStore } from '../../state/store';
import { Plot } from './Plot';
import { classColor } from './palette';

function split(xy: Float32Array, labels: Int32Array, k: number) {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== k) continue;
    x.push(xy[2 * i]);
    y.push(xy[2 * i + 1]);
  }
  return { x, y };
}

export function CodeSpace() {
  const run = useStore((s) => s.run);
  const classNames = useStore((s) => s.tables.find((t) => t.fileName === s.run?.tableName)?.dataset?.classNames ?? null);
  const snap = run?.codes ?? null;
  const allRuns = useStore((s) => s.notebook.runs);
  const [overlayMsg, setOverlayMsg] = useState<string | null>(null);
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const overlays = run?.overlays ?? [];
  const current = allRuns.find((r) => r.id === run?.recordId);
  // Other runs on the same table (same content and column choices) with generated rows kept.
  const candidates = allRuns.filter((r) => r.id !== run?.recordId && current && r.dataset.fingerprint === current.dataset.fingerprint && r.samples.length > 0);
  const K = classNames?.length ?? 0;
  const data = useMemo<Data[]>(() => {
    if (!snap || !classNames) return [];
    const traces: Data[] = [];
    classNames.forEach((name, k) => {
      const g = split(snap.generated.xy, snap.generated.labels, k);
      traces.push({ ...g, mode: 'markers', name: `${name}, ${snap.prior ? 'prior sample' : 'CG(z, c)'}`, marker: { color: classColor(k), size: 3, opacity: 0.25 }, legendgroup: `g${k}`, hoverinfo: 'skip' });
      const t = split(snap.train.xy, snap.train.labels, k);
      traces.push({ ...t, mode: 'markers', name: `${name}, training`, marker: { color: classColor(k), size: 6, line: { color: '#fff', width: 0.5 } }, legendgroup: `t${k}` });
      if (snap.val) {
        const v = split(snap.val.xy, snap.val.labels, k);
        traces.push({ ...v, mode: 'markers', name: `${name}, validation`, marker: { color: classColor(k), size: 7, symbol: 'x' }, legendgroup: `v${k}` });
      }
    });
    // Fig. 5's comparison: other runs' synthetic rows through this run's encoder.
    const SYMBOL: Record<string, string> = { m1: 'diamond-open', m2: 'triangle-up-open', m3: 'square-open', m4: 'star-open' };
    for (const o of overlays) {
      classNames.forEach((name, k) => {
        const g = split(o.xy, o.labels, k);
        traces.push({ ...g, mode: 'markers', name: `${name}, synthetic ${o.model.toUpperCase()} (${o.title})`, marker: { color: classColor(k), size: 6, symbol: SYMBOL[o.model] ?? 'circle-open', opacity: 0.7 }, legendgroup: `o${o.runId}` });
      });
    }
    return traces;
  }, [snap, classNames, overlays]);
  const layout = useMemo<Partial<Layout>>(() => {
    const shapes: Partial<Shape>[] = [];
    if (snap?.prior) {
      const { means, std } = snap.prior;
      for (let k = 0; k < means.length / 2; k++) {
        for (const r of [std, 2 * std]) {
          shapes.push({ type: 'circle', xref: 'x', yref: 'y', x0: means[2 * k] - r, x1: means[2 * k] + r, y0: means[2 * k + 1] - r, y1: means[2 * k + 1] + r, line: { color: classColor(k), width: r === std ? 1.5 : 1, dash: r === std ? 'solid' : 'dot' } });
        }
      }
    }
    return {
      title: { text: snap ? `Code space after epoch ${snap.epoch}${snap.codeDim === 2 ? ' (2-D code; circles: the prior\'s 1σ and 2σ)' : ` (${snap.codeDim}-D code, first two principal axes)`}` : '', font: { size: 13 } },
      xaxis: { title: { text: snap?.codeDim === 2 ? 'code 1' : 'PC 1' }, zeroline: false },
      yaxis: { title: { text: snap?.codeDim === 2 ? 'code 2' : 'PC 2' }, zeroline: false, scaleanchor: snap?.codeDim === 2 ? 'x' : undefined },
      shapes,
      legend: { font: { size: 10 } },
    };
  }, [snap]);
  if (!snap || K === 0) return <p className="muted small">The codes appear here after the first epoch of a run.</p>;
  return (
    <div>
      <Plot data={data} layout={layout} testId="code-plot" height={420} />
      {snap.codeDim === 2 && (
        <div className="small" data-testid="code-overlays">
          <b>The paper's comparison:</b> pass other runs' synthetic rows through this run's encoder (the paper uses a trained M1's).{' '}
          {candidates.length === 0 && <span className="muted">No other run on this table has generated rows kept yet (train M2 or M3, press Generate, then reopen this run).</span>}
          {candidates.map((r) => (
            <label key={r.id} className="chip">
              <input
                type="checkbox"
                data-testid="code-overlay"
                checked={pending[r.id] ?? overlays.some((o) => o.runId === r.id)}
                onChange={async (e) => {
                  const on = e.target.checked;
                  // Shown as ticked at once; the rows are encoded in the worker meanwhile.
                  setPending((p) => ({ ...p, [r.id]: on }));
                  setOverlayMsg(await overlayRun(r, on));
                  setPending((p) => {
                    const { [r.id]: _done, ...rest } = p;
                    void _done;
                    return rest;
                  });
                }}
              />
              {r.title}
            </label>
          ))}
          {overlayMsg && <p className="error-text">{overlayMsg}</p>}
        </div>
      )}
    </div>
  );
}
