// A remote name becomes a local file name only after it has been made safe for every desktop
// Skiff runs on: no separators, no reserved characters or device names, no control characters,
// at most 255 bytes. filenamify does the platform rules; the engine's own check has the last word.
import filenamify from 'filenamify';
import { unsafeNameReason } from '../transfers/safe-name';

// 80 UTF-16 units are at most 240 UTF-8 bytes: room for " (edited)" within 255.
const MAX_UNITS = 80;

/** A local file name for `remoteName` that is one plain, portable path component. */
export function safeLocalName(remoteName: string): string {
  let name = filenamify(remoteName, { replacement: '_', maxLength: MAX_UNITS });
  // A leading dash would read as an option to an editor that ignores "--"; a dot-only name is not a file.
  if (name.startsWith('-')) name = `_${name.slice(1)}`;
  if (/^\.*$/.test(name) || unsafeNameReason(name) !== null) name = 'file';
  return name;
}
