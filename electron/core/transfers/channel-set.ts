// The channels one job uses on one side. SFTP servers handle each channel's requests in
// order in one process (OpenSSH: one sftp-server per channel), so folders of small files go
// faster when their files are spread over several channels. All channels of one connection
// also share one sshd process that does the encryption; a second connection adds a second one
// (measured, 1 GiB reads: one connection 120–163 MiB/s, two channels on it 189–197, two
// connections 200–262), so channels can be spread over a second connection too. The engine does
// that only for the reading side of jobs of many files: end to end (client decrypting too, 2 CPUs)
// a single big file was slower over two connections, uploads of small files no faster.
import type { FileSystem } from '../fs/file-system';
import type { TransferEndpoint } from './types';

type Channel = FileSystem & { close(): Promise<void> };
type Connection = TransferEndpoint & { close(): Promise<void> };

/** How long a job waits for the server to confirm its extra channels and connections closed. */
const CLOSE_WAIT_MS = 2000;

/**
 * Lazily opened channels for one side of one job; worker `i` uses channel `i mod count`.
 * With `connections` 2 (and an endpoint that can open connections), channel k lives on
 * connection `k mod 2`: channels 0, 2 on the endpoint's own connection, 1, 3 on an extra one.
 */
export class ChannelSet {
  private readonly opened = new Map<number, Promise<Channel | null>>();
  private extraConn: Promise<Connection | null> | null = null;

  constructor(
    readonly endpoint: TransferEndpoint,
    private readonly count: number,
    private readonly connections = 1,
  ) {}

  /** Whether this side can have channels beyond the primary one. */
  get canOpenMore(): boolean {
    return this.count > 1 && this.endpoint.openChannel !== undefined;
  }

  /** The primary channel (metadata, listings, mkdir). */
  get primary(): FileSystem {
    return this.endpoint.fs;
  }

  /** Channels `i` and `i + connectionSpan` live on the same connection. */
  get connectionSpan(): number {
    return this.spread ? 2 : 1;
  }

  /** Whether channels are spread over a second connection (when it opens). */
  private get spread(): boolean {
    return this.connections > 1 && this.count > 1 && this.endpoint.openConnection !== undefined;
  }

  /** The channel for worker `i`; falls back to the primary connection, then the primary channel, when the server refuses more. */
  async get(i: number): Promise<FileSystem> {
    const k = i % Math.max(1, this.count);
    if (k === 0) return this.endpoint.fs;
    if (this.spread && k % 2 === 1) {
      const conn = await this.connection();
      if (conn) {
        // The extra connection's own channel is channel 1; channel 3 is a second channel on it.
        if (k === 1) return conn.fs;
        return this.channel(k, conn);
      }
      // No second connection (refused, auth failed, …): a slowdown, not an error.
    }
    return this.channel(k, this.endpoint);
  }

  private connection(): Promise<Connection | null> {
    const open = this.endpoint.openConnection;
    if (!open) return Promise.resolve(null);
    this.extraConn ??= open().catch(() => null);
    return this.extraConn;
  }

  private async channel(k: number, on: TransferEndpoint): Promise<FileSystem> {
    const open = on.openChannel;
    if (!open) return on.fs;
    let p = this.opened.get(k);
    if (!p) {
      // A server with a low MaxSessions refuses extra channels: that is a slowdown, not an error.
      p = open().catch(() => null);
      this.opened.set(k, p);
    }
    return (await p) ?? on.fs;
  }

  /**
   * Closes the extra channels and the extra connection (never the primary channel or connection,
   * which belong to the session). A server that never confirms a close must not keep a finished
   * job from settling, so the wait is bounded; the channel is closed for us either way.
   */
  async close(): Promise<void> {
    const all = [...this.opened.values()];
    const conn = this.extraConn;
    this.opened.clear();
    this.extraConn = null;
    // The extra connection closes at once, with its channels (not after them: a channel whose close
    // is never confirmed must not keep the connection open).
    const closing = Promise.all([
      ...all.map(async (p) => (await p)?.close().catch(() => undefined)),
      (async () => (await conn)?.close().catch(() => undefined))(),
    ]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_WAIT_MS);
      timer.unref?.();
    });
    await Promise.race([closing, bound]);
    clearTimeout(timer);
  }
}
