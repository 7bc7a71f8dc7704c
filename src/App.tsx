import { BackendBadge } from './panels/backend/BackendBadge';
import { DataPanel } from './panels/data/DataPanel';
import { TrainingPanel } from './panels/training/TrainingPanel';
import { PlotsPanel } from './panels/plots/PlotsPanel';
import { EvaluationPanel } from './panels/evaluation/EvaluationPanel';
import { NotebookPanel } from './panels/notebook/NotebookPanel';
import { ComparePanel } from './panels/notebook/ComparePanel';

export function App() {
  return (
    <div className="app">
      <header className="topbar">
        <h1>
          EmoGAN Lab <span className="tagline">GAN-synthesised emotional-speech features, trained and judged in your browser</span>
        </h1>
        <BackendBadge />
      </header>
      <main className="layout">
        <section className="col-data" aria-label="Data">
          <DataPanel />
        </section>
        <section className="col-main">
          <TrainingPanel />
          <EvaluationPanel />
          <ComparePanel />
          <PlotsPanel />
        </section>
        <aside className="col-notebook" aria-label="Notebook">
          <NotebookPanel />
        </aside>
      </main>
      <footer className="footer">
        Everything runs in this page: your tables are parsed and models trained in a Web Worker, and no data is sent anywhere.
      </footer>
    </div>
  );
}
