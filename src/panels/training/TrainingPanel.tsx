/** Choose M1-M4 and its settings, train in the worker with live control, then generate. */
import { useState } from 'react';
import type { StepKey, TrainSettings } from '../../api';
import { modelSizes, paramCounts } from '../../compute/models/sizes';
import { paperValue, STEP_KEYS } from '../../compute/train/settings';
import { useStore } from '../../state/store';
import {
  applyLearningRates,
  chooseModel,
  controlTraining,
  resetTrainSettings,
  startTraining,
  updateTrainSettings,
} from '../../state/trainingActions';
import { GeneratePanel } from './GeneratePanel';
import { LossTable } from './LossTable';
import { NumberField } from './SettingField';
import { shareSettings } from '../../state/notebookActions';

const MODELS: { id: TrainSettings['model']; name: string; what: string }[] = [
  { id: 'm1', name: 'M1', what: 'adversarial autoencoder: 2-D code, mixture-of-K-Gaussians prior, code discriminator D1' },
  { id: 'm2', name: 'M2', what: 'M1 plus a data-space discriminator D2 on the decoder\'s output' },
  { id: 'm3', name: 'M3', what: '256-D code, code generator from N(0, I) noise, D1 + D2, and the infoGAN AUX head' },
  { id: 'm4', name: 'M4', what: 'the paper\'s proposed next model: M2 plus the AUX head, λ·mutual information between a row and its mixture component (λ = 0 is M2)' },
];

const STEP_WHAT: Record<StepKey, string> = {
  step1: 'step 1: autoencoder (reconstruction)',
  step2: 'step 2: D1 (code discriminator)',
  step3: 'step 3: encoder vs D1',
  step4: 'step 4: D2 (data discriminator)',
  step5: 'step 5: generator vs D2',
};

const fmtMs = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

