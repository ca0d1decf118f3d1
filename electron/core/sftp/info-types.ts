// The server-information shapes of a session, in a file that imports only types: the IPC contract
// (type-checked for the renderer without Node's types) derives its ServerInfoDto from them.
import type { AuthMethod } from './auth-methods';
import type { QuirkNote, ServerSoftware, SymlinkOrder } from './server-profile';

/** What Skiff knows about a connected server ("Server/protocol information"). */
export interface ServerInfo {
  host: string;
  port: number;
  username: string;
  authMethod: AuthMethod;
  /** The server's SSH identification line (control characters escaped). */
  sshVersion: string;
  /** The algorithms of the key exchange (absent if the server never completed one we saw). */
  algorithms?: { kex: string; hostKey: string; cipher: string; mac: string; compression: string };
  sftpVersion: number;
  software: ServerSoftware;
  softwareLabel: string;
  /** SFTP extensions from the VERSION packet, by name, their data as text. */
  extensions: Array<{ name: string; data: string }>;
  quirks: QuirkNote[];
  /** Request sizes in use; `fromServer` when limits@openssh.com set them. */
  limits: { maxReadSize: number; maxWriteSize: number; maxOpenHandles: number | null; fromServer: boolean };
  /** The engine's answers for this server. */
  behaviour: {
    handlesInOrder: boolean;
    canWriteOutOfOrder: boolean;
    readdirAhead: number;
    symlinkOrder: SymlinkOrder | 'unknown';
    posixRename: boolean;
    keepsPermissions: boolean;
  };
}
