// Builds the renderer into dist/renderer with relative URLs (base './'), so the same files
// load from file:// in Electron and from the web bridge's static server.
// (No node: imports: this folder is linted as browser code.)
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// This file's folder, from its URL (a Windows drive path loses the leading slash).
const here = decodeURIComponent(new URL('.', import.meta.url).pathname).replace(/^\/([A-Za-z]:)/, '$1');

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
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
