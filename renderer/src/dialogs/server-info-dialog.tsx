// "Server information" for the connected server (like WinSCP's Server/protocol information):
// SSH and SFTP versions, algorithms, the detected server program and its quirks, the
// extensions it listed and the request sizes in use, with a Copy button for a bug report.
import { useEffect, useState } from 'react';
import type { ServerInfoDto, SkiffApi } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { formatSize } from '../model/format';
import { describeError } from '../model/errors';
import { CopyButton } from './copy-button';
import { Modal } from './modal';

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
const bytes = (n: number): string => `${n.toLocaleString('en-US')} bytes (${formatSize(n)})`;

/** The facts as label/value rows, in the order shown (and copied). */
export function serverInfoRows(info: ServerInfoDto): Array<{ section: string; rows: Array<[string, string]> }> {
  const b = info.behaviour;
  const l = info.limits;
  return [
    {
      section: 'Connection',
      rows: [
        ['Server', `${info.username}@${info.host}:${info.port}`],
        ['Server software', info.softwareLabel],
        ['SSH version', info.sshVersion],
        ['SFTP version', String(info.sftpVersion)],
        ['Authentication', info.authMethod],
        ...(info.algorithms
          ? ([
              ['Key exchange', info.algorithms.kex],
              ['Host key', info.algorithms.hostKey],
              ['Cipher', info.algorithms.cipher],
              ['MAC', info.algorithms.mac || 'implied by the cipher'],
              ['Compression', info.algorithms.compression],
            ] as Array<[string, string]>)
          : []),
      ],
    },
    {
      section: 'Limits in use',
      rows: [
        ['Read request', `${bytes(l.maxReadSize)}${l.fromServer ? ', from limits@openssh.com' : ', the SFTP draft’s minimum'}`],
        ['Write request', `${bytes(l.maxWriteSize)}${l.fromServer ? ', from limits@openssh.com' : ', the SFTP draft’s minimum'}`],
        ['Open handles', l.maxOpenHandles === null ? 'no limit stated' : String(l.maxOpenHandles)],
        ['Requests in flight per file', `${l.requestsPerFile}, at most ${formatSize(l.maxFileWindow)}`],
        ['Files at once per transfer', String(l.filesInFlight)],
      ],
    },
    {
      section: 'How Skiff works with this server',
      rows: [
        ['Handles one file’s requests in order', yesNo(b.handlesInOrder)],
        ['Accepts writes out of offset order', yesNo(b.canWriteOutOfOrder)],
        ['Listing requests in flight', String(b.readdirAhead)],
        [
          'SYMLINK argument order',
          b.symlinkOrder === 'unknown'
            ? 'not known yet (checked on the first link)'
            : b.symlinkOrder === 'target-first'
              ? 'target first (OpenSSH’s)'
              : 'link first (the SFTP draft’s)',
        ],
        ['Atomic replace (posix-rename)', yesNo(b.posixRename)],
        ['Keeps permissions', yesNo(b.keepsPermissions)],
      ],
    },
  ];
}

/** Everything as plain text, for the clipboard. */
export function serverInfoText(info: ServerInfoDto): string {
  const out: string[] = [];
  for (const s of serverInfoRows(info)) {
    out.push(`${s.section}:`);
    for (const [k, v] of s.rows) out.push(`  ${k}: ${v}`);
  }
  out.push('Quirks:');
  if (info.quirks.length === 0) out.push('  none');
  for (const q of info.quirks) out.push(`  - ${q.text}${q.learned ? ' (seen this session)' : ''} [${q.id}]`);
  out.push('SFTP extensions:');
  if (info.extensions.length === 0) out.push('  none');
  for (const e of info.extensions) out.push(`  ${e.name}${e.data ? ` = ${e.data}` : ''}`);
  return out.join('\n');
}

/** Loads the session's server information and shows it; Escape or Close closes it. */
export function ServerInfoDialog(props: { api: SkiffApi; sessionId: string; onClose: () => void }) {
  const [info, setInfo] = useState<ServerInfoDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { api, sessionId } = props;
  useEffect(() => {
    let live = true;
    api.session.serverInfo({ sessionId }).then(
      (i) => live && setInfo(i),
      (e: unknown) => live && setError(describeError(e).message),
    );
    return () => {
      live = false;
    };
  }, [api, sessionId]);

  return (
    <Modal title={info ? `Server information — ${displayName(info.host)}` : 'Server information'} onCancel={props.onClose} className="server-info-dialog">
      {error ? (
        <p role="alert" className="danger-text">
          {error}
        </p>
      ) : null}
      {!info && !error ? <p className="muted">Loading…</p> : null}
      {info ? (
        <div className="server-info">
          {serverInfoRows(info).map((s) => (
            <section key={s.section} aria-label={s.section}>
              <h3>{s.section}</h3>
              <dl className="facts">
                {s.rows.map(([k, v]) => (
                  <div key={k} className="facts-group">
                    <dt>{k}</dt>
                    <dd className="break">{displayName(v)}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
          <section aria-label="Quirks">
            <h3>Quirks</h3>
            {info.quirks.length === 0 ? (
              <p className="muted">None known.</p>
            ) : (
              <ul className="quirks">
                {info.quirks.map((q) => (
                  <li key={q.id}>
                    {q.text}
                    {q.learned ? <span className="muted"> (seen this session)</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-label="SFTP extensions">
            <h3>SFTP extensions</h3>
            {info.extensions.length === 0 ? (
              <p className="muted">None listed.</p>
            ) : (
              <table className="extensions">
                <tbody>
                  {info.extensions.map((e) => (
                    <tr key={e.name}>
                      <td className="mono">{displayName(e.name)}</td>
                      <td className="mono break">{displayName(e.data)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
      ) : null}
      <div className="modal-buttons">
        {info ? <CopyButton text={serverInfoText(info)} label="Copy to clipboard" /> : null}
        <button type="button" className="primary" onClick={props.onClose} data-autofocus>
          Close
        </button>
      </div>
    </Modal>
  );
}
