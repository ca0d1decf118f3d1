// Trust decisions about a server's host key. First contact: show what OpenSSH shows
// (host:port, key type and bits, SHA256 fingerprint) and let the user trust it once or
// for good. A changed key is a red warning whose default is to disconnect; replacing
// the stored key needs a second, deliberate confirmation (a second question from main).
import { useId } from 'react';
import type { HostKeyDecision, QuestionDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { CopyButton } from './copy-button';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

type HostKeyQuestion = Extract<QuestionDto, { kind: 'host-key' }>;

function hostPort(q: HostKeyQuestion): string {
  const host = displayName(q.host);
  return q.port === 22 ? host : `${host.includes(':') ? `[${host}]` : host}:${q.port}`;
}

function Fingerprint(props: { value: string; label: string }) {
  return (
    <div className="fingerprint-row">
      <input className="fingerprint mono" readOnly aria-label={props.label} value={props.value} onFocus={(e) => e.currentTarget.select()} />
      <CopyButton text={props.value} />
    </div>
  );
}

/** The host-key question: unknown, changed or revoked key. */
export function HostKeyDialog(props: { question: HostKeyQuestion; onDecide: (d: HostKeyDecision) => void }) {
  const q = props.question;
  const descId = useId();

  if (q.status === 'unknown') {
    return (
      <Modal
        title={`Unknown host key for ${hostPort(q)}`}
        describedBy={descId}
        onCancel={() => props.onDecide('cancel')}
        className="host-key-dialog"
        initialFocus="[data-autofocus]"
      >
        <p id={descId}>
          Skiff has never connected to <strong>{hostPort(q)}</strong> before and cannot confirm it is the server you mean. Compare the fingerprint with the one
          your administrator gave you (<code>ssh-keygen -lf</code> on the server) before trusting it.
        </p>
        <dl className="facts">
          <dt>Server</dt>
          <dd>{hostPort(q)}</dd>
          <dt>Key type</dt>
          <dd>
            {q.keyType} ({q.bits} bits)
          </dd>
          <dt>Fingerprint</dt>
          <dd>
            <Fingerprint value={q.fingerprint} label="SHA256 fingerprint" />
          </dd>
        </dl>
        <DialogButtons
          ok={{ label: 'Trust and remember', onClick: () => props.onDecide('trust-remember') }}
          extra={[{ label: 'Trust once', onClick: () => props.onDecide('trust-once') }]}
          cancel={{ label: 'Cancel', onClick: () => props.onDecide('cancel'), autoFocus: true }}
        />
      </Modal>
    );
  }

  // changed → "Replace key…" answers `replace`; main then asks again with status
  // confirm-replace, the second deliberate step. Disconnect is the default both times.
  const confirming = q.status === 'confirm-replace';
  return (
    <Modal
      title={confirming ? `Replace the remembered host key for ${hostPort(q)}?` : `Warning: the host key for ${hostPort(q)} has changed`}
      describedBy={descId}
      onCancel={() => props.onDecide('cancel')}
      className="host-key-dialog danger"
      initialFocus="[data-autofocus]"
    >
      <p id={descId} className="danger-text">
        {confirming
          ? 'Only replace the key if the server’s administrator confirmed the new fingerprint below. If you are not sure, disconnect.'
          : 'The server presented a different key than the one Skiff remembered. Someone could be intercepting the connection (a man-in-the-middle attack), or the server was reinstalled. Do not continue unless its administrator confirms the new key.'}
      </p>
      <dl className="facts">
        <dt>Server</dt>
        <dd>{hostPort(q)}</dd>
        {(q.stored ?? []).map((s) => (
          <div key={`${s.file}:${s.line}`} className="facts-group">
            <dt>Remembered key</dt>
            <dd>
              {s.keyType} ({s.bits} bits)
              <Fingerprint value={s.fingerprint} label="Old fingerprint" />
              <span className="muted">
                in <span className="mono">{displayName(`${s.file}:${s.line}`)}</span>
              </span>
            </dd>
          </div>
        ))}
        <dt>New key</dt>
        <dd>
          {q.keyType} ({q.bits} bits)
          <Fingerprint value={q.fingerprint} label="New fingerprint" />
        </dd>
      </dl>
      {q.warnings.length > 0 ? (
        <ul className="muted small">
          {q.warnings.map((w) => (
            <li key={w}>{displayName(w)}</li>
          ))}
        </ul>
      ) : null}
      <DialogButtons
        ok={{ label: 'Disconnect', tone: 'primary-danger', onClick: () => props.onDecide('cancel'), autoFocus: true }}
        extra={[
          confirming
            ? { label: 'Yes, replace the key', onClick: () => props.onDecide('confirm-replace') }
            : { label: 'Replace key…', onClick: () => props.onDecide('replace') },
        ]}
      />
    </Modal>
  );
}
