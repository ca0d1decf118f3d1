// A job's per-file warnings in the transfer queue: files that landed, but without their
// modification time or permissions because the server refused to set them. A button with the
// count opens the list (each file with what was not kept and why).
import type { TransferJobDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';

type Warning = NonNullable<TransferJobDto['warnings']>[number];

const SHORT: Record<Warning['code'], string> = {
  MTIME_NOT_KEPT: 'modification time not kept',
  MODE_NOT_KEPT: 'permissions not kept',
};

/** The count, as a toggle for the list; nothing when the job has no warnings. */
export function JobWarningsButton(props: { job: TransferJobDto; label: string; open: boolean; onToggle: () => void }) {
  const warnings = props.job.warnings ?? [];
  if (warnings.length === 0) return null;
  const first = warnings[0]!;
  return (
    <button
      type="button"
      className="small-button warning-button"
      aria-expanded={props.open}
      aria-controls={`job-warnings-${props.job.id}`}
      aria-label={`${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'} for ${props.label}`}
      title={warnings.length === 1 ? `${displayName(first.path)}: ${SHORT[first.code]}` : `${warnings.length} files with warnings`}
      onClick={props.onToggle}
    >
      ⚠ {warnings.length}
    </button>
  );
}

/** The warnings, one per file and kind (a full-width row under the job). */
export function JobWarningsList(props: { job: TransferJobDto; label: string }) {
  const warnings = props.job.warnings ?? [];
  if (warnings.length === 0) return null;
  return (
    <ul id={`job-warnings-${props.job.id}`} className="job-warnings" aria-label={`Warnings for ${props.label}`}>
      {warnings.map((w) => (
        <li key={`${w.path}\u0000${w.code}`}>
          <span className="mono">{displayName(w.path)}</span>: {SHORT[w.code]} <span className="muted">— {displayName(w.message)}</span>
        </li>
      ))}
    </ul>
  );
}
