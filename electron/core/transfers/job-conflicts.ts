// What a file does when its target name exists: the job's policy, an "apply to all" answer, or
// the user's answer to one question at a time per job.
import { z } from 'zod';
import { SkiffError } from '../errors';
import type { FileStat, FileSystem } from '../fs/file-system';
import { decide } from './conflict';
import { PART_SUFFIX, statSummary } from './file-transfer';
import type { FileDecision, Job, TargetDirInfo } from './job';
import type { PlanFile } from './scan';
import { CONFLICT_ACTIONS, type ConflictAction, type ConflictAnswer, type ConflictQuestion } from './types';

const conflictAnswerSchema = z.object({ action: z.enum(CONFLICT_ACTIONS), applyToAll: z.boolean().optional() });

/** Decides what `f` does at `finalPath` (asking through `onConflict` under the 'ask' policy). */
export async function decideConflict(
  job: Job,
  f: PlanFile,
  parent: TargetDirInfo,
  name: string,
  finalPath: string,
  meta: FileSystem,
  onConflict: ((q: ConflictQuestion) => Promise<ConflictAnswer>) | undefined,
): Promise<{ decision: FileDecision; target: FileStat | null }> {
  if (parent.fresh) return { decision: { kind: 'write', overwrite: false }, target: null };
  const target = parent.entries ? (parent.entries.get(name) ?? null) : await meta.statOrNull(finalPath);
  if (!target) {
    if (job.conflict === 'resume' || job.conflictForAll === 'resume') {
      const part = parent.entries ? (parent.entries.get(name + PART_SUFFIX) ?? null) : await meta.statOrNull(finalPath + PART_SUFFIX);
      if (part && part.type === 'file' && part.size <= f.stat.size) return { decision: { kind: 'resume', from: 'part' }, target: null };
    }
    return { decision: { kind: 'write', overwrite: false }, target: null };
  }
  if (target.type === 'directory') throw new SkiffError('IS_A_DIRECTORY', `“${finalPath}” is a folder on the target.`, { path: finalPath });
  let action: ConflictAction;
  if (job.conflictForAll) action = job.conflictForAll;
  else if (job.conflict !== 'ask') action = job.conflict;
  else if (f.answer && f.answer.size === target.size && f.answer.mtimeMs === target.mtimeMs) action = f.answer.action;
  else {
    action = await ask(job, f, finalPath, target, onConflict);
    // An answer that arrives after the connection dropped is used when the file runs again.
    f.answer = { action, size: target.size, mtimeMs: target.mtimeMs };
  }
  const d = decide(action, f.stat, target);
  return { decision: d.kind === 'resume' ? { kind: 'resume', from: 'target' } : d, target };
}

/** One question at a time per job, so "apply to all" is seen by the files still waiting. */
function ask(
  job: Job,
  f: PlanFile,
  finalPath: string,
  target: FileStat,
  onConflict: ((q: ConflictQuestion) => Promise<ConflictAnswer>) | undefined,
): Promise<ConflictAction> {
  const next = job.askChain.then(async (): Promise<ConflictAction> => {
    if (job.conflictForAll) return job.conflictForAll;
    if (!onConflict) return 'skip';
    const raw: unknown = await onConflict({
      jobId: job.id,
      direction: job.spec.direction,
      source: statSummary(f.srcPath, f.stat),
      target: statSummary(finalPath, target),
      canResume: target.size < f.stat.size,
    }).catch(() => null);
    // The answer comes from the UI: anything malformed, a timeout or a closed window means skip.
    const parsed = conflictAnswerSchema.safeParse(raw);
    const answer = parsed.success ? parsed.data : { action: 'skip' as const, applyToAll: false };
    if (answer.applyToAll) job.conflictForAll = answer.action;
    return answer.action;
  });
  job.askChain = next.catch(() => undefined);
  return next;
}
