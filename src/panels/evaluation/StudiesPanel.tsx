/**
 * The paper's protocols: leave-one-group-out cross-validation (Table 2), cross-corpus (Tables
 * 3-4) and low-resource (Fig. 6), and the λ study its Section 6 proposes (M3/M4 at several
 * weights of the mutual-information term), each with progress, cancel and a table or plot.
 */
import { useMemo, useState } from 'react';
import type { Data, Layout } from 'plotly.js';
import type { ModelKind, StudyKind, StudyOutcome } from '../../api';
import { DEFAULT_LAMBDAS } from '../../compute/studies/lambdaStudy';
import { SPREAD_SEPARATION_NOTE } from '../../compute/eval/spread';
import { useStore } from '../../state/store';
import { runStudy } from '../../state/studyActions';
import { cancelEvaluation } from '../../state/evaluationActions';
import { NumberField } from '../training/SettingField';
import { Plot } from '../plots/Plot';

const KINDS: { id: StudyKind; label: string }[] = [
  { id: 'cross-validation', label: 'cross-validation (Table 2)' },
  { id: 'cross-corpus', label: 'cross-corpus (Tables 3-4)' },
  { id: 'low-resource', label: 'low-resource (Fig. 6)' },
  { id: 'lambda', label: 'λ study (M3/M4, the paper\'s Section 6)' },
];

const MODEL_COLOURS: Record<string, string> = { m1: '#0072B2', m2: '#D55E00', m3: '#009E73', m4: '#CC79A7' };

/** "0, 0.25, 1, 4" -> numbers, or an error message naming the bad entry. */
export function parseLambdas(text: string): number[] | string {
  const parts = text.split(/[,\s]+/).filter((p) => p.length > 0);
  if (parts.length === 0) return 'give at least one λ, e.g. 0, 0.25, 1, 4';
  const out: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v) || v < 0) return `"${p}" is not a λ (a number >= 0)`;
    out.push(v);
  }
  return out;
}

/** Metric 1, Metric 2, FID, spread and separation against λ, one line per model. */
function LambdaPlots({ o }: { o: StudyOutcome }) {
  const lam = o.lambda!;
  const shown = ['Metric 1, real set-1', 'Metric 2, real set-1', 'FID', 'Intra-class spread (synthetic / real)', 'Inter-class separation'];
  const plots = useMemo(
    () =>
      lam.measures
        .filter((m) => shown.includes(m.label))
        .map((m) => {
          const scale = m.kind === 'uar' ? 100 : 1;
          const data: Data[] = m.lines.map((l) => ({
            x: lam.lambdas,
            y: l.mean.map((v) => v * scale),
            error_y: { type: 'data', array: l.std.map((v) => (Number.isFinite(v) ? v * scale : 0)), visible: true },
            name: l.model.toUpperCase(),
            mode: 'lines+markers',
            line: { color: MODEL_COLOURS[l.model] },
          }));
          const layout: Partial<Layout> = {
            title: { text: m.label, font: { size: 12 } },
            xaxis: { title: { text: 'λ (weight of the mutual-information term)' }, type: 'category' },
            // From zero (UAR: 0-100 %), so a flat line does not look like a trend.
            yaxis: { title: { text: m.kind === 'uar' ? 'UAR (%)' : m.label.split(' (')[0] }, ...(m.kind === 'uar' ? { range: [0, 100] } : { rangemode: 'tozero' }) },
            legend: { font: { size: 10 } },
          };
          return { key: m.label, data, layout };
        }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [lam],
  );
  return (
    <>
      <div className="toy-grid" data-testid="study-lambda-plots">
        {plots.map((p, i) => (
          <Plot key={p.key} data={p.data} layout={p.layout} testId={`lambda-plot-${i}`} height={260} />
        ))}
      </div>
      <p className="small muted">{SPREAD_SEPARATION_NOTE} The paper expects a larger λ to raise separation and lower spread (M3-like rows); λ = 0 makes M4 into M2.</p>
    </>
  );
}

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
  const [models, setModels] = useState<ModelKind[]>(['m1', 'm2']);
  const [lambdaModels, setLambdaModels] = useState<ModelKind[]>(['m3', 'm4']);
  const [lambdaText, setLambdaText] = useState(DEFAULT_LAMBDAS.join(', '));
  const lambdas = parseLambdas(lambdaText);
  const isLambda = kind === 'lambda';
  const chosen = isLambda ? lambdaModels : models;
  const setChosen = isLambda ? setLambdaModels : setModels;
  const [epochs, setEpochs] = useState(5);
  const [nSynthetic, setNSynthetic] = useState(1000);
  const [folds, setFolds] = useState(5);
  const [firstFoldOnly, setFirstFoldOnly] = useState(true);
  const [bId, setBId] = useState<string>('');
  const usable = tables.filter((t) => t.dataset);
  const a = usable.find((t) => t.id === activeId) ?? null;
  const b = usable.find((t) => t.id === bId && t.id !== a?.id) ?? null;
  const needsB = kind === 'cross-corpus' || kind === 'low-resource';
  const canRun = !!a && chosen.length > 0 && (!needsB || !!b) && (!isLambda || typeof lambdas !== 'string') && st?.status !== 'running' && !trainingRuns;
  return (
    <div className="studies" data-testid="studies-panel">
      <h3>Studies (the paper's protocols)</h3>
      <div className="row">
        <select value={kind} onChange={(e) => setKind(e.target.value as StudyKind)} data-testid="study-kind">
          {KINDS.map((k) => (
            <option key={k.id} value={k.id}>{k.label}</option>
          ))}
        </select>
        {(isLambda ? (['m3', 'm4'] as const) : (['m1', 'm2', 'm3', 'm4'] as const)).map((m) => (
          <label key={m} className="chip">
            <input type="checkbox" checked={chosen.includes(m)} onChange={(e) => setChosen(e.target.checked ? [...chosen, m].sort() : chosen.filter((x) => x !== m))} data-testid={`study-${m}`} />
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
        {isLambda && (
          <label className="setting">
            <span>λ values</span>
            <input type="text" value={lambdaText} onChange={(e) => setLambdaText(e.target.value)} data-testid="study-lambdas" aria-invalid={typeof lambdas === 'string'} />
            <span className={typeof lambdas === 'string' ? 'error-text small' : 'paper-value'}>{typeof lambdas === 'string' ? lambdas : 'paper: 1 (M3); Section 6 proposes varying it'}</span>
          </label>
        )}
        {(kind === 'cross-validation' || isLambda) && (
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
              {
                kind,
                models: chosen,
                overrides: { epochs, widthScale: train.widthScale, batchSize: train.batchSize, seed: train.seed },
                nSynthetic,
                folds,
                firstFoldOnly,
                seed: train.seed,
                ...(isLambda && typeof lambdas !== 'string' ? { lambdas } : {}),
              },
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
      {st?.outcome?.lambda && <LambdaPlots o={st.outcome} />}
      {st?.status === 'done' && <p className="small muted" data-testid="study-kept">{st.keptWith ? `Kept in the notebook with run ${st.keptWith}.` : 'Not kept: train or reopen a run first, and its notebook entry keeps the study results.'}</p>}
    </div>
  );
}
