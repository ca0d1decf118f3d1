// About Skiff: the version, what it runs on (Electron, Chromium, Node, ssh2), and the licences of
// every package it ships, as the build listed them. "Copy" puts the versions on the clipboard for
// a bug report.
import { useEffect, useState } from 'react';
import type { AboutDto, SkiffApi } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { describeError } from '../model/errors';
import { CopyButton } from './copy-button';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

/** The page's own Chromium when main is not Electron (the browser preview). */
function browserChromium(): string | undefined {
  return /(?:Chrome|Chromium)\/([\d.]+)/.exec(typeof navigator === 'undefined' ? '' : navigator.userAgent)?.[1];
}

function versionRows(a: AboutDto): Array<[string, string]> {
  const chromium = a.versions.chromium ?? browserChromium();
  return [
    ['Skiff', a.version || 'unknown'],
    ['Electron', a.versions.electron ?? (a.mode === 'web' ? 'none (browser preview)' : 'unknown')],
    [a.versions.chromium ? 'Chromium' : 'Chromium (this browser)', chromium ?? 'unknown'],
    ['Node.js', a.versions.node],
    ['V8', a.versions.v8],
    ['ssh2', a.versions.ssh2 ?? 'unknown'],
  ];
}

/** Licences counted by kind: "MIT (41), ISC (6), …". */
function licenceSummary(list: NonNullable<AboutDto['licenses']>): string {
  const counts = new Map<string, number>();
  for (const p of list) counts.set(p.license, (counts.get(p.license) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([l, n]) => `${l} (${n})`)
    .join(', ');
}

export function AboutDialog(props: { api: SkiffApi; onClose: () => void }) {
  const { api } = props;
  const [about, setAbout] = useState<AboutDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.app.about().then(
      (a) => live && setAbout(a),
      (err: unknown) => live && setError(describeError(err).message),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const rows = about ? versionRows(about) : [];
  return (
    <Modal title="About Skiff" onCancel={props.onClose} className="about-dialog">
      <p>A fast, safe dual-pane SFTP client.</p>
      {error !== null ? (
        <p className="danger-text" role="alert">
          Could not read the version information: {error}
        </p>
      ) : null}
      {about === null && error === null ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : null}
      {about ? (
        <>
          <dl className="facts" aria-label="Versions">
            {rows.map(([what, v]) => (
              <div key={what} className="facts-group">
                <dt>{what}</dt>
                <dd className="mono">{displayName(v)}</dd>
              </div>
            ))}
          </dl>
          <CopyButton text={rows.map(([what, v]) => `${what}: ${v}`).join('\n')} label="Copy versions" />
          <h3>Open-source licences</h3>
          {about.licenses ? (
            <>
              <p className="small muted">
                Skiff ships {about.licenses.length} packages: {licenceSummary(about.licenses)}.
              </p>
              <ul className="licence-list" aria-label="Licences">
                {about.licenses.map((p) => (
                  <li key={`${p.name}@${p.version}`}>
                    <details>
                      <summary>
                        <span className="mono">
                          {displayName(p.name)} {displayName(p.version)}
                        </span>{' '}
                        <span className="muted">
                          {displayName(p.license)} · {p.usedBy.join(', ')}
                        </span>
                      </summary>
                      {p.repository ? <p className="small mono break">{displayName(p.repository)}</p> : null}
                      {p.text ? <pre className="licence-text">{p.text}</pre> : <p className="small muted">No licence file in the package.</p>}
                    </details>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="warning-text" role="status">
              {about.licensesProblem ?? 'The licence list is not available.'}
            </p>
          )}
        </>
      ) : null}
      <DialogButtons cancel={{ label: 'Close', onClick: props.onClose, autoFocus: true }} />
    </Modal>
  );
}
