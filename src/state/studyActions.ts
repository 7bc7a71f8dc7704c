/** The paper's protocols (Tables 2-4, Fig. 6) from the UI. */
import * as Comlink from 'comlink';
import type { Dataset, StudyProgress, StudyRequest } from '../api';
import { client } from './actions';
import { getState, setState, type StudyState } from './store';
import { notebook, refreshRuns } from './notebookActions';

const copy = (ds: Dataset) => {
  const features = ds.features.slice();
  return { ds: { ...ds, features }, buffers: [features.buffer as ArrayBuffer] };
};

export async function runStudy(req: StudyRequest, aId: string, bId: string | null): Promise<void> {
  const s = getState();
  const a = s.tables.find((t) => t.id === aId);
  const b = bId ? s.tables.find((t) => t.id === bId) : null;
  if (!a?.dataset) return;
  const patch = (p: Partial<StudyState>) => setState((st) => (st.study ? { study: { ...st.study, ...p } } : {}));
  setState({ study: { request: req, corpora: b ? `${a.fileName} -> ${b.fileName}` : a.fileName, status: 'running', progress: null, outcome: null, error: null } });
  const api = await client.api();
  const ca = copy(a.dataset);
  const cb = b?.dataset ? copy(b.dataset) : null;
  const res = await api.runStudy(
    req,
    Comlink.transfer(ca.ds, ca.buffers),
    cb ? Comlink.transfer(cb.ds, cb.buffers) : null,
    Comlink.proxy((p: StudyProgress) => patch({ progress: p })),
  );
  if (res.ok) {
    // Kept with the run on screen, like its own evaluations (the notebook's unit is a run).
    const run = getState().run;
    patch({ status: 'done', outcome: res.value, keptWith: null });
    if (run?.recordId) {
      try {
        const nb = await notebook();
        await nb.addEvaluation(run.recordId, `study: ${req.kind}`, { request: req, corpora: b ? `${a.fileName} -> ${b.fileName}` : a.fileName, outcome: res.value });
        patch({ keptWith: getState().notebook.runs.find((r) => r.id === run.recordId)?.title ?? run.recordId });
        await refreshRuns();
      } catch {
        // The outcome stays on screen; a full notebook is reported by the notebook panel.
      }
    }
  }
  else if (res.error.code === 'cancelled') patch({ status: 'cancelled', error: res.error.message });
  else patch({ status: 'failed', error: `${res.error.message} ${res.error.hint}` });
}
