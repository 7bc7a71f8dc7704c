/**
 * A thin view over Plotly: loads the library on first use (it is the largest dependency) and
 * updates the same plot in place with Plotly.react, so live panels never re-create a figure.
 */
import { useEffect, useRef, useState } from 'react';
import type { Config, Data, Layout } from 'plotly.js';

type PlotlyModule = typeof import('plotly.js');
let plotly: Promise<PlotlyModule> | null = null;
export const loadPlotly = () => (plotly ??= import('plotly.js-basic-dist-min').then((m) => (m.default ?? m) as unknown as PlotlyModule));

/**
 * Load Plotly and draw one throw-away plot off screen: its first plot pays a one-time set-up
 * (~0.6 s here) that would otherwise land in the middle of a training run's first epoch.
 */
export async function warmUpPlotly(): Promise<void> {
  const P = await loadPlotly();
  const div = document.createElement('div');
  div.style.cssText = 'position:absolute;left:-10000px;top:0;width:600px;height:300px';
  document.body.appendChild(div);
  try {
    await P.newPlot(div, [{ x: [1, 2], y: [1, 2], mode: 'lines+markers', name: 'warm-up' }], { title: { text: 'warm-up' }, shapes: [{ type: 'circle', x0: 0, x1: 1, y0: 0, y1: 1 }] }, plotConfig(P));
    P.purge(div);
  } finally {
    div.remove();
  }
}

/**
 * Plot renders run one per macrotask: several plots updating at once (the toy lab's three)
 * would otherwise draw back to back in one long task and stall the page.
 */
const queue: Array<() => Promise<unknown>> = [];
let draining = false;
function enqueue(job: () => Promise<unknown>): void {
  queue.push(job);
  if (draining) return;
  draining = true;
  const next = () => {
    const j = queue.shift();
    if (!j) {
      draining = false;
      return;
    }
    void j().finally(() => setTimeout(next, 0));
  };
  setTimeout(next, 0);
}

const BASE_CONFIG: Partial<Config> = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['select2d', 'lasso2d'] };

/** Plotly's toolbar exports PNG; this adds an SVG button beside it (vector figures for a paper). */
let config: Partial<Config> | null = null;
function plotConfig(P: PlotlyModule): Partial<Config> {
  return (config ??= {
    ...BASE_CONFIG,
    modeBarButtonsToAdd: [
      {
        name: 'download-svg',
        title: 'Download plot as SVG',
        icon: P.Icons.camera,
        click: (gd: unknown) => void P.downloadImage(gd as HTMLElement, { format: 'svg', filename: 'emogan-plot', width: 900, height: 500 }),
      },
    ],
  });
}

export function Plot({ data, layout, testId, height = 280 }: { data: Data[]; layout: Partial<Layout>; testId: string; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [renders, setRenders] = useState(0);
  useEffect(() => {
    let live = true;
    enqueue(() =>
      loadPlotly()
        .then((P) => {
          if (!live || !el.current) return;
          return P.react(el.current, data, { height, margin: { l: 50, r: 10, t: 30, b: 40 }, ...layout }, plotConfig(P)).then(() => {
            if (live) setRenders((r) => r + 1);
          });
        })
        .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e))),
    );
    return () => {
      live = false;
    };
  }, [data, layout, height]);
  useEffect(() => {
    const node = el.current;
    return () => {
      if (node) void loadPlotly().then((P) => P.purge(node));
    };
  }, []);
  return (
    <div className="plot" data-testid={testId} data-renders={renders} data-traces={data.length}>
      {error && <p className="error-text">The plot could not be drawn: {error}</p>}
      <div ref={el} />
    </div>
  );
}

/** A PNG (data URL) of a figure that is not on screen, e.g. for a report. */
export async function figureToPng(data: Data[], layout: Partial<Layout>, width = 720, height = 360): Promise<string> {
  const P = await loadPlotly();
  return P.toImage({ data, layout: { width, height, margin: { l: 60, r: 20, t: 40, b: 50 }, ...layout } }, { format: 'png', width, height });
}
