// What main says about itself (name, version, platform, path separator, native pickers).
import { useEffect, useState } from 'react';
import type { AppInfo, SkiffApi } from '../../../electron/ipc/contract';

const FALLBACK: AppInfo = { name: 'Skiff', version: '', platform: '', mode: 'web', localSep: '/', nativeDialogs: false };

export function useAppInfo(api: SkiffApi): AppInfo | null {
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    let live = true;
    api.app
      .info()
      .then((i) => live && setInfo(i))
      .catch(() => live && setInfo(FALLBACK));
    return () => {
      live = false;
    };
  }, [api]);
  return info;
}
