// Preloaded (`node --require`) into a child process to play Electron's fs as far as .asar files
// go, in the main thread and in every worker thread (preloads run there too):
// - process.versions.electron is set;
// - node:fs treats any path ending in `.asar` (or going through one) as a folder, as Electron's
//   asar support does: stat/lstat say directory, open says EISDIR;
// - require('original-fs') gives the unpatched module (a copy taken before patching, with its own
//   promises), unless SKIFF_NO_ORIGINAL_FS=1, which plays an Electron without it (the control).
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload for node --require */
'use strict';
const fs = require('node:fs');
const Module = require('node:module');

Object.defineProperty(process.versions, 'electron', { value: '41.7.1', enumerable: true });

const original = { ...fs, promises: { ...fs.promises } };
const throughAsar = (p) => typeof p === 'string' && /\.asar(\/|\\|$)/i.test(p);
const dirStats = () => fs.statSync(require('node:os').tmpdir());
const isDir = () => Object.assign(new Error('EISDIR: illegal operation on a directory'), { code: 'EISDIR', errno: -21 });

for (const name of ['lstat', 'stat']) {
  const sync = fs[`${name}Sync`];
  fs[`${name}Sync`] = (p, ...rest) => (throughAsar(p) ? dirStats() : sync(p, ...rest));
  const cb = fs[name];
  fs[name] = (p, ...rest) => {
    if (!throughAsar(p)) return cb(p, ...rest);
    process.nextTick(rest[rest.length - 1], null, dirStats());
  };
  const prom = fs.promises[name];
  fs.promises[name] = (p, ...rest) => (throughAsar(p) ? Promise.resolve(dirStats()) : prom(p, ...rest));
}
const openSync = fs.openSync;
fs.openSync = (p, ...rest) => {
  if (throughAsar(p)) throw isDir();
  return openSync(p, ...rest);
};
const open = fs.open;
fs.open = (p, ...rest) => {
  if (!throughAsar(p)) return open(p, ...rest);
  process.nextTick(rest[rest.length - 1], isDir());
};
const readFile = fs.promises.readFile;
fs.promises.readFile = (p, ...rest) => (throughAsar(p) ? Promise.reject(isDir()) : readFile(p, ...rest));

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'original-fs') {
    if (process.env.SKIFF_NO_ORIGINAL_FS === '1') throw Object.assign(new Error("Cannot find module 'original-fs'"), { code: 'MODULE_NOT_FOUND' });
    return original;
  }
  return load.call(this, request, ...rest);
};
