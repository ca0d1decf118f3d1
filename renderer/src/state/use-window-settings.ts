// The settings the window applies itself, at startup and whenever the dialog saves them: the
// theme (a pinned one overrides the OS preference), "Show hidden files" in both panes, and the
// speed limits the transfer panel mentions.
import { useCallback, useEffect, useState } from 'react';
import type { SettingsDto, SkiffApi } from '../../../electron/ipc/contract';

/** Pins the theme on <html> (light/dark) or leaves it to prefers-color-scheme (system). */
function applyTheme(theme: SettingsDto['theme']): void {
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

/** Speed limits in KiB/s (null = none), as settings hold them. */
export interface SpeedLimitsKiB {
  upload: number | null;
  download: number | null;
}

const limitsOf = (st: SettingsDto): SpeedLimitsKiB => ({ upload: st.uploadLimitKiBps, download: st.downloadLimitKiBps });

/** Loads the settings once; `applied` takes saved ones (the settings dialog's result). */
export function useWindowSettings(api: SkiffApi, applyHidden: (show: boolean) => void): { applied(st: SettingsDto): void; speedLimits: SpeedLimitsKiB } {
  const [speedLimits, setSpeedLimits] = useState<SpeedLimitsKiB>({ upload: null, download: null });
  useEffect(() => {
    let live = true;
    api.settings
      .get()
      .then((st) => {
        if (!live) return;
        applyTheme(st.theme);
        if (st.showHidden) applyHidden(true);
        setSpeedLimits(limitsOf(st));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, applyHidden]);
  const applied = useCallback(
    (st: SettingsDto) => {
      applyTheme(st.theme);
      applyHidden(st.showHidden);
      setSpeedLimits(limitsOf(st));
    },
    [applyHidden],
  );
  return { applied, speedLimits };
}
