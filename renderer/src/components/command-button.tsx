// A button for a catalog command: its label in this place, its shortcut in the tooltip and in
// aria-keyshortcuts, disabled while the command is.
import type { ReactNode } from 'react';
import { labelIn, type CommandId, type ToolbarId } from '../../../electron/ipc/commands';
import { buttonShortcut, runCommand, useCommandEnv, type Bindings } from '../state/commands';

export function CommandButton<Id extends CommandId, C>(props: {
  id: Id;
  place: ToolbarId;
  bindings: Bindings<Id, C>;
  target: C;
  className?: string;
  children?: ReactNode;
  label?: string;
}) {
  const env = useCommandEnv();
  const { id, bindings, target } = props;
  const label = props.label ?? labelIn(id, props.place);
  return (
    <button
      type="button"
      className={props.className ?? 'small-button'}
      {...buttonShortcut(id, env.platform)}
      {...(props.children ? { 'aria-label': label } : {})}
      disabled={!bindings[id].enabled(target)}
      onClick={() => runCommand(bindings, id, target, env)}
    >
      {props.children ?? label}
    </button>
  );
}
