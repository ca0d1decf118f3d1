// connect(): one SSH connection over ssh2 with its primary SFTP channel, as an SftpSession.
// Order of events is the security property: the host key is shown to `verifyHostKey` during
// key exchange and ssh2 sends NOTHING further (no NEWKEYS, so no userauth) until it answers.
import { randomUUID } from 'node:crypto';
import ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import { z } from 'zod';
import { SkiffError, fromNodeError, isSkiffError, type ErrorCode } from '../errors';
import { hostKeyInfo } from '../trust/host-key';
import { orderHostKeyAlgorithms } from '../trust/host-key-algorithms';
import type { FileSystem } from '../fs/file-system';
import { type ChannelSource, SftpFs } from '../fs/sftp-fs';
import { defaultAgentSources, type AgentSource } from './agent-sources';
import { AuthPlan, loadPrivateKey } from './auth';
import { type NegotiatedAlgorithms, negotiatedSchema, serverInfoOf } from './server-info';
import { ServerProfile } from './server-profile';
import type { AuthMethod, ClosedReason, ConnectOptions, ServerInfo, SftpSession } from './types';

/** ssh2's own host-key algorithm list, in its order; reordered per host by what known_hosts already holds. */
const SERVER_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

const { Client } = ssh2;

const DEFAULT_READY_TIMEOUT_MS = 20_000;
const DEFAULT_KEEPALIVE_MS = 15_000;
const DEFAULT_KEEPALIVE_MAX = 3;
const MiB = 1024 * 1024;
/** ssh2's receive window of every channel (MAX_WINDOW in its lib/Channel.js). */
export const SSH2_DEFAULT_WINDOW = 2 * MiB;
/** The largest receive window an SFTP channel gets: the most the engine keeps in flight for one file. */
export const SFTP_WINDOW_MAX = 16 * MiB;
/** The rate one SFTP channel's window is sized for (about the most one channel moved on loopback here). */
const WINDOW_RATE = 400 * MiB;

/**
 * Receive window of SFTP channels at a round trip of `rttMs`: the bandwidth-delay product of
 * WINDOW_RATE, between ssh2's 2 MiB and SFTP_WINDOW_MAX (test/bench/README.md, "Long links": 2 MiB
 * capped a channel's downloads at ~50 MiB/s at 40 ms; 16 MiB on loopback was slower than 2).
 * ssh2 parses SFTP replies as they arrive: a bigger window holds no more memory than the READs in flight.
 */
export function sftpWindowFor(rttMs: number | undefined): number {
  if (rttMs === undefined || !Number.isFinite(rttMs) || rttMs <= 0) return SSH2_DEFAULT_WINDOW;
  const bdp = Math.ceil(((rttMs / 1000) * WINDOW_RATE) / MiB) * MiB;
  return Math.min(SFTP_WINDOW_MAX, Math.max(SSH2_DEFAULT_WINDOW, bdp));
}

/** What patches/ssh2 adds: a keepalive round trip and further SFTP channels that go ahead of their VERSION on the client, a growable window on SFTP channels. */
type PatchedClient = {
  ping(cb: () => void): unknown;
  sftpPipelined(cb: (err: Error | undefined, sftp: SFTPWrapper) => void): unknown;
};
type PatchedSftp = { growWindow(size: number): void };

/**
 * Times keepalive@openssh.com round trips to sshd itself (no subsystem, no disk): two in a row,
 * the lower one counts. Never waits: `best()` is what has been answered so far.
 */
function measureRtt(client: InstanceType<typeof Client>): { best(): number | undefined } {
  let best: number | undefined;
  const once = (left: number): void => {
    const t0 = performance.now();
    try {
      (client as unknown as PatchedClient).ping(() => {
        const ms = performance.now() - t0;
        best = best === undefined ? ms : Math.min(best, ms);
        if (left > 1) once(left - 1);
      });
    } catch {
      // Not connected any more: nothing to measure.
    }
  };
  once(2);
  return { best: () => best };
}

const optionsSchema = z.object({
  host: z.string().trim().min(1, 'host is empty'),
  port: z.number().int().min(1).max(65535).optional(),
  username: z.string().min(1, 'user name is empty'),
  readyTimeoutMs: z.number().int().positive().optional(),
  keepaliveIntervalMs: z.number().int().min(0).optional(),
  keepaliveCountMax: z.number().int().min(1).optional(),
});

const answersSchema = z.array(z.string());

