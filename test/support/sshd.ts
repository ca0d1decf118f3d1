// Starts a real OpenSSH sshd on 127.0.0.1 for tests and benchmarks: temp host keys,
// temp client keys in authorized_keys, a free port. Works as root and as a normal user.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ClientKeys {
  /** OpenSSH-format ed25519, no passphrase. */
  ed25519: string;
  /** OpenSSH-format ed25519 protected by `passphrase`. */
  ed25519Encrypted: string;
  passphrase: string;
  /** PEM (`-m PEM`) RSA key, no passphrase. */
  rsaPem: string;
  /** OpenSSH-format ECDSA P-256 key, no passphrase. */
  ecdsa: string;
  /** A valid key that is NOT in authorized_keys. */
  stranger: string;
}

export interface HostKeys {
  ed25519: string;
  ecdsa: string;
  rsa: string;
}

export interface SshdInfo {
  host: string;
  port: number;
  /** The account tests log in as (root under CI, the current user elsewhere). */
  user: string;
  /** Temp dir holding keys, config and logs. */
  dir: string;
  /** A scratch folder tests may use on the "server" side (same machine). */
  scratch: string;
  clientKeys: ClientKeys;
  /** Private host key paths (public key at path + '.pub'). */
  hostKeys: HostKeys;
  sftpServer: string;
}

export interface SshdHandle extends SshdInfo {
  stop(): Promise<void>;
  /** The sshd log so far (for failure messages). */
  log(): string;
}

export interface StartSshdOptions {
  /** Reuse this dir's keys (e.g. to restart the "same" server); default: new temp dir. */
  dir?: string;
  /** Which host key algorithms to offer, in order. Default all three. */
  hostKeyTypes?: Array<keyof HostKeys>;
  /** Force new host keys even when `dir` already has some. */
  regenerateHostKeys?: boolean;
  /** Extra sshd_config lines. */
  extraConfig?: string[];
  /** Fixed port (e.g. to restart on the same port); default: a free one. */
  port?: number;
  /** The program serving the `sftp` subsystem (e.g. gesftpserver); default OpenSSH's sftp-server. */
  sftpServer?: string;
}

const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/opt/homebrew/sbin', '/usr/local/bin', '/opt/homebrew/bin'];
const SFTP_SERVER = [
  '/usr/lib/openssh/sftp-server',
  '/usr/libexec/openssh/sftp-server',
  '/usr/libexec/sftp-server',
  '/usr/lib/ssh/sftp-server',
  '/opt/homebrew/libexec/sftp-server',
  '/usr/local/libexec/sftp-server',
];
const INSTALL_HINT =
  'Install the OpenSSH server and client: Debian/Ubuntu `sudo apt-get install openssh-server openssh-client`, ' +
  'Fedora `sudo dnf install openssh-server openssh-clients`, macOS `brew install openssh`.';

/** Finds an OpenSSH executable on PATH or in the usual places; throws naming the package when missing. */
export function findOpenSsh(name: 'sshd' | 'ssh-keygen' | 'ssh' | 'sftp' | 'ssh-agent' | 'ssh-add' | 'ssh-keyscan' | 'sftp-server'): string {
  const candidates =
    name === 'sftp-server' ? SFTP_SERVER : [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SEARCH_DIRS].map((d) => path.join(d, name));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`OpenSSH '${name}' was not found (looked on PATH and in ${SEARCH_DIRS.join(', ')}). ${INSTALL_HINT}`);
  return found;
}

