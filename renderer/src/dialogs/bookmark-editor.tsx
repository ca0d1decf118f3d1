// Add or edit a saved server. The password field only ever writes to the keychain (through
// bookmarks:create/update with "Remember password" on); a stored password is never read back,
// the dialog only says whether one exists (secrets:has).
import { useEffect, useId, useState } from 'react';
import type { BookmarkAuth, BookmarkDto, BookmarkInput, BookmarkSaveResult, SkiffApi } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { describeError } from '../model/errors';
import { normalizePosix } from '../model/paths';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

const AUTH_LABELS: Record<BookmarkAuth, string> = {
  password: 'Password',
  key: 'Key file',
  agent: 'SSH agent',
  'keyboard-interactive': 'Keyboard-interactive',
};

interface Form {
  name: string;
  host: string;
  port: string;
  username: string;
  authMethod: BookmarkAuth;
  keyPath: string;
  remoteDir: string;
  localDir: string;
  group: string;
  notes: string;
  rememberPassword: boolean;
  password: string;
  passphrase: string;
}

type Stored = 'unknown' | 'yes' | 'no' | 'unavailable';

function initialForm(b: Partial<BookmarkDto> | undefined): Form {
  return {
    name: b?.name ?? '',
    host: b?.host ?? '',
    port: String(b?.port ?? 22),
    username: b?.username ?? '',
    authMethod: b?.authMethod ?? 'password',
    keyPath: b?.keyPath ?? '',
    remoteDir: b?.remoteDir ?? '',
    localDir: b?.localDir ?? '',
    group: b?.group ?? '',
    notes: b?.notes ?? '',
    rememberPassword: b?.rememberPassword ?? false,
    password: '',
    passphrase: '',
  };
}

/** Client-side checks that save a round trip; core validates again and names the field. */
function problems(f: Form): Partial<Record<keyof Form, string>> {
  const p: Partial<Record<keyof Form, string>> = {};
  if (f.name.trim() === '') p.name = 'Enter a name.';
  if (f.host.trim() === '') p.host = 'Enter a host name or IP address.';
  else if (/[\s/@]/.test(f.host.trim())) p.host = 'Only the host name here (no spaces, “user@” or “/”).';
  if (!/^\d{1,5}$/.test(f.port.trim()) || Number(f.port) < 1 || Number(f.port) > 65535) p.port = 'Port must be between 1 and 65535.';
  if (f.username.trim() === '') p.username = 'Enter a user name.';
  else if (/\s/.test(f.username.trim())) p.username = 'A user name has no spaces.';
  if (f.authMethod === 'key' && f.keyPath.trim() === '') p.keyPath = 'Choose a private key file for key authentication.';
  if (f.remoteDir.trim() !== '' && !f.remoteDir.trim().startsWith('/')) p.remoteDir = 'Give the remote folder as a full path starting with “/”.';
  return p;
}

/** The form's values as BookmarkInput (empty text = not set). */
function toInput(f: Form): BookmarkInput {
  const opt = (s: string): string | null => (s.trim() === '' ? null : s.trim());
  return {
    name: f.name.trim(),
    host: f.host.trim(),
    port: Number(f.port),
    username: f.username.trim(),
    authMethod: f.authMethod,
    keyPath: opt(f.keyPath),
    // The contract wants a normalized remote path (no trailing “/”, no “//”).
    remoteDir: f.remoteDir.trim() === '' ? null : normalizePosix(f.remoteDir.trim()),
    localDir: opt(f.localDir),
    group: opt(f.group),
    notes: f.notes,
    rememberPassword: f.rememberPassword,
  };
}

/** Which field a core INVALID_ARGUMENT message names ("Invalid bookmark: host: …"). */
function fieldOf(message: string): keyof Form | null {
  const m = /^Invalid bookmark: (\w+)/.exec(message);
  const f = m?.[1];
  return f && f in initialForm(undefined) ? (f as keyof Form) : null;
}

/**
 * The saved-server editor. `bookmark` absent = a new one (`initial` may prefill it).
 * `onSaved` gets the core's result (with any keychain warning) after a successful save.
 */
