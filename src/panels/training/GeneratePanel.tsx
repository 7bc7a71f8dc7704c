/** Generate N synthetic rows (balanced, labelled, in the input's units), preview and download. */
import { useEffect, useMemo, useState } from 'react';
import { useStore } from '../../state/store';
import { generateRows } from '../../state/trainingActions';
import { NumberField } from './SettingField';

export function GeneratePanel() {
  const run = useStore((s) => s.run);
  const gen = useStore((s) => s.generated);
  const [n, setN] = useState(6000);
  const [seed, setSeed] = useState(1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const url = useMemo(() => (gen ? URL.createObjectURL(gen.csv) : null), [gen]);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  if (!run) return null;
  const canGenerate = run.history.length > 0 && (run.status === 'paused' || run.status === 'done' || run.status === 'stopped' || run.status === 'diverged');
  const cols = gen ? Math.min(6, gen.d) : 0;
  const counts = gen ? gen.classNames.map((_, k) => gen.labels.reduce((a, l) => a + (l === k ? 1 : 0), 0)) : [];
  const file = `synthetic-${run.settings.model}-${run.tableName.split(' ')[0].replace(/\.\w+$/, '')}-seed${run.settings.seed}.csv`;

  return (
    <div className="generate" data-testid="generate-panel">
      <h3>Generate synthetic rows</h3>
      <div className="row">
        <NumberField label="rows" value={n} min={1} step={100} onChange={(v) => setN(Math.round(v))} paper="paper: 6000, balanced" testId="gen-n" />
        <NumberField label="seed" value={seed} step={1} onChange={(v) => setSeed(Math.round(v))} paper="draw of z and c" />
        <button
          type="button"
          data-testid="generate"
          disabled={!canGenerate || busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            setError(await generateRows(n, seed));
            setBusy(false);
          }}
        >
          {busy ? 'Generating...' : 'Generate'}
        </button>
      </div>
      {!canGenerate && <p className="small muted">Pause or finish training (at least one epoch) to generate.</p>}
      {error && <p className="error-text">{error}</p>}
      {gen && gen.runId === run.id && (
        <>
          <p className="small" data-testid="gen-summary">
            {gen.n} rows x {gen.d} features, {gen.classNames.map((c, k) => `${c} ${counts[k]}`).join(', ')}; in the input table's units (z-scoring undone).
          </p>
          <table className="preview" data-testid="gen-preview">
            <thead>
              <tr>
                {gen.featureNames.slice(0, cols).map((c) => (
                  <th key={c} className="num">{c}</th>
                ))}
                {gen.d > cols && <th>...</th>}
                <th>label</th>
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: Math.min(5, gen.n) }, (_, i) => (
                <tr key={i}>
                  {Array.from({ length: cols }, (_, j) => (
                    <td key={j} className="num">{gen.features[i * gen.d + j].toPrecision(4)}</td>
                  ))}
                  {gen.d > cols && <td>...</td>}
                  <td>{gen.classNames[gen.labels[i]]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {url && (
            <a href={url} download={file} data-testid="download-csv" className="button-like">
              Download CSV ({(gen.csv.size / 1e6).toFixed(1)} MB)
            </a>
          )}
        </>
      )}
    </div>
  );
}
