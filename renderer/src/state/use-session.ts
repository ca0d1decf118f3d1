// The connection the remote pane shows: connecting (closing the previous one first), the notices
// a login leaves (password remembered, keychain trouble), a drop or a disconnect, and the sftp://
// launch URL that prefills Quick Connect. One of these per tab is all a second session needs.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConnectArgs, OpenUrlDto, SessionInfo, SkiffApi } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import type { Notify } from './use-notices';

/** A session that dropped and is coming back by itself (main's session:state). */
export interface Reconnecting {
  attempt: number;
  /** Why it dropped, or why the last attempt failed. */
  message: string;
  /** The wait before the next attempt, after a failed one. */
  retryInMs?: number;
}

export interface SessionModel {
  session: SessionInfo | null;
  /** Non-null while `session` is reconnecting; the pane keeps its folder and shows the state. */
  reconnecting: Reconnecting | null;
  connecting: boolean;
  /** The last sftp:// launch, to prefill Quick Connect with (`n` changes with every new one); it never connects by itself. */
  prefill: { n: number; url: OpenUrlDto } | null;
  /** Connects (closing the current session first); `startPath` is where the remote pane starts instead of the home folder. */
  connect(args: ConnectArgs, startPath?: string | null): Promise<SessionInfo | null>;
  disconnect(): void;
  /** Fills Quick Connect in (host, port, user) for the user to finish; nothing connects by itself. */
  prefillQuickConnect(url: OpenUrlDto): void;
}

/** `connected` runs after a login, `reconnected` when a dropped session is back, `ended` when the session ends (by the user or not). */
export function useSession(
  api: SkiffApi,
  notify: Notify,
  on: { connected(s: SessionInfo): void; reconnected?(s: SessionInfo): void; ended(): void },
): SessionModel {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [reconnecting, setReconnecting] = useState<Reconnecting | null>(null);
  const [connecting, setConnecting] = useState(false);
  const [prefill, setPrefill] = useState<SessionModel['prefill']>(null);
  // Event handlers outlive renders: they read the live session and callbacks from refs.
  const sessionRef = useRef<SessionInfo | null>(null);
  const onRef = useRef(on);
  useEffect(() => {
    sessionRef.current = session;
    onRef.current = on;
  });

  useEffect(() => {
    let live = true;
    const prefillWith = (u: OpenUrlDto): void => setPrefill((p) => ({ n: (p?.n ?? 0) + 1, url: u }));
    api.app
      .takeLaunchUrl()
      .then((u) => live && u && prefillWith(u))
      .catch(() => undefined);
    const offUrl = api.on('app:open-url', prefillWith);
    const offState = api.on('session:state', (s) => {
      const current = sessionRef.current;
      if (current?.sessionId !== s.sessionId) return;
      if (s.state === 'reconnecting') {
        setReconnecting({ attempt: s.attempt, message: s.message, ...(s.retryInMs !== undefined ? { retryInMs: s.retryInMs } : {}) });
      } else {
        setReconnecting(null);
        onRef.current.reconnected?.(current);
      }
    });
    const offClosed = api.on('session:closed', (s) => {
      if (sessionRef.current?.sessionId !== s.sessionId) return;
      sessionRef.current = null;
      setSession(null);
      setReconnecting(null);
      onRef.current.ended();
      if (!s.byUser) notify({ code: s.code, message: s.message });
    });
    return () => {
      live = false;
      offUrl();
      offState();
      offClosed();
    };
  }, [api, notify]);

  const connect = useCallback(
    async (args: ConnectArgs, startPath?: string | null): Promise<SessionInfo | null> => {
      setConnecting(true);
      try {
        const previous = sessionRef.current;
        if (previous) await api.session.disconnect({ sessionId: previous.sessionId }).catch(() => undefined);
        const s = await api.session.connect(args);
        if (s.remembered) {
          const name = displayName(s.remembered.name);
          notify(
            s.remembered.created
              ? `Saved as “${name}”, with the password in the system keychain.`
              : `The password for “${name}” is now in the system keychain.`,
            'info',
          );
        }
        if (s.keychainWarning) {
          const asked = 'rememberPassword' in args && args.rememberPassword === true;
          notify(
            `${asked ? 'Connected, but the password was not remembered.' : 'Connected, but the system keychain could not be used.'} ${s.keychainWarning.message}`,
            'warning',
          );
        }
        const shown = startPath ? { ...s, home: startPath } : s;
        sessionRef.current = shown;
        setSession(shown);
        setReconnecting(null);
        onRef.current.connected(shown);
        return shown;
      } catch (err) {
        notify(err);
        return null;
      } finally {
        setConnecting(false);
      }
    },
    [api, notify],
  );

  const disconnect = useCallback(() => {
    const s = sessionRef.current;
    if (!s) return;
    sessionRef.current = null;
    setSession(null);
    setReconnecting(null);
    onRef.current.ended();
    api.session.disconnect({ sessionId: s.sessionId }).catch(notify);
  }, [api, notify]);

  const prefillQuickConnect = useCallback((u: OpenUrlDto) => setPrefill((p) => ({ n: (p?.n ?? 0) + 1, url: u })), []);

  return { session, reconnecting, connecting, prefill, connect, disconnect, prefillQuickConnect };
}
