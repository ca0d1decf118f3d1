// The notices at the bottom of the window; errors are alerts, the rest status messages.
import type { Notice } from '../state/use-notices';

export function Notices(props: { notices: readonly Notice[]; onDismiss: (id: number) => void }) {
  if (props.notices.length === 0) return null;
  return (
    <div className="notices">
      {props.notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'}>
          <div>
            <strong>{n.message}</strong> {n.hint}
          </div>
          <button type="button" className="icon-button small" aria-label="Dismiss" onClick={() => props.onDismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
