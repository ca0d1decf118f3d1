// The IPC face of core's EditManager: live sessions by server, jobs through the app's transfer
// queue (so they show in the queue like any transfer), questions through the broker, the system's
// default application injected (Electron's shell.openPath; the usual opener program in the
// browser preview), and uploads that waited for a server run when a session to it connects.
import path from 'node:path';
import { EditManager } from '../core/edit/edit-manager';
import { defaultOpenerArgv, startProgram } from '../core/edit/launcher';
import type { EditServer } from '../core/edit/types';
import { SkiffError } from '../core/errors';
import type { Settings } from '../core/store/settings';
import type { QuestionBroker } from '../ipc/questions';
import type { EditService, Emit } from '../ipc/services';
import type { SessionManager } from './session-manager';
import type { createTransferService } from './transfer-service';

export interface EditServiceDeps {
  sessions: SessionManager;
  transfers: Pick<ReturnType<typeof createTransferService>, 'runJob'>;
  questions: QuestionBroker;
  emit: Emit;
  settings: () => Settings;
  /** Copies with unsent changes are kept in `<configDir>/Kept edits`. */
  configDir: string;
  home: string;
  /** Opens a file with the system's default application (Electron: shell.openPath); default: xdg-open / open / explorer. */
  openPath?: (localPath: string) => Promise<void>;
  /** Parent of the private temp folder (tests); default the OS temp folder. */
  tempParent?: string;
}

export function createEditService(deps: EditServiceDeps): EditService & { manager: EditManager; dispose(): Promise<string[]> } {
  const serverOfInfo = (i: { host: string; port: number; username: string }): EditServer => ({ host: i.host, port: i.port, username: i.username });
  const keptDir = path.join(deps.configDir, 'Kept edits');
  const manager = new EditManager({
    serverOf: (sessionId) => {
      const info = deps.sessions.list().find((s) => s.sessionId === sessionId);
      if (!info) throw new SkiffError('NOT_CONNECTED', 'That server is not connected any more. Connect again.');
      return serverOfInfo(info);
    },
    remote: (server, prefer) => {
      const live = deps.sessions.list();
      const same = (i: (typeof live)[number]): boolean => i.host === server.host && i.port === server.port && i.username === server.username;
      const pick = live.find((i) => i.sessionId === prefer && same(i)) ?? live.find(same);
      if (!pick) return null;
      try {
        return { sessionId: pick.sessionId, fs: deps.sessions.fs(pick.sessionId) };
      } catch {
        return null;
      }
    },
    transfer: (sessionId, t) => deps.transfers.runJob(sessionId, t),
    settings: () => {
      const s = deps.settings();
      return { editorCommand: s.editorCommand, largeFileBytes: s.editLargeFileMiB * 1024 * 1024 };
    },
    openDefault: deps.openPath ?? ((p) => startProgram(defaultOpenerArgv(p))),
    startProgram,
    askConflict: async (q) => {
      const a = await deps.questions.ask({
        kind: 'edit-conflict',
        editId: q.editId,
        server: q.server,
        remotePath: q.remotePath,
        remote: q.remote,
        local: q.local,
        keepBothName: q.keepBothName,
      });
      return a?.choice ?? null;
    },
    askLarge: async (q) => {
      const a = await deps.questions.ask({ kind: 'edit-large', files: q.files, limitBytes: q.limitBytes });
      // No answer downloads nothing big.
      return a?.download ?? false;
    },
    keptDir,
    home: deps.home,
    ...(deps.tempParent ? { tempParent: deps.tempParent } : {}),
  });
  manager.onEvent((e) => {
    if (e.type === 'changed') deps.emit('edit:file-changed', e.file);
    else deps.emit('edit:file-removed', { id: e.id, keptAt: e.keptAt });
  });
  // Copies a crashed earlier run left behind with unsent changes are kept before anything else starts.
  let recovered: Promise<string[]> | null = manager.recoverAbandoned().catch(() => []);
  // A session to the same server (host, port, user) is how a dropped connection comes back here.
  const off = deps.sessions.onConnected((info) => manager.serverConnected(serverOfInfo(info)));

  return {
    manager,
    keptDir,
    open: (sessionId, paths, mode) => manager.open(sessionId, paths, mode),
    list: () => manager.list(),
    stop: (id) => manager.stop(id),
    retry: (id) => manager.retry(id),
    resolveConflict: (id, choice) => manager.resolveConflict(id, choice),
    hasUnsent: () => manager.hasUnsent(),
    async takeRecovered() {
      const r = recovered;
      recovered = null;
      return r ? await r : [];
    },
    async dispose() {
      off();
      return manager.dispose();
    },
  };
}
