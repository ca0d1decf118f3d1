// The shape every server of the test bed's matrix has, whatever runs it (see ./index.ts).
import type { SftpSession } from '../../../electron/core/sftp/types';

export const SERVER_KINDS = ['openssh', 'proftpd', 'rclone', 'gesftpserver', 'dropbear', 'scripted'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** What a path holds on the server's own storage, read directly (not over SFTP). */
export interface DiskEntry {
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  mtimeMs: number;
  uid: number;
  gid: number;
}

/** The server's storage as the test sees it: the disk behind a real server, the tree of the scripted one. */
export interface ServerDisk {
  read(p: string): Buffer | null;
  lstat(p: string): DiskEntry | null;
  readlink(p: string): string | null;
  /** Names in a folder, sorted. */
  list(p: string): string[];
  write(p: string, data: Buffer | string, mtimeSec?: number): void;
  mkdir(p: string): void;
  symlink(target: string, p: string): void;
  remove(p: string): void;
}

export interface MatrixServer {
  kind: ServerKind;
  /** e.g. "ProFTPD 1.3.8 mod_sftp". */
  name: string;
  /** The version the program reports. */
  version: string;
  host: '127.0.0.1';
  port: number;
  username: string;
  /** A folder (as the server names it) the tests may fill; empty at start. */
  workDir: string;
  /** The account's home as the server names it (SFTP's relative paths start there). */
  home: string;
  /** Owner the server's files get (the login account's uid/gid on its disk). */
  account: { uid: number; gid: number };
  disk: ServerDisk;
  /** Logs in with the account's credentials (through `port` instead, e.g. a link proxy). */
  connect(opts?: { port?: number }): Promise<SftpSession>;
  stop(): Promise<void>;
  log(): string;
}

/** Starts a server of the matrix, or says by name why it cannot run here. */
export interface ServerStarter {
  kind: ServerKind;
  /** null when it can start; otherwise the reason, naming the package to install. */
  unavailable(): string | null;
  start(): Promise<MatrixServer>;
}
