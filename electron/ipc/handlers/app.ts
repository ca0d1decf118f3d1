// App info, sessions, bookmarks, secrets (no getter), settings, pickers and question answers.
import { checkLocalPath, checkRemotePath } from '../paths';
import type { HandlerMap } from '../register';
import type { Services } from '../services';

type AppHandlers = Omit<HandlerMap, `sftp:${string}` | `local:${string}` | `list:${string}` | `transfer:${string}` | `edit:${string}`>;

export function appHandlers(s: Services): AppHandlers {
  return {
    'app:info': () => s.appInfo(),
    'app:about': () => s.about(),
    'app:take-launch-url': () => s.takeLaunchUrl(),

    'session:connect': (args) => {
      if ('keyPath' in args && args.keyPath !== undefined) checkLocalPath(args.keyPath);
      return s.sessions.connect(args);
    },
    'session:disconnect': ({ sessionId }) => s.sessions.disconnect(sessionId),
    'session:list': () => s.sessions.list(),
    'session:server-info': ({ sessionId }) => {
      const info = s.sessions.serverInfo(sessionId);
      return { ...info, limits: { ...info.limits, ...s.transfers.limits() } };
    },

    'bookmarks:list': () => s.bookmarks.list(),
    'bookmarks:create': ({ bookmark, password, passphrase }) => {
      checkOptionalLocal(bookmark.keyPath);
      checkOptionalLocal(bookmark.localDir);
      checkOptionalRemote(bookmark.remoteDir);
      return s.bookmarks.create(bookmark, secretsOf(password, passphrase));
    },
    'bookmarks:update': ({ id, patch, password, passphrase }) => {
      checkOptionalLocal(patch.keyPath);
      checkOptionalLocal(patch.localDir);
      checkOptionalRemote(patch.remoteDir);
      return s.bookmarks.update(id, patch, secretsOf(password, passphrase));
    },
    'bookmarks:delete': ({ id }) => s.bookmarks.remove(id),
    'bookmarks:duplicate': ({ id }) => s.bookmarks.duplicate(id),
    'bookmarks:import-preview': () => s.bookmarks.importPreview(),
    'bookmarks:import': ({ ids, allowDuplicates }) => s.bookmarks.importCandidates(ids, allowDuplicates),

    'secrets:set': ({ bookmarkId, kind, secret }) => s.secrets.set(bookmarkId, kind, secret),
    'secrets:has': ({ bookmarkId, kind }) => s.secrets.has(bookmarkId, kind),
    'secrets:delete': ({ bookmarkId, kind }) => s.secrets.remove(bookmarkId, kind),

    'settings:get': () => s.settings.get(),
    'settings:set': (patch) => {
      patch.extraKnownHostsFiles?.forEach((p) => checkLocalPath(p));
      return s.settings.set(patch);
    },

    'dialog:pick-folder': (opts) => s.dialogs.pickFolder(pickerOpts(opts)),
    'dialog:pick-file': (opts) => s.dialogs.pickFile(pickerOpts(opts)),

    'question:answer': ({ id, answer }) => s.questions.answer(id, answer),
    'question:cancel': ({ id }) => s.questions.cancel(id),
  };
}

function pickerOpts(opts: { title?: string | undefined; defaultPath?: string | undefined } | undefined): { title?: string; defaultPath?: string } {
  const out: { title?: string; defaultPath?: string } = {};
  if (opts?.title !== undefined) out.title = opts.title;
  if (opts?.defaultPath !== undefined) out.defaultPath = checkLocalPath(opts.defaultPath);
  return out;
}

/** Empty text means "not set" in bookmark forms; anything else must be a proper local path. */
function checkOptionalLocal(p: string | null | undefined): void {
  if (p !== undefined && p !== null && p.trim() !== '') checkLocalPath(p);
}

function secretsOf(password: string | undefined, passphrase: string | undefined): { password?: string; passphrase?: string } {
  const out: { password?: string; passphrase?: string } = {};
  if (password !== undefined && password !== '') out.password = password;
  if (passphrase !== undefined && passphrase !== '') out.passphrase = passphrase;
  return out;
}

function checkOptionalRemote(p: string | null | undefined): void {
  if (p !== undefined && p !== null && p.trim() !== '') checkRemotePath(p);
}