/** A deadline that stops counting while we wait for the user (host-key dialog, prompts). */
class PausableDeadline {
  private timer: NodeJS.Timeout | undefined;
  private remaining: number;
  private startedAt = 0;
  private paused = 0;
  private done = false;

  constructor(
    ms: number,
    private readonly onExpire: () => void,
  ) {
    this.remaining = ms;
    this.arm();
  }
  private arm(): void {
    this.startedAt = Date.now();
    this.timer = setTimeout(() => {
      this.done = true;
      this.onExpire();
    }, this.remaining);
  }
  pause(): void {
    if (this.done || this.paused++ > 0) return;
    clearTimeout(this.timer);
    this.remaining = Math.max(1, this.remaining - (Date.now() - this.startedAt));
  }
  resume(): void {
    if (this.done || --this.paused > 0) return;
    this.arm();
  }
  cancel(): void {
    this.done = true;
    clearTimeout(this.timer);
  }
}

/** Maps an error ssh2's Client emitted during connect (socket, handshake, auth, timeout) to a SkiffError. */
function connectError(err: unknown, host: string, port: number): SkiffError {
  if (isSkiffError(err)) return err;
  const e = err as Error & { code?: unknown; level?: string };
  const where = `${host}:${port}`;
  const byCode: Partial<Record<string, [ErrorCode, string]>> = {
    ECONNREFUSED: ['CONNECTION_REFUSED', `Nothing is listening on ${where} (connection refused). Check the host and port, and that the SSH server is running.`],
    ENOTFOUND: ['HOST_NOT_FOUND', `The host name “${host}” could not be found. Check the spelling, or your network and DNS.`],
    EAI_AGAIN: ['HOST_NOT_FOUND', `The host name “${host}” could not be looked up right now (DNS did not answer). Check your network.`],
    EHOSTUNREACH: ['HOST_UNREACHABLE', `${host} cannot be reached from this computer (no route to host).`],
    ENETUNREACH: ['HOST_UNREACHABLE', `${host} cannot be reached: the network is unreachable.`],
    ETIMEDOUT: ['TIMEOUT', `${where} did not answer in time.`],
    ECONNRESET: ['CONNECTION_LOST', `${where} closed the connection during setup. The server may limit connections, or this may not be an SSH server.`],
    EPIPE: ['CONNECTION_LOST', `${where} closed the connection during setup.`],
  };
  if (typeof e?.code === 'string' && byCode[e.code]) {
    const [code, message] = byCode[e.code]!;
    return new SkiffError(code, message, { cause: err });
  }
  if (typeof e?.code === 'string') return fromNodeError(err);
  const text = e?.message ?? String(err);
  if (e?.level === 'client-timeout') return new SkiffError('TIMEOUT', `${where} did not complete the SSH handshake in time.`, { cause: err });
  if (e?.level === 'protocol' || e?.level === 'handshake') {
    if (/host denied/i.test(text)) return new SkiffError('HOST_KEY_REJECTED', `The host key of ${host} was not accepted; nothing was sent.`, { cause: err });
    if (/no matching|handshake failed/i.test(text)) {
      return new SkiffError('PROTOCOL_ERROR', `Skiff and ${where} share no common encryption or key-exchange method (${text}).`, { cause: err });
    }
    return new SkiffError('PROTOCOL_ERROR', `${where} does not speak SSH as expected (${text}).`, { cause: err });
  }
  return new SkiffError('CONNECTION_LOST', `The connection to ${where} failed: ${text}.`, { cause: err });
}

interface SftpMeta {
  extensions: Record<string, string>;
  maxReadSize: number;
  maxWriteSize: number;
  sftpVersion: number;
  maxOpenHandles?: number;
}

