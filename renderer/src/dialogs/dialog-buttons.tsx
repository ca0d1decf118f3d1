// The one row of buttons at the foot of every dialog: the main action first (primary, or red for
// a destructive one), then the others, then the way out.
import type { ReactNode } from 'react';

export interface DialogButton {
  label: ReactNode;
  /** Without it the button submits the dialog's form. */
  onClick?: () => void;
  tone?: 'primary' | 'danger' | 'primary-danger' | 'plain';
  disabled?: boolean;
  /** Focused when the dialog opens (the safe choice of a warning). */
  autoFocus?: boolean;
  title?: string;
}

const TONE_CLASS: Record<NonNullable<DialogButton['tone']>, string | undefined> = {
  primary: 'primary',
  danger: 'danger-button',
  'primary-danger': 'primary danger-button',
  plain: undefined,
};

/** `ok` is primary unless it says otherwise; `cancel` alone is a "Cancel" button. */
export function DialogButtons(props: { ok?: DialogButton; extra?: readonly DialogButton[]; cancel?: DialogButton | (() => void); wrap?: boolean }) {
  const cancel = typeof props.cancel === 'function' ? { label: 'Cancel', onClick: props.cancel } : props.cancel;
  const buttons = [...(props.ok ? [{ tone: 'primary' as const, ...props.ok }] : []), ...(props.extra ?? []), ...(cancel ? [cancel] : [])];
  return (
    <div className={props.wrap ? 'modal-buttons wrap' : 'modal-buttons'}>
      {buttons.map((b, i) => (
        <button
          key={i}
          type={b.onClick ? 'button' : 'submit'}
          className={TONE_CLASS[b.tone ?? 'plain']}
          disabled={b.disabled}
          title={b.title}
          onClick={b.onClick}
          {...(b.autoFocus ? { 'data-autofocus': true } : {})}
        >
          {b.label}
        </button>
      ))}
    </div>
  );
}
