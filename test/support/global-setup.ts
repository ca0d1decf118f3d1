// Starts one real OpenSSH sshd for the whole run and hands its coordinates to tests
// through vitest's provide/inject; stops it afterwards, also when tests fail.
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startSshd, type SshdInfo } from './sshd';

declare module 'vitest' {
  export interface ProvidedContext {
    sshd: SshdInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startSshd();
  const { stop: _stop, log: _log, ...info } = server;
  project.provide('sshd', info);
  return async () => {
    await server.stop();
    rmSync(server.dir, { recursive: true, force: true });
  };
}
