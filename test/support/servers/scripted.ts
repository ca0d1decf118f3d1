// The scriptable ssh2 server (../fake-server.ts) as a member of the matrix: a server Skiff knows
// nothing about (SFTP v3, no extensions, no posix-rename), holding its files in memory.
import { createRequire } from 'node:module';
import { startFakeServer, type FakeServerOptions } from '../fake-server';
import { fakeDisk } from './disk';
import { passwordLogin } from './process';
import type { MatrixServer, ServerStarter } from './types';

const PASSWORD = 'secret';

/** Starts the scripted server (with `opts`) as a MatrixServer. */
export async function startScripted(opts: FakeServerOptions = {}): Promise<MatrixServer & { fake: Awaited<ReturnType<typeof startFakeServer>> }> {
  const fake = await startFakeServer({ users: { tester: { password: PASSWORD } }, files: { '/home/tester/work': { dir: true } }, ...opts });
  const ssh2Version = (createRequire(import.meta.url)('ssh2/package.json') as { version: string }).version;
  return {
    kind: 'scripted',
    name: `scriptable ssh2 ${ssh2Version} server`,
    version: `ssh2 ${ssh2Version}`,
    host: '127.0.0.1',
    port: fake.port,
    username: 'tester',
    workDir: '/home/tester/work',
    home: '/home/tester',
    account: { uid: 1000, gid: 1000 },
    disk: fakeDisk(fake.files, { uid: 1000, gid: 1000 }),
    connect: passwordLogin(fake.port, 'tester', PASSWORD),
    stop: () => fake.stop(),
    log: () => '',
    fake,
  };
}

export const scriptedStarter: ServerStarter = {
  kind: 'scripted',
  unavailable: () => null,
  start: () => startScripted(),
};