/** Reads what ssh2 learned from the server's VERSION packet and limits@openssh.com reply. */
function sftpMeta(sftp: SFTPWrapper): SftpMeta {
  // ssh2 1.17 parses these but keeps them on private fields; it requests limits@openssh.com itself.
  const raw = sftp as unknown as { _extensions?: unknown; _maxReadLen?: unknown; _maxWriteLen?: unknown; _version?: unknown; maxOpenHandles?: unknown };
  const extensions = z
    .record(z.string(), z.string())
    .catch({})
    .parse(raw._extensions ?? {});
  const len = z
    .number()
    .int()
    .positive()
    .catch(32 * 1024);
  const hasLimits = 'limits@openssh.com' in extensions;
  const handles = z.number().int().positive().optional().catch(undefined).parse(raw.maxOpenHandles);
  return {
    extensions,
    // Without limits@openssh.com a server promised nothing beyond the SFTP draft's 32 KiB minimum,
    // and ssh2 itself caps a request for a non-OpenSSH server at 31,952 bytes: a longer write it
    // splits, sending the rest only once the first part is acknowledged, after whatever was sent
    // meanwhile (ProFTPD got a WRITE after the CLOSE of its handle: "Invalid handle"). Requests
    // never exceed ssh2's cap, so nothing is split behind our back.
    maxReadSize: hasLimits ? len.parse(raw._maxReadLen) : Math.min(32 * 1024, len.parse(raw._maxReadLen)),
    maxWriteSize: hasLimits ? len.parse(raw._maxWriteLen) : Math.min(32 * 1024, len.parse(raw._maxWriteLen)),
    sftpVersion: z.number().int().catch(3).parse(raw._version),
    ...(handles !== undefined && Number.isFinite(handles) ? { maxOpenHandles: handles } : {}),
  };
}

/** The server's SSH identification line as it sent it (ssh2 keeps it on a private field). */
function serverIdent(client: InstanceType<typeof Client>): string {
  const raw = (client as unknown as { _protocol?: { _remoteIdentRaw?: unknown } })._protocol?._remoteIdentRaw;
  return Buffer.isBuffer(raw) ? raw.toString('latin1') : typeof raw === 'string' ? raw : '';
}

/** Destroys the TCP socket under an ssh2 Client, whatever state its protocol is in. */
function hardClose(client: InstanceType<typeof Client>): void {
  (client as unknown as { _sock?: { destroy(): void } })._sock?.destroy();
}

/**
 * Opens an SFTP channel; `window` (bytes) is its receive window once open. A `further` channel of a
 * connection whose first one is up is ready once the server has started its subsystem: its first
 * requests go right behind the INIT, on the first channel's version and extensions (patched ssh2's
 * sftpPipelined; a VERSION that disagrees fails the channel as a protocol error), which saves
 * one of the three round trips an SFTP channel takes to open.
 */
function openSftp(client: InstanceType<typeof Client>, window = SSH2_DEFAULT_WINDOW, further = false): Promise<SFTPWrapper> {
  return new Promise<SFTPWrapper>((resolve, reject) => {
    try {
      const done = (err: Error | undefined, sftp: SFTPWrapper) => (err ? reject(err) : resolve(sftp));
      if (further) (client as unknown as PatchedClient).sftpPipelined(done);
      else client.sftp(done);
    } catch (err) {
      reject(err);
    }
  }).then((sftp) => {
    growWindow(sftp, window);
    return sftp;
  });
}

/** The bytes the server still lets us send on a channel that just opened (its window, less the INIT already sent). */
function sendWindowOf(sftp: SFTPWrapper): number {
  return z
    .number()
    .int()
    .positive()
    .catch(SSH2_DEFAULT_WINDOW)
    .parse((sftp as unknown as { outgoing?: { window?: unknown } }).outgoing?.window);
}

function growWindow(sftp: SFTPWrapper, window: number): void {
  if (window > SSH2_DEFAULT_WINDOW) (sftp as unknown as PatchedSftp).growWindow(window);
}

