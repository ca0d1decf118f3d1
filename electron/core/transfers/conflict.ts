// Conflict rules: what each policy does when the target name exists, and the "name (1).ext"
// naming for keep-both. Pure functions so every policy is easy to test and to reason about.
import type { FileStat } from '../fs/file-system';
import type { ConflictAction } from './types';

/** What the engine does with one file after looking at the target. */
export type ConflictDecision =
  { kind: 'write'; overwrite: boolean } | { kind: 'resume' } | { kind: 'rename' } | { kind: 'skip'; reason: string } | { kind: 'cancel' };

/** SFTP v3 carries whole seconds; compare at that resolution so a round trip is "not newer". */
function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Applies a (non-ask) action to a source/target pair. */
export function decide(action: ConflictAction, source: FileStat, target: FileStat): ConflictDecision {
  switch (action) {
    case 'overwrite':
      return { kind: 'write', overwrite: true };
    case 'skip':
      return { kind: 'skip', reason: 'the target exists (skipped by choice)' };
    case 'rename':
      return { kind: 'rename' };
    case 'cancel':
      return { kind: 'cancel' };
    case 'overwrite-if-newer':
      return seconds(source.mtimeMs) > seconds(target.mtimeMs)
        ? { kind: 'write', overwrite: true }
        : { kind: 'skip', reason: 'the target is as new as the source or newer' };
    case 'overwrite-if-size-differs':
      return source.size !== target.size ? { kind: 'write', overwrite: true } : { kind: 'skip', reason: 'the target has the same size' };
    case 'resume':
      // Resume only makes sense for a shorter target; a same-size one is taken as complete,
      // a longer one cannot be a prefix of the source and is replaced.
      if (target.size < source.size) return { kind: 'resume' };
      if (target.size === source.size) return { kind: 'skip', reason: 'the target is already complete (same size)' };
      return { kind: 'write', overwrite: true };
  }
}

/** `report.pdf` → `report (n).pdf`; `.bashrc` → `.bashrc (n)`; `archive` → `archive (n)`. */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return `${name} (${n})`;
  return `${name.slice(0, dot)} (${n})${name.slice(dot)}`;
}

/** The first `name (n).ext` for which `exists` resolves false. */
export async function freeName(name: string, exists: (candidate: string) => Promise<boolean>, maxTries = 10_000): Promise<string> {
  for (let n = 1; n <= maxTries; n++) {
    const candidate = numberedName(name, n);
    if (!(await exists(candidate))) return candidate;
  }
  throw new Error(`no free name for ${name}`);
}
