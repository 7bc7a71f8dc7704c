/** Which tfjs backend the worker runs on, why others were passed over, and a way to force one. */
import { useEffect, useState } from 'react';
import { client, setForcedBackend } from '../../state/actions';
import { useStore } from '../../state/store';
import type { ClientStatus } from '../../workerClient';
import type { BackendName } from '../../api';

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

export function BackendBadge() {
  const [status, setStatus] = useState<ClientStatus>({ state: 'starting', message: 'Starting...' });
  const forced = useStore((s) => s.settings.forcedBackend);
  useEffect(() => {
    const off = client.subscribe(setStatus);
    client.api().catch(() => undefined);
    return off;
  }, []);

  const badge =
    status.state === 'ready' ? (
      <span className={`badge badge-${status.report.active}`} data-testid="backend-badge" data-backend={status.report.active}>
        {LABEL[status.report.active]}
        {status.report.forced ? ' (forced)' : ''}
      </span>
    ) : status.state === 'starting' ? (
      <span className="badge badge-starting" data-testid="backend-badge" data-backend="">starting...</span>
    ) : (
      <span className="badge badge-failed" data-testid="backend-badge" data-backend="">no backend</span>
    );

  return (
    <div className="backend">
      <details className="backend-details">
        <summary>
          Compute: {badge}
        </summary>
        <div className="backend-pop" data-testid="backend-details">
          {status.state === 'ready' && (
            <>
              <p>
                <b>{LABEL[status.report.active]}</b>: {status.report.detail} (self-test passed in {status.report.selfTestMs.toFixed(0)} ms)
              </p>
              {status.report.rejected.length > 0 && (
                <ul className="rejected">
                  {status.report.rejected.map((r) => (
                    <li key={r.name}>
                      {LABEL[r.name]} not used: {r.reason}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
          {status.state === 'failed' && <p className="error-text">{status.message}</p>}
          {status.state === 'starting' && <p>{status.message}</p>}
          <label>
            Backend{' '}
            <select
              data-testid="backend-select"
              value={forced ?? 'auto'}
              onChange={(e) => setForcedBackend(e.target.value === 'auto' ? null : (e.target.value as BackendName))}
            >
              <option value="auto">auto (WebGPU, WebGL, WASM, CPU: first that passes)</option>
              <option value="webgpu">force WebGPU</option>
              <option value="webgl">force WebGL</option>
              <option value="wasm">force WASM</option>
              <option value="cpu">force CPU</option>
            </select>
          </label>
          <p className="muted small">
            Diagnostics:{' '}
            <button
              type="button"
              className="linkish"
              data-testid="simulate-crash"
              onClick={() => client.api().then((api) => api.simulateCrash())}
            >
              simulate a worker crash
            </button>{' '}
            (the app restarts the worker on the next backend and keeps your data).
          </p>
        </div>
      </details>
      {status.state === 'ready' && status.notice && (
        <div className="notice" role="status" data-testid="backend-notice">
          {status.notice}
        </div>
      )}
      {status.state === 'starting' && status.message.startsWith('The compute worker stopped') && (
        <div className="notice" role="status" data-testid="backend-notice">
          {status.message}
        </div>
      )}
    </div>
  );
}
