// Walks the sources of a job into a flat plan (folders first, then files) using the listing's
// own attributes, so no file needs a separate stat. Every name is checked before it is used.
//
// Symlink policy (during recursion): a symlink to a file is copied as a regular file (its
// content); a symlink to a folder is NOT descended (reported as skipped), which also rules out
// loops; broken links, devices, sockets and FIFOs are skipped with the reason. A source the
// user picked explicitly is followed even when it is a symlink.
import { isAborted } from '../abort';
import { SkiffError, fromNodeError } from '../errors';
import type { FileEntry, FileStat, FileSystem, ListOptions, RefusedEntry } from '../fs/file-system';
import { mapConcurrent } from '../sftp/concurrency';
import { assertSafeName, printableName } from './safe-name';
import { CONNECTION_ERROR_CODES, type ConflictAction, type TransferFileError, type TransferSkip } from './types';

export type PlanFileState = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled';

export interface PlanDir {
  /** Path components below the job's target folder. */
  rel: string[];
  srcPath: string;
  stat: FileStat;
}

export interface PlanFile {
  rel: string[];
  srcPath: string;
  stat: FileStat;
  state: PlanFileState;
  /** Bytes of this file counted in the job's bytesDone. */
  bytesDone: number;
  /** After a lost connection: every byte below this is in the .skiffpart (resume point we trust). */
  resumeFrom?: number;
  /** The user's answer about this file's existing target (and that target's size and time then), kept over a reconnect so it is not asked twice. */
  answer?: { action: ConflictAction; size: number; mtimeMs: number };
  abort?: AbortController;
}

export interface Plan {
  dirs: PlanDir[];
  files: PlanFile[];
  errors: TransferFileError[];
  skipped: TransferSkip[];
}

const LIST_PARALLEL = 8;
/** Sources stat'ed at once (a drag of 5,000 files still sends them in waves). */
const SOURCE_STATS = 64;

function asSkiff(err: unknown, p: string): SkiffError {
  return err instanceof SkiffError ? err : fromNodeError(err, p);
}

/**
 * Builds the plan for `sources` (on `fs`); per-entry problems go into `errors`/`skipped`, never abort
 * the walk. `targetName` renames a lone source in the target folder (its own name is then not used).
 */
