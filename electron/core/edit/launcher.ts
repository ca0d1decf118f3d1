// Starting the editor (a program from the Editor command, never through a shell) and the system's
// default application (injected: Electron's shell.openPath on the desktop; the usual opener
// program here otherwise, which is what the browser preview uses).
import { spawn } from 'node:child_process';
import { SkiffError } from '../errors';

/** Starts `argv` detached from Skiff; resolves once it is running, rejects EDITOR_FAILED when it cannot start. */
export function startProgram(argv: readonly string[]): Promise<void> {
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new SkiffError('EDITOR_FAILED', 'No program to start.'));
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(program, args, { detached: true, stdio: 'ignore', shell: false, windowsHide: false });
    } catch (err) {
      reject(new SkiffError('EDITOR_FAILED', `Skiff could not start “${program}”: ${err instanceof Error ? err.message : String(err)}.`));
      return;
    }
    child.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? 'no such program' : err.code === 'EACCES' ? 'it is not allowed to run' : err.message;
      reject(new SkiffError('EDITOR_FAILED', `Skiff could not start “${program}”: ${why}. Check Settings › Editor command.`));
    });
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

/** The platform's "open with the default application" program, for where Electron's shell is not there. */
export function defaultOpenerArgv(filePath: string, platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'darwin') return ['open', filePath];
  // explorer.exe opens a document with its associated application and runs no command line.
  if (platform === 'win32') return ['explorer.exe', filePath];
  return ['xdg-open', filePath];
}
