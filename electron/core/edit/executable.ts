// Open hands a file to the system's default application, which for a program means running it.
// A file a server sent is never run: programs are recognised by their mode bits or their name.

/** Extensions the common desktops run (or launch through) instead of opening as documents. */
export const EXECUTABLE_EXTENSIONS = [
  '.exe',
  '.bat',
  '.cmd',
  '.com',
  '.ps1',
  '.vbs',
  '.vbe',
  '.js',
  '.jse',
  '.wsf',
  '.wsh',
  '.msi',
  '.scr',
  '.pif',
  '.cpl',
  '.hta',
  '.reg',
  '.sh',
  '.bash',
  '.zsh',
  '.csh',
  '.ksh',
  '.command',
  '.tool',
  '.app',
  '.pkg',
  '.desktop',
  '.jar',
  '.lnk',
  '.url',
  '.appimage',
  '.run',
  '.bin',
] as const;

/** True when a file with this name and permission bits is a program rather than a document. */
export function isExecutable(name: string, mode: number): boolean {
  if ((mode & 0o111) !== 0) return true;
  const lower = name.toLowerCase().replace(/[. ]+$/, '');
  return EXECUTABLE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}