export async function scanSources(fs: FileSystem, sources: readonly string[], signal?: AbortSignal, targetName?: string): Promise<Plan> {
  const plan: Plan = { dirs: [], files: [], errors: [], skipped: [] };
  const queue: PlanDir[] = [];
  // Names the listing itself left out (paths, NUL, empty) are reported, never lost silently.
  const listOptions = (dir: Pick<PlanDir, 'rel' | 'srcPath'>): ListOptions => ({
    onRefused: (r) => plan.errors.push(refusedError(dir, r)),
    ...(signal ? { signal } : {}),
  });

  // Names are checked first, in the order given; then the sources are looked at together
  // (SOURCE_STATS at a time: one round trip for a selection of files, not one per file). On an
  // SFTP server the first LIST_PARALLEL sources' listings are asked for beside their stats, so a
  // folder's entries come back a round trip sooner; for a file that costs a refused OPENDIR.
  const picked: Array<{ src: string; name: string; listing: Promise<FileEntry[]> | null; stop?: AbortController }> = [];
  const seen = new Set<string>();
  for (const src of sources) {
    const name = targetName ?? fs.path.basename(src);
    try {
      assertSafeName(name);
    } catch (err) {
      plan.errors.push({ ...asSkiff(err, src).toData(), path: printableName(src) });
      continue;
    }
    // Two sources with one name would land on the same target (and the same .skiffpart).
    if (seen.has(name)) {
      plan.errors.push({
        code: 'ALREADY_EXISTS',
        message: `Another selected item is also called “${printableName(name)}”; it was not copied.`,
        path: printableName(src),
      });
      continue;
    }
    seen.add(name);
    picked.push({ src, name, listing: null });
  }
  const stats = await mapConcurrent(picked, SOURCE_STATS, (p, i) => {
    if (fs.kind === 'sftp' && i < LIST_PARALLEL) {
      // Stopped when the stat says it is no folder (a server that lists a file gets no further).
      p.stop = new AbortController();
      const opts = listOptions({ rel: [p.name], srcPath: p.src });
      opts.signal = signal ? AbortSignal.any([signal, p.stop.signal]) : p.stop.signal;
      p.listing = fs.list(p.src, opts);
      // A file's listing fails, and nobody waits for it.
      p.listing.catch(() => undefined);
    }
    return fs.stat(p.src).then(
      (st) => ({ st }),
      (err: unknown) => ({ err }),
    );
  });
  const early = new Map<PlanDir, Promise<FileEntry[]>>();
  picked.forEach(({ src, name, listing, stop }, i) => {
    const r = stats[i]!;
    if ('err' in r || r.st.type !== 'directory') stop?.abort();
    if ('err' in r) {
      plan.errors.push({ ...asSkiff(r.err, src).toData(), path: name });
      return;
    }
    const st = r.st;
    if (st.type === 'directory') {
      const d = { rel: [name], srcPath: src, stat: st };
      plan.dirs.push(d);
      queue.push(d);
      if (listing) early.set(d, listing);
    } else if (st.type === 'file') {
      plan.files.push({ rel: [name], srcPath: src, stat: st, state: 'pending', bytesDone: 0 });
    } else {
      plan.skipped.push({ path: name, reason: 'not a regular file or folder' });
    }
  });

  // Breadth-first with a few listings in flight: parents always precede children in plan.dirs.
  while (queue.length > 0) {
    if (isAborted(signal)) throw new SkiffError('CANCELLED', 'Cancelled.');
    const level = queue.splice(0, queue.length);
    let i = 0;
    const worker = async (): Promise<void> => {
      while (i < level.length) {
        const dir = level[i++]!;
        let entries: FileEntry[];
        try {
          entries = await (early.get(dir) ?? fs.list(dir.srcPath, listOptions(dir)));
        } catch (err) {
          const e = asSkiff(err, dir.srcPath);
          if (e.code === 'CANCELLED' || CONNECTION_ERROR_CODES.includes(e.code)) throw e;
          plan.errors.push({ ...e.toData(), path: dir.rel.join('/') });
          continue;
        }
        for (const entry of entries) await addEntry(fs, plan, queue, dir, entry);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LIST_PARALLEL, level.length) }, worker));
  }
  return plan;
}

/** The per-file error for a name the server listed that cannot be a file name (see SftpFs's refusedEntryReason). */
function refusedError(parent: Pick<PlanDir, 'rel'>, r: RefusedEntry): TransferFileError {
  const where = parent.rel.join('/');
  return {
    code: 'INVALID_NAME',
    message: `The server listed “${r.shownName}” in “${printableName(where)}” as a file name, but ${r.reason}. It was not copied, and nothing was written outside the target folder.`,
    path: `${printableName(where)}/${r.shownName}`,
  };
}

async function addEntry(fs: FileSystem, plan: Plan, queue: PlanDir[], parent: PlanDir, entry: FileEntry): Promise<void> {
  const relShown = [...parent.rel, printableName(entry.name)].join('/');
  try {
    assertSafeName(entry.name, parent.rel.join('/'));
  } catch (err) {
    plan.errors.push({ ...asSkiff(err, relShown).toData(), path: relShown });
    return;
  }
  const rel = [...parent.rel, entry.name];
  // The listing joined it already (the same join of the folder listed and the name).
  const srcPath = entry.path;
  if (entry.type === 'directory') {
    const d = { rel, srcPath, stat: entry };
    plan.dirs.push(d);
    queue.push(d);
    return;
  }
  if (entry.type === 'file') {
    plan.files.push({ rel, srcPath, stat: entry, state: 'pending', bytesDone: 0 });
    return;
  }
  if (entry.type === 'symlink') {
    let targetType = entry.targetType;
    let target: FileStat | null = null;
    if (targetType === undefined || targetType === 'file') {
      target = await fs.statOrNull(srcPath).catch(() => null);
      targetType = target ? target.type : 'broken';
    }
    if (targetType === 'file' && target) {
      plan.files.push({ rel, srcPath, stat: target, state: 'pending', bytesDone: 0 });
    } else if (targetType === 'directory') {
      plan.skipped.push({ path: relShown, reason: 'symbolic link to a folder (not followed)' });
    } else {
      plan.skipped.push({ path: relShown, reason: 'broken or special symbolic link' });
    }
    return;
  }
  plan.skipped.push({ path: relShown, reason: 'not a regular file (device, socket or pipe)' });
}
