// Developer probe (not part of `npm run bench`): runs one engine case repeatedly on one open
// session with different tunings, to see where time goes. Usage:
//   npx tsx test/bench/probe.ts small-download 2000 "files=24,channels=4" "files=48,channels=8"
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalFs } from '../../electron/core/fs/local-fs';
import { connect } from '../../electron/core/sftp/session';
import { TransferQueue } from '../../electron/core/transfers/transfer-queue';
import { sessionEndpoint } from '../../electron/core/transfers/session-endpoint';
import { startSshd } from '../support/sshd';

async function main(): Promise<void> {
  const [which = 'small-download', countArg = '2000', ...tunings] = process.argv.slice(2);
  const count = Number(countArg);
  const s = await startSshd();
  const work = mkdtempSync(path.join(os.tmpdir(), 'skiff-probe-'));
  const local = path.join(work, 'small');
  mkdirSync(local);
  for (let i = 0; i < count; i++) writeFileSync(path.join(local, `f${i}.bin`), Buffer.alloc(16 * 1024, i));
  const remoteRoot = path.join(s.scratch, 'probe');
  mkdirSync(remoteRoot);
  const session = await connect({ host: '127.0.0.1', port: s.port, username: s.user, privateKeyPath: s.clientKeys.ed25519, verifyHostKey: async () => true });
  try {
    for (const t of tunings.length ? tunings : ['']) {
      const o: Record<string, number> = {};
      for (const kv of t.split(',').filter(Boolean)) {
        const [k, v] = kv.split('=');
        o[k!] = Number(v);
      }
      for (let rep = 0; rep < 3; rep++) {
        const out = which.endsWith('upload') ? path.join(remoteRoot, 'out') : path.join(work, 'out');
        rmSync(out, { recursive: true, force: true });
        mkdirSync(out);
        const src = which.endsWith('upload') ? local : path.join(remoteRoot, 'src');
        if (!which.endsWith('upload') && rep === 0 && !existsSync(src)) {
          mkdirSync(src);
          for (let i = 0; i < count; i++) writeFileSync(path.join(src, `f${i}.bin`), Buffer.alloc(16 * 1024, i));
        }
        const q = new TransferQueue({
          defaultConflict: 'overwrite',
          ...(o.files ? { filesInFlight: o.files } : {}),
          ...(o.channels ? { channels: o.channels } : {}),
          ...(o.requests ? { requestsPerFile: o.requests } : {}),
        });
        const remote = sessionEndpoint(session);
        const lfs = { fs: new LocalFs() };
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        const job = q.add(
          which.endsWith('upload')
            ? { direction: 'upload', source: lfs, sources: [src], target: remote, targetDir: out }
            : { direction: 'download', source: remote, sources: [src], target: lfs, targetDir: out },
        );
        const snap = await q.whenSettled(job.id);
        const cpu = process.cpuUsage(cpu0);
        console.log(
          `${which} ${t || 'default'} rep ${rep}: ${((performance.now() - t0) / 1000).toFixed(3)} s ${snap.state} files ${snap.filesDone}, client CPU ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s`,
        );
      }
    }
  } finally {
    await session.close();
    await s.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
