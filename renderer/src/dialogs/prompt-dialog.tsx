// A small form dialog for names: new folder, rename, create symlink.
import { useState } from 'react';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

export interface PromptField {
  label: string;
  initial: string;
  /** Pre-select the name part before the extension (rename). */
  selectStem?: boolean;
}

/** Asks for one or more text values; OK is disabled while any is empty or invalid. */
export function PromptDialog(props: {
  title: string;
  fields: PromptField[];
  okLabel: string;
  validate?: (values: string[]) => string | null;
  onSubmit: (values: string[]) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(() => props.fields.map((f) => f.initial));
  const problem = values.some((v) => v.trim() === '') ? '' : (props.validate?.(values) ?? null);
  return (
    <Modal title={props.title} onCancel={props.onCancel}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (problem === null) props.onSubmit(values);
        }}
      >
        {props.fields.map((f, i) => (
          <label key={f.label} className="field">
            <span>{f.label}</span>
            <input
              type="text"
              spellCheck={false}
              autoComplete="off"
              value={values[i] ?? ''}
              ref={
                i === 0 && f.selectStem
                  ? (el) => {
                      if (el && el.dataset.selected !== '1') {
                        el.dataset.selected = '1';
                        const dot = f.initial.lastIndexOf('.');
                        el.setSelectionRange(0, dot > 0 ? dot : f.initial.length);
                      }
                    }
                  : undefined
              }
              onChange={(e) => setValues((v) => v.map((x, j) => (j === i ? e.target.value : x)))}
            />
          </label>
        ))}
        {problem ? (
          <p className="danger-text" role="alert">
            {problem}
          </p>
        ) : null}
        <DialogButtons ok={{ label: props.okLabel, disabled: problem !== null }} cancel={props.onCancel} />
      </form>
    </Modal>
  );
}

/** Why a single file name is not acceptable, or null. */
export function invalidName(name: string): string | null {
  if (name === '.' || name === '..') return 'That name is reserved.';
  if (/[/\0]/.test(name)) return 'A name cannot contain “/”.';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'A name cannot contain control characters.';
  return null;
}