/** Opens an SSH connection, verifies the host key, authenticates, and opens the SFTP channel. */
export async function connect(opts: ConnectOptions): Promise<SftpSession> {
  const parsed = optionsSchema.safeParse(opts);
  if (!parsed.success) {
    throw new SkiffError('INVALID_ARGUMENT', `Cannot connect: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'} ${i.message}`).join('; ')}.`);
  }
  const host = opts.host.trim();
  const port = opts.port ?? 22;
  const key = await loadPrivateKey(opts);

  let agents: AgentSource[] = [];
  let agentProblem: string | undefined;
  if (typeof opts.agent === 'string' && opts.agent) agents = [{ label: 'ssh-agent', agent: opts.agent }];
  else if (Array.isArray(opts.agent)) agents = [...opts.agent];
  else if (opts.agent === true) ({ sources: agents, problem: agentProblem } = defaultAgentSources(process.env, process.platform));

  const client = new Client();
  let failure: SkiffError | undefined;
  let acceptedKey: Buffer | undefined;
  let ready = false;

  const fail = (err: SkiffError): void => {
    failure ??= err;
    client.end();
    // end() waits for the server; a silent server never answers, so cut the socket too
    // (ssh2's own destroy() is a no-op once end() ran).
    setImmediate(() => hardClose(client));
  };

  const readyMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const deadline = new PausableDeadline(readyMs, () => {
    fail(
      new SkiffError(
        'TIMEOUT',
        `${host}:${port} did not complete the connection and login within ${readyMs >= 1000 ? `${Math.round(readyMs / 1000)} s` : `${readyMs} ms`}.`,
      ),
    );
  });

  const plan = new AuthPlan({
    username: opts.username,
    ...(key ? { key } : {}),
    agents,
    ...(agentProblem ? { agentProblem } : {}),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    ...(opts.onKeyboardInteractive
      ? {
          keyboard: (name, instructions, prompts, finish) => {
            const ask = opts.onKeyboardInteractive!;
            deadline.pause();
            Promise.resolve()
              .then(() => ask({ name, instructions, prompts: prompts.map((p) => ({ prompt: p.prompt, echo: !!p.echo })) }))
              .then(
                (answers) => {
                  deadline.resume();
                  if (answers === null) {
                    fail(new SkiffError('CANCELLED', `Login to ${host} was cancelled.`));
                    return;
                  }
                  const ok = answersSchema.safeParse(answers);
                  if (!ok.success || ok.data.length !== prompts.length) {
                    fail(new SkiffError('INVALID_ARGUMENT', `Expected ${prompts.length} answer(s) to the login prompts of ${host}.`));
                    return;
                  }
                  finish(ok.data);
                },
                (err: unknown) => {
                  deadline.resume();
                  fail(isSkiffError(err) ? err : new SkiffError('CANCELLED', `Login to ${host} was cancelled.`, { cause: err }));
                },
              );
          },
        }
      : {}),
  });

  const hostVerifier = (blob: Buffer, verify: (ok: boolean) => void): void => {
    // ssh2 calls this again on every re-key. The first answer is the user's decision; later
    // ones must show the very same key, or someone swapped the server mid-session.
    if (acceptedKey) {
      if (acceptedKey.equals(blob)) {
        verify(true);
        return;
      }
      failure ??= new SkiffError(
        'HOST_KEY_CHANGED',
        `The host key of ${host} changed during the session (on re-key). The connection was closed to protect you.`,
      );
      verify(false);
      return;
    }
    let info;
    try {
      info = hostKeyInfo(host, port, blob);
    } catch (err) {
      failure ??= new SkiffError('PROTOCOL_ERROR', `${host} sent a malformed host key.`, { cause: err });
      verify(false);
      return;
    }
    deadline.pause();
    Promise.resolve()
      .then(() => opts.verifyHostKey(info))
      .then(
        (ok) => {
          deadline.resume();
          if (ok === true) {
            acceptedKey = Buffer.from(blob);
            verify(true);
          } else {
            failure ??= new SkiffError('HOST_KEY_REJECTED', `The host key of ${host} (${info.fingerprint}) was not accepted; nothing was sent.`);
            verify(false);
          }
        },
        (err: unknown) => {
          deadline.resume();
          failure ??= isSkiffError(err)
            ? err
            : new SkiffError('HOST_KEY_REJECTED', `The host key of ${host} could not be verified; nothing was sent.`, { cause: err });
          verify(false);
        },
      );
    // undefined = "I will call verify() later" in ssh2's callback form.
  };

  const keepaliveMs = opts.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS;
  // The algorithms of the first key exchange, for Server information.
  let negotiated: NegotiatedAlgorithms | undefined;
  client.once('handshake', (n: unknown) => {
    const ok = negotiatedSchema.safeParse(n);
    if (ok.success) negotiated = ok.data;
  });

  const established = new Promise<void>((resolve, reject) => {
    const onError = (err: Error & { level?: string }): void => {
      if (ready) return;
      if (err.level === 'agent') {
        plan.noteProblem(`the agent could not be used (${err.message})`);
        return;
      }
      if (err.level === 'client-authentication' && /all configured authentication methods failed/i.test(err.message)) {
        failure ??= plan.failure(host);
        return;
      }
      if (err.level === 'client-authentication') {
        plan.noteProblem(err.message);
        return;
      }
      failure ??= connectError(err, host, port);
    };
    client.on('error', onError);
    client.once('ready', () => {
      ready = true;
      deadline.cancel();
      resolve();
    });
    client.once('close', () => {
      deadline.cancel();
      if (!ready) reject(failure ?? new SkiffError('CONNECTION_LOST', `${host}:${port} closed the connection before login completed.`));
    });
  });

  try {
    client.connect({
      host,
      port,
      username: opts.username,
      // Our own PausableDeadline replaces ssh2's, which would keep ticking while the user reads the host-key dialog.
      readyTimeout: 0,
      keepaliveInterval: keepaliveMs,
      keepaliveCountMax: opts.keepaliveCountMax ?? DEFAULT_KEEPALIVE_MAX,
      hostVerifier,
      algorithms: { serverHostKey: orderHostKeyAlgorithms(SERVER_HOST_KEY_ALGORITHMS, opts.knownHostKeyTypes ?? []) as never },
      authHandler: plan.handler,
    });
    // No Nagle: SFTP keeps many small requests in flight, and a small write held back until the
    // previous one is acknowledged meets the peer's delayed ACK (test/bench/README.md, TCP_NODELAY).
    client.setNoDelay(true);
  } catch (err) {
    deadline.cancel();
    throw connectError(err, host, port);
  }

  await established.catch((err: unknown) => {
    // Never leave a half-open socket behind a failed attempt.
    hardClose(client);
    throw err;
  });
  let socketClosed = false;
  client.once('close', () => {
    socketClosed = true;
  });

  // The round trip sizes the SFTP channels' windows; measured while the first channel opens (its
  // open, subsystem request and version exchange take three round trips and more), so login waits no longer.
  const rtt = measureRtt(client);
  let sftp: SFTPWrapper;
  try {
    sftp = await openSftp(client);
  } catch (err) {
    client.end();
    if (failure) throw failure;
    if (socketClosed) throw new SkiffError('CONNECTION_LOST', `The connection to ${host} was lost right after login.`, { cause: err });
    throw new SkiffError(
      'UNSUPPORTED',
      `Logged in to ${host}, but it refused to start SFTP (${(err as Error).message}). The server may not offer the SFTP subsystem.`,
      { cause: err },
    );
  }
  if (socketClosed) throw failure ?? new SkiffError('CONNECTION_LOST', `The connection to ${host} was lost right after login.`);
  const rttMs = rtt.best();
  const window = sftpWindowFor(rttMs);
  growWindow(sftp, window);
  const serverWindow = sendWindowOf(sftp);
  const meta = sftpMeta(sftp);
  const profile = new ServerProfile({
    sshVersion: serverIdent(client),
    sftpVersion: meta.sftpVersion,
    extensions: meta.extensions,
    maxReadSize: meta.maxReadSize,
    maxWriteSize: meta.maxWriteSize,
    ...(meta.maxOpenHandles !== undefined ? { maxOpenHandles: meta.maxOpenHandles } : {}),
  });
  return new Session(
    client,
    sftp,
    {
      host,
      port,
      username: opts.username,
      authMethod: plan.succeededMethod ?? 'publickey',
      meta,
      profile,
      window,
      serverWindow,
      ...(rttMs !== undefined ? { rttMs } : {}),
      ...(negotiated ? { algorithms: negotiated } : {}),
    },
    () => failure,
  );
}

type ClosableFs = FileSystem & { close(): Promise<void> };

class Session implements SftpSession {
  readonly id = randomUUID();
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly authMethod: AuthMethod;
  readonly fs: SftpFs;
  readonly extensions: Readonly<Record<string, string>>;
  /** What was detected about the server at login, and learned since. */
  readonly profile: ServerProfile;
  readonly rttMs: number | undefined;
  readonly serverWindow: number;
  /** Receive window of this session's SFTP channels (sized from the round trip). */
  readonly sftpWindow: number;
  private readonly algorithms: NegotiatedAlgorithms | undefined;
  private readonly listeners = new Set<(reason: ClosedReason) => void>();
  private readonly channels = new Set<SftpFs>();
  private closedReason: ClosedReason | undefined;
  private byUser = false;
  private lastError: SkiffError | undefined;
  private readonly closedPromise: Promise<void>;

  constructor(
    private readonly client: InstanceType<typeof Client>,
    sftp: SFTPWrapper,
    info: {
      host: string;
      port: number;
      username: string;
      authMethod: AuthMethod;
      meta: SftpMeta;
      profile: ServerProfile;
      window: number;
      serverWindow: number;
      rttMs?: number;
      algorithms?: NegotiatedAlgorithms;
    },
    private readonly connectFailure: () => SkiffError | undefined,
  ) {
    this.host = info.host;
    this.port = info.port;
    this.username = info.username;
    this.authMethod = info.authMethod;
    this.extensions = Object.freeze({ ...info.meta.extensions });
    this.profile = info.profile;
    this.rttMs = info.rttMs;
    this.serverWindow = info.serverWindow;
    this.sftpWindow = info.window;
    this.algorithms = info.algorithms;
    this.fs = new SftpFs(sftp, info.meta, info.profile, this.channelSource());
    this.closedPromise = new Promise((resolve) => {
      client.on('error', (err: Error & { level?: string }) => {
        if (/keepalive timeout/i.test(err.message)) {
          this.lastError = new SkiffError('CONNECTION_LOST', `${this.host} stopped answering (keepalive timed out). The connection is considered lost.`, {
            cause: err,
          });
        } else {
          this.lastError ??= connectError(err, this.host, this.port);
        }
      });
      client.once('close', () => {
        this.finish();
        resolve();
      });
    });
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  private finish(): void {
    if (this.closedReason) return;
    const late = this.connectFailure();
    const cause: SkiffError =
      // A host key that changes on re-key is recorded by the verifier, not by the socket error.
      (late && late.code === 'HOST_KEY_CHANGED' ? late : undefined) ??
      (this.byUser ? undefined : this.lastError) ??
      new SkiffError('CONNECTION_LOST', `The connection to ${this.host} was lost.`);
    this.closedReason =
      this.byUser && !(late && late.code === 'HOST_KEY_CHANGED')
        ? { code: 'CONNECTION_LOST', message: `Disconnected from ${this.host}.`, byUser: true }
        : { ...cause.toData(), code: cause.code === 'TIMEOUT' ? 'CONNECTION_LOST' : cause.code, byUser: false };
    for (const ch of this.channels) ch.markClosed(this.closedReason);
    this.fs.markClosed(this.closedReason);
    const reason = this.closedReason;
    for (const l of [...this.listeners]) {
      try {
        l(reason);
      } catch {
        // A listener's bug must not stop the others from hearing about the close.
      }
    }
    this.listeners.clear();
  }

  /** Lets a channel that the server closed (or broke with garbage) be replaced while the connection is up. */
  private channelSource(): ChannelSource {
    return {
      alive: () => {
        const sock = (this.client as unknown as { _sock?: { destroyed?: boolean; writable?: boolean } })._sock;
        return !this.closedReason && !!sock && !sock.destroyed && sock.writable !== false;
      },
      open: () => openSftp(this.client, this.sftpWindow),
    };
  }

  async openChannel(): Promise<ClosableFs> {
    if (this.closedReason) throw new SkiffError('NOT_CONNECTED', `Not connected to ${this.host}: ${this.closedReason.message}`);
    let sftp: SFTPWrapper;
    try {
      sftp = await openSftp(this.client, this.sftpWindow, true);
    } catch (err) {
      if (this.closedReason) throw new SkiffError('CONNECTION_LOST', `The connection to ${this.host} was lost.`, { cause: err });
      throw new SkiffError(
        'FAILURE',
        `${this.host} refused another SFTP channel (${(err as Error).message}). It may limit sessions per connection (OpenSSH: MaxSessions).`,
        { cause: err },
      );
    }
    const fs = new SftpFs(sftp, sftpMeta(sftp), this.profile, this.channelSource());
    this.channels.add(fs);
    const close = async (): Promise<void> => {
      this.channels.delete(fs);
      await fs.end();
    };
    return Object.assign(fs, { close });
  }

  async close(): Promise<void> {
    if (this.closedReason) return;
    this.byUser = true;
    this.client.end();
    // A vanished server never acknowledges the disconnect; don't let close() hang on it.
    const force = setTimeout(() => hardClose(this.client), 2000);
    await this.closedPromise;
    clearTimeout(force);
  }

  serverInfo(): ServerInfo {
    return serverInfoOf({
      host: this.host,
      port: this.port,
      username: this.username,
      authMethod: this.authMethod,
      profile: this.profile,
      ...(this.algorithms ? { algorithms: this.algorithms } : {}),
    });
  }

  onClosed(listener: (reason: ClosedReason) => void): () => void {
    if (this.closedReason) {
      const reason = this.closedReason;
      queueMicrotask(() => listener(reason));
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
