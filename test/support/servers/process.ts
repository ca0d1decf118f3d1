// Running a server program for a test: found on PATH or in the usual places, its output kept for
// failure messages, stopped (and waited for) in teardown, and killed when the test process exits.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { connect } from '../../../electron/core/sftp/session';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { stopChild, waitForBanner } from '../sshd';

const running = new Set<ChildProcess>();
const cleanups = new Set<() => void>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
  for (const f of cleanups) {
    try {
      f();
    } catch {
      // best effort on the way out
    }
  }
});

/** Runs `fn` when the process exits, unless the returned function was called first (teardown ran). */
export function onExit(fn: () => void): () => void {
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
    fn();
  };
}

/** A temp folder removed in teardown, or at exit if teardown never ran. */
export function ownDir(dir: string): () => void {
  return onExit(() => rmSync(dir, { recursive: true, force: true }));
}

/** The first of `candidates` (absolute paths, or names looked up on PATH and in the sbin/bin folders) that exists. */
export function findProgram(candidates: string[]): string | null {
  const dirs = [
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean),
    '/usr/sbin',
    '/usr/local/sbin',
    '/usr/bin',
    '/usr/local/bin',
    '/opt/homebrew/bin',
    '/opt/homebrew/sbin',
  ];
  for (const c of candidates) {
    if (path.isAbsolute(c)) {
      if (existsSync(c)) return c;
      continue;
    }
    for (const d of dirs) {
      const p = path.join(d, c);
      if (existsSync(p)) return p;
    }
  }
  return null;
}

export interface Running {
  child: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** Spawns a server and waits for its SSH banner on `port`; on any failure it is killed before the error is thrown. */
export async function startServerProcess(what: string, cmd: string, args: string[], port: number, opts: SpawnOptions = {}): Promise<Running> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  running.add(child);
  let text = '';
  const keep = (d: Buffer): void => {
    text += d.toString();
    if (text.length > 200_000) text = text.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => keep(Buffer.from(`\n[spawn error] ${err.message}\n`)));
  const log = (): string => text;
  const stop = async (): Promise<void> => {
    await stopChild(child);
    running.delete(child);
  };
  try {
    await waitForBanner(port, child, log, 15_000, what);
  } catch (err) {
    await stop();
    throw err;
  }
  return { child, log, stop };
}

/** A MatrixServer's connect(): password login on 127.0.0.1 (`port`, or the one asked for, e.g. a link proxy's), any host key. */
export function passwordLogin(port: number, username: string, password: string): (o?: { port?: number }) => Promise<SftpSession> {
  return (o = {}) => connect({ host: '127.0.0.1', port: o.port ?? port, username, password, verifyHostKey: async () => true });
}
