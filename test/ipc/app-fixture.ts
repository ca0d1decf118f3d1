// A real app context (real stores in temp dirs, real LocalFs, real known_hosts store, keytar as
// installed) with a recording event sink, for registry-level tests.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SkiffError } from '../../electron/core/errors';
import { createAppContext, type AppContext, type AppContextOptions } from '../../electron/app/create-app-context';
import type { EventChannel, EventPayloads, QuestionAnswer, QuestionDto } from '../../electron/ipc/contract';
import { createDispatcher, type Dispatch, type IpcSender } from '../../electron/ipc/register';
import { createHandlers } from '../../electron/ipc/handlers';

export const APP_SENDER: IpcSender = { url: 'app://skiff/index.html', isMainFrame: true };

export interface AppFixture {
  ctx: AppContext;
  dispatch: Dispatch;
  call(channel: string, ...args: unknown[]): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string; path?: string } }>;
  events: Array<{ event: EventChannel; payload: unknown }>;
  onEvent?: (event: EventChannel, payload: unknown) => void;
  /** Resolves with the first event (already seen or future) matching `pred`. */
  waitForEvent<T = unknown>(pred: (event: EventChannel, payload: unknown) => boolean, since?: number): Promise<T>;
  tmp: string;
  home: string;
  configDir: string;
  /** Disposes the context (as quitting does) and removes the temp dir. */
  close(): Promise<void>;
}

/** `reuse.tmp`: a new context on an earlier fixture's dirs (the app started again); dispose the earlier one's ctx, not close() it. */
export async function createAppFixture(
  options: Pick<AppContextOptions, 'transferTuning' | 'secretStore' | 'openPath' | 'editTempParent' | 'reconnectPolicy' | 'connectDefaults'> = {},
  reuse?: { tmp: string },
): Promise<AppFixture> {
  const tmp = reuse?.tmp ?? mkdtempSync(path.join(os.tmpdir(), 'skiff-ipc-'));
  const home = path.join(tmp, 'home');
  mkdirSync(home, { recursive: true });
  const configDir = path.join(tmp, 'config', 'Skiff');
  const events: AppFixture['events'] = [];
  const fixture = {} as AppFixture;
  const waiters = new Set<(event: EventChannel, payload: unknown) => void>();
  const emit = <E extends EventChannel>(event: E, payload: EventPayloads[E]): void => {
    events.push({ event, payload });
    fixture.onEvent?.(event, payload);
    for (const w of [...waiters]) w(event, payload);
  };
  fixture.waitForEvent = <T>(pred: (event: EventChannel, payload: unknown) => boolean, since = 0): Promise<T> => {
    const seen = events.slice(since).find((e) => pred(e.event, e.payload));
    if (seen) return Promise.resolve(seen.payload as T);
    return new Promise<T>((resolve) => {
      const w = (event: EventChannel, payload: unknown): void => {
        if (!pred(event, payload)) return;
        waiters.delete(w);
        resolve(payload as T);
      };
      waiters.add(w);
    });
  };
  const ctx = await createAppContext({
    configDir,
    home,
    emit,
    info: { name: 'Skiff', version: 'test', mode: 'web', nativeDialogs: false },
    dialogs: {
      pickFolder: async () => {
        throw new SkiffError('UNSUPPORTED', 'no pickers in tests');
      },
      pickFile: async () => {
        throw new SkiffError('UNSUPPORTED', 'no pickers in tests');
      },
    },
    ...options,
    connectDefaults: { readyTimeoutMs: 15_000, ...options.connectDefaults },
  });
  const dispatch = createDispatcher(createHandlers(ctx.services), { allowedOrigins: ['app://skiff'] }, () => undefined);
  Object.assign(fixture, {
    ctx,
    dispatch,
    events,
    tmp,
    home,
    configDir,
    call: (channel: string, ...args: unknown[]) => dispatch(channel, APP_SENDER, args) as ReturnType<AppFixture['call']>,
    close: async () => {
      await ctx.dispose();
      rmSync(tmp, { recursive: true, force: true });
    },
  });
  return fixture;
}

/** Answers the fixture's questions as the renderer would (null cancels one) and records what was asked, until stop(). */
export function answering(f: AppFixture, answer: (q: QuestionDto) => QuestionAnswer | null): { asked: QuestionDto[]; stop(): void } {
  const asked: QuestionDto[] = [];
  f.onEvent = (event, payload) => {
    if (event !== 'question:ask') return;
    const q = payload as QuestionDto;
    asked.push(q);
    const a = answer(q);
    void f.call(a === null ? 'question:cancel' : 'question:answer', a === null ? { id: q.id } : { id: q.id, answer: a });
  };
  return { asked, stop: () => (f.onEvent = undefined) };
}
