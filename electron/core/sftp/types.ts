// The public shape of an SFTP connection. Implemented in ./session.ts.
import type { HostKeyInfo } from '../trust/host-key';
import type { SkiffErrorData } from '../errors';
import type { FileSystem } from '../fs/file-system';
import type { AgentSource } from './agent-sources';
import type { AuthMethod } from './auth-methods';
import type { ServerInfo } from './info-types';
import type { ServerProfile } from './server-profile';

export type { AuthMethod } from './auth-methods';
export type { ServerInfo } from './info-types';

/** One keyboard-interactive round: the server's prompts, each to be answered (echo=false means a secret). */
export interface KeyboardInteractiveRequest {
  name: string;
  instructions: string;
  prompts: Array<{ prompt: string; echo: boolean }>;
}

export interface ConnectOptions {
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  /** Offered in a sensible order: agent, key file, keyboard-interactive, password. */
  password?: string;
  /** Path to a private key (OpenSSH or PEM; RSA, ECDSA, Ed25519). */
  privateKeyPath?: string;
  /** The key's text, when already read (takes precedence over the path). */
  privateKey?: string | Buffer;
  passphrase?: string;
  /**
   * The agent: a socket path, the agents to try in order, or `true` for this machine's default
   * ($SSH_AUTH_SOCK; on Windows also the OpenSSH agent's pipe and Pageant, see agent-sources.ts).
   */
  agent?: string | boolean | readonly AgentSource[];
  /**
   * Must resolve true before anything else is sent (no auth data leaves before it answers).
   * Rejecting or resolving false aborts with HOST_KEY_REJECTED (or the SkiffError it throws).
   */
  verifyHostKey: (info: HostKeyInfo) => Promise<boolean>;
  /**
   * Host key types already in known_hosts for this host (e.g. `ssh-rsa`): their algorithms are asked
   * for first, as OpenSSH does, so a server with several keys presents the one the user trusts.
   */
  knownHostKeyTypes?: readonly string[];
  /** Called for every keyboard-interactive round; resolve null to cancel. Without it, keyboard-interactive is used only to answer a lone secret prompt with `password` when the server does not allow plain password auth. */
  onKeyboardInteractive?: (req: KeyboardInteractiveRequest) => Promise<string[] | null>;
  /** Whole connect + auth budget (default 20 s); the clock stops while verifyHostKey / onKeyboardInteractive wait for the user. */
  readyTimeoutMs?: number;
  /** Keepalive interval (default 15 s; 0 disables) and missed replies before the session counts as lost (default 3). */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

export interface ClosedReason extends SkiffErrorData {
  /** true when close() was called by us. */
  byUser: boolean;
}

/** A live SSH connection with its primary SFTP channel. */
export interface SftpSession {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** The auth method that succeeded. */
  readonly authMethod: AuthMethod;
  /** The primary SFTP channel as a FileSystem. */
  readonly fs: FileSystem;
  /** SFTP extensions the server advertised (name → version/data). */
  readonly extensions: Readonly<Record<string, string>>;
  /** What was detected about the server at login (and learned since), shared by all its channels. */
  readonly profile: ServerProfile;
  /** Round trip to the SSH server measured at login (keepalive requests), in ms; undefined if none was answered in time. */
  readonly rttMs: number | undefined;
  /** Bytes the server let us send ahead on its first SFTP channel (its channel window: OpenSSH's sshd gives 2 MiB). */
  readonly serverWindow: number;
  /** SSH and SFTP versions, extensions, quirks and limits, for the user to see and report. */
  serverInfo(): ServerInfo;
  readonly closed: boolean;
  /** Opens another SFTP channel on the same connection (the transfer engine uses several at once). */
  openChannel(): Promise<FileSystem & { close(): Promise<void> }>;
  /** Closes every channel and the connection. Idempotent. */
  close(): Promise<void>;
  /** Fires once, with why (CONNECTION_LOST, TIMEOUT, …, or byUser). */
  onClosed(listener: (reason: ClosedReason) => void): () => void;
}
