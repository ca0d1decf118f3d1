// The floor under the small-file upload case: a bare ssh2 loop (no engine, local files read
// synchronously, 64 files in flight on one open SFTP channel) sending two request patterns:
//   safe:    OPEN part, then WRITE + FSETSTAT (times) + CLOSE together, then RENAME onto the name
//            (what Skiff must do: never a truncated file under the final name, times preserved)
//   openssh: OPEN name, WRITE, CLOSE (what `sftp put -r` sends without -p)
// Both run against the same sshd in the same bench run, so the gap between them is the cost of
// the safety rules on this machine, whatever the engine around them does.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import type { SshdHandle } from '../support/sshd';

const IN_FLIGHT = 64;

function once(sftp: SFTPWrapper, safe: boolean, srcDir: string, names: string[], out: string): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  let done = 0;
  return new Promise<number>((resolve, reject) => {
    const finished = (): void => {
      if (++done === names.length) resolve(performance.now() - t0);
      else start();
    };
    const start = (): void => {
      if (next >= names.length) return;
      const name = names[next++]!;
      const src = path.join(srcDir, name);
      const st = statSync(src);
      const data = readFileSync(src);
      const final = path.posix.join(out, name);
      const target = safe ? `${final}.skiffpart` : final;
      sftp.open(target, 'w', {}, (err, handle) => {
        if (err) return reject(err);
        let left = safe ? 3 : 2;
        const step = (e?: Error | null): void => {
          if (e) return reject(e);
          if (--left > 0) return;
          if (!safe) return finished();
          sftp.rename(target, final, (e2) => (e2 ? reject(e2) : finished()));
        };
        sftp.write(handle, data, 0, data.length, 0, step);
        if (safe) sftp.fsetstat(handle, { atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) }, step);
        sftp.close(handle, step);
      });
    };
    for (let i = 0; i < Math.min(IN_FLIGHT, names.length); i++) start();
  });
}

/** Milliseconds of each of `runs` uploads of every file in `srcDir` with each pattern, into fresh folders under `remoteBase`. */
export async function uploadRequestFloor(s: SshdHandle, srcDir: string, remoteBase: string, runs = 3): Promise<{ safe: number[]; openssh: number[] }> {
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve()).once('error', reject);
    client.connect({ host: '127.0.0.1', port: s.port, username: s.user, privateKey: readFileSync(s.clientKeys.ed25519), hostVerifier: () => true });
  });
  // Same socket option as Skiff's sessions (see electron/core/sftp/session.ts).
  client.setNoDelay(true);
  try {
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((err, w) => (err ? reject(err) : resolve(w))));
    const names = readdirSync(srcDir);
    const times = { safe: [] as number[], openssh: [] as number[] };
    for (let r = 0; r < runs; r++) {
      for (const safe of [true, false]) {
        const out = path.join(remoteBase, `floor-${safe ? 'safe' : 'openssh'}-${r}`);
        mkdirSync(out, { recursive: true });
        times[safe ? 'safe' : 'openssh'].push(await once(sftp, safe, srcDir, names, out));
      }
    }
    return times;
  } finally {
    client.end();
  }
}
