// At start, when an earlier run of Skiff stopped (quit or crash) before some transfers finished:
// “3 transfers did not finish” with Resume all, Review (listed in the queue, not started) and
// Discard (their part files removed, nothing else). Also says when their journal was unreadable.
import type { UnfinishedModel } from '../state/use-unfinished';
import { displayName } from '../model/display-name';
import { formatSize } from '../model/format';

const SHOWN = 5;

export function UnfinishedPrompt({ model }: { model: UnfinishedModel }) {
  const { jobs, problems } = model;
  if (jobs.length === 0 && problems.length === 0) return null;
  const title = `${jobs.length} transfer${jobs.length === 1 ? '' : 's'} did not finish`;
  return (
    <section className="unfinished-prompt" role="dialog" aria-modal="false" aria-label={jobs.length > 0 ? title : 'Unfinished transfers'}>
      {jobs.length > 0 ? (
        <>
          <strong className="unfinished-title">{title}</strong>
          <p className="small">Skiff stopped before they were done. Resuming continues each one from the part it left.</p>
          <ul className="unfinished-list small">
            {jobs.slice(0, SHOWN).map((j) => (
              <li key={j.id}>
                <span aria-hidden="true">{j.direction === 'upload' ? '↑ ' : '↓ '}</span>
                <span className="mono">{displayName(j.label)}</span> — {formatSize(j.bytesDone)} of {formatSize(j.bytesTotal)},{' '}
                {j.direction === 'upload' ? 'to' : 'from'} {displayName(`${j.server.username}@${j.server.host}`)}
              </li>
            ))}
            {jobs.length > SHOWN ? <li>… and {jobs.length - SHOWN} more</li> : null}
          </ul>
          <div className="unfinished-buttons">
            <button type="button" className="primary" disabled={model.busy} onClick={() => model.choose('resume')}>
              Resume all
            </button>
            <button type="button" disabled={model.busy} onClick={() => model.choose('review')} title="List them in Transfers without starting them">
              Review
            </button>
            <button type="button" disabled={model.busy} onClick={() => model.choose('discard')} title="Remove the part files they left, and nothing else">
              Discard
            </button>
          </div>
        </>
      ) : null}
      {problems.map((p, i) => (
        <p key={i} className="small warning-text" role="alert">
          {displayName(p.message)}
        </p>
      ))}
      {jobs.length === 0 ? (
        <button type="button" className="small-button" onClick={model.dismissProblems}>
          Dismiss
        </button>
      ) : null}
    </section>
  );
}
