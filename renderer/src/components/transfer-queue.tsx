// The transfer queue at the bottom: one row per job with a progress bar, bytes, rate,
// ETA and state; per-job cancel/pause/resume/retry and "Clear finished"; a total badge.
import { useState } from 'react';
import type { TransferJobDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { formatEta, formatRate, formatSize, formatSpeedLimit } from '../model/format';
import type { SpeedLimitsKiB } from '../state/use-window-settings';
import { JobWarningsButton, JobWarningsList } from './job-warnings';

const STATE_LABEL: Record<TransferJobDto['state'], string> = {
  queued: 'Queued',
  running: 'Running',
  paused: 'Paused',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
};

/** 'connect-retry': the job's server is not connected; connect to it (the normal flow), then retry. */
export type JobAction = 'cancel' | 'pause' | 'resume' | 'retry' | 'connect-retry';

const isFinished = (j: TransferJobDto): boolean => j.state === 'done' || j.state === 'failed' || j.state === 'cancelled' || j.state === 'skipped';

/** "Uploads limited to 256 KiB/s · downloads limited to 2 MiB/s", or nothing when no limit is on. */
function SpeedLimitNote(props: { limits: SpeedLimitsKiB | undefined }) {
  const up = props.limits?.upload ?? null;
  const down = props.limits?.download ?? null;
  if (up === null && down === null) return null;
  const parts: string[] = [];
  if (up !== null && up === down) parts.push(`Limited to ${formatSpeedLimit(up)} each way`);
  else {
    if (up !== null) parts.push(`Uploads limited to ${formatSpeedLimit(up)}`);
    if (down !== null) parts.push(`${parts.length > 0 ? 'downloads' : 'Downloads'} limited to ${formatSpeedLimit(down)}`);
  }
  return (
    <span className="queue-limits" role="status" title="Speed limits: change them in Settings">
      {parts.join(' · ')}
    </span>
  );
}

/** The queue panel (region "Transfers"). */
export function TransferQueue(props: {
  jobs: readonly TransferJobDto[];
  /** The speed limits in force (KiB/s), shown in the header while any is on. */
  speedLimits?: SpeedLimitsKiB;
  /** A session reconnecting by itself just now: its running and queued jobs are waiting for it. */
  reconnectingSessionId?: string | null;
  onAction: (job: TransferJobDto, action: JobAction) => void;
  onClearFinished: () => void;
}) {
  const active = props.jobs.filter((j) => !isFinished(j)).length;
  const [warningsOpen, setWarningsOpen] = useState<ReadonlySet<string>>(new Set());
  const toggleWarnings = (id: string): void =>
    setWarningsOpen((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const finished = props.jobs.length - active;
  return (
    <section className="queue" role="region" aria-label="Transfers">
      <div className="queue-head">
        <span className="queue-title">Transfers</span>
        <span className="badge" aria-label={`${active} active, ${props.jobs.length} total`}>
          {active > 0 ? `${active} active` : `${props.jobs.length}`}
        </span>
        <SpeedLimitNote limits={props.speedLimits} />
        <span className="spacer" />
        <button type="button" className="small-button" disabled={finished === 0} onClick={props.onClearFinished}>
          Clear finished
        </button>
      </div>
      {props.jobs.length === 0 ? (
        <div className="queue-empty">No transfers. Drag files between the panes or press F5 to copy.</div>
      ) : (
        <ul className="queue-list">
          {props.jobs.map((j) => {
            const pct = j.bytesTotal > 0 ? Math.min(100, Math.round((j.bytesDone / j.bytesTotal) * 100)) : j.state === 'done' ? 100 : 0;
            const label = displayName(j.label);
            const waiting =
              props.reconnectingSessionId != null && j.sessionId === props.reconnectingSessionId && (j.state === 'running' || j.state === 'queued');
            return (
              <li key={j.id} className={`job job-${j.state}`}>
                <span className="job-dir" aria-hidden="true">
                  {j.direction === 'upload' ? '↑' : '↓'}
                </span>
                <span className="job-label" title={displayName(j.currentFile ?? j.label)}>
                  {label}
                </span>
                <progress
                  className="job-bar"
                  max={100}
                  value={pct}
                  aria-label={`${j.direction === 'upload' ? 'Upload' : 'Download'} ${label}`}
                  aria-valuetext={`${pct}%`}
                />
                <span className="job-bytes">
                  {formatSize(j.bytesDone)} / {formatSize(j.bytesTotal)}
                  {j.filesTotal > 1 ? ` · ${j.filesDone}/${j.filesTotal} files` : ''}
                </span>
                <span className="job-rate">{j.state === 'running' && !waiting ? formatRate(j.rate) : ''}</span>
                <span className="job-eta">{j.state === 'running' && !waiting && j.etaSeconds !== null ? formatEta(j.etaSeconds) : ''}</span>
                <span className="job-state" title={j.error ? j.error.message : undefined}>
                  {waiting ? 'Waiting for the connection' : STATE_LABEL[j.state]}
                  {j.error ? `: ${displayName(j.error.message)}` : ''}
                  {j.fileErrors && j.fileErrors.length > 0 ? ` (${j.fileErrors.length} file${j.fileErrors.length === 1 ? '' : 's'} failed)` : ''}
                </span>
                <span className="job-actions">
                  <JobWarningsButton job={j} label={label} open={warningsOpen.has(j.id)} onToggle={() => toggleWarnings(j.id)} />
                  {j.state === 'running' || j.state === 'queued' ? (
                    <button type="button" className="small-button" aria-label={`Pause ${label}`} onClick={() => props.onAction(j, 'pause')}>
                      Pause
                    </button>
                  ) : null}
                  {j.state === 'paused' ? (
                    <button type="button" className="small-button" aria-label={`Resume ${label}`} onClick={() => props.onAction(j, 'resume')}>
                      Resume
                    </button>
                  ) : null}
                  {(j.state === 'failed' || j.state === 'cancelled') && j.serverConnected ? (
                    <button type="button" className="small-button" aria-label={`Retry ${label}`} onClick={() => props.onAction(j, 'retry')}>
                      Retry
                    </button>
                  ) : null}
                  {(j.state === 'failed' || j.state === 'cancelled') && !j.serverConnected ? (
                    <button
                      type="button"
                      className="small-button"
                      aria-label={`Connect and retry ${label}`}
                      title={`Connects to ${j.server.username}@${j.server.host}, then retries`}
                      onClick={() => props.onAction(j, 'connect-retry')}
                    >
                      Connect and retry
                    </button>
                  ) : null}
                  {!isFinished(j) ? (
                    <button type="button" className="small-button" aria-label={`Cancel ${label}`} onClick={() => props.onAction(j, 'cancel')}>
                      Cancel
                    </button>
                  ) : null}
                </span>
                {warningsOpen.has(j.id) ? <JobWarningsList job={j} label={label} /> : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
