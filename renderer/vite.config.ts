// Builds the renderer into dist/renderer with relative URLs (base './'), so the same files
// load from file:// in Electron and from the web bridge's static server.
// (No node: imports: this folder is linted as browser code.)
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { licensesPlugin } from '../build/licenses.mjs';

// A folder from this file's URL (a Windows drive path loses the leading slash).
const folder = (rel: string): string => decodeURIComponent(new URL(rel, import.meta.url).pathname).replace(/^\/([A-Za-z]:)/, '$1');
const here = folder('.');

export default defineConfig({
  root: here,
  base: './',
  // licenses.json (for the About dialog) is written with every build of the renderer.
  plugins: [react(), licensesPlugin(folder('..'))],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // Keep CSS in files (the CSP has no 'unsafe-inline').
    cssCodeSplit: false,
    assetsInlineLimit: 0,
  },
});
