/** A tiny inline loss curve (train solid, validation dashed) until the Plotly panels land (#5). */
export function Sparkline({ train, val, width = 120, height = 28 }: { train: number[]; val: (number | null)[]; width?: number; height?: number }) {
  const all = [...train, ...val.filter((v): v is number => v !== null)].filter(Number.isFinite);
  if (train.length < 2 || all.length === 0) return <svg width={width} height={height} />;
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const x = (i: number) => (i / (train.length - 1)) * (width - 2) + 1;
  const y = (v: number) => height - 1 - ((v - lo) / (hi - lo || 1)) * (height - 2);
  const path = (vs: (number | null)[]) =>
    vs.map((v, i) => (v === null || !Number.isFinite(v) ? '' : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean).join(' ');
  return (
    <svg width={width} height={height} className="sparkline" aria-hidden="true">
      <polyline points={path(train)} fill="none" stroke="#3056d3" strokeWidth="1.5" />
      {val.some((v) => v !== null) && <polyline points={path(val)} fill="none" stroke="#d97706" strokeWidth="1.2" strokeDasharray="3 2" />}
    </svg>
  );
}
