// Main asks for a password (or a key passphrase) it does not have or that was refused.
import { useState } from 'react';
import type { QuestionDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

type PasswordQuestion = Extract<QuestionDto, { kind: 'password' }>;

/** Password / passphrase prompt; `onAnswer(null)` cancels. */
export function PasswordDialog(props: { question: PasswordQuestion; onAnswer: (secret: string | null, remember: boolean) => void }) {
  const q = props.question;
  const [secret, setSecret] = useState('');
  const [remember, setRemember] = useState(q.rememberDefault && q.canRemember);
  const who = `${displayName(q.username)}@${displayName(q.host)}${q.port === 22 ? '' : `:${q.port}`}`;
  const what = q.secret === 'passphrase' ? 'Passphrase' : 'Password';
  return (
    <Modal title={q.secret === 'passphrase' ? 'Key passphrase needed' : `Password for ${who}`} onCancel={() => props.onAnswer(null, false)}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onAnswer(secret, remember);
        }}
      >
        {q.reason === 'rejected' ? (
          <p className="danger-text" role="alert">
            The server refused the {what.toLowerCase()}. Check it and try again.
          </p>
        ) : null}
        {q.secret === 'passphrase' && q.keyPath ? (
          <p>
            The key file <span className="mono">{displayName(q.keyPath)}</span> is encrypted.
          </p>
        ) : null}
        <label className="field">
          <span>{what}</span>
          <input type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
        </label>
        {q.canRemember ? (
          <label className="check">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember in the system keychain
          </label>
        ) : null}
        <DialogButtons ok={{ label: 'Connect' }} cancel={() => props.onAnswer(null, false)} />
      </form>
    </Modal>
  );
}
