// Shared helpers for transfer tests: temp trees, hashes, a queue run to completion.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, lstatSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalFs } from '../../../electron/core/fs/local-fs';
import type { TransferEndpoint } from '../../../electron/core/transfers/types';

export function tempDir(prefix = 'skiff-xfer-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function sha256File(p: string): string {
  return createHash('sha256').update(readFileSync(p)).digest('hex');
}

/** Deterministic pseudo-random bytes (so a misplaced chunk changes the hash). */
export function patternBytes(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/**
 * A real 1 MiB tmpfs for full-disk tests (needs root and mount permission): `mounted` false
 * when it could not be made, so the test skips by name; `unmount()` in afterAll.
 */
export function tinyTmpfs(): { path: string; mounted: boolean; unmount(): void } {
  const dir = tempDir('skiff-tmpfs-');
  let mounted = false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    mounted = true;
  } catch {
    mounted = false;
  }
  return { path: dir, mounted, unmount: () => (mounted ? execFileSync('umount', [dir]) : undefined) };
}

export function writeFile(p: string, data: Buffer | string): void {
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, data);
}

/** Relative path → sha256 (files) or 'dir' / 'link', for whole-tree comparison. */
export function treeDigest(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(full);
      if (st.isDirectory()) {
        out[r] = 'dir';
        walk(full, r);
      } else if (st.isSymbolicLink()) out[r] = 'link';
      else out[r] = sha256File(full);
    }
  };
  walk(root, '');
  return out;
}

export function localEndpoint(): TransferEndpoint {
  return { fs: new LocalFs() };
}

import { connect } from '../../../electron/core/sftp/session';
import type { SftpSession } from '../../../electron/core/sftp/types';
import type { SshdInfo } from '../../support/sshd';

/** One session to the test sshd for the tests of the enclosing describe block: connected before them, closed after. */
export function withSshdSession(s: SshdInfo, use: (session: SftpSession) => void): void {
  let session: SftpSession | undefined;
  beforeAll(async () => {
    session = await connectSshd(s);
    use(session);
  });
  afterAll(async () => {
    await session?.close();
  });
}

/** Connects to the test sshd with the fixture key (host key accepted: these tests are not about trust). */
export function connectSshd(s: SshdInfo): Promise<SftpSession> {
  return connect({ host: s.host, port: s.port, username: s.user, privateKeyPath: s.clientKeys.ed25519, verifyHostKey: async () => true });
}
