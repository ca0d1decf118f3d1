// The sandboxed preload (bundled to CommonJS: sandboxed preloads cannot be ESM). It exposes
// exactly one object, `window.skiff` = createApi(transport), whose transport only ever
// touches contract channels. Plus, for OS file drops, the real path of a dropped File.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { isEventChannel, isRequestChannel, type SkiffTransport } from './ipc/contract';
import { createApi, withPlainErrors } from './ipc/create-api';

const transport: SkiffTransport = {
  invoke(channel, ...args) {
    if (!isRequestChannel(channel)) return Promise.reject(new Error(`Unknown request channel: ${String(channel).slice(0, 100)}`));
    return ipcRenderer.invoke(channel, ...args.slice(0, 1));
  },
  on(channel, listener) {
    if (!isEventChannel(channel)) throw new Error(`Unknown event channel: ${String(channel).slice(0, 100)}`);
    // The IpcRendererEvent (with its sender) never reaches the page: only the payload does.
    const handler = (_event: unknown, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
};

// contextBridge rebuilds a thrown Error from its message alone: reject with plain objects so
// the page still sees `.code` (see withPlainErrors).
contextBridge.exposeInMainWorld('skiff', {
  ...withPlainErrors(createApi(transport)),
  /** Real path of a File dropped from the OS file manager (Electron only; absent in the web preview). */
  pathForFile: (file: unknown): string | null => {
    try {
      return webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]) || null;
    } catch {
      return null;
    }
  },
});