export function TrainingPanel() {
  const table = useStore((s) => s.tables.find((t) => t.id === s.activeId) ?? null);
  const settings = useStore((s) => s.settings.train);
  const run = useStore((s) => s.run);
  const [lrMessage, setLrMessage] = useState<string | null>(null);
  const [shareMsg, setShareMsg] = useState<string | null>(null);
  const ds = table?.dataset ?? null;
  const m = settings.model;
  const running = run?.status === 'running' || run?.status === 'starting';
  const paused = run?.status === 'paused' || run?.status === 'diverged';
  const set = (patch: Partial<TrainSettings>) => updateTrainSettings(patch);
  const paperText = (key: keyof TrainSettings) => {
    const p = paperValue(m, key);
    if (p.source === 'ours') return `ours (paper silent)`;
    if (p.source === 'departure') return `paper: ${String(p.paper)}; ours: ${String(p.value)} (SPEC)`;
    return `paper: ${String(p.paper)}`;
  };
  const sizes = ds ? modelSizes(m, ds.d, ds.classNames.length, settings.widthScale) : null;
  const params = sizes ? paramCounts(sizes) : null;

  return (
    <div className="panel" data-testid="training-panel">
      <h2>Models and training</h2>
      {!ds && <p className="muted">Load a table (or the demo) on the left; its current column choices are what the model trains on.</p>}
      <div className="models" role="radiogroup" aria-label="Model">
        {MODELS.map((x) => (
          <label key={x.id} className={`model-card${m === x.id ? ' chosen' : ''}`}>
            <input type="radio" name="model" value={x.id} checked={m === x.id} onChange={() => chooseModel(x.id)} disabled={running} data-testid={`model-${x.id}`} />
            <b>{x.name}</b> <span className="muted small">{x.what}</span>
          </label>
        ))}
      </div>
      {ds && sizes && params && (
        <p className="small muted" data-testid="model-shape">
          {table!.fileName}: d = {ds.d}, K = {ds.classNames.length}, {ds.n} rows. Autoencoder {sizes.encoder.join('-')}-{sizes.decoder.slice(1).join('-')};{' '}
          {params.total.toLocaleString('en')} parameters{settings.widthScale !== 1 ? ` at width scale ${settings.widthScale} (the paper's widths are scale 1)` : ' (the paper\'s widths)'}.
        </p>
      )}
      <div className="settings-grid">
        <NumberField label="epochs" value={settings.epochs} min={1} step={1} onChange={(v) => set({ epochs: Math.round(v) })} paper={paperText('epochs')} testId="set-epochs" />
        <NumberField label="batch size" value={settings.batchSize} min={1} step={1} onChange={(v) => set({ batchSize: Math.round(v) })} paper={paperText('batchSize')} testId="set-batch" />
        <NumberField
          label="width scale"
          value={settings.widthScale}
          min={0.01}
          step={0.05}
          onChange={(v) => set({ widthScale: v })}
          paper="paper: 1 (Table 1 widths)"
          deviates={settings.widthScale !== 1}
          testId="set-width"
        />
        <NumberField label="seed" value={settings.seed} step={1} onChange={(v) => set({ seed: Math.round(v) })} paper={paperText('seed')} testId="set-seed" />
        <NumberField label="validation fraction" value={settings.validationFraction} min={0} step={0.05} onChange={(v) => set({ validationFraction: v })} paper={paperText('validationFraction')} />
        {(m === 'm3' || m === 'm4') && (
          <NumberField label="λ (infoGAN term)" value={settings.lambda} min={0} step={0.1} onChange={(v) => set({ lambda: v })} paper={m === 'm4' ? 'paper: 1 (M3\'s; 0 = M2)' : 'paper: 1'} deviates={settings.lambda !== 1} testId="set-lambda" />
        )}
        {m !== 'm3' && (
          <>
            <NumberField label="prior radius r" value={settings.priorRadius} min={0} step={0.5} onChange={(v) => set({ priorRadius: v })} paper={paperText('priorRadius')} />
            <NumberField label="prior std" value={settings.priorStd} min={0.01} step={0.1} onChange={(v) => set({ priorStd: v })} paper={paperText('priorStd')} />
          </>
        )}
      </div>
      <details className="more-settings" data-testid="learning-rates">
        <summary>Learning rates and the loss choices (paper values beside each)</summary>
        <div className="settings-grid">
          {STEP_KEYS.filter((k) => m !== 'm1' || (k !== 'step4' && k !== 'step5')).map((k) => {
            const pv = paperValue(m, k).paper as { lr: number; momentum: number };
            return (
              <div key={k} className="lr-pair">
                <NumberField
                  label={`${STEP_WHAT[k]}: lr`}
                  value={settings[k].lr}
                  min={0}
                  onChange={(v) => {
                    setLrMessage(null);
                    void applyLearningRates({ [k]: { ...settings[k], lr: v } }).then(setLrMessage);
                  }}
                  paper={`paper: ${pv.lr}`}
                  deviates={settings[k].lr !== pv.lr}
                  testId={`set-lr-${k}`}
                  disabled={running}
                />
                <NumberField
                  label="momentum"
                  value={settings[k].momentum}
                  min={0}
                  onChange={(v) => void applyLearningRates({ [k]: { ...settings[k], momentum: v } }).then(setLrMessage)}
                  paper={`paper: ${pv.momentum}`}
                  deviates={settings[k].momentum !== pv.momentum}
                  disabled={running}
                />
              </div>
            );
          })}
          <label className="setting">
            <span>step 1 loss</span>
            <select value={settings.reconLoss} onChange={(e) => set({ reconLoss: e.target.value as TrainSettings['reconLoss'] })}>
              <option value="sum">‖x − x′‖² summed over features (default; learns)</option>
              <option value="mean">per-element mean (the paper's words; did not learn in SPEC's measurements)</option>
            </select>
            <span className="paper-value">{paperValue(m, 'reconLoss').note}</span>
          </label>
          <label className="setting">
            <span>step 1 gradient clip (global norm)</span>
            <select value={settings.clipNorm === null ? 'off' : String(settings.clipNorm)} onChange={(e) => set({ clipNorm: e.target.value === 'off' ? null : Number(e.target.value) })}>
              <option value="100">100 (default, ours)</option>
              <option value="10">10</option>
              <option value="off">off (the paper; M1/M2 diverge at d = 1582)</option>
            </select>
            <span className="paper-value">paper: no clip</span>
          </label>
          {m !== 'm1' && (
            <label className="setting">
              <span>generator : D2 updates</span>
              <select value={settings.d2RatioMode} onChange={(e) => set({ d2RatioMode: e.target.value as TrainSettings['d2RatioMode'] })}>
                <option value="epoch">{settings.d2Ratio} : 1 per epoch (the paper, read literally)</option>
                <option value="batch">{settings.d2Ratio} : 1 per mini-batch</option>
              </select>
              <span className="paper-value">paper: 2 generator epochs per D2 epoch</span>
            </label>
          )}
        </div>
        {paused && <p className="small">Changes to learning rates apply to the paused run from its next mini-batch.</p>}
        {lrMessage && <p className="error-text small">{lrMessage}</p>}
        {shareMsg && <p className="small" data-testid="share-msg">{shareMsg}</p>}
        <button type="button" className="linkish" onClick={resetTrainSettings} disabled={running}>
          reset all to the paper's defaults
        </button>{' '}
        <button type="button" className="linkish" data-testid="share-settings" onClick={() => void shareSettings().then(setShareMsg)}>
          copy a link to these settings
        </button>
      </details>

      <div className="controls row">
        <button type="button" className="primary" data-testid="train-start" disabled={!ds || running} onClick={() => void startTraining()}>
          {run ? 'Train a new run' : 'Train'}
        </button>
        <button type="button" data-testid="train-pause" disabled={!running} onClick={() => void controlTraining('pause')}>
          Pause
        </button>
        <button type="button" data-testid="train-resume" disabled={!paused} onClick={() => void controlTraining('resume')}>
          Resume
        </button>
        <button type="button" data-testid="train-step" disabled={!paused && run?.status !== 'done'} onClick={() => void controlTraining('step')}>
          Step 1 epoch
        </button>
        <button type="button" data-testid="train-stop" disabled={!run || run.status === 'stopped' || run.status === 'failed'} onClick={() => void controlTraining('stop')}>
          Stop
        </button>
      </div>

      {run && (
        <div className="run" data-testid="run" data-status={run.status}>
          <div className="row small">
            <span>
              {run.settings.model.toUpperCase()} on {run.tableName}, backend {run.backend.toUpperCase()}:{' '}
              <b data-testid="run-status">{run.status}</b>
            </span>
            {run.info && (
              <span className="muted">
                {run.info.nTrain} training rows, validation: {run.info.validation};{' '}
                <span data-testid="train-path" title={run.info.trainPathNote ?? undefined}>
                  {run.info.trainPath === 'fast' ? 'fused WebGPU kernels' : 'tfjs ops'}
                </span>
              </span>
            )}
          </div>
          {run.progress && (
            <div className="row">
              <progress
                max={1}
                value={(run.progress.epoch - 1 + run.progress.batch / run.progress.batches) / run.progress.epochs}
                data-testid="train-progress"
              />
              <span className="small" data-testid="train-progress-text">
                epoch {run.progress.epoch}/{run.progress.epochs}, batch {run.progress.batch}/{run.progress.batches}
                {run.status === 'running' ? `, about ${fmtMs(run.progress.etaMs)} left` : ''}
              </span>
            </div>
          )}
          {run.message && (
            <div className={run.status === 'diverged' || run.status === 'failed' ? 'error-box' : 'small muted'} data-testid="run-message" role={run.status === 'diverged' ? 'alert' : undefined}>
              {run.status === 'diverged' && <div className="error-title">Training diverged: paused, and the last good epoch's weights are restored</div>}
              {run.message}
            </div>
          )}
          {run.history.length > 0 && <LossTable history={run.history} lossKeys={run.info?.lossKeys ?? []} />}
        </div>
      )}
      {run && <GeneratePanel />}
    </div>
  );
}
