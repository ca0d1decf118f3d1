// The "Editor command" setting, split into argv the way a POSIX shell would split it (quotes,
// escapes, $VARIABLES), but never run by a shell: the program is started directly with the
// edited file's path as its last argument, so no server-chosen name can become shell syntax.
import { parse, type ParseEntry } from 'shell-quote';
import { SkiffError } from '../errors';

/** Splits `command` into argv; throws EDITOR_FAILED for shell operators (no shell runs them). Empty → null (the system default). */
export function parseEditorCommand(
  command: string,
  opts: { env?: Record<string, string | undefined>; platform?: NodeJS.Platform; home?: string } = {},
): string[] | null {
  if (command.trim() === '') return null;
  const env = opts.env ?? {};
  // On Windows a backslash is a path separator, not an escape: keep it literal.
  const text = (opts.platform ?? process.platform) === 'win32' ? command.replace(/\\/g, '\\\\') : command;
  let entries: ParseEntry[];
  try {
    entries = parse(text, (name: string) => env[name] ?? '');
  } catch (err) {
    throw new SkiffError('EDITOR_FAILED', `The editor command “${command}” could not be read: ${err instanceof Error ? err.message : String(err)}.`);
  }
  const argv: string[] = [];
  for (const e of entries) {
    if (typeof e === 'string') argv.push(e);
    else if ('comment' in e) break;
    else if (e.op === 'glob') argv.push(e.pattern);
    else {
      throw new SkiffError(
        'EDITOR_FAILED',
        `The editor command contains “${e.op}”. Skiff starts the editor directly, without a shell, so pipes, redirections and command lists are not allowed; put them in a small script and name the script instead.`,
      );
    }
  }
  if (argv.length === 0 || argv[0] === '') throw new SkiffError('EDITOR_FAILED', `The editor command “${command}” names no program.`);
  if (opts.home !== undefined && (argv[0] === '~' || argv[0]!.startsWith('~/'))) argv[0] = opts.home + argv[0]!.slice(1);
  return argv;
}

/** The full argv for one file: the command's words, then the file's path as the last argument. */
export function editorArgv(command: string[], filePath: string): string[] {
  return [...command, filePath];
}
