// Run under the electron-asar-fs.cjs preload: lists a folder holding `backup.asar` through
// LocalFs, reads it (both the whole-file thread and a file handle), stats it, and writes a copy
// through the whole-file writer thread. Prints one JSON line with what it saw (or the error code).
import path from 'node:path';
import { LocalFs } from '../../../../electron/core/fs/local-fs';

const dir = process.argv[2]!;
const file = path.join(dir, 'backup.asar');
const fsys = new LocalFs({ slowStatMs: Number(process.argv[3] ?? 1000) });
const attempt = async <T>(f: () => Promise<T>): Promise<T | { error: string }> => {
  try {
    return await f();
  } catch (err) {
    return { error: (err as { code?: string }).code ?? String(err) };
  }
};
const out = {
  listed: await attempt(async () => (await fsys.list(dir)).map((e) => ({ name: e.name, type: e.type, size: e.size }))),
  stat: await attempt(async () => (await fsys.stat(file)).type),
  whole: await attempt(async () => (await fsys.readWholeFile(file, 1 << 16)).toString('utf8')),
  handle: await attempt(async () => {
    const h = await fsys.open(file, 'r');
    const buf = Buffer.alloc(64);
    const n = await h.read(buf, 0, 64, 0);
    await h.close();
    return buf.subarray(0, n).toString('utf8');
  }),
  written: await attempt(async () => {
    const data = new Uint8Array(Buffer.from('copied'));
    await fsys.writeWholeFile({
      partPath: path.join(dir, 'copy.asar.skiffpart'),
      finalPath: path.join(dir, 'copy.asar'),
      data,
      atimeMs: Date.now(),
      mtimeMs: Date.now(),
      overwrite: false,
    });
    return 'ok';
  }),
};
process.stdout.write(`${JSON.stringify(out)}\n`);
