// Keyboard-interactive authentication: render every prompt the server sends, hiding the
// answer when the server says echo is off (passwords, one-time codes).
import { useState } from 'react';
import type { QuestionDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

type KiQuestion = Extract<QuestionDto, { kind: 'keyboard-interactive' }>;

/** One keyboard-interactive round; `onAnswer(null)` cancels the login. */
export function KeyboardInteractiveDialog(props: { question: KiQuestion; onAnswer: (responses: string[] | null) => void }) {
  const q = props.question;
  const [values, setValues] = useState<string[]>(() => q.prompts.map(() => ''));
  const title = q.name.trim() ? displayName(q.name) : `Sign in to ${displayName(q.sessionLabel)}`;
  return (
    <Modal title={title} onCancel={() => props.onAnswer(null)} className="ki-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onAnswer(values);
        }}
      >
        {q.instructions.trim() ? <p className="pre-wrap">{displayName(q.instructions)}</p> : null}
        {q.prompts.map((p, i) => (
          <label key={i} className="field">
            <span>{displayName(p.prompt).trim() || `Response ${i + 1}`}</span>
            <input
              type={p.echo ? 'text' : 'password'}
              autoComplete="off"
              value={values[i] ?? ''}
              onChange={(e) => setValues((v) => v.map((x, j) => (j === i ? e.target.value : x)))}
            />
          </label>
        ))}
        <DialogButtons ok={{ label: 'Continue' }} cancel={() => props.onAnswer(null)} />
      </form>
    </Modal>
  );
}
