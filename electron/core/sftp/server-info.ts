// "Server/protocol information" for one session: what the server said at login (SSH version
// string, algorithms, SFTP version, extensions), what Skiff detected and learned about it, and the
// request sizes in use. Plain data, so the IPC layer can pass it on as it is.
import { z } from 'zod';
import { printableName } from '../transfers/safe-name';
import type { ServerProfile } from './server-profile';
import type { AuthMethod, ServerInfo } from './types';

const direction = z.object({ cipher: z.string().catch(''), mac: z.string().catch(''), compress: z.string().catch('') });

/** ssh2's 'handshake' event payload: the algorithms both sides agreed on. */
export const negotiatedSchema = z.object({
  kex: z.string().catch(''),
  serverHostKey: z.string().catch(''),
  cs: direction,
  sc: direction,
});
export type NegotiatedAlgorithms = z.infer<typeof negotiatedSchema>;

/** Extension data as text: printable as it is, SSH strings (vendor-id) joined, anything else escaped. */
export function extensionText(data: string): string {
  if (/^[\x20-\x7e]*$/.test(data)) return data;
  const parts: string[] = [];
  const b = Buffer.from(data, 'latin1');
  let i = 0;
  while (i + 4 <= b.length) {
    // vendor-id ends with a uint64 build number after its strings.
    if (parts.length > 0 && b.length - i === 8) break;
    const n = b.readUInt32BE(i);
    if (i + 4 + n > b.length) break;
    parts.push(b.subarray(i + 4, i + 4 + n).toString('utf8'));
    i += 4 + n;
  }
  if (parts.length > 0 && (i === b.length || b.length - i === 8)) return parts.map((p) => printableName(p)).join(' · ');
  return printableName(data);
}

/** The server information of a session with `profile`. */
export function serverInfoOf(s: {
  host: string;
  port: number;
  username: string;
  authMethod: AuthMethod;
  profile: ServerProfile;
  algorithms?: NegotiatedAlgorithms;
}): ServerInfo {
  const { profile } = s;
  const hello = profile.hello;
  const alg = s.algorithms;
  const info: ServerInfo = {
    host: s.host,
    port: s.port,
    username: s.username,
    authMethod: s.authMethod,
    sshVersion: printableName(hello.sshVersion),
    sftpVersion: hello.sftpVersion,
    software: profile.software,
    softwareLabel: profile.softwareLabel,
    extensions: Object.entries(hello.extensions)
      .map(([name, data]) => ({ name: printableName(name), data: extensionText(data) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    quirks: profile.quirks.map((q) => ({ ...q })),
    limits: {
      maxReadSize: hello.maxReadSize,
      maxWriteSize: hello.maxWriteSize,
      maxOpenHandles: hello.maxOpenHandles ?? null,
      fromServer: 'limits@openssh.com' in hello.extensions,
    },
    behaviour: {
      handlesInOrder: profile.handlesInOrder,
      canWriteOutOfOrder: profile.canWriteOutOfOrder,
      readdirAhead: profile.readdirAhead,
      symlinkOrder: profile.symlinkOrder ?? 'unknown',
      posixRename: profile.posixRename,
      keepsPermissions: profile.keepsPermissions,
    },
  };
  if (alg) {
    info.algorithms = {
      kex: alg.kex,
      hostKey: alg.serverHostKey,
      cipher: alg.cs.cipher === alg.sc.cipher ? alg.cs.cipher : `${alg.cs.cipher} / ${alg.sc.cipher}`,
      mac: alg.cs.mac === alg.sc.mac ? alg.cs.mac : `${alg.cs.mac} / ${alg.sc.mac}`,
      compression: alg.cs.compress === alg.sc.compress ? alg.cs.compress : `${alg.cs.compress} / ${alg.sc.compress}`,
    };
  }
  return info;
}
