// A small "Copy" button; falls back to selecting the text when the clipboard is unavailable.
import { useState } from 'react';

/** Copies `text` to the clipboard and says so. */
export function CopyButton(props: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="small-button"
      onClick={() => {
        void navigator.clipboard
          ?.writeText(props.text)
          .then(() => setDone(true))
          .catch(() => setDone(false));
      }}
    >
      {done ? 'Copied' : (props.label ?? 'Copy')}
    </button>
  );
}
