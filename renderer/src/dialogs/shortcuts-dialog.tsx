// Keyboard Shortcuts (F1): every command that has keys, grouped as the catalog groups them, with
// the keys of this platform. Nothing here is written by hand: it is all the command catalog.
import { Fragment } from 'react';
import { COMMAND_IDS, LIST_KEYS, chordsOf, commandDef, formatChord, parseChord, type Platform, type ShortcutSection } from '../../../electron/ipc/commands';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

const SECTIONS: readonly ShortcutSection[] = ['Connection', 'Files', 'Navigation', 'View', 'Saved servers', 'Window'];

function Keys(props: { keys: string[] }) {
  return (
    <>
      {props.keys.map((k, i) => (
        <Fragment key={k}>
          {i > 0 ? <span className="muted"> or </span> : null}
          <kbd>{k}</kbd>
        </Fragment>
      ))}
    </>
  );
}

export function ShortcutsDialog(props: { platform: Platform; onClose: () => void }) {
  const { platform } = props;
  const rows = (section: ShortcutSection) =>
    COMMAND_IDS.filter((id) => commandDef(id).section === section && chordsOf(id, platform).length > 0).map((id) => ({
      id,
      label: commandDef(id).label,
      keys: chordsOf(id, platform).map((c) => formatChord(c, platform)),
    }));
  return (
    <Modal title="Keyboard shortcuts" onCancel={props.onClose} className="shortcuts-dialog">
      <div className="shortcut-sections">
        {SECTIONS.map((section) => (
          <section key={section} aria-label={section}>
            <h3>{section}</h3>
            <table className="shortcut-table">
              <tbody>
                {rows(section).map((r) => (
                  <tr key={r.id} data-command={r.id}>
                    <td>{r.label}</td>
                    <td>
                      <Keys keys={r.keys} />
                    </td>
                  </tr>
                ))}
                {section === 'Files'
                  ? LIST_KEYS.map((l) => (
                      <tr key={l.label}>
                        <td>{l.label}</td>
                        <td>
                          <Keys keys={l.keys.map((k) => formatChord(parseChord(k), platform))} />
                        </td>
                      </tr>
                    ))
                  : null}
              </tbody>
            </table>
          </section>
        ))}
      </div>
      <DialogButtons cancel={{ label: 'Close', onClick: props.onClose, autoFocus: true }} />
    </Modal>
  );
}
