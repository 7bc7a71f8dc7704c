/**
 * How real are the synthetic rows? The paper's Metric 1 (train on real, test on synthetic),
 * Metric 2 (train on synthetic, test on real), on set-1 (the rows the GAN saw) and set-2 (held-out
 * rows), FID, beside the numbers that give them meaning: chance, the real -> real baseline, and
 * FID of real against real.
 */
import { useState } from 'react';
import type { RunEvaluation } from '../../api';
import { useStore } from '../../state/store';
import { cancelEvaluation, evaluateCurrentRun } from '../../state/evaluationActions';
import { NumberField } from '../training/SettingField';
import { StudiesPanel } from './StudiesPanel';

const pct = (v: number | undefined | null) => (v === undefined || v === null || !Number.isFinite(v) ? 'n/a' : `${(100 * v).toFixed(1)} %`);
const num = (v: number | undefined | null) => (v === undefined || v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(2));

function Results({ r }: { r: RunEvaluation }) {
  const chance = r.metric1Set1.chance;
  const rows: [string, string, string, string][] = [
    ['Metric 1, real set-1', pct(r.metric1Set1.uar), 'SVM fitted on the rows the GAN trained on, scored on synthetic rows', `${r.metric1Set1.params.kernel} C=${r.metric1Set1.params.C}`],
    ['Metric 2, real set-1', pct(r.metric2Set1.uar), 'SVM fitted on synthetic rows, scored on the rows the GAN trained on', `${r.metric2Set1.params.kernel} C=${r.metric2Set1.params.C}`],
    ['Metric 1, real set-2', pct(r.metric1Set2?.uar), 'SVM fitted on the held-out rows, scored on synthetic rows', r.metric1Set2 ? `${r.metric1Set2.params.kernel} C=${r.metric1Set2.params.C}` : ''],
    ['Metric 2, real set-2', pct(r.metric2Set2?.uar), 'SVM fitted on synthetic rows, scored on the held-out rows', ''],
    ['FID', num(r.fid), 'Fréchet distance in the 3rd hidden layer of an MLP trained on set-1 (lower is more real)', ''],
    // Older stored results have no spread; they show n/a.
    ['Intra-class spread', num(r.spread?.spreadRatio), 'synthetic / real mean distance to the class centroid (1 = as varied as real rows; well below 1 = narrow classes)', r.spread ? `per class ${r.spread.spreadRatioPerClass.map((v) => num(v)).join(', ')}` : ''],
    ['Inter-class separation', num(r.spread?.separation), 'distance between class centroids over the pooled within-class spread (higher = classes easier to tell apart)', r.spread ? `real set-1: ${num(r.spread.separationReal)}` : ''],
  ];
  return (
    <>
      <table className="metrics" data-testid="eval-table">
        <thead>
          <tr>
            <th>measure</th>
            <th className="num">this run</th>
            <th>what it is</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, v, what, extra]) => (
            <tr key={name} data-metric={name}>
              <td>{name}</td>
              <td className="num">{v}</td>
              <td className="small muted">
                {what}
                {extra ? ` (${extra})` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small" data-testid="eval-context">
        For scale: chance (UAR) {pct(chance)}; real set-1 → real set-2 baseline {pct(r.baseline?.uar)}; FID of real against real (two halves of
        set-1) {num(r.fidRealVsReal)}, of the held-out rows against set-1 {num(r.fidSet2)}.{' '}
        {r.detector && <>A real-vs-synthetic detector reaches AUC {r.detector.auc.toFixed(2)} (0.5 = cannot tell them apart). </>}
        {r.knn && (
          <>
            k-NN precision {r.knn.precision.toFixed(2)} (share of synthetic rows that fall among real ones: realism), recall {r.knn.recall.toFixed(2)} (share of
            real rows that have synthetic neighbours: diversity), coverage {r.knn.coverage.toFixed(2)}.
          </>
        )}{' '}
        {r.nSynthetic} synthetic rows; set-1 {r.set1Rows} rows, set-2 {r.set2Rows} rows; {(r.ms / 1000).toFixed(1)} s. All accuracies are unweighted average recall.
      </p>
    </>
  );
}

export function EvaluationPanel() {
  const run = useStore((s) => s.run);
  const ev = useStore((s) => s.evaluation);
  const [n, setN] = useState(2000);
  const [seed, setSeed] = useState(1);
  const ready = run && run.history.length > 0 && ['paused', 'done', 'stopped', 'diverged'].includes(run.status);
  const mine = ev && run && ev.runId === run.id ? ev : null;
  return (
    <div className="panel" data-testid="evaluation-panel">
      <h2>Evaluation</h2>
      <p className="small muted">
        The paper's metrics for the run above, on its own split: set-1 = its training rows, set-2 = its validation rows. The full protocols are
        below (and headless: <code>npm run lab</code>).
      </p>
      <div className="row">
        <NumberField label="synthetic rows" value={n} min={8} step={500} onChange={(v) => setN(Math.round(v))} paper="paper: 6000 (ours: 2000, quicker SVMs)" deviates={n !== 6000} testId="eval-n" />
        <NumberField label="seed" value={seed} step={1} onChange={(v) => setSeed(Math.round(v))} paper="draws and SVM folds" />
        <button type="button" className="primary" data-testid="evaluate" disabled={!ready || mine?.status === 'running'} onClick={() => void evaluateCurrentRun(n, seed)}>
          Evaluate this run
        </button>
        {mine?.status === 'running' && (
          <button type="button" data-testid="cancel-eval" onClick={() => void cancelEvaluation()}>
            Cancel
          </button>
        )}
      </div>
      {!ready && <p className="small muted">Train a model (and pause or finish it) to evaluate it.</p>}
      {mine?.status === 'running' && (
        <div className="row">
          <progress max={1} value={mine.progress?.fraction ?? 0} />
          <span className="small" data-testid="eval-stage">{mine.progress?.stage ?? 'starting...'}</span>
        </div>
      )}
      {mine?.error && <p className={mine.status === 'failed' ? 'error-text' : 'muted'} data-testid="eval-error">{mine.error}</p>}
      {mine?.result && <Results r={mine.result} />}
      <StudiesPanel />
    </div>
  );
}

