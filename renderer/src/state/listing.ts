// Paged listings over the API: the first page comes back with the request, later pages
// are pulled with `list:next` (the next one requested before the current one is merged);
// aborting stops pulling and tells main to drop the listing.
import type { ListPage, RefusedNamesDto, SkiffApi } from '../../../electron/ipc/contract';
import type { Entry } from '../model/types';
import type { ListFn } from './use-pane';

function cancelled(): Error {
  return Object.assign(new Error('Listing cancelled'), { code: 'CANCELLED' });
}

async function pull(
  api: SkiffApi,
  first: Promise<ListPage>,
  onPage: (e: Entry[], p: string, refused?: RefusedNamesDto) => void,
  signal: AbortSignal,
): Promise<string> {
  let page = await first;
  const listId = page.listId;
  const resolved = page.path;
  try {
    for (;;) {
      if (signal.aborted) throw cancelled();
      // Ask for the next page before merging this one: the request travels and main reads
      // while the renderer works, instead of one after the other (still one request at a time).
      const next = page.done ? null : api.list.next({ listId });
      next?.catch(() => undefined); // if this loop stops early, the answer is simply not used
      onPage(page.entries, resolved, page.refused);
      if (!next) return resolved;
      page = await next;
    }
  } catch (err) {
    if (signal.aborted && !page.done) void api.list.cancel({ listId }).catch(() => undefined);
    throw err;
  }
}

/** ListFn for the local pane. */
export function localLister(api: SkiffApi): ListFn {
  return (path, onPage, signal) => pull(api, api.local.listDir({ path }), onPage, signal);
}

/** ListFn for the remote pane of one session. */
export function remoteLister(api: SkiffApi, sessionId: string): ListFn {
  return (path, onPage, signal) => pull(api, api.sftp.listDir({ sessionId, path }), onPage, signal);
}
