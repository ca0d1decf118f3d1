// Electron entry point (bundled to dist/main.cjs). All logic lives in app/electron-main.ts,
// which takes the electron module as a parameter so it can be tested without the binary.
import * as electron from 'electron';
import { runApp } from './app/electron-main';

declare const __SKIFF_VERSION__: string;

// In the bundle __dirname is dist/, next to preload.cjs and renderer/.
runApp(electron, { distDir: __dirname, version: typeof __SKIFF_VERSION__ === 'string' ? __SKIFF_VERSION__ : '0.0.0' });
