// Which server a transfer job belongs to, and when two descriptions name the same server: shared by
// the transfer service (Retry on the server's current session) and the unfinished-transfers journal.
import type { SessionInfo, TransferServerDto } from '../ipc/contract';

/** The server of a session: its saved bookmark (if any) and host, port and user. */
export function serverOfInfo(i: SessionInfo): TransferServerDto {
  return {
    ...(i.bookmarkId !== undefined ? { bookmarkId: i.bookmarkId } : {}),
    host: i.host,
    port: i.port,
    username: i.username,
  };
}

/** The same server: the same saved bookmark, or (Quick Connect) the same host, port and user. */
export function sameServer(a: TransferServerDto, b: TransferServerDto): boolean {
  return a.bookmarkId !== undefined && b.bookmarkId !== undefined
    ? a.bookmarkId === b.bookmarkId
    : a.host === b.host && a.port === b.port && a.username === b.username;
}

/** `user@host` (and `:port` when not 22), as messages name a server. */
export function serverName(s: TransferServerDto): string {
  return `${s.username}@${s.host}${s.port === 22 ? '' : `:${s.port}`}`;
}
