// Adapts an SFTP session to the engine's TransferEndpoint: the session's channel for metadata,
// `openChannel()` for parallel files, and a caller-supplied way to reconnect after a drop.
import type { SftpSession } from '../sftp/types';
import type { TransferEndpoint } from './types';

/** A TransferEndpoint over `session`; `reconnect` (optional) must resolve to a fresh, authenticated session. */
export function sessionEndpoint(session: SftpSession, reconnect?: () => Promise<SftpSession>): TransferEndpoint {
  return {
    fs: session.fs,
    openChannel: () => session.openChannel(),
    ...(reconnect ? { reconnect: async () => sessionEndpoint(await reconnect(), reconnect) } : {}),
  };
}
