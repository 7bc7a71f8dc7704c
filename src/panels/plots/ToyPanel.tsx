/**
 * Fig. 1 as a live lab: source N(0, I_2), target a mixture of 4 Gaussians with orthogonal means;
 * a vanilla GAN and an infoGAN (4-way categorical code) learn side by side in their own worker.
 */
import * as Comlink from 'comlink';
import { useEffect, useMemo, useState } from 'react';
import type { Data, Layout, Shape } from 'plotly.js';
import type { ToyApi, ToyFrame, ToyUpdate } from '../../api';
import { NumberField } from '../training/SettingField';
import { Plot } from './Plot';
import { classColor } from './palette';

let remote: Comlink.Remote<ToyApi> | null = null;
const toyWorker = () =>
  (remote ??= Comlink.wrap<ToyApi>(new Worker(new URL('../../../workers/toy.worker.ts', import.meta.url), { type: 'module', name: 'toy' })));

function modeShapes(f: ToyFrame): Partial<Shape>[] {
  return f.modes.flatMap(([x, y]) =>
    [1, 2].map((k) => ({ type: 'circle' as const, xref: 'x' as const, yref: 'y' as const, x0: x - k * f.modeStd, x1: x + k * f.modeStd, y0: y - k * f.modeStd, y1: y + k * f.modeStd, line: { color: '#667085', width: 1, dash: k === 1 ? ('solid' as const) : ('dot' as const) } })),
  );
}

function xy(a: Float32Array, keep?: (i: number) => boolean) {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < a.length / 2; i++) {
    if (keep && !keep(i)) continue;
    x.push(a[2 * i]);
    y.push(a[2 * i + 1]);
  }
  return { x, y };
}

function ToyPlot({ f, which }: { f: ToyFrame; which: 'vanilla' | 'info' }) {
  const m = f[which];
  const data = useMemo<Data[]>(() => {
    const traces: Data[] = [{ ...xy(m.grid), type: 'scatter', mode: 'markers', name: 'G(grid of source points)', marker: { color: '#98a2b3', size: 3 }, hoverinfo: 'skip' }];
    if (m.codes) {
      for (let c = 0; c < 4; c++) traces.push({ ...xy(m.points, (i) => m.codes![i] === c), type: 'scatter', mode: 'markers', name: `samples, code ${c}`, marker: { color: classColor(c), size: 4, opacity: 0.7 } });
    } else {
      traces.push({ ...xy(m.points), type: 'scatter', mode: 'markers', name: 'samples', marker: { color: '#0072B2', size: 4, opacity: 0.7 } });
    }
    return traces;
  }, [m]);
  const layout = useMemo<Partial<Layout>>(
    () => ({
      title: { text: `${which === 'vanilla' ? 'vanilla GAN' : 'infoGAN (4-way code)'}: step ${m.step}, ${m.covered} of 4 modes found`, font: { size: 12 } },
      xaxis: { range: [-3.2, 3.2], zeroline: false, title: { text: 'x1' } },
      yaxis: { range: [-3.2, 3.2], zeroline: false, scaleanchor: 'x', title: { text: 'x2' } },
      shapes: modeShapes(f),
      // Legends are re-measured on every redraw: the caption below says what the marks are.
      showlegend: false,
      margin: { l: 40, r: 10, t: 30, b: 40 },
    }),
    [f, m, which],
  );
  return <Plot data={data} layout={layout} testId={`toy-${which}`} height={340} />;
}

function LossPlot({ f }: { f: ToyFrame }) {
  const data = useMemo<Data[]>(() => {
    const tr: Data[] = [];
    for (const [which, dash] of [['vanilla', 'solid'], ['info', 'dash']] as const) {
      const h = f[which].losses;
      const x = h.map((l) => l.step);
      tr.push({ x, y: h.map((l) => l.d), name: `${which} D`, mode: 'lines', line: { color: '#D55E00', dash } });
      tr.push({ x, y: h.map((l) => l.g), name: `${which} G`, mode: 'lines', line: { color: '#0072B2', dash } });
      if (which === 'info') tr.push({ x, y: h.map((l) => l.info ?? null), name: 'info Q cross-entropy', mode: 'lines', line: { color: '#009E73', dash } });
    }
    return tr;
  }, [f]);
  const layout = useMemo<Partial<Layout>>(() => ({ title: { text: 'losses (last 300 steps)', font: { size: 12 } }, xaxis: { title: { text: 'step' } }, yaxis: { title: { text: 'loss' } }, legend: { font: { size: 9 } }, margin: { l: 40, r: 10, t: 30, b: 40 } }), []);
  return <Plot data={data} layout={layout} testId="toy-losses" height={220} />;
}

export function ToyPanel() {
  const [u, setU] = useState<ToyUpdate | null>(null);
  const [seed, setSeed] = useState(1);
  const [lr, setLr] = useState(1e-3);
  const [speed, setSpeed] = useState(2);
  useEffect(() => {
    void toyWorker().start({ seed, lr, lambda: 1 }, Comlink.proxy(setU));
    return () => void toyWorker().pause();
    // The lab restarts only when the seed changes; lr and speed are sent live.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seed]);
  const f = u?.frame;
  return (
    <div data-testid="toy-panel">
      <p className="small">
        Source: 2-D standard normal noise. Target: four Gaussians at orthogonal means (circles: 1σ and 2σ). A vanilla GAN often covers the modes
        unevenly or jumps between them (mode collapse); the infoGAN's categorical code should end up with <b>one mode per code</b> (colours).
        Grey dots show where each generator sends a regular grid of source points.
      </p>
      <div className="row">
        <button type="button" className="primary" data-testid="toy-play" disabled={!u || u.playing} onClick={() => void toyWorker().play()}>
          Play
        </button>
        <button type="button" data-testid="toy-pause" disabled={!u?.playing} onClick={() => void toyWorker().pause()}>
          Pause
        </button>
        <button type="button" data-testid="toy-step" disabled={!u || u.playing} onClick={() => void toyWorker().step(50)}>
          Step 50
        </button>
        <NumberField label="learning rate (Adam)" value={lr} min={1e-6} onChange={(v) => { setLr(v); void toyWorker().setLearningRate(v); }} paper="ours (toy)" />
        <NumberField label="steps per tick (speed)" value={speed} min={1} step={1} onChange={(v) => { setSpeed(v); void toyWorker().setSpeed(v); }} paper="more = faster, choppier" />
        <NumberField label="seed" value={seed} step={1} onChange={(v) => setSeed(Math.round(v))} paper="restarts the lab" />
      </div>
      {u && (
        <p className="small muted" data-testid="toy-status" data-steps={f?.info.step ?? 0}>
          {u.playing ? 'playing' : 'paused'}: {Math.round(u.updatesPerSecond)} training steps per second (each model) on {u.backend.toUpperCase()}.
        </p>
      )}
      {f && (
        <>
          <div className="toy-grid">
            <ToyPlot f={f} which="vanilla" />
            <ToyPlot f={f} which="info" />
          </div>
          <p className="small muted">Dots: samples (infoGAN: coloured by code); grey: the generator's image of a grid of source points; circles: the target's modes (1σ, 2σ).</p>
          <LossPlot f={f} />
        </>
      )}
    </div>
  );
}
