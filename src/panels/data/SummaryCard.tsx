/** What was loaded: rows kept and dropped, d, per-class and per-group counts, missing values, ranges. */
import type { DatasetSummary } from '../../api';

const fmt = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(2));

export function SummaryCard({ summary: s }: { summary: DatasetSummary }) {
  const max = Math.max(...s.classCounts.map((c) => c.count));
  const droppedTotal = s.dropped.otherClass + s.dropped.missingLabel + s.dropped.missingValues;
  return (
    <div className="summary" data-testid="summary-card">
      <h3>{s.name}</h3>
      <dl className="facts">
        <dt>rows kept</dt>
        <dd data-testid="rows-kept">{s.rowsKept}</dd>
        <dt>rows dropped</dt>
        <dd data-testid="rows-dropped">
          {droppedTotal}
          {droppedTotal > 0 && (
            <span className="muted">
              {' '}
              ({[
                s.dropped.otherClass && `${s.dropped.otherClass} other classes`,
                s.dropped.missingValues && `${s.dropped.missingValues} with missing values`,
                s.dropped.missingLabel && `${s.dropped.missingLabel} without a label`,
              ]
                .filter(Boolean)
                .join(', ')}
              )
            </span>
          )}
        </dd>
        <dt>features d</dt>
        <dd data-testid="feature-dim">{s.d}</dd>
        <dt>classes K</dt>
        <dd data-testid="class-count">{s.classCounts.length}</dd>
        <dt>missing values</dt>
        <dd data-testid="missing-cells">
          {s.missingCells === 0
            ? 'none'
            : `${s.missingCells} cells in ${s.rowsWithMissing} rows (${s.missingPolicy === 'drop' ? 'rows dropped' : 'filled with column means'})`}
        </dd>
      </dl>
      <table className="counts" data-testid="class-counts">
        <tbody>
          {s.classCounts.map((c) => (
            <tr key={c.name} data-class={c.name}>
              <td>{c.name}</td>
              <td className="num">{c.count}</td>
              <td className="bar">
                <span style={{ width: `${(100 * c.count) / max}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {s.groupCounts && (
        <details>
          <summary data-testid="group-summary">
            {s.groupCounts.length} groups (speakers / sessions)
          </summary>
          <p className="small">{s.groupCounts.map((g) => `${g.name}: ${g.count}`).join(', ')}</p>
        </details>
      )}
      <details>
        <summary>Feature ranges (first {s.featurePreview.length})</summary>
        <table className="ranges">
          <thead>
            <tr>
              <th>feature</th>
              <th>min</th>
              <th>mean</th>
              <th>max</th>
            </tr>
          </thead>
          <tbody>
            {s.featurePreview.map((f) => (
              <tr key={f.name}>
                <td>{f.name}</td>
                <td className="num">{fmt(f.min)}</td>
                <td className="num">{fmt(f.mean)}</td>
                <td className="num">{fmt(f.max)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      {s.ignoredColumns.length > 0 && <p className="muted small">Not used: {s.ignoredColumns.slice(0, 10).join(', ')}{s.ignoredColumns.length > 10 ? ', ...' : ''}</p>}
    </div>
  );
}
