/**
 * The paper's protocols: leave-one-group-out cross-validation (Table 2), cross-corpus (Tables
 * 3-4) and low-resource (Fig. 6), each with progress, cancel and a results table or plot.
 */
import { useMemo, useState } from 'react';
import type { Data, Layout } from 'plotly.js';
import type { StudyKind, StudyOutcome } from '../../api';
import { useStore } from '../../state/store';
import { runStudy } from '../../state/studyActions';
import { cancelEvaluation } from '../../state/evaluationActions';
import { NumberField } from '../training/SettingField';
import { Plot } from '../plots/Plot';

const KINDS: { id: StudyKind; label: string }[] = [
  { id: 'cross-validation', label: 'cross-validation (Table 2)' },
  { id: 'cross-corpus', label: 'cross-corpus (Tables 3-4)' },
  { id: 'low-resource', label: 'low-resource (Fig. 6)' },
];

function OutcomeTable({ o }: { o: StudyOutcome }) {
  const t = o.table!;
  const fmt = (kind: 'uar' | 'fid', m: number, s: number) =>
    !Number.isFinite(m) ? 'n/a' : kind === 'uar' ? `${(100 * m).toFixed(1)}${s > 0 ? ` ± ${(100 * s).toFixed(1)}` : ''}` : `${m.toFixed(2)}${s > 0 ? ` ± ${s.toFixed(2)}` : ''}`;
  return (
    <>
      <table className="metrics" data-testid="study-table">
        <caption className="small">{t.title}</caption>
        <thead>
          <tr>
            <th />
            {t.columns.map((c) => (
              <th key={c} className="num">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {t.rows.map((r) => (
            <tr key={r.label} data-row={r.label}>
              <td>{r.label}</td>
              {r.mean.map((m, i) => (
                <td key={i} className="num">{fmt(r.kind, m, r.std[i])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {t.notes.map((n) => (
        <p key={n} className="small muted">{n}</p>
      ))}
    </>
  );
}

function Fig6({ o }: { o: StudyOutcome }) {
  const lines = o.lines!;
  const mk = (ls: typeof lines.byN): Data[] =>
    ls.map((l, i) => ({
      x: l.points.map((p) => p.percent),
      y: l.points.map((p) => 100 * p.uar),
      error_y: { type: 'data', array: l.points.map((p) => 100 * p.std), visible: true },
      name: l.label,
      mode: 'lines+markers',
      line: { color: ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00'][i % 5] },
    }));
  const layout = (title: string): Partial<Layout> => ({
    title: { text: title, font: { size: 12 } },
    xaxis: { title: { text: '% of corpus A used' } },
    yaxis: { title: { text: 'UAR on corpus B (%)' } },
    shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: 100 * lines.chance, y1: 100 * lines.chance, line: { dash: 'dot', color: '#98a2b3' } }],
    legend: { font: { size: 10 } },
  });
  const byN = useMemo(() => mk(lines.byN), [lines]);
  const byModel = useMemo(() => mk(lines.byModel), [lines]);
  return (
    <div className="toy-grid" data-testid="study-fig6">
      <Plot data={byN} layout={layout('one line per number of synthetic rows')} testId="fig6-by-n" height={300} />
      <Plot data={byModel} layout={layout('one line per model')} testId="fig6-by-model" height={300} />
    </div>
  );
}

export function StudiesPanel() {
  const tables = useStore((s) => s.tables);
  const activeId = useStore((s) => s.activeId);
  const train = useStore((s) => s.settings.train);
  const st = useStore((s) => s.study);
  const trainingRuns = useStore((s) => s.run?.status === 'running');
  const [kind, setKind] = useState<StudyKind>('cross-validation');
  const [models, setModels] = useState<Array<'m1' | 'm2' | 'm3'>>(['m1', 'm2']);
  const [epochs, setEpochs] = useState(5);
  const [nSynthetic, setNSynthetic] = useState(1000);
  const [folds, setFolds] = useState(5);
  const [firstFoldOnly, setFirstFoldOnly] = useState(true);
  const [bId, setBId] = useState<string>('');
  const usable = tables.filter((t) => t.dataset);
  const a = usable.find((t) => t.id === activeId) ?? null;
  const needsB = kind !== 'cross-validation';
  const b = usable.find((t) => t.id === bId && t.id !== a?.id) ?? null;
  const canRun = !!a && models.length > 0 && (!needsB || !!b) && st?.status !== 'running' && !trainingRuns;
  return (
    <div className="studies" data-testid="studies-panel">
      <h3>Studies (the paper's protocols)</h3>
      <div className="row">
        <select value={kind} onChange={(e) => setKind(e.target.value as StudyKind)} data-testid="study-kind">
          {KINDS.map((k) => (
            <option key={k.id} value={k.id}>{k.label}</option>
          ))}
        </select>
        {(['m1', 'm2', 'm3'] as const).map((m) => (
          <label key={m} className="chip">
            <input type="checkbox" checked={models.includes(m)} onChange={(e) => setModels(e.target.checked ? [...models, m].sort() : models.filter((x) => x !== m))} data-testid={`study-${m}`} />
            {m.toUpperCase()}
          </label>
        ))}
      </div>
      <p className="small muted">
        Corpus A: <b>{a?.fileName ?? 'load a table'}</b>
        {needsB && (
          <>
            {' '}
            → corpus B:{' '}
            <select value={bId} onChange={(e) => setBId(e.target.value)} data-testid="study-b">
              <option value="">choose a loaded table</option>
              {usable.filter((t) => t.id !== a?.id).map((t) => (
                <option key={t.id} value={t.id}>{t.fileName}</option>
              ))}
            </select>
          </>
        )}
        . Each model uses the training settings above (width scale {train.widthScale}, batch {train.batchSize}, seed {train.seed}) with these epochs.
      </p>
      <div className="row">
        <NumberField label="GAN epochs" value={epochs} min={1} step={1} onChange={(v) => setEpochs(Math.round(v))} paper="paper: until convergence" testId="study-epochs" />
        {kind !== 'low-resource' && <NumberField label="synthetic rows" value={nSynthetic} min={8} step={500} onChange={(v) => setNSynthetic(Math.round(v))} paper="paper: 6000" deviates={nSynthetic !== 6000} testId="study-n" />}
        {kind === 'cross-validation' && (
          <>
            <NumberField label="folds (groups merged)" value={folds} min={2} step={1} onChange={(v) => setFolds(Math.round(v))} paper="paper: 5 sessions" testId="study-folds" />
            <label className="chip">
              <input type="checkbox" checked={firstFoldOnly} onChange={(e) => setFirstFoldOnly(e.target.checked)} data-testid="study-first-fold" /> first fold only (quick look)
            </label>
          </>
        )}
      </div>
      <div className="row">
        <button
          type="button"
          className="primary"
          data-testid="study-run"
          disabled={!canRun}
          onClick={() =>
            void runStudy(
              { kind, models, overrides: { epochs, widthScale: train.widthScale, batchSize: train.batchSize, seed: train.seed }, nSynthetic, folds, firstFoldOnly, seed: train.seed },
              a!.id,
              needsB ? b!.id : null,
            )
          }
        >
          Run study
        </button>
        {st?.status === 'running' && (
          <button type="button" data-testid="study-cancel" onClick={() => void cancelEvaluation()}>
            Cancel
          </button>
        )}
        {trainingRuns && <span className="small muted">Pause or stop training first (one compute worker).</span>}
      </div>
      {st && (
        <div className="row small" data-testid="study-status" data-status={st.status}>
          <progress max={1} value={st.progress?.fraction ?? 0} />
          <span>
            {st.request.kind} on {st.corpora}: {st.status}
            {st.status === 'running' && st.progress ? ` (${st.progress.stage}${st.progress.folds ? `, fold ${st.progress.fold} of ${st.progress.folds}` : ''})` : ''}
            {st.outcome ? `, ${(st.outcome.ms / 1000).toFixed(0)} s` : ''}
          </span>
        </div>
      )}
      {st?.error && <p className={st.status === 'failed' ? 'error-text' : 'muted'} data-testid="study-error">{st.error}</p>}
      {st?.outcome?.table && <OutcomeTable o={st.outcome} />}
      {st?.outcome?.lines && <Fig6 o={st.outcome} />}
    </div>
  );
}
