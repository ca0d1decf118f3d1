import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { sessionEndpoint } from '../../../electron/core/transfers/session-endpoint';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { startSshd, type SshdHandle } from '../../support/sshd';
import { connectSshd, localEndpoint, patternBytes, sha256File, tempDir, tinyTmpfs, writeFile } from './helpers';

describe('disk full', () => {
  const s = inject('sshd');
  let session: SftpSession;
  let fs: ReturnType<typeof tinyTmpfs>;
  let mountPoint = '';
  let mounted = false;
  beforeAll(async () => {
    session = await connectSshd(s);
    fs = tinyTmpfs();
    mountPoint = fs.path;
    mounted = fs.mounted;
  });
  afterAll(async () => {
    await session?.close();
    fs?.unmount();
  });

  it('a download that fills the disk fails with NO_SPACE and leaves the old target intact', async (ctx) => {
    if (!mounted) ctx.skip('cannot mount a 1 MiB tmpfs here (needs root and mount permission)');
    const remote = tempDir('skiff-remote-');
    writeFile(path.join(remote, 'big.bin'), patternBytes(3 * 1024 * 1024, 21));
    writeFile(path.join(mountPoint, 'big.bin'), 'precious old version');
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({
        direction: 'download',
        source: sessionEndpoint(session),
        sources: [path.join(remote, 'big.bin')],
        target: localEndpoint(),
        targetDir: mountPoint,
        conflict: 'overwrite',
      }).id,
    );
    expect(snap.state).toBe('failed');
    expect(snap.fileErrors.map((e) => [e.path, e.code])).toEqual([['big.bin', 'NO_SPACE']]);
    expect(snap.fileErrors[0]!.message).toMatch(/disk is full/i);
    expect(readFileSync(path.join(mountPoint, 'big.bin'), 'utf8')).toBe('precious old version');
    // The part was removed, so the space is free again.
    expect(readdirSync(mountPoint)).toEqual(['big.bin']);
  });
});

describe('sshd connection killed mid-upload', () => {
  let sshd: SshdHandle;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('fails the running file cleanly (no file under the final name) and the automatic retry completes it identical', async () => {
    const src = tempDir();
    const remote = path.join(sshd.scratch, 'kill-test');
    rmSync(remote, { recursive: true, force: true });
    mkdirSync(remote);
    writeFile(path.join(src, 'up.bin'), patternBytes(96 * 1024 * 1024 + 3, 17));
    const sessions: SftpSession[] = [];
    const open = async () => {
      const s = await connectSshd(sshd);
      sessions.push(s);
      return s;
    };
    const mainPid = Number(readFileSync(path.join(sshd.dir, 'sshd.pid'), 'utf8').trim());
    const seenAtReconnect: string[][] = [];
    const reconnect = async () => {
      seenAtReconnect.push(readdirSync(remote));
      return open();
    };
    const q = new TransferQueue({ retryBaseDelayMs: 10, requestsPerFile: 8, progressIntervalMs: 0 });
    const job = q.add({
      direction: 'upload',
      source: localEndpoint(),
      sources: [path.join(src, 'up.bin')],
      target: sessionEndpoint(await open(), reconnect),
      targetDir: remote,
    });
    let killed = false;
    q.onEvent((e) => {
      if (!killed && e.type === 'progress' && e.job.bytesDone > 8 * 1024 * 1024) {
        killed = true;
        // The per-connection sshd processes are the listener's children: kill them (like a network cut).
        const kids = execFileSync('pgrep', ['-P', String(mainPid)], { encoding: 'utf8' })
          .trim()
          .split(/\s+/)
          .filter(Boolean);
        for (const k of kids) process.kill(Number(k), 'SIGKILL');
      }
    });
    const snap = await q.whenSettled(job.id);
    for (const s of sessions) await s.close().catch(() => undefined);
    expect(killed).toBe(true);
    expect(snap.state).toBe('done');
    expect(snap.retries).toBeGreaterThanOrEqual(1);
    expect(seenAtReconnect[0]).toEqual(['up.bin.skiffpart']);
    expect(sha256File(path.join(remote, 'up.bin'))).toBe(sha256File(path.join(src, 'up.bin')));
    expect(readdirSync(remote)).toEqual(['up.bin']);
  });
});
