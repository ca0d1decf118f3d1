// Main → renderer questions (trust this host key? keyboard-interactive prompts? password?
// file exists?) as request/response round trips: `question:ask` goes out with an id and a
// timeout, `question:answer` comes back. Anything but a matching answer — a timeout, a
// closed window, a cancel — resolves to null, which every caller treats as "no".
import { randomUUID } from 'node:crypto';
import { SkiffError } from '../core/errors';
import type { z } from 'zod';
import type { QuestionAnswer, QuestionDto, QuestionKind } from './contract';
import type { Emit } from './services';

/** An answer after validation (defaults applied). */
export type ParsedAnswer = z.output<typeof QuestionAnswer>;
export type AnswerFor<K extends QuestionKind> = Extract<ParsedAnswer, { kind: K }>;
export type QuestionFor<K extends QuestionKind> = Omit<Extract<QuestionDto, { kind: K }>, 'id' | 'timeoutMs'>;

/** Default time the user has to answer, per kind (a conflict may wait while they fetch coffee). */
export const DEFAULT_QUESTION_TIMEOUTS: Record<QuestionKind, number> = {
  'host-key': 5 * 60_000,
  'keyboard-interactive': 5 * 60_000,
  password: 5 * 60_000,
  conflict: 30 * 60_000,
  // No answer decides nothing here: the file stays in conflict and the Edited files list offers the choices.
  'edit-conflict': 30 * 60_000,
  'edit-large': 10 * 60_000,
};

interface Pending {
  kind: QuestionKind;
  settle: (answer: ParsedAnswer | null) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class QuestionBroker {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly emit: Emit,
    private readonly timeouts: Partial<Record<QuestionKind, number>> = {},
  ) {}

  /** Asks the renderer; resolves to its answer, or null on timeout / cancel / closed window. */
  ask<K extends QuestionKind>(question: QuestionFor<K> & { kind: K }, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<AnswerFor<K> | null> {
    const id = randomUUID();
    const timeoutMs = opts.timeoutMs ?? this.timeouts[question.kind] ?? DEFAULT_QUESTION_TIMEOUTS[question.kind];
    return new Promise<AnswerFor<K> | null>((resolve) => {
      const finish = (answer: ParsedAnswer | null, reason: 'answered' | 'timeout' | 'cancelled'): void => {
        const p = this.pending.get(id);
        if (!p) return;
        clearTimeout(p.timer);
        this.pending.delete(id);
        opts.signal?.removeEventListener('abort', onAbort);
        this.emit('question:closed', { id, reason });
        resolve(answer as AnswerFor<K> | null);
      };
      const onAbort = (): void => finish(null, 'cancelled');
      const timer = setTimeout(() => finish(null, 'timeout'), timeoutMs);
      timer.unref?.();
      this.pending.set(id, { kind: question.kind, timer, settle: (a) => finish(a, a === null ? 'cancelled' : 'answered') });
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.emit('question:ask', { ...question, id, timeoutMs } as unknown as QuestionDto);
    });
  }

  /** The renderer's answer; an unknown id (already timed out) or the wrong kind is refused. */
  answer(id: string, answer: ParsedAnswer): void {
    const p = this.pending.get(id);
    if (!p) throw new SkiffError('INVALID_ARGUMENT', 'That question is no longer open (it timed out or was cancelled).');
    if (p.kind !== answer.kind) throw new SkiffError('INVALID_ARGUMENT', `Answer of kind “${answer.kind}” does not fit a “${p.kind}” question.`);
    p.settle(answer);
  }

  /** Cancels one open question (answers "no"). Unknown ids are ignored: the race is harmless. */
  cancel(id: string): void {
    this.pending.get(id)?.settle(null);
  }

  /** Answers "no" to everything open, e.g. when the window closes or the last web client leaves. */
  cancelAll(): void {
    for (const p of [...this.pending.values()]) p.settle(null);
  }

  get openCount(): number {
    return this.pending.size;
  }
}
