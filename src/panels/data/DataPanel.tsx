/** Load tables (file picker, drag-and-drop, demo), see what was loaded, choose column roles. */
import { useRef, useState, type DragEvent } from 'react';
import { cancelLoad, dismissLoadError, loadDemo, loadFile, removeTable, setActive } from '../../state/actions';
import { useStore } from '../../state/store';
import { ErrorBox } from './ErrorBox';
import { RolesEditor } from './RolesEditor';
import { SummaryCard } from './SummaryCard';

export function DataPanel() {
  const tables = useStore((s) => s.tables);
  const activeId = useStore((s) => s.activeId);
  const loading = useStore((s) => s.loading);
  const loadError = useStore((s) => s.loadError);
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const active = tables.find((t) => t.id === activeId) ?? null;

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void loadFile(file);
  };

  return (
    <div className="panel" data-testid="data-panel">
      <h2>Data</h2>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop a CSV or TSV feature table here (one row per utterance, a header row), or</p>
        <div className="row">
          <button type="button" onClick={() => input.current?.click()} disabled={!!loading}>
            Choose a file...
          </button>
          <button type="button" data-testid="load-demo" onClick={() => void loadDemo()} disabled={!!loading}>
            Load demo (EmoDB)
          </button>
        </div>
        <input
          ref={input}
          type="file"
          accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
          data-testid="file-input"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void loadFile(f);
          }}
        />
        <p className="muted small">Parsed in a worker on this computer; nothing is uploaded.</p>
      </div>

      {loading && (
        <div className="loading" data-testid="loading">
          <div>
            Loading <b>{loading.fileName}</b>: {loading.rows.toLocaleString('en')} rows ({Math.round(loading.fraction * 100)}%)
          </div>
          <div className="row">
            <progress max={1} value={loading.fraction} />
            <button type="button" data-testid="cancel-load" onClick={() => void cancelLoad()}>
              Cancel
            </button>
          </div>
        </div>
      )}

      {loadError && (
        <ErrorBox testId="load-error" title={`Could not load ${loadError.fileName}`} error={loadError.error} onDismiss={dismissLoadError} />
      )}

      {tables.length > 0 && (
        <div className="tables" role="tablist" aria-label="Loaded tables" data-testid="table-list">
          {tables.map((t) => (
            <div key={t.id} className={`table-tab${t.id === activeId ? ' active' : ''}`}>
              <button type="button" role="tab" aria-selected={t.id === activeId} onClick={() => setActive(t.id)} title={t.fileName}>
                {t.fileName}
                {t.error ? ' (!)' : ''}
              </button>
              <button type="button" className="close" aria-label={`Remove ${t.fileName}`} onClick={() => removeTable(t.id)}>
                x
              </button>
            </div>
          ))}
        </div>
      )}

      {active && (
        <>
          <RolesEditor key={active.id} table={active} />
          {active.error && <ErrorBox testId="roles-error" title="These column choices do not give a usable dataset" error={active.error} />}
          {active.summary && <SummaryCard summary={active.summary} />}
        </>
      )}
      {tables.length === 0 && !loading && <p className="muted">No table loaded yet. Try the demo.</p>}
    </div>
  );
}
