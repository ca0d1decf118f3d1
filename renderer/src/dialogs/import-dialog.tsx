// Import saved servers from ~/.ssh/config: main scans the file (with Includes), the user
// ticks the hosts to import. Duplicates of existing bookmarks start unticked and are marked;
// options Skiff cannot honour yet (ProxyJump, …) and the scanner's notes are shown.
import { useEffect, useState } from 'react';
import type { BookmarkDto, BookmarkImportResult, SkiffApi, SshConfigCandidateDto, SshConfigScanDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { describeError } from '../model/errors';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

function target(c: SshConfigCandidateDto): string {
  const b = c.bookmark;
  const port = b.port ?? 22;
  return `${displayName(b.username)}@${displayName(b.host)}${port === 22 ? '' : `:${port}`}`;
}

/** The import dialog; `onImported` gets main's result (created + skipped with reasons). */
export function ImportDialog(props: { api: SkiffApi; bookmarks: readonly BookmarkDto[]; onImported: (r: BookmarkImportResult) => void; onCancel: () => void }) {
  const { api } = props;
  const [scan, setScan] = useState<SshConfigScanDto | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.bookmarks.importPreview().then(
      (s) => {
        if (!live) return;
        setScan(s);
        setChosen(new Set(s.candidates.filter((c) => c.duplicateOf === null && c.error === null).map((c) => c.id)));
      },
      (err: unknown) => {
        if (!live) return;
        const d = describeError(err);
        setLoadError(`${d.message} ${d.code === 'NO_SUCH_FILE' ? '' : d.hint}`.trim());
      },
    );
    return () => {
      live = false;
    };
  }, [api]);

  const nameOf = (id: string): string => props.bookmarks.find((b) => b.id === id)?.name ?? 'an existing bookmark';
  const importable = scan?.candidates.filter((c) => c.error === null) ?? [];
  const toggle = (id: string, on: boolean): void =>
    setChosen((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });

  const run = async (): Promise<void> => {
    if (!scan || chosen.size === 0) return;
    setBusy(true);
    setError(null);
    const ids = [...chosen];
    // Only ticked duplicates are sent, so ticking one is the user's "import it anyway".
    const allowDuplicates = scan.candidates.some((c) => chosen.has(c.id) && c.duplicateOf !== null);
    try {
      props.onImported(await api.bookmarks.import({ ids, allowDuplicates }));
    } catch (err) {
      const d = describeError(err);
      setError(`${d.message} ${d.hint}`);
      setBusy(false);
    }
  };

  const n = chosen.size;
  return (
    <Modal title="Import from SSH config" onCancel={props.onCancel} className="import-dialog">
      {scan === null && loadError === null ? (
        <p className="muted" role="status">
          Reading ~/.ssh/config…
        </p>
      ) : null}
      {loadError !== null ? (
        <p className="danger-text" role="alert">
          Could not read the SSH config: {loadError}
        </p>
      ) : null}
      {scan ? (
        <>
          <p className="small muted">
            Read {scan.files.length === 0 ? 'no files' : scan.files.map((f) => displayName(f)).join(', ')}. Wildcard hosts (<span className="mono">Host *</span>
            ) are applied as defaults, not imported.
          </p>
          {scan.candidates.length === 0 ? <p>No hosts to import were found.</p> : null}
          {importable.length > 1 ? (
            <div className="import-select">
              <button type="button" className="small-button" onClick={() => setChosen(new Set(importable.map((c) => c.id)))}>
                Select all
              </button>
              <button type="button" className="small-button" onClick={() => setChosen(new Set())}>
                Select none
              </button>
            </div>
          ) : null}
          <ul className="import-list" aria-label="Hosts in SSH config">
            {scan.candidates.map((c) => (
              <li key={c.id} className={c.error ? 'import-bad' : undefined}>
                <label className="check">
                  <input type="checkbox" checked={chosen.has(c.id)} disabled={c.error !== null} onChange={(e) => toggle(c.id, e.target.checked)} />
                  <span>
                    <strong>{displayName(c.alias)}</strong> <span className="muted">{target(c)}</span>
                  </span>
                </label>
                <div className="import-notes small">
                  {c.identityFiles.length > 0 ? (
                    <div>
                      Key file: <span className="mono break">{displayName(c.identityFiles[0]!)}</span>
                      {c.identityFiles.length > 1 ? ` (+${c.identityFiles.length - 1} more, only the first is used)` : ''}
                    </div>
                  ) : null}
                  {c.duplicateOf !== null ? (
                    <div className="warning-text">Already saved as “{displayName(nameOf(c.duplicateOf))}”. Tick it to import a second copy.</div>
                  ) : null}
                  {c.unsupported.length > 0 ? (
                    <div className="warning-text">Not supported yet, ignored: {c.unsupported.map(displayName).join(', ')}</div>
                  ) : null}
                  {c.error !== null ? <div className="danger-text">Cannot import: {displayName(c.error)}</div> : null}
                </div>
              </li>
            ))}
          </ul>
          {scan.notes.length > 0 ? (
            <details className="import-file-notes" open={scan.candidates.length === 0}>
              <summary>
                {scan.notes.length} note{scan.notes.length === 1 ? '' : 's'} about the config file
              </summary>
              <ul className="small">
                {scan.notes.map((x, i) => (
                  <li key={i}>
                    <span className="mono">{displayName(x.file)}</span>
                    {x.alias ? ` (${displayName(x.alias)})` : ''}: {displayName(x.message)}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </>
      ) : null}
      {error ? (
        <p className="danger-text" role="alert">
          {error}
        </p>
      ) : null}
      <DialogButtons
        ok={{
          label: busy ? 'Importing…' : n === 0 ? 'Import' : `Import ${n} server${n === 1 ? '' : 's'}`,
          disabled: n === 0 || busy,
          onClick: () => void run(),
        }}
        cancel={props.onCancel}
      />
    </Modal>
  );
}
