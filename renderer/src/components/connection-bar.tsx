// The row above each pane that says where it is: "This computer", or who is connected to which
// server (with the connection's commands from the catalog: Find, Disconnect), or "Not connected".
import { toolbarCommands } from '../../../electron/ipc/commands';
import type { SessionInfo } from '../../../electron/ipc/contract';
import type { Reconnecting } from '../state/use-session';
import { displayName } from '../model/display-name';
import type { AppBindings, AppCommandId } from '../state/use-app-commands';
import { CommandButton } from './command-button';

export function LocalBar() {
  return (
    <>
      <span className="status-dot local" aria-hidden="true" />
      <span className="session-label">This computer</span>
    </>
  );
}

export function ConnectionBar(props: {
  session: SessionInfo | null;
  reconnecting?: Reconnecting | null;
  onCancelReconnect?: () => void;
  bindings: AppBindings;
}) {
  const s = props.session;
  const r = props.reconnecting;
  if (!s) {
    return (
      <>
        <span className="status-dot off" aria-hidden="true" />
        <span className="session-label muted">Not connected</span>
      </>
    );
  }
  if (r) {
    // The pane keeps its folder; the header says what is happening and offers the way out.
    const next = r.retryInMs !== undefined ? `, next try in ${Math.max(1, Math.round(r.retryInMs / 1000))} s` : '';
    return (
      <>
        <span className="status-dot reconnecting" aria-hidden="true" />
        <span className="session-label" role="status" title={r.message}>
          Reconnecting… (attempt {r.attempt})
          <span className="muted">
            {' '}
            · {displayName(s.username)}@{displayName(s.host)}
            {s.port === 22 ? '' : `:${s.port}`}
            {next}
          </span>
        </span>
        <span className="spacer" />
        <button type="button" className="small-button" onClick={props.onCancelReconnect} title="Stop reconnecting and disconnect">
          Cancel
        </button>
      </>
    );
  }
  return (
    <>
      <span className="status-dot" aria-hidden="true" />
      <span className="session-label">
        {displayName(s.username)}@{displayName(s.host)}
        {s.port === 22 ? '' : `:${s.port}`}
        <span className="muted"> · {s.authMethod}</span>
      </span>
      <span className="spacer" />
      {toolbarCommands('connection')
        .filter((id): id is AppCommandId => id in props.bindings)
        .map((id) => (
          <CommandButton key={id} id={id} place="connection" bindings={props.bindings} target={{ side: 'remote' }} />
        ))}
    </>
  );
}

/** The sidebar's foot: Settings, Keyboard shortcuts, About (from the catalog's sidebar toolbar). */
export function SidebarFoot(props: { bindings: AppBindings }) {
  return (
    <div className="sidebar-foot">
      {toolbarCommands('sidebar')
        .filter((id): id is AppCommandId => id in props.bindings)
        .map((id) => (
          <CommandButton key={id} id={id} place="sidebar" bindings={props.bindings} target={{ side: 'local' }} />
        ))}
    </div>
  );
}
