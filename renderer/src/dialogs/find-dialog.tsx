// Find on server: a name or glob under a folder, results streaming in as the server is
// walked, then "Download selected" into the local pane's folder.
import { useEffect, useRef, useState } from 'react';
import type { FileEntryDto, SkiffApi } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { describeError } from '../model/errors';
import { formatDate, formatSize } from '../model/format';
import { normalizePosix } from '../model/paths';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

const SHOWN_MAX = 5000;

/** The Find dialog for one session. */
export function FindDialog(props: { api: SkiffApi; sessionId: string; root: string; onDownload: (entries: FileEntryDto[]) => void; onClose: () => void }) {
  const { api, sessionId } = props;
  const [pattern, setPattern] = useState('');
  const [root, setRoot] = useState(props.root);
  const [results, setResults] = useState<FileEntryDto[]>([]);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [state, setState] = useState<'idle' | 'running' | 'done'>('idle');
  const [error, setError] = useState<string | null>(null);
  const findId = useRef<string | null>(null);

  useEffect(() => {
    const off = api.on('sftp:find-result', (r) => {
      if (r.findId !== findId.current) return;
      if (r.matches.length > 0) setResults((prev) => prev.concat(r.matches));
      if (r.error) {
        const d = describeError(r.error);
        setError(`${d.message} ${d.hint}`);
      }
      if (r.done) setState('done');
    });
    return () => {
      off();
      if (findId.current) void api.sftp.findCancel({ findId: findId.current }).catch(() => undefined);
    };
  }, [api]);

  const start = async (): Promise<void> => {
    if (findId.current && state === 'running') void api.sftp.findCancel({ findId: findId.current }).catch(() => undefined);
    setResults([]);
    setPicked(new Set());
    setError(null);
    setState('running');
    findId.current = null;
    try {
      const glob = /[*?[]/.test(pattern);
      const res = await api.sftp.findStart({ sessionId, root: normalizePosix(root, props.root), pattern: pattern.trim(), mode: glob ? 'glob' : 'name' });
      findId.current = res.findId;
    } catch (err) {
      const d = describeError(err);
      setError(`${d.message} ${d.hint}`);
      setState('idle');
    }
  };

  const stop = (): void => {
    if (findId.current) void api.sftp.findCancel({ findId: findId.current }).catch(() => undefined);
    setState('done');
  };

  const toggle = (p: string): void =>
    setPicked((s) => {
      const n = new Set(s);
      if (n.has(p)) n.delete(p);
      else n.add(p);
      return n;
    });

  const shown = results.slice(0, SHOWN_MAX);
  return (
    <Modal title="Find on server" onCancel={props.onClose} className="find-dialog">
      <form
        className="find-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (pattern.trim()) void start();
        }}
      >
        <label className="field">
          <span>Name or pattern</span>
          <input type="text" data-autofocus placeholder="report.pdf or *.csv" spellCheck={false} value={pattern} onChange={(e) => setPattern(e.target.value)} />
        </label>
        <label className="field">
          <span>Search in</span>
          <input type="text" spellCheck={false} value={root} onChange={(e) => setRoot(e.target.value)} />
        </label>
        <DialogButtons ok={{ label: 'Find', disabled: !pattern.trim() }} extra={[{ label: 'Stop', onClick: stop, disabled: state !== 'running' }]} />
      </form>
      <div className="find-status" aria-live="polite">
        {state === 'running' ? `Searching… ${results.length.toLocaleString()} found` : state === 'done' ? `${results.length.toLocaleString()} found` : ''}
        {results.length > SHOWN_MAX ? ` (showing the first ${SHOWN_MAX.toLocaleString()})` : ''}
      </div>
      {error ? (
        <p className="danger-text" role="alert">
          {error}
        </p>
      ) : null}
      <ul className="find-results" aria-label="Search results">
        {shown.map((r) => (
          <li key={r.path}>
            <label className="check">
              <input type="checkbox" checked={picked.has(r.path)} onChange={() => toggle(r.path)} aria-label={displayName(r.path)} />
              <span className="mono break">{displayName(r.path)}</span>
              <span className="muted">
                {r.type === 'file' ? formatSize(r.size) : r.type === 'directory' ? 'folder' : r.type} · {formatDate(r.mtimeMs)}
              </span>
            </label>
          </li>
        ))}
      </ul>
      <DialogButtons
        ok={{
          label: `Download selected${picked.size > 0 ? ` (${picked.size})` : ''}`,
          disabled: picked.size === 0,
          onClick: () => props.onDownload(results.filter((r) => picked.has(r.path))),
        }}
        cancel={{ label: 'Close', onClick: props.onClose }}
      />
    </Modal>
  );
}
