// An EditManager on the real engine and a real sshd session, with the editor started for real
// (the fixture script) and the questions answered by the test.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EditManager, type EditManagerDeps, type EditTransfer } from '../../../electron/core/edit/edit-manager';
import { startProgram } from '../../../electron/core/edit/launcher';
import type { EditConflictChoice, EditConflictQuestion, EditEvent, EditLargeQuestion } from '../../../electron/core/edit/types';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { sessionEndpoint } from '../../../electron/core/transfers/session-endpoint';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { localEndpoint, tempDir } from '../transfers/helpers';

export const EDITOR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'editor.mjs');

/** An Editor command running the fixture editor in `style` (quoted as a user would type it). */
export function editorCommand(style: string, ...texts: string[]): string {
  return [process.execPath, EDITOR, style, ...texts].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
}

export interface Harness {
  manager: EditManager;
  settings: { editorCommand: string; largeFileBytes: number };
  /** The sessions the manager may use (tests close and add them). */
  sessions: SftpSession[];
  conflicts: EditConflictQuestion[];
  /** The next conflict answers, in order (undefined: no answer, as on a timeout). */
  answers: Array<EditConflictChoice | null>;
  large: EditLargeQuestion[];
  largeAnswer: boolean;
  opened: string[];
  transfers: EditTransfer[];
  events: EditEvent[];
  tempParent: string;
  keptDir: string;
}

export function createHarness(session: SftpSession, overrides: Partial<EditManagerDeps> = {}): Harness {
  const h: Harness = {
    settings: { editorCommand: '', largeFileBytes: 50 * 1024 * 1024 },
    sessions: [session],
    conflicts: [],
    answers: [],
    large: [],
    largeAnswer: true,
    opened: [],
    transfers: [],
    events: [],
    tempParent: tempDir('skiff-edit-parent-'),
    keptDir: path.join(tempDir('skiff-kept-'), 'Kept edits'),
  } as unknown as Harness;
  const queue = new TransferQueue();
  const live = (id?: string): SftpSession | undefined => h.sessions.find((s) => !s.closed && (id === undefined || s.id === id));
  const server = (s: SftpSession) => ({ host: s.host, port: s.port, username: s.username });
  h.manager = new EditManager({
    serverOf: (id) => server(live(id) ?? session),
    remote: (srv, prefer) => {
      const s = live(prefer) ?? h.sessions.find((x) => !x.closed && x.host === srv.host && x.port === srv.port && x.username === srv.username);
      return s ? { sessionId: s.id, fs: s.fs } : null;
    },
    transfer: async (sessionId, t) => {
      h.transfers.push(t);
      const s = live(sessionId);
      if (!s) throw new Error('no session');
      const remote = sessionEndpoint(s);
      const job = queue.add({
        direction: t.direction,
        source: t.direction === 'upload' ? localEndpoint() : remote,
        target: t.direction === 'upload' ? remote : localEndpoint(),
        sources: [t.source],
        targetDir: t.targetDir,
        targetName: t.targetName,
        conflict: t.conflict,
        preservePermissions: false,
      });
      return queue.whenSettled(job.id);
    },
    settings: () => h.settings,
    openDefault: async (p) => {
      h.opened.push(p);
    },
    startProgram,
    askConflict: async (q) => {
      h.conflicts.push(q);
      return h.answers.length > 0 ? (h.answers.shift() ?? null) : null;
    },
    askLarge: async (q) => {
      h.large.push(q);
      return h.largeAnswer;
    },
    keptDir: h.keptDir,
    tempParent: h.tempParent,
    watch: { debounceMs: 250, pollMs: 500 },
    ...overrides,
  });
  h.manager.onEvent((e) => h.events.push(e));
  return h;
}

/** Polls `check` until it returns a value other than undefined (or fails after `ms`, saying what `debug` shows). */
export async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 30_000, debug?: () => unknown): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${debug ? `; last: ${JSON.stringify(debug())}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every path below `dir` (relative), for "nothing written elsewhere" checks. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      if (e.isDirectory()) walk(path.join(d, e.name), r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Waits until the edited file `id` is in `state` (failing with its recent events). */
export function untilState(h: Harness, id: string, state: string, what = state): Promise<true> {
  return until(
    what,
    () => (h.manager.get(id)?.state === state ? true : undefined),
    30_000,
    () => h.events.slice(-4),
  );
}
