// A job's target folders: every one is created (parents first) or listed once before any file is
// written, and the ones the job created get their source mtimes after their files are in.
import { isAborted } from '../abort';
import { SkiffError } from '../errors';
import type { FileEntry, FileStat, FileSystem } from '../fs/file-system';
import { isConnectionError } from './file-transfer';
import { lstatOrNull } from '../fs/stat-or-null';
import { type Job, type TargetDirInfo, asSkiff, mapLimit, relKey } from './job';
import type { Plan } from './scan';
import { resolveInside } from './safe-name';

const META_PARALLEL = 16;

/** Where `rel` lands under the job's target folder (re-checked to stay inside it). */
export function targetPath(job: Job, rel: readonly string[]): string {
  return resolveInside(job.spec.targetDir, rel, job.target.fs.kind);
}

/** Creates (or checks) every target folder, parents first, before any file is written. */
export async function prepareDirs(job: Job, dst: FileSystem, signal: AbortSignal): Promise<void> {
  const plan = job.plan!;
  // The target folder is checked beside the first level's folders, not before them (a round trip
  // less): a mkdir can only succeed inside an existing folder, and on failure what this call
  // recorded for that level is taken back, so a retry starts clean.
  const rootCheck = dst.stat(job.spec.targetDir).then(
    (root) => {
      if (root.type !== 'directory')
        throw new SkiffError('NOT_A_DIRECTORY', `The target “${job.spec.targetDir}” is not a folder.`, { path: job.spec.targetDir });
    },
    (err: unknown) => {
      throw asSkiff(err, job.spec.targetDir);
    },
  );
  if (!job.dirs.has('')) job.dirs.set('', { path: job.spec.targetDir, fresh: false });

  const byDepth = new Map<number, typeof plan.dirs>();
  for (const d of plan.dirs) {
    const list = byDepth.get(d.rel.length) ?? [];
    list.push(d);
    byDepth.set(d.rel.length, list);
  }
  const depths = [...byDepth.keys()].sort((a, b) => a - b);
  const first = depths[0] === 1 ? depths.shift() : undefined;
  const firstLevel = first === undefined ? [] : byDepth.get(first)!.filter((d) => !job.dirs.has(relKey(d.rel)));
  const [root, level] = await Promise.allSettled([rootCheck, prepareLevel(job, dst, firstLevel, signal)]);
  if (root.status === 'rejected') {
    for (const d of firstLevel) job.dirs.delete(relKey(d.rel));
    throw root.reason;
  }
  if (level.status === 'rejected') throw level.reason;
  for (const depth of depths) {
    await prepareLevel(
      job,
      dst,
      byDepth.get(depth)!.filter((d) => !job.dirs.has(relKey(d.rel))),
      signal,
    );
  }
}

/** One depth of the target's folders, whose parents are all prepared. */
async function prepareLevel(job: Job, dst: FileSystem, level: Plan['dirs'], signal: AbortSignal): Promise<void> {
  await mapLimit(level, META_PARALLEL, async (d) => {
    if (isAborted(signal)) throw new SkiffError('CANCELLED', 'Cancelled.');
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

async function ensureDir(dst: FileSystem, p: string, parent: TargetDirInfo, name: string): Promise<TargetDirInfo> {
  let existing: FileStat | null = parent.entries ? (parent.entries.get(name) ?? null) : null;
  if (!existing) {
    // Where the parent was not listed (the job's target folder), what is there is asked beside the
    // mkdir, not before it: a mkdir only ever makes a folder where there was nothing (never through
    // a symlink), so sending it at once is safe, and one round trip answers both cases.
    const look = parent.fresh || parent.entries ? null : lstatOrNull(dst, p);
    look?.catch(() => undefined);
    try {
      await dst.mkdir(p);
      return { path: p, fresh: true };
    } catch (err) {
      if (isConnectionError(err)) throw err;
      // Servers differ in what a mkdir of an existing name says (FAILURE, ALREADY_EXISTS, even
      // PERMISSION_DENIED): what decides is what is there.
      existing = await (look ?? lstatOrNull(dst, p));
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
