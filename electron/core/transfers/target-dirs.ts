// A job's target folders: every one is created (parents first) or listed once before any file is
// written, and the ones the job created get their source mtimes after their files are in.
import { SkiffError, isSkiffError } from '../errors';
import type { FileEntry, FileStat, FileSystem } from '../fs/file-system';
import { isConnectionError } from './file-transfer';
import { lstatOrNull } from '../fs/stat-or-null';
import { type Job, type TargetDirInfo, asSkiff, mapLimit, relKey } from './job';
import { resolveInside } from './safe-name';

const META_PARALLEL = 16;

/** Where `rel` lands under the job's target folder (re-checked to stay inside it). */
export function targetPath(job: Job, rel: readonly string[]): string {
  return resolveInside(job.spec.targetDir, rel, job.target.fs.kind);
}

/** Creates (or checks) every target folder, parents first, before any file is written. */
export async function prepareDirs(job: Job, dst: FileSystem, signal: AbortSignal): Promise<void> {
  const plan = job.plan!;
  const root = await dst.stat(job.spec.targetDir).catch((err: unknown) => {
    throw asSkiff(err, job.spec.targetDir);
  });
  if (root.type !== 'directory') throw new SkiffError('NOT_A_DIRECTORY', `The target “${job.spec.targetDir}” is not a folder.`, { path: job.spec.targetDir });
  if (!job.dirs.has('')) job.dirs.set('', { path: job.spec.targetDir, fresh: false });

  const byDepth = new Map<number, typeof plan.dirs>();
  for (const d of plan.dirs) {
    const list = byDepth.get(d.rel.length) ?? [];
    list.push(d);
    byDepth.set(d.rel.length, list);
  }
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) {
    const level = byDepth.get(depth)!.filter((d) => !job.dirs.has(relKey(d.rel)));
    await mapLimit(level, META_PARALLEL, async (d) => {
      if (signal.aborted) throw new SkiffError('CANCELLED', 'Cancelled.');
      const key = relKey(d.rel);
      const parent = job.dirs.get(relKey(d.rel.slice(0, -1)));
      if (!parent || parent.error) {
        job.dirs.set(key, { path: '', fresh: false, ...(parent?.error ? { error: parent.error } : {}) });
        return;
      }
      let p: string;
      try {
        p = targetPath(job, d.rel);
      } catch (err) {
        job.dirs.set(key, { path: '', fresh: false, error: asSkiff(err) });
        return;
      }
      try {
        job.dirs.set(key, await ensureDir(dst, p, parent, d.rel[d.rel.length - 1]!));
      } catch (err) {
        if (isConnectionError(err)) throw err;
        job.dirs.set(key, { path: p, fresh: false, error: asSkiff(err, p) });
      }
    });
  }
}

async function ensureDir(dst: FileSystem, p: string, parent: TargetDirInfo, name: string): Promise<TargetDirInfo> {
  let existing: FileStat | null = null;
  if (!parent.fresh) {
    existing = parent.entries ? (parent.entries.get(name) ?? null) : await lstatOrNull(dst, p);
  }
  if (!existing) {
    try {
      await dst.mkdir(p);
      return { path: p, fresh: true };
    } catch (err) {
      if (!isSkiffError(err, 'ALREADY_EXISTS') && !isSkiffError(err, 'FAILURE')) throw err;
      existing = await lstatOrNull(dst, p);
      if (!existing) throw err;
    }
  }
  if (existing.type === 'symlink') {
    // Writing through a symlink could land anywhere (e.g. a remote name matching a local link to /etc).
    throw new SkiffError('NOT_A_DIRECTORY', `“${p}” is a symbolic link on the target; not writing through it.`, { path: p });
  }
  if (existing.type !== 'directory') throw new SkiffError('NOT_A_DIRECTORY', `“${p}” exists on the target and is not a folder.`, { path: p });
  const entries = new Map<string, FileEntry>();
  for (const e of await dst.list(p)) entries.set(e.name, e);
  return { path: p, fresh: false, entries };
}

/** Gives the folders this job created their source mtimes (after their files, which touch them). */
export async function finishDirs(job: Job, dst: FileSystem): Promise<void> {
  const made = job.plan!.dirs.filter((d) => job.dirs.get(relKey(d.rel))?.fresh).reverse();
  await mapLimit(made, META_PARALLEL, async (d) => {
    await dst.utimes(job.dirs.get(relKey(d.rel))!.path, d.stat.atimeMs, d.stat.mtimeMs).catch(() => undefined);
  });
}
