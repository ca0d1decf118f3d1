// How rows travel between the panes by drag and drop: the dragged paths go in a type of our own
// per side (so a pane ignores its own rows), plus plain text for other apps; files dropped from
// the OS reach the remote pane by their real paths (Electron's preload knows them).
import type { Entry, Side } from '../model/types';

const DRAG_TYPE: Record<Side, string> = { local: 'application/x-skiff-local', remote: 'application/x-skiff-remote' };

/** The parts of a DataTransfer used here (jsdom has none; tests hand in a stand-in). */
export interface DragData {
  readonly types: readonly string[] | DOMStringList;
  readonly files: ArrayLike<File>;
  effectAllowed: string;
  setData(type: string, value: string): void;
  getData(type: string): string;
}

/** What a drop onto a pane asks for. */
export type Dropped = { paths: string[] } | { problem: string } | null;

const other = (side: Side): Side => (side === 'local' ? 'remote' : 'local');

/** Puts rows dragged out of `side` into the drag. */
export function encodeDrag(data: DragData, side: Side, entries: readonly Entry[]): void {
  data.effectAllowed = 'copy';
  data.setData(DRAG_TYPE[side], JSON.stringify(entries.map((x) => x.path)));
  data.setData('text/plain', entries.map((x) => x.path).join('\n'));
}

/** Whether `side` takes this drag: rows of the other pane, or OS files onto the remote pane. */
export function acceptsDrag(data: Pick<DragData, 'types'>, side: Side): boolean {
  const types = Array.from(data.types);
  return types.includes(DRAG_TYPE[other(side)]) || (side === 'remote' && types.includes('Files'));
}

/**
 * The paths a drop onto `side` carries: rows of the other pane, or (remote only) OS files by their
 * real path. `pathForFile` is Electron's; without it OS files cannot be uploaded, and the problem says so.
 */
export function droppedPaths(data: DragData, side: Side, pathForFile: ((file: File) => string | null) | undefined): Dropped {
  const rows = data.getData(DRAG_TYPE[other(side)]);
  if (rows) {
    let paths: unknown;
    try {
      paths = JSON.parse(rows);
    } catch {
      return null;
    }
    return Array.isArray(paths) && paths.every((p) => typeof p === 'string') ? { paths: paths as string[] } : null;
  }
  if (side !== 'remote' || data.files.length === 0) return null;
  if (typeof pathForFile !== 'function')
    return { problem: 'Dropping files from the desktop needs the Skiff app; in the browser preview, drag them from the local pane.' };
  const paths = Array.from(data.files)
    .map((f) => pathForFile(f))
    .filter((p): p is string => typeof p === 'string' && p !== '');
  return paths.length > 0 ? { paths } : { problem: 'Those items have no path on disk (e.g. dragged from a browser), so they cannot be uploaded.' };
}
