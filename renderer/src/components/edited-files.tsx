// "Edited files": every remote file open in a local editor, with its server, remote path and
// state (Watching, Uploading, Uploaded at 14:03, Upload failed with Retry, Conflict with the three
// choices) and Stop editing. Shown while at least one file is being edited.
import type { EditedFileDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { formatSize } from '../model/format';
import type { EditConflictChoice } from '../state/use-edits';

const pad = (n: number): string => String(n).padStart(2, '0');

/** "14:03" in local time. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** The state as the list says it. */
export function editStateText(f: EditedFileDto): string {
  switch (f.state) {
    case 'downloading':
      return 'Downloading';
    case 'watching':
      return 'Watching';
    case 'uploading':
      return 'Uploading';
    case 'uploaded':
      return f.uploadedAt !== undefined ? `Uploaded at ${clockTime(f.uploadedAt)}` : 'Uploaded';
    case 'failed':
      return 'Upload failed';
    case 'conflict':
      return 'Conflict';
  }
}

export interface EditedFilesProps {
  files: readonly EditedFileDto[];
  onStop: (f: EditedFileDto) => void;
  onRetry: (f: EditedFileDto) => void;
  onResolve: (f: EditedFileDto, choice: EditConflictChoice) => void;
}

export function EditedFiles(props: EditedFilesProps) {
  if (props.files.length === 0) return null;
  return (
    <section className="edits" role="region" aria-label="Edited files">
      <div className="queue-head">
        <span className="queue-title">Edited files</span>
        <span className="badge">{props.files.length}</span>
      </div>
      <ul className="edits-list">
        {props.files.map((f) => {
          const name = displayName(baseName(f.remotePath));
          const where = `${f.server.username}@${f.server.host}${f.server.port === 22 ? '' : `:${f.server.port}`}`;
          return (
            <li key={f.id} className={`edit edit-${f.state}`} aria-label={`${name}, ${editStateText(f)}`}>
              <span className="edit-name" title={displayName(f.localPath)}>
                {name}
              </span>
              <span className="edit-where mono" title={displayName(f.remotePath)}>
                {where}:{displayName(f.remotePath)}
              </span>
              <span className="edit-state" role="status" title={f.error ? f.error.message : undefined}>
                {editStateText(f)}
                {f.state === 'failed' && f.error ? `: ${displayName(f.error.message)}` : ''}
                {f.state === 'conflict'
                  ? f.conflict?.remote
                    ? `: changed on the server (now ${formatSize(f.conflict.remote.size)})`
                    : ': deleted on the server'
                  : ''}
                {f.pending && (f.state === 'watching' || f.state === 'uploaded') ? ' · saving…' : ''}
              </span>
              <span className="edit-actions">
                {f.state === 'failed' ? (
                  <button type="button" className="small-button" aria-label={`Retry ${name}`} onClick={() => props.onRetry(f)}>
                    Retry
                  </button>
                ) : null}
                {f.state === 'conflict' ? (
                  <>
                    <button
                      type="button"
                      className="small-button"
                      aria-label={`Overwrite the server's version of ${name}`}
                      onClick={() => props.onResolve(f, 'overwrite')}
                    >
                      Overwrite
                    </button>
                    <button type="button" className="small-button" aria-label={`Keep both versions of ${name}`} onClick={() => props.onResolve(f, 'keep-both')}>
                      Keep both
                    </button>
                    <button type="button" className="small-button" aria-label={`Discard my change to ${name}`} onClick={() => props.onResolve(f, 'discard')}>
                      Discard mine
                    </button>
                  </>
                ) : null}
                <button type="button" className="small-button" aria-label={`Stop editing ${name}`} onClick={() => props.onStop(f)}>
                  Stop editing
                </button>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
