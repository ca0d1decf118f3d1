// The questions main asks (host key, keyboard-interactive, password, conflict): queued as they
// arrive, dropped when main closes one (timeout, cancel), answered one at a time.
import { useCallback, useEffect, useState } from 'react';
import type { QuestionAnswer, QuestionDto, SkiffApi } from '../../../electron/ipc/contract';

export interface QuestionsModel {
  /** The question to show now (the oldest open one). */
  current: QuestionDto | undefined;
  answer(id: string, answer: QuestionAnswer): void;
}

export function useQuestions(api: SkiffApi): QuestionsModel {
  const [questions, setQuestions] = useState<QuestionDto[]>([]);
  useEffect(() => {
    const offAsk = api.on('question:ask', (q) => setQuestions((qs) => [...qs.filter((x) => x.id !== q.id), q]));
    const offClosed = api.on('question:closed', (c) => setQuestions((qs) => qs.filter((x) => x.id !== c.id)));
    return () => {
      offAsk();
      offClosed();
    };
  }, [api]);
  const answer = useCallback(
    (id: string, a: QuestionAnswer) => {
      setQuestions((qs) => qs.filter((x) => x.id !== id));
      api.question.answer({ id, answer: a }).catch(() => undefined);
    },
    [api],
  );
  return { current: questions[0], answer };
}
