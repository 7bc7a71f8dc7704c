/** The paper's pictures, live: Fig. 3 (losses), Fig. 5 (codes), Fig. 4 (t-SNE), Fig. 1 (toy lab). */
import { useEffect, useState } from 'react';
import { warmUpPlotly } from './Plot';
import { CodeSpace } from './CodeSpace';
import { LossCurves } from './LossCurves';
import { TsnePanel } from './TsnePanel';
import { ToyPanel } from './ToyPanel';

const TABS = [
  { id: 'losses', label: 'Losses (Fig. 3)' },
  { id: 'codes', label: 'Code space (Fig. 5)' },
  { id: 'tsne', label: 't-SNE (Fig. 4)' },
  { id: 'toy', label: 'Toy GAN vs infoGAN (Fig. 1)' },
] as const;

export function PlotsPanel() {
  const [tab, setTab] = useState<(typeof TABS)[number]['id']>('losses');
  const [plotlyReady, setPlotlyReady] = useState(false);
  useEffect(() => {
    // Plotly is big (evaluating it is one ~1 s task on a slow machine): fetch it once the page is
    // idle after the first paint, not in the middle of a training run's first epoch.
    const id = window.requestIdleCallback(() => void warmUpPlotly().then(() => setPlotlyReady(true)), { timeout: 3000 });
    return () => window.cancelIdleCallback(id);
  }, []);
  return (
    <div className="panel" data-testid="plots-panel" data-plotly={plotlyReady ? 'ready' : 'loading'}>
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'tab active' : 'tab'} onClick={() => setTab(t.id)} data-testid={`tab-${t.id}`}>
            {t.label}
          </button>
        ))}
      </div>
      {tab === 'losses' && <LossCurves />}
      {tab === 'codes' && <CodeSpace />}
      {tab === 'tsne' && <TsnePanel />}
      {tab === 'toy' && <ToyPanel />}
    </div>
  );
}
