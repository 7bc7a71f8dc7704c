import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';
import { applySettingsFromUrl, restoreWorkspace } from './state/notebookActions';

applySettingsFromUrl();
void restoreWorkspace();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
