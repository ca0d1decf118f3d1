// The test bed's server matrix: every SFTP server Skiff is tested against, each started on
// 127.0.0.1 and a free port with its own temp dir and host key, stopped in teardown (and killed
// with the test process). A server that cannot run here says why, naming the package.
//
//   const starter = SERVERS.proftpd;
//   const why = starter.unavailable();   // null, or "ProFTPD is not installed: … apt-get install …"
//   const server = await starter.start(); // MatrixServer: connect(), disk, workDir, version, stop()
import { dropbearStarter } from './dropbear';
import { gesftpserverStarter, opensshStarter } from './openssh';
import { proftpdStarter } from './proftpd';
import { rcloneStarter } from './rclone';
import { scriptedStarter } from './scripted';
import type { ServerKind, ServerStarter } from './types';

export { SERVER_KINDS, type DiskEntry, type MatrixServer, type ServerDisk, type ServerKind, type ServerStarter } from './types';

export const SERVERS: Record<ServerKind, ServerStarter> = {
  openssh: opensshStarter,
  proftpd: proftpdStarter,
  rclone: rcloneStarter,
  gesftpserver: gesftpserverStarter,
  dropbear: dropbearStarter,
  scripted: scriptedStarter,
};
