// Where Skiff keeps its config. Core never asks Electron (app.getPath) so the same code runs
// under plain Node in tests; the shell calls this once and passes the result down.
import path from 'node:path';

/** The per-user config dir: $XDG_CONFIG_HOME/Skiff or ~/.config/Skiff (Linux/BSD), ~/Library/Application Support/Skiff (macOS), %APPDATA%\Skiff (Windows). */
export function defaultConfigDir(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform, home: string): string {
  if (platform === 'win32') {
    // APPDATA is the roaming profile; fall back to its usual place when a stripped environment lacks it.
    const appData = nonEmptyAbsolute(env.APPDATA, path.win32) ?? path.win32.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, 'Skiff');
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'Skiff');
  // XDG Base Directory spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = nonEmptyAbsolute(env.XDG_CONFIG_HOME, path.posix);
  return path.posix.join(xdg ?? path.posix.join(home, '.config'), 'Skiff');
}

function nonEmptyAbsolute(value: string | undefined, p: path.PlatformPath): string | undefined {
  return value !== undefined && value !== '' && p.isAbsolute(value) ? value : undefined;
}

/** Expands a leading `~` (alone, `~/…` or `~\\…`) to `home`; other paths are returned unchanged. */
export function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}
