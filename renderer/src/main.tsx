// Renderer entry: mount the app over whichever bridge this page has.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { getApi } from './bridge';
import './styles/app.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App api={getApi()} />
    </StrictMode>,
  );
}
