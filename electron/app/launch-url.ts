// `sftp://user@host:port/path` launches (command line, second instance, macOS open-url).
// The result only PREFILLS Quick Connect: nothing is connected, opened or run because of it.
import type { OpenUrlDto } from '../ipc/contract';
import { RemotePath } from '../ipc/contract';

const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})|\[[0-9A-Fa-f:.]+\])$/;

/** Parses one sftp:// URL; null for anything else or anything malformed. */
export function parseSftpUrl(text: unknown): OpenUrlDto | null {
  if (typeof text !== 'string' || text.length > 4096 || !/^sftp:\/\//i.test(text)) return null;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return null;
  }
  if (u.protocol !== 'sftp:' || u.password !== '') return null; // a password in a URL is never accepted
  const host = u.hostname;
  if (!HOST.test(host)) return null;
  const port = u.port === '' ? 22 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  const out: OpenUrlDto = { host: host.startsWith('[') ? host.slice(1, -1) : host, port };
  try {
    // OpenSSH-style `user;fingerprint=…` parameters are dropped: we ask about host keys ourselves.
    const user = decodeURIComponent(u.username).split(';')[0] ?? '';
    if (user !== '' && !/[\0-\x1f\x7f\s]/.test(user) && user.length <= 256) out.username = user;
    const p = decodeURIComponent(u.pathname);
    if (p !== '' && p !== '/' && RemotePath.safeParse(p.replace(/\/+$/, '')).success) out.path = p.replace(/\/+$/, '');
  } catch {
    return null;
  }
  return out;
}

/** The first sftp:// URL in an argv (the shell passes it as a plain argument). */
export function findSftpUrl(argv: readonly string[]): OpenUrlDto | null {
  for (const a of argv) {
    const r = parseSftpUrl(a);
    if (r) return r;
  }
  return null;
}
