// Where the renderer gets its API: preload's `window.skiff` inside Electron, else the
// WebSocket bridge of `npm run web` (browser preview and end-to-end tests).
import { createApi } from '../../../electron/ipc/create-api';
import type { SkiffApi } from '../../../electron/ipc/contract';
import { createWebTransport } from './web-transport';

declare global {
  interface Window {
    skiff?: SkiffApi;
  }
}

let cached: SkiffApi | null = null;

/** The app's one SkiffApi instance. */
export function getApi(): SkiffApi {
  if (cached) return cached;
  cached = window.skiff ?? createApi(createWebTransport());
  return cached;
}

export type { SkiffApi };
