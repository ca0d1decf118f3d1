// A hostile or broken server can list names that cannot be files in the folder (`a/b`,
// `../../x`, `/etc/passwd`, NUL, empty). Main leaves them out of the listing; this line says so,
// so the user is not left wondering why a folder looks short. Names are the display-safe form
// main sends, shown as inert text through displayName (bidi and control characters made visible).
import type { RefusedNamesDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';

/** How many names the sentence itself quotes; the rest are in the details list. */
const QUOTED = 3;

const quote = (name: string): string => `“${displayName(name)}”`;

/** The one-line summary, e.g. `2 entries with unusable names were hidden (the server sent “a/b”, “../../x”).` */
export function refusedSummary(r: RefusedNamesDto): string {
  const head = r.count === 1 ? '1 entry with an unusable name was hidden' : `${r.count.toLocaleString()} entries with unusable names were hidden`;
  const quoted = r.names.slice(0, QUOTED).map((n) => quote(n.name));
  const more = r.count - quoted.length;
  if (quoted.length === 0) return `${head}.`;
  return `${head} (the server sent ${quoted.join(', ')}${more > 0 ? ` and ${more.toLocaleString()} more` : ''}).`;
}

/** A quiet notice under a pane's file list, with each name's reason in an expandable list. */
export function RefusedNamesNotice({ refused }: { refused: RefusedNamesDto }) {
  const unlisted = refused.count - refused.names.length;
  return (
    <div className="pane-notice">
      <span role="status">{refusedSummary(refused)}</span>{' '}
      <details className="pane-notice-details">
        <summary>Why?</summary>
        <div className="pane-notice-more">
          <p>The server listed names that cannot be files in this folder, so Skiff left them out. The server may be misconfigured or hostile.</p>
          <ul aria-label="Hidden entries">
            {refused.names.map((n, i) => (
              <li key={i}>
                <span className="refused-name">{quote(n.name)}</span>: {displayName(n.reason)}
              </li>
            ))}
            {unlisted > 0 ? <li>…and {unlisted.toLocaleString()} more not listed here.</li> : null}
          </ul>
        </div>
      </details>
    </div>
  );
}
