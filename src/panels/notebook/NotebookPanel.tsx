/** The notebook sidebar: every run kept, newest first; reopen, rename, tag, note, export, delete. */
import { useRef, useState } from 'react';
import type { RunRecord } from '../../notebook/schema';
import { useStore } from '../../state/store';
import { deleteRun, downloadNotebook, downloadReport, downloadRun, duplicateWithNewSeed, freeSpace, importFile, patchRun, setCompare, undoDelete } from '../../state/notebookActions';
import { openStoredRun } from '../../state/trainingActions';

const mb = (b: number) => `${(b / 1e6).toFixed(b < 1e7 ? 1 : 0)} MB`;

function lastMetric(r: RunRecord): string {
  const ev = r.evaluations.filter((e) => e.kind === 'run metrics').pop()?.result as { metric1Set1?: { uar: number }; metric2Set2?: { uar: number }; fid?: number } | undefined;
  if (ev?.metric1Set1) return `M1 ${(100 * ev.metric1Set1.uar).toFixed(0)}%, M2 ${ev.metric2Set2 ? (100 * ev.metric2Set2.uar).toFixed(0) + '%' : 'n/a'}, FID ${ev.fid?.toFixed(1)}`;
  const last = r.losses[r.losses.length - 1];
  return last ? `recon ${last.train.recon?.toFixed(3)}` : 'no epoch yet';
}

function RunItem({ r, current, compared, onCompare }: { r: RunRecord; current: boolean; compared: boolean; onCompare: (on: boolean) => void }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  return (
    <li className={`nb-run${current ? ' current' : ''}`} data-testid="nb-run" data-status={r.status}>
      <div className="nb-title row">
        <input type="checkbox" aria-label="compare this run" title="compare (2 to 4 runs)" checked={compared} onChange={(e) => onCompare(e.target.checked)} data-testid="nb-compare" />
        <input
          aria-label="run title"
          defaultValue={r.title}
          data-testid="nb-title"
          onBlur={(e) => e.target.value !== r.title && void patchRun(r.id, { title: e.target.value })}
        />
      </div>
      <div className="small muted">
        {r.model.toUpperCase()} · {r.dataset.name.split(' ')[0]} · <span data-testid="nb-status">{r.status}</span> · {r.losses.length} ep · {lastMetric(r)}
      </div>
      <div className="row small">
        <button type="button" className="linkish" data-testid="nb-open" disabled={current} onClick={async () => setMessage(await openStoredRun(r))}>
          {current ? 'open' : 'reopen'}
        </button>
        <button type="button" className="linkish" onClick={() => setOpen(!open)}>
          notes &amp; tags
        </button>
        <button type="button" className="linkish" data-testid="nb-export" onClick={() => void downloadRun(r)}>
          export
        </button>
        <button type="button" className="linkish" data-testid="nb-report" onClick={() => void downloadReport(r)}>
          report
        </button>
        <button type="button" className="linkish" data-testid="nb-duplicate" title="same settings, new seed" onClick={() => duplicateWithNewSeed(r)}>
          duplicate
        </button>
        <button type="button" className="linkish" data-testid="nb-delete" onClick={() => void deleteRun(r.id)}>
          delete
        </button>
      </div>
      {message && <p className="error-text small">{message}</p>}
      {open && (
        <div className="nb-notes">
          <input placeholder="tags, comma separated" defaultValue={r.tags.join(', ')} onBlur={(e) => void patchRun(r.id, { tags: e.target.value.split(',').map((t) => t.trim()).filter(Boolean) })} />
          <textarea placeholder="notes (markdown)" defaultValue={r.notes} rows={4} onBlur={(e) => void patchRun(r.id, { notes: e.target.value })} data-testid="nb-notes" />
        </div>
      )}
      {r.tags.length > 0 && <div className="small">{r.tags.map((t) => <span key={t} className="tag">{t}</span>)}</div>}
    </li>
  );
}

export function NotebookPanel() {
  const nb = useStore((s) => s.notebook);
  const currentRecord = useStore((s) => s.run?.recordId ?? null);
  // Select primitives: a new object per call would re-render forever (useSyncExternalStore).
  const savedEpoch = useStore((s) => s.run?.savedEpoch ?? 0);
  const saveError = useStore((s) => s.run?.saveError ?? null);
  const input = useRef<HTMLInputElement>(null);
  const [importMsg, setImportMsg] = useState<string | null>(null);
  return (
    <div className="panel" data-testid="notebook-panel">
      <h2>Notebook</h2>
      <p className="small muted">
        Runs, checkpoints and tables are kept in this browser (IndexedDB) and survive a reload
        {nb.persisted === true ? '; the browser granted persistent storage' : ''}.
        {nb.storage && <> Using {mb(nb.storage.usage)} of {mb(nb.storage.quota)}.</>}
      </p>
      {nb.recovered > 0 && <p className="notice small" data-testid="nb-recovered">{nb.recovered} run{nb.recovered > 1 ? 's were' : ' was'} interrupted by a reload and {nb.recovered > 1 ? 'are' : 'is'} paused at the last saved epoch: reopen to resume.</p>}
      {saveError && (
        <p className="error-text small">
          The last checkpoint could not be saved: {saveError}{' '}
          <button type="button" className="linkish" onClick={() => void freeSpace()} data-testid="nb-free-space">
            delete old checkpoints to make room
          </button>
        </p>
      )}
      {nb.message && <p className="notice small" data-testid="nb-message">{nb.message}</p>}
      {!saveError && savedEpoch > 0 && <p className="small muted" data-testid="nb-saved">Current run saved through epoch {savedEpoch}.</p>}
      {nb.error && <p className="error-text small">{nb.error}</p>}
      {nb.undo && (
        <p className="notice small">
          Deleted "{nb.undo}".{' '}
          <button type="button" className="linkish" data-testid="nb-undo" onClick={() => void undoDelete()}>
            Undo
          </button>
        </p>
      )}
      <div className="row small">
        <button type="button" onClick={() => void downloadNotebook()} data-testid="nb-export-all" disabled={nb.runs.length === 0}>
          Export notebook
        </button>
        <button type="button" onClick={() => input.current?.click()} data-testid="nb-import">
          Import...
        </button>
        <input
          ref={input}
          type="file"
          accept=".zip,application/zip"
          hidden
          data-testid="nb-import-input"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) setImportMsg(await importFile(f));
          }}
        />
      </div>
      {importMsg && <p className="small" data-testid="nb-import-msg">{importMsg}</p>}
      {nb.unreadable.length > 0 && <p className="error-text small">{nb.unreadable.length} stored run(s) could not be read (newer app version or damaged).</p>}
      {nb.runs.length === 0 ? (
        <p className="muted small">No runs yet: every training run appears here.</p>
      ) : (
        <ul className="nb-runs" data-testid="nb-runs">
          {nb.runs.map((r) => (
            <RunItem
              key={r.id}
              r={r}
              current={r.id === currentRecord}
              compared={nb.compare.includes(r.id)}
              onCompare={(on) => setCompare(on ? [...nb.compare, r.id].slice(-4) : nb.compare.filter((x) => x !== r.id))}
            />
          ))}
        </ul>
      )}
      <p className="small muted" data-testid="nb-compare-hint">
        {nb.compare.length < 2 ? 'Tick 2 to 4 runs to compare them side by side.' : `Comparing ${nb.compare.length} runs (shown above the plots).`}
      </p>
    </div>
  );
}
