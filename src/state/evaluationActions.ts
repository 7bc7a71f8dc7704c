/** Scoring the run on screen with the paper's metrics. */
import * as Comlink from 'comlink';
import type { StudyProgress } from '../api';
import { client } from './actions';
import { getState, setState } from './store';
import { notebook, refreshRuns } from './notebookActions';

export async function evaluateCurrentRun(nSynthetic: number, seed: number): Promise<void> {
  const run = getState().run;
  if (!run) return;
  setState({ evaluation: { runId: run.id, nSynthetic, status: 'running', progress: null, result: null, error: null } });
  const patch = (p: Partial<NonNullable<ReturnType<typeof getState>['evaluation']>>) =>
    setState((s) => (s.evaluation?.runId === run.id ? { evaluation: { ...s.evaluation, ...p } } : {}));
  const api = await client.api();
  const res = await api.evaluateRun(nSynthetic, seed, Comlink.proxy((p: StudyProgress) => patch({ progress: p })));
  if (res.ok) {
    patch({ status: 'done', result: res.value });
    if (run.recordId) void notebook().then((nb) => nb.addEvaluation(run.recordId!, 'run metrics', res.value)).then(refreshRuns).catch(() => undefined);
  }
  else if (res.error.code === 'cancelled') patch({ status: 'cancelled', error: res.error.message });
  else patch({ status: 'failed', error: `${res.error.message} ${res.error.hint}` });
}

export async function cancelEvaluation(): Promise<void> {
  const api = await client.api();
  await api.cancelStudy();
}
