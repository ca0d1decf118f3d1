// The settings the window applies itself, at startup and whenever the dialog saves them: the
// theme (a pinned one overrides the OS preference) and "Show hidden files" in both panes.
import { useCallback, useEffect } from 'react';
import type { SettingsDto, SkiffApi } from '../../../electron/ipc/contract';

/** Pins the theme on <html> (light/dark) or leaves it to prefers-color-scheme (system). */
function applyTheme(theme: SettingsDto['theme']): void {
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

/** Loads the settings once; `applied` takes saved ones (the settings dialog's result). */
export function useWindowSettings(api: SkiffApi, applyHidden: (show: boolean) => void): { applied(st: SettingsDto): void } {
  useEffect(() => {
    let live = true;
    api.settings
      .get()
      .then((st) => {
        if (!live) return;
        applyTheme(st.theme);
        if (st.showHidden) applyHidden(true);
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
    },
    [applyHidden],
  );
  return { applied };
}