export function BookmarkEditor(props: {
  api: SkiffApi;
  bookmark?: BookmarkDto;
  initial?: Partial<BookmarkDto>;
  groups: readonly string[];
  onPickFile?: (title: string) => Promise<string | null>;
  onPickFolder?: (title: string) => Promise<string | null>;
  onSaved: (r: BookmarkSaveResult) => void;
  onCancel: () => void;
}) {
  const { api, bookmark } = props;
  const [f, setF] = useState<Form>(() => initialForm(bookmark ?? props.initial));
  const [touched, setTouched] = useState(false);
  const [stored, setStored] = useState<Stored>('unknown');
  const [storedMessage, setStoredMessage] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<{ message: string; hint: string; field: keyof Form | null } | null>(null);
  const listId = useId();
  const bad = problems(f);
  const valid = Object.keys(bad).length === 0;
  const set = <K extends keyof Form>(k: K, v: Form[K]): void => {
    setF((o) => ({ ...o, [k]: v }));
    if (error?.field === k) setError(null);
  };

  // Whether a password is in the keychain: asked once, never the password itself.
  useEffect(() => {
    if (!bookmark) return;
    let live = true;
    api.secrets.has({ bookmarkId: bookmark.id, kind: 'password' }).then(
      (has) => live && setStored(has ? 'yes' : 'no'),
      (err: unknown) => {
        if (!live) return;
        setStored('unavailable');
        setStoredMessage(describeError(err).message);
      },
    );
    return () => {
      live = false;
    };
  }, [api, bookmark]);

  const save = async (): Promise<void> => {
    setTouched(true);
    if (!valid || saving) return;
    setSaving(true);
    setError(null);
    const secrets = f.rememberPassword ? { ...(f.password ? { password: f.password } : {}), ...(f.passphrase ? { passphrase: f.passphrase } : {}) } : {};
    try {
      const r = bookmark
        ? await api.bookmarks.update({ id: bookmark.id, patch: toInput(f), ...secrets })
        : await api.bookmarks.create({ bookmark: toInput(f), ...secrets });
      props.onSaved(r);
    } catch (err) {
      const d = describeError(err);
      setError({ message: d.message, hint: d.code === 'INVALID_ARGUMENT' ? '' : d.hint, field: fieldOf(d.message) });
      setSaving(false);
    }
  };

  const invalid = (k: keyof Form): boolean => (touched && bad[k] !== undefined) || error?.field === k;
  const errId = (k: keyof Form): string => `${listId}-${k}-err`;
  const fieldError = (k: keyof Form) =>
    touched && bad[k] ? (
      <span id={errId(k)} className="danger-text field-error">
        {bad[k]}
      </span>
    ) : null;
  const text = (
    k: 'name' | 'host' | 'port' | 'username' | 'keyPath' | 'remoteDir' | 'localDir',
    label: string,
    extra: { placeholder?: string; className?: string; autoFocus?: boolean } = {},
  ) => (
    <div className={`field-wrap ${extra.className ?? ''}`}>
      <label className="field">
        <span>{label}</span>
        <input
          type="text"
          spellCheck={false}
          autoComplete="off"
          value={f[k]}
          aria-invalid={invalid(k) || undefined}
          aria-describedby={touched && bad[k] ? errId(k) : undefined}
          placeholder={extra.placeholder}
          {...(extra.autoFocus ? { 'data-autofocus': true } : {})}
          onChange={(e) => set(k, e.target.value)}
        />
      </label>
      {fieldError(k)}
    </div>
  );
  const pickButton = (k: 'keyPath' | 'remoteDir' | 'localDir', label: string, pick?: (title: string) => Promise<string | null>) =>
    pick ? (
      <button type="button" className="small-button align-end" aria-label={label} onClick={() => void pick(label).then((p) => p && set(k, p))}>
        …
      </button>
    ) : null;

  const storedText: Record<Stored, string> = {
    unknown: '',
    yes: 'A password is stored in the system keychain. Type a new one to replace it.',
    no: 'No password is stored for this server.',
    // Core's message already says what is missing and that Skiff will ask each time.
    unavailable: storedMessage || 'The system keychain is not available. Skiff will ask for the password when connecting.',
  };

  return (
    <Modal
      title={bookmark ? `Edit saved server “${displayName(bookmark.name)}”` : 'New saved server'}
      onCancel={props.onCancel}
      className="bookmark-editor"
      initialFocus="[data-autofocus]"
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="form-row">
          {text('name', 'Name', { autoFocus: true, placeholder: 'e.g. Web server', className: 'grow' })}
          <label className="field grow">
            <span>Group</span>
            <input type="text" autoComplete="off" list={`${listId}-groups`} value={f.group} placeholder="None" onChange={(e) => set('group', e.target.value)} />
            <datalist id={`${listId}-groups`}>
              {props.groups.map((g) => (
                <option key={g} value={g} />
              ))}
            </datalist>
          </label>
        </div>
        <div className="form-row">
          {text('host', 'Host', { className: 'grow' })}
          {text('port', 'Port', { className: 'port' })}
        </div>
        <div className="form-row">
          {text('username', 'Username', { className: 'grow' })}
          <label className="field grow">
            <span id={`${listId}-auth`}>Authentication</span>
            {/* Named by the caption alone: Chromium would otherwise add the selected option to the name. */}
            <select aria-labelledby={`${listId}-auth`} value={f.authMethod} onChange={(e) => set('authMethod', e.target.value as BookmarkAuth)}>
              {(Object.keys(AUTH_LABELS) as BookmarkAuth[]).map((a) => (
                <option key={a} value={a}>
                  {AUTH_LABELS[a]}
                </option>
              ))}
            </select>
          </label>
        </div>
        {f.authMethod === 'key' ? (
          <div className="form-row">
            {text('keyPath', 'Key file', { className: 'grow', placeholder: '~/.ssh/id_ed25519' })}
            {pickButton('keyPath', 'Choose key file', props.onPickFile)}
          </div>
        ) : null}
        <fieldset className="form-group">
          <legend>Password</legend>
          <label className="check">
            <input type="checkbox" checked={f.rememberPassword} onChange={(e) => set('rememberPassword', e.target.checked)} /> Remember password
          </label>
          {bookmark && stored !== 'unknown' ? (
            <p className={`small ${stored === 'unavailable' ? 'warning-text' : 'muted'}`} role="status">
              {storedText[stored]}
            </p>
          ) : null}
          {bookmark?.rememberPassword && !f.rememberPassword && stored === 'yes' ? (
            <p className="small warning-text">Saving removes the stored password from the keychain.</p>
          ) : null}
          {f.rememberPassword ? (
            <>
              <label className="field">
                <span>{f.authMethod === 'key' ? 'Password (if the server also asks)' : 'Password'}</span>
                <input
                  type="password"
                  autoComplete="new-password"
                  value={f.password}
                  placeholder={stored === 'yes' ? 'Unchanged' : ''}
                  onChange={(e) => set('password', e.target.value)}
                />
              </label>
              {f.authMethod === 'key' ? (
                <label className="field">
                  <span>Key passphrase</span>
                  <input
                    type="password"
                    autoComplete="new-password"
                    value={f.passphrase}
                    placeholder="Only for an encrypted key"
                    onChange={(e) => set('passphrase', e.target.value)}
                  />
                </label>
              ) : null}
            </>
          ) : stored !== 'unavailable' ? (
            <p className="small muted">Skiff will ask for the password each time you connect.</p>
          ) : null}
        </fieldset>
        <div className="form-row">{text('remoteDir', 'Initial remote folder', { className: 'grow', placeholder: 'Home folder' })}</div>
        <div className="form-row">
          {text('localDir', 'Initial local folder', { className: 'grow', placeholder: 'Home folder' })}
          {pickButton('localDir', 'Choose local folder', props.onPickFolder)}
        </div>
        <label className="field">
          <span>Notes</span>
          <textarea rows={2} value={f.notes} onChange={(e) => set('notes', e.target.value)} />
        </label>
        {error ? (
          <p className="danger-text" role="alert">
            {error.message} {error.hint}
          </p>
        ) : null}
        <DialogButtons ok={{ label: saving ? 'Saving…' : 'Save', disabled: saving || (touched && !valid) }} cancel={props.onCancel} />
      </form>
    </Modal>
  );
}
