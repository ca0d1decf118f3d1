// The fs module for the user's own files. Inside Electron, node:fs (in the main process and its
// worker threads) is patched to read into `.asar` archives: a user's `backup.asar` would list as
// a folder and could not be uploaded as a file. Electron keeps the unpatched module under the
// builtin name 'original-fs' (with its own, unpatched `promises` since Electron 30). Core never
// imports 'electron': Electron is recognised by process.versions.electron, and under plain Node
// (tests, the web bridge) node:fs is already the original.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

type FsModule = typeof fs;

/** `original-fs` when `versions` says Electron and it loads as a full fs module; otherwise `fallback`. */
export function pickUserFs(versions: Readonly<Record<string, string | undefined>>, load: (id: string) => unknown, fallback: FsModule): FsModule {
  if (!versions.electron) return fallback;
  try {
    const m = load('original-fs') as Partial<FsModule> | null;
    if (m && typeof m.lstatSync === 'function' && typeof m.promises?.lstat === 'function') return m as FsModule;
  } catch {
    // An Electron without it would be a very old one; node:fs is then the best there is.
  }
  return fallback;
}

// A require for builtins: any absolute file name will do (import.meta.url is empty in the CJS bundle).
const requireBuiltin = createRequire(path.join(process.cwd(), 'skiff-user-fs.cjs'));

/** node:fs for the user's files (see above). */
export const userFs: FsModule = pickUserFs(process.versions, requireBuiltin, fs);
/** node:fs/promises for the user's files. */
export const userFsPromises: FsModule['promises'] = userFs.promises;

/**
 * The same choice for the worker threads' eval'd source (see fs-thread.ts), which must be plain
 * JavaScript: it binds `fs` to the module for the user's files.
 */
export const USER_FS_WORKER_SOURCE = `
const fs = (() => {
  if (process.versions.electron) {
    try {
      const m = require('original-fs');
      if (m && typeof m.lstatSync === 'function') return m;
    } catch {}
  }
  return require('node:fs');
})();
`;