function keygen(file: string, type: string, extra: string[] = []): void {
  if (existsSync(file)) return;
  execFileSync(findOpenSsh('ssh-keygen'), ['-q', '-t', type, '-f', file, '-C', `skiff-test-${type}`, ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  chmodSync(file, 0o600);
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until `port` answers with an SSH banner; fails early when `child` exits (its log in the message). */
export async function waitForBanner(port: number, child: ChildProcess, log: () => string, timeoutMs = 10_000, what = 'sshd'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before accepting connections:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.setTimeout(1000);
      sock.once('data', (d) => {
        sock.destroy();
        resolve(d.toString().startsWith('SSH-'));
      });
      sock.once('error', () => resolve(false));
      sock.once('timeout', () => {
        sock.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not accept connections on port ${port} within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const running = new Set<ChildProcess>();
// Temp dirs this module created; removed when the process exits (a restart may reuse one until then).
const ownedDirs = new Set<string>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
  for (const d of ownedDirs) rmSync(d, { recursive: true, force: true });
});

/** SIGTERM, then SIGKILL after 3 s; resolves once the process has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(t);
}

/** Starts a real sshd on 127.0.0.1; call `stop()` in teardown (it is also killed when the process exits). */
export async function startSshd(opts: StartSshdOptions = {}): Promise<SshdHandle> {
  const sshd = findOpenSsh('sshd');
  const sftpServer = opts.sftpServer ?? findOpenSsh('sftp-server');
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'skiff-sshd-'));
  if (!opts.dir) ownedDirs.add(dir);
  mkdirSync(dir, { recursive: true });
  const isRoot = process.getuid?.() === 0;
  const user = os.userInfo().username;
  if (isRoot) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const hostKeys: HostKeys = {
    ed25519: path.join(dir, 'host_ed25519'),
    ecdsa: path.join(dir, 'host_ecdsa'),
    rsa: path.join(dir, 'host_rsa'),
  };
  if (opts.regenerateHostKeys) {
    for (const k of Object.values(hostKeys)) {
      rmSync(k, { force: true });
      rmSync(`${k}.pub`, { force: true });
    }
  }
  keygen(hostKeys.ed25519, 'ed25519', ['-N', '']);
  keygen(hostKeys.ecdsa, 'ecdsa', ['-b', '256', '-N', '']);
  keygen(hostKeys.rsa, 'rsa', ['-b', '2048', '-N', '']);

  const passphrase = 'correct horse battery staple';
  const clientKeys: ClientKeys = {
    ed25519: path.join(dir, 'id_ed25519'),
    ed25519Encrypted: path.join(dir, 'id_ed25519_enc'),
    passphrase,
    rsaPem: path.join(dir, 'id_rsa_pem'),
    ecdsa: path.join(dir, 'id_ecdsa'),
    stranger: path.join(dir, 'id_stranger'),
  };
  keygen(clientKeys.ed25519, 'ed25519', ['-N', '']);
  keygen(clientKeys.ed25519Encrypted, 'ed25519', ['-N', passphrase]);
  keygen(clientKeys.rsaPem, 'rsa', ['-b', '2048', '-m', 'PEM', '-N', '']);
  keygen(clientKeys.ecdsa, 'ecdsa', ['-b', '256', '-N', '']);
  keygen(clientKeys.stranger, 'ed25519', ['-N', '']);
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(
    authorized,
    [clientKeys.ed25519, clientKeys.ed25519Encrypted, clientKeys.rsaPem, clientKeys.ecdsa].map((k) => readFileSync(`${k}.pub`, 'utf8').trim()).join('\n') +
      '\n',
    { mode: 0o600 },
  );

  const port = opts.port ?? (await freePort());
  const scratch = path.join(dir, 'scratch');
  mkdirSync(scratch, { recursive: true });
  const types = opts.hostKeyTypes ?? ['ed25519', 'ecdsa', 'rsa'];
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      ...types.map((t) => `HostKey ${hostKeys[t]}`),
      `AuthorizedKeysFile ${authorized}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      isRoot ? 'PermitRootLogin prohibit-password' : '',
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `Subsystem sftp ${sftpServer}`,
      'MaxSessions 64',
      // sshd starts every channel's command (sftp-server too) through the user's shell; Debian's bash
      // then reads ~/.bashrc because SSH_CLIENT is set, unless it is not the first shell level. This
      // machine's /root/.bashrc runs `pyenv init`: ~130 ms per channel, one at a time (its lock), which
      // made each extra SFTP channel cost 0.1 s. The test bed measures sshd, not root's dotfiles.
      'SetEnv SHLVL=1',
      'MaxStartups 64:30:128',
      'LogLevel VERBOSE',
      ...(opts.extraConfig ?? []),
    ]
      .filter(Boolean)
      .join('\n') + '\n',
  );

  let logText = '';
  const child = spawn(sshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    logText += d;
    if (logText.length > 200_000) logText = logText.slice(-100_000);
  });
  const log = () => logText;
  try {
    await waitForBanner(port, child, log);
  } catch (err) {
    child.kill('SIGKILL');
    running.delete(child);
    throw err;
  }

  const stop = async () => {
    await stopChild(child);
    running.delete(child);
  };
  return { host: '127.0.0.1', port, user, dir, scratch, clientKeys, hostKeys, sftpServer, stop, log };
}
