// A config file that did not load cleanly (corrupt, wrong format, from a newer Skiff,
// unreadable): say what is wrong, where, where the original bytes were kept, and what to do.
import type { ConfigProblemDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';

const WHAT_TO_DO: Record<ConfigProblemDto['kind'], string> = {
  parse:
    'Your saved servers that could be read are shown. To recover the rest, open the kept copy in a text editor, fix it, and put it back while Skiff is closed.',
  schema: 'Entries that were valid are shown; the others were left out. The kept copy still has them: fix them there if you need them.',
  'future-version': 'This file was written by a newer Skiff. Update Skiff to edit your saved servers; until then they are read-only here.',
  unreadable: 'Check that the file and its folder belong to you and are readable and writable, then restart Skiff.',
};

/** One banner per load problem (role="alert"), with a "what to do" line. */
export function ConfigProblemBanner(props: { problems: readonly ConfigProblemDto[]; readOnly: string | null; onDismiss?: () => void }) {
  if (props.problems.length === 0 && props.readOnly === null) return null;
  return (
    <div className="config-banner" role="alert" aria-label="Problem with saved servers">
      <strong>Saved servers need attention</strong>
      {props.problems.map((p, i) => (
        <div key={i} className="config-problem">
          <p>{displayName(p.message)}</p>
          <p className="small">
            File: <span className="mono break">{displayName(p.file)}</span>
            {p.line !== undefined ? ` (line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''})` : ''}
          </p>
          {p.issues && p.issues.length > 0 ? (
            <ul className="small config-issues">
              {p.issues.slice(0, 5).map((x, j) => (
                <li key={j}>
                  <span className="mono">{displayName(x.path)}</span>: {displayName(x.message)}
                </li>
              ))}
              {p.issues.length > 5 ? <li>… and {p.issues.length - 5} more</li> : null}
            </ul>
          ) : null}
          {p.keptAs ? (
            <p className="small">
              The original is kept as <span className="mono break">{displayName(p.keptAs)}</span>.
            </p>
          ) : null}
          <p className="small">{WHAT_TO_DO[p.kind]}</p>
        </div>
      ))}
      {props.readOnly !== null && !props.problems.some((p) => p.message === props.readOnly) ? <p className="small">{displayName(props.readOnly)}</p> : null}
      {props.readOnly !== null ? <p className="small">Adding, editing and deleting saved servers is turned off until this is fixed.</p> : null}
      {props.onDismiss ? (
        <button type="button" className="small-button" onClick={props.onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}
