// The two panes: this computer's (from its home folder) and the server's (from where the session
// starts), which one is active, their grids and path bars, and "Show hidden files", which is
// remembered in settings whichever pane flips it.
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { AppInfo, SessionInfo, SkiffApi } from '../../../electron/ipc/contract';
import { posix, type PathStyle } from '../model/paths';
import type { Side } from '../model/types';
import { localLister, remoteLister } from './listing';
import { usePane, type PaneModel } from './use-pane';
import type { Notify } from './use-notices';

export interface PanesModel {
  panes: Record<Side, PaneModel>;
  localStyle: PathStyle;
  active: Side;
  setActive(side: Side): void;
  /** Makes `side` active and puts the keyboard in its list. */
  focus(side: Side): void;
  grids: Record<Side, RefObject<HTMLDivElement | null>>;
  pathInputs: Record<Side, RefObject<HTMLInputElement | null>>;
  /** Shows or hides hidden files in both panes, without saving (settings already say so). */
  applyHidden(show: boolean): void;
}

export function usePanes(api: SkiffApi, info: AppInfo | null, session: SessionInfo | null, notify: Notify): PanesModel {
  const [localHome, setLocalHome] = useState<string | null>(null);
  const [active, setActive] = useState<Side>('local');
  useEffect(() => {
    let live = true;
    api.local
      .home()
      .then((h) => live && setLocalHome(h))
      .catch((e: unknown) => {
        notify(e);
        if (live) setLocalHome('/');
      });
    return () => {
      live = false;
    };
  }, [api, notify]);

  const localStyle = useMemo<PathStyle>(() => ({ sep: info?.localSep ?? '/' }), [info]);
  const localList = useMemo(() => localLister(api), [api]);
  const remoteList = useMemo(() => (session ? remoteLister(api, session.sessionId) : null), [api, session]);
  const localRaw = usePane(localHome === null ? null : localList, localStyle, localHome);
  const remoteRaw = usePane(remoteList, posix, session ? session.home : null);

  const setLocalHidden = localRaw.setShowHidden;
  const setRemoteHidden = remoteRaw.setShowHidden;
  const applyHidden = useCallback(
    (show: boolean) => {
      setLocalHidden(show);
      setRemoteHidden(show);
    },
    [setLocalHidden, setRemoteHidden],
  );
  const persistHidden = (m: PaneModel): PaneModel => ({
    ...m,
    setShowHidden: (v: boolean) => {
      m.setShowHidden(v);
      api.settings.set({ showHidden: v }).catch(() => undefined);
    },
  });
  const panes: Record<Side, PaneModel> = { local: persistHidden(localRaw), remote: persistHidden(remoteRaw) };

  const localGrid = useRef<HTMLDivElement>(null);
  const remoteGrid = useRef<HTMLDivElement>(null);
  const localPath = useRef<HTMLInputElement>(null);
  const remotePath = useRef<HTMLInputElement>(null);
  const grids = useMemo(() => ({ local: localGrid, remote: remoteGrid }), []);
  const pathInputs = useMemo(() => ({ local: localPath, remote: remotePath }), []);
  const focus = useCallback(
    (side: Side) => {
      setActive(side);
      grids[side].current?.focus();
    },
    [grids],
  );

  return { panes, localStyle, active, setActive, focus, grids, pathInputs, applyHidden };
}
