// Quick Connect: host, port, username, password or key file, "remember password".
// The password goes to main once, at connect time; it is never read back.
import { useState } from 'react';

export interface QuickConnectValues {
  host: string;
  port: number;
  username: string;
  password: string;
  keyPath: string;
  remember: boolean;
}

/** The Quick Connect form; `onSaveBookmark` stores the fields (never the password) as a bookmark. */
export function QuickConnect(props: {
  busy: boolean;
  initial?: Partial<QuickConnectValues>;
  onConnect: (v: QuickConnectValues) => void;
  onSaveBookmark?: (v: QuickConnectValues) => void;
  onPickKey?: () => Promise<string | null>;
}) {
  const [v, setV] = useState<QuickConnectValues>({ host: '', port: 22, username: '', password: '', keyPath: '', remember: false, ...props.initial });
  const [portText, setPortText] = useState(String(v.port));
  const portValid = /^\d{1,5}$/.test(portText) && Number(portText) >= 1 && Number(portText) <= 65535;
  const valid = v.host.trim() !== '' && v.username.trim() !== '' && portValid;
  const set = <K extends keyof QuickConnectValues>(k: K, val: QuickConnectValues[K]): void => setV((o) => ({ ...o, [k]: val }));
  const values = (): QuickConnectValues => ({ ...v, host: v.host.trim(), username: v.username.trim(), keyPath: v.keyPath.trim(), port: Number(portText) });

  return (
    <form
      className="quick-connect"
      aria-label="Quick Connect"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && !props.busy) props.onConnect(values());
      }}
    >
      <h2 className="side-title">Quick Connect</h2>
      <div className="qc-row">
        <label className="field grow">
          <span>Host</span>
          <input type="text" spellCheck={false} autoComplete="off" value={v.host} onChange={(e) => set('host', e.target.value)} />
        </label>
        <label className="field port">
          <span>Port</span>
          <input type="text" inputMode="numeric" aria-invalid={!portValid} value={portText} onChange={(e) => setPortText(e.target.value)} />
        </label>
      </div>
      <label className="field">
        <span>Username</span>
        <input type="text" spellCheck={false} autoComplete="off" value={v.username} onChange={(e) => set('username', e.target.value)} />
      </label>
      <label className="field">
        <span>Password</span>
        <input type="password" autoComplete="off" value={v.password} onChange={(e) => set('password', e.target.value)} />
      </label>
      <div className="qc-row">
        <label className="field grow">
          <span>Key file</span>
          <input
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="~/.ssh/id_ed25519 (optional)"
            value={v.keyPath}
            onChange={(e) => set('keyPath', e.target.value)}
          />
        </label>
        {props.onPickKey ? (
          <button
            type="button"
            className="small-button align-end"
            aria-label="Choose key file"
            onClick={() => {
              void props.onPickKey?.().then((p) => p && set('keyPath', p));
            }}
          >
            …
          </button>
        ) : null}
      </div>
      <label className="check">
        <input type="checkbox" checked={v.remember} onChange={(e) => set('remember', e.target.checked)} /> Remember password
      </label>
      <div className="qc-buttons">
        <button type="submit" className="primary" disabled={!valid || props.busy}>
          {props.busy ? 'Connecting…' : 'Connect'}
        </button>
        {props.onSaveBookmark ? (
          <button type="button" className="small-button" disabled={!valid} onClick={() => props.onSaveBookmark?.(values())}>
            Save
          </button>
        ) : null}
      </div>
    </form>
  );
}
