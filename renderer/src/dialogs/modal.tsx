// The one modal shell every dialog uses: role="dialog", labelled by its title, focus moved
// in on open and back out on close, Tab kept inside, Escape = the dialog's cancel action.
import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface ModalProps {
  title: string;
  /** Extra accessible description (e.g. the warning text). */
  describedBy?: string;
  onCancel: () => void;
  children: ReactNode;
  className?: string;
  /** CSS selector of the element to focus first (default: first [data-autofocus] or first control). */
  initialFocus?: string;
  role?: 'dialog' | 'alertdialog';
}

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** A modal dialog with a title, focus management and Escape to cancel. */
export function Modal(props: ModalProps) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const { initialFocus } = props;

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const root = ref.current;
    const first =
      (initialFocus ? root?.querySelector<HTMLElement>(initialFocus) : null) ??
      root?.querySelector<HTMLElement>('[data-autofocus]') ??
      root?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    return () => {
      if (previous && document.contains(previous)) previous.focus();
    };
  }, [initialFocus]);

  return (
    <div className="modal-backdrop">
      <div
        ref={ref}
        role={props.role ?? 'dialog'}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={props.describedBy}
        className={`modal ${props.className ?? ''}`}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            e.preventDefault();
            props.onCancel();
          } else if (e.key === 'Tab') {
            const nodes = Array.from(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []);
            if (nodes.length === 0) return;
            const first = nodes[0]!;
            const last = nodes[nodes.length - 1]!;
            if (e.shiftKey && document.activeElement === first) {
              e.preventDefault();
              last.focus();
            } else if (!e.shiftKey && document.activeElement === last) {
              e.preventDefault();
              first.focus();
            }
          }
        }}
      >
        <h2 id={titleId} className="modal-title">
          {props.title}
        </h2>
        {props.children}
      </div>
    </div>
  );
}
