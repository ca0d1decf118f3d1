// "Find on server" over core's streaming find(); core matches by name or glob with picomatch
// (an exact name is a glob without wildcards), so both modes map onto it.
import { find } from '../core/fs/find';
import type { FileEntry, FileSystem } from '../core/fs/file-system';

function escapeGlob(name: string): string {
  return name.replace(/[\\*?[\]{}()!+@|]/g, (c) => `\\${c}`);
}

/** Yields matches as core's walk finds them; `mode: 'name'` matches the exact name only. */
export function findEntries(
  fs: FileSystem,
  root: string,
  opts: { pattern: string; mode: 'name' | 'glob'; caseSensitive: boolean; signal: AbortSignal },
): AsyncIterable<FileEntry> {
  const pattern = opts.mode === 'name' ? escapeGlob(opts.pattern) : opts.pattern;
  return find(fs, root, { pattern, caseSensitive: opts.caseSensitive, signal: opts.signal });
}
