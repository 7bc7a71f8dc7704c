/** What the panels can do: each action talks to the worker and updates the store. */
import * as Comlink from 'comlink';
import { ComputeClient } from '../workerClient';
import { suggestRoles } from '../compute/data/columnRoles';
import { toErrorInfo } from '../compute/data/tableError';
import type { BackendName, ColumnRoles } from '../api';
import { getState, setState, updateTable } from './store';
import { forgetTable, saveRoles } from './notebookActions';

export const client = new ComputeClient(getState().settings.forcedBackend);

let counter = 0;
const newId = () => `t${Date.now().toString(36)}${(counter++).toString(36)}`;

export const DEMO_URL = `${import.meta.env.BASE_URL}demo/emodb-is09.csv`;
export const DEMO_NAME = 'emodb-is09.csv (demo: EmoDB, IS09 382-D)';

export async function loadFile(file: File): Promise<void> {
  if (getState().loading) return;
  const id = newId();
  setState({ loading: { id, fileName: file.name, fraction: 0, rows: 0 }, loadError: null });
  try {
    const api = await client.api();
    const onProgress = Comlink.proxy((fraction: number, rows: number) => {
      setState((s) => (s.loading?.id === id ? { loading: { ...s.loading, fraction, rows } } : {}));
    });
    const res = await api.parseTable(id, file, onProgress);
    if (!res.ok) {
      if (res.error.code !== 'cancelled') setState({ loadError: { fileName: file.name, error: res.error } });
      return;
    }
    const table = res.value;
    let roles: ColumnRoles;
    try {
      roles = suggestRoles(table);
    } catch (e) {
      setState({ loadError: { fileName: file.name, error: toErrorInfo(e) } });
      return;
    }
    setState((s) => ({
      tables: [...s.tables, { id, fileName: file.name, table, roles, summary: null, dataset: null, error: null }],
      activeId: id,
    }));
    await applyRoles(id, roles);
    // Kept in the notebook so a reload brings the workspace back (written by the worker).
    const saved = await api.persistTable(id, file.name, roles);
    if (!saved.ok) setState((s) => ({ notebook: { ...s.notebook, error: `${file.name} is loaded but not saved for next time: ${saved.error.message} ${saved.error.hint}` } }));
  } catch (e) {
    setState({ loadError: { fileName: file.name, error: toErrorInfo(e) } });
  } finally {
    setState((s) => (s.loading?.id === id ? { loading: null } : {}));
  }
}

export async function loadDemo(): Promise<void> {
  try {
    const res = await fetch(DEMO_URL);
    if (!res.ok) throw new Error(`the demo table could not be fetched (HTTP ${res.status})`);
    const blob = await res.blob();
    await loadFile(new File([blob], DEMO_NAME, { type: 'text/csv' }));
  } catch (e) {
    setState({ loadError: { fileName: DEMO_NAME, error: toErrorInfo(e) } });
  }
}

export async function cancelLoad(): Promise<void> {
  const loading = getState().loading;
  if (!loading) return;
  const api = await client.api();
  await api.cancelParse(loading.id);
}

/** Rebuild a table's dataset under new column choices; the table stays loaded either way. */
export async function applyRoles(id: string, roles: ColumnRoles): Promise<void> {
  const t = getState().tables.find((x) => x.id === id);
  if (!t) return;
  updateTable(id, { roles });
  void saveRoles(id, roles).catch(() => undefined);
  const api = await client.api();
  let res = await api.buildDataset(id, roles);
  if ('missing' in res) {
    // The worker was restarted and lost its copy: send ours (a memcpy'd copy, transferred;
    // a structured clone of 35 MB blocked the page for ~300 ms).
    const values = t.table.values.slice();
    res = await api.buildDataset(id, roles, Comlink.transfer({ ...t.table, values }, [values.buffer]));
    if ('missing' in res) return;
  }
  if (res.ok) updateTable(id, { summary: res.value.summary, dataset: res.value.dataset, error: null });
  else updateTable(id, { summary: null, dataset: null, error: res.error });
}

export function removeTable(id: string): void {
  void client.api().then((api) => api.dropTable(id));
  void forgetTable(id).catch(() => undefined);
  setState((s) => {
    const tables = s.tables.filter((t) => t.id !== id);
    return { tables, activeId: s.activeId === id ? (tables[tables.length - 1]?.id ?? null) : s.activeId };
  });
}

export function setActive(id: string): void {
  setState({ activeId: id });
}

export async function setForcedBackend(forced: BackendName | null): Promise<void> {
  setState((s) => ({ settings: { ...s.settings, forcedBackend: forced } }));
  await client.setForced(forced).catch(() => undefined);
}

export function dismissLoadError(): void {
  setState({ loadError: null });
}
