/** Pick the label column, an optional group column, the classes to keep and the feature columns. */
import { useMemo, useState } from 'react';
import { defaultClasses, distinctValues, labelCandidates, type ColumnRoles } from '../../compute/data/columnRoles';
import { applyRoles } from '../../state/actions';
import type { LoadedTable } from '../../state/store';

export function RolesEditor({ table: t }: { table: LoadedTable }) {
  const { table, roles } = t;
  const candidates = useMemo(() => labelCandidates(table), [table]);
  const numeric = useMemo(() => table.columns.filter((_, j) => table.kinds[j] === 'numeric'), [table]);
  const classes = useMemo(() => distinctValues(table, roles.label), [table, roles.label]);
  const [filter, setFilter] = useState('');
  const set = (patch: Partial<ColumnRoles>) => void applyRoles(t.id, { ...roles, ...patch });
  const featureSet = new Set(roles.features);
  const shown = numeric.filter((c) => c.toLowerCase().includes(filter.toLowerCase()));

  return (
    <div className="roles" data-testid="roles-editor">
      <div className="grid2">
        <label>
          Label column
          <select
            data-testid="label-select"
            value={roles.label}
            onChange={(e) => {
              const label = e.target.value;
              set({ label, keepClasses: defaultClasses(table, label), features: roles.features.filter((f) => f !== label) });
            }}
          >
            {candidates.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Group column (speaker / session)
          <select
            data-testid="group-select"
            value={roles.group ?? ''}
            onChange={(e) => {
              const group = e.target.value || null;
              set({ group, features: roles.features.filter((f) => f !== group) });
            }}
          >
            <option value="">none</option>
            {candidates
              .filter((c) => c !== roles.label)
              .map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
          </select>
        </label>
      </div>
      <fieldset className="classes" data-testid="class-picker">
        <legend>Classes to keep</legend>
        {classes.map(({ value, count }) => (
          <label key={value} className="chip">
            <input
              type="checkbox"
              checked={roles.keepClasses.includes(value)}
              onChange={(e) => {
                const keep = e.target.checked ? [...roles.keepClasses, value] : roles.keepClasses.filter((k) => k !== value);
                // Keep the order the classes are listed in, so class indices are stable.
                set({ keepClasses: classes.map((c) => c.value).filter((c) => keep.includes(c)) });
              }}
            />
            {value} <span className="muted">({count})</span>
          </label>
        ))}
      </fieldset>
      <details className="features">
        <summary data-testid="feature-summary">
          Feature columns: {roles.features.length} of {numeric.length} numeric columns
        </summary>
        <div className="row">
          <input placeholder="filter columns" value={filter} onChange={(e) => setFilter(e.target.value)} />
          <button type="button" onClick={() => set({ features: Array.from(new Set([...roles.features, ...shown])).filter((c) => c !== roles.label && c !== roles.group) })}>
            select shown
          </button>
          <button type="button" onClick={() => set({ features: roles.features.filter((f) => !shown.includes(f)) })}>
            clear shown
          </button>
        </div>
        <div className="feature-list">
          {shown.slice(0, 400).map((c) => (
            <label key={c} className="chip">
              <input
                type="checkbox"
                checked={featureSet.has(c)}
                onChange={(e) => set({ features: e.target.checked ? numeric.filter((x) => featureSet.has(x) || x === c) : roles.features.filter((x) => x !== c) })}
              />
              {c}
            </label>
          ))}
          {shown.length > 400 && <span className="muted">...and {shown.length - 400} more (use the filter)</span>}
        </div>
      </details>
      <label>
        Rows with empty / NaN / Inf values{' '}
        <select data-testid="missing-select" value={roles.missing} onChange={(e) => set({ missing: e.target.value as ColumnRoles['missing'] })}>
          <option value="drop">drop those rows (default)</option>
          <option value="mean">fill with the column mean</option>
        </select>
      </label>
    </div>
  );
}
