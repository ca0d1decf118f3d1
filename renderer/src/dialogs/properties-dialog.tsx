// Properties of one or more entries, with chmod as rwx checkboxes kept in sync with an
// octal field (either can be edited).
import { useState } from 'react';
import { displayName } from '../model/display-name';
import { formatDate, formatOctal, formatOwner, formatSize, parseOctal } from '../model/format';
import type { Entry } from '../model/types';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

const WHO = [
  { label: 'Owner', shift: 6 },
  { label: 'Group', shift: 3 },
  { label: 'Others', shift: 0 },
] as const;
const WHAT = [
  { label: 'Read', bit: 4 },
  { label: 'Write', bit: 2 },
  { label: 'Execute', bit: 1 },
] as const;

/** Shows facts about `entries` and lets the user change permissions (when `canChmod`). */
export function PropertiesDialog(props: { entries: Entry[]; canChmod: boolean; onApply: (mode: number) => void; onCancel: () => void }) {
  const first = props.entries[0]!;
  const [mode, setMode] = useState(first.mode & 0o7777);
  const [octal, setOctal] = useState(formatOctal(first.mode));
  const single = props.entries.length === 1;
  const setBits = (m: number): void => {
    setMode(m);
    setOctal(formatOctal(m));
  };
  const octalValid = parseOctal(octal) !== null;
  return (
    <Modal
      title={single ? `Properties of “${displayName(first.name)}”` : `Properties of ${props.entries.length} items`}
      onCancel={props.onCancel}
      className="properties-dialog"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (octalValid) props.onApply(mode);
        }}
      >
        {single ? (
          <dl className="facts">
            <dt>Path</dt>
            <dd className="mono break">{displayName(first.path)}</dd>
            <dt>Type</dt>
            <dd>
              {first.type === 'symlink'
                ? `Symbolic link to ${displayName(first.linkTarget ?? '?')}`
                : first.type === 'directory'
                  ? 'Folder'
                  : first.type === 'file'
                    ? 'File'
                    : 'Special file'}
            </dd>
            {first.type === 'file' ? (
              <>
                <dt>Size</dt>
                <dd>
                  {formatSize(first.size)} ({first.size.toLocaleString()} bytes)
                </dd>
              </>
            ) : null}
            <dt>Modified</dt>
            <dd>{formatDate(first.mtimeMs)}</dd>
            <dt>Owner</dt>
            <dd>{displayName(formatOwner(first))}</dd>
          </dl>
        ) : null}
        <fieldset className="perm-grid" disabled={!props.canChmod}>
          <legend>Permissions</legend>
          <span />
          {WHAT.map((w) => (
            <span key={w.label} className="perm-head">
              {w.label}
            </span>
          ))}
          {WHO.map((who) => (
            <div key={who.label} className="perm-row" role="group" aria-label={who.label}>
              <span className="perm-who">{who.label}</span>
              {WHAT.map((w) => {
                const bit = w.bit << who.shift;
                return (
                  <input
                    key={w.label}
                    type="checkbox"
                    aria-label={`${who.label} ${w.label.toLowerCase()}`}
                    checked={(mode & bit) !== 0}
                    onChange={(e) => setBits(e.target.checked ? mode | bit : mode & ~bit)}
                  />
                );
              })}
            </div>
          ))}
          <label className="field inline">
            <span>Octal</span>
            <input
              className="mono octal"
              type="text"
              inputMode="numeric"
              aria-label="Octal mode"
              aria-invalid={!octalValid}
              value={octal}
              onChange={(e) => {
                setOctal(e.target.value);
                const m = parseOctal(e.target.value);
                if (m !== null) setMode(m);
              }}
            />
          </label>
        </fieldset>
        {!props.canChmod ? <p className="muted">Changing permissions is available for remote files.</p> : null}
        <DialogButtons
          {...(props.canChmod ? { ok: { label: 'Apply', disabled: !octalValid } } : {})}
          cancel={{ label: props.canChmod ? 'Cancel' : 'Close', onClick: props.onCancel }}
        />
      </form>
    </Modal>
  );
}
