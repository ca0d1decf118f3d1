// Adapts an SFTP session to the engine's TransferEndpoint: the session's channel for metadata,
// `openChannel()` for parallel files, a caller-supplied way to reconnect after a drop, and
// (optionally) a way to open more connections that never asks the user anything.
import type { SftpSession } from '../sftp/types';
import type { TransferEndpoint } from './types';

/**
 * A TransferEndpoint over `session`; `reconnect` (optional) must resolve to a fresh, authenticated
 * session; `openConnection` (optional) opens an extra one without asking any question.
 */
export function sessionEndpoint(
  session: SftpSession,
  reconnect?: () => Promise<SftpSession>,
  openConnection?: () => Promise<SftpSession>,
  /** `reconnect` waits for the session's own reconnection (see TransferEndpoint.reconnectWaits). */
  waits = false,
): TransferEndpoint {
  return {
    fs: session.fs,
    openChannel: () => session.openChannel(),
    link: { rttMs: session.rttMs, sendWindow: session.serverWindow, stripedWrites: session.profile.stripedWrites },
    ...(reconnect
      ? { reconnect: async () => sessionEndpoint(await reconnect(), reconnect, openConnection, waits), ...(waits ? { reconnectWaits: true } : {}) }
      : {}),
    ...(openConnection
      ? {
          openConnection: async () => {
            const extra = await openConnection();
            // An extra connection does not open more connections of its own, nor reconnect: the job's
            // retry reconnects the primary endpoint and opens extras again from there.
            return { ...sessionEndpoint(extra), close: () => extra.close() };
          },
        }
      : {}),
  };
}
