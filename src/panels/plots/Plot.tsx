/**
 * A thin view over Plotly: loads the library on first use (it is the largest dependency) and
 * updates the same plot in place with Plotly.react, so live panels never re-create a figure.
 */
import { useEffect, useRef, useState } from 'react';
import type { Config, Data, Layout } from 'plotly.js';

type PlotlyModule = typeof import('plotly.js');
let plotly: Promise<PlotlyModule> | null = null;
const loadPlotly = () => (plotly ??= import('plotly.js-basic-dist-min').then((m) => (m.default ?? m) as unknown as PlotlyModule));

const CONFIG: Partial<Config> = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['select2d', 'lasso2d'] };

export function Plot({ data, layout, testId, height = 280 }: { data: Data[]; layout: Partial<Layout>; testId: string; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [renders, setRenders] = useState(0);
  useEffect(() => {
    let live = true;
    loadPlotly()
      .then((P) => {
        if (!live || !el.current) return;
        return P.react(el.current, data, { height, margin: { l: 50, r: 10, t: 30, b: 40 }, ...layout }, CONFIG).then(() => {
          if (live) setRenders((r) => r + 1);
        });
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
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
