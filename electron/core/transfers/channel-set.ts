// The channels one job uses on one side. SFTP servers handle each channel's requests in
// order in one process (OpenSSH: one sftp-server per channel), so folders of small files go
// faster when their files are spread over several channels of the same connection.
import type { FileSystem } from '../fs/file-system';
import type { TransferEndpoint } from './types';

type Channel = FileSystem & { close(): Promise<void> };

/** How long a job waits for the server to confirm its extra channels closed. */
const CLOSE_WAIT_MS = 2000;

/** Lazily opened channels for one side of one job; worker `i` uses channel `i mod count`. */
export class ChannelSet {
  private readonly opened = new Map<number, Promise<Channel | null>>();

  constructor(
    readonly endpoint: TransferEndpoint,
    private readonly count: number,
  ) {}

  /** Whether this side can have channels beyond the primary one. */
  get canOpenMore(): boolean {
    return this.count > 1 && this.endpoint.openChannel !== undefined;
  }

  /** The primary channel (metadata, listings, mkdir). */
  get primary(): FileSystem {
    return this.endpoint.fs;
  }

  /** The channel for worker `i`; falls back to the primary one when the server refuses more. */
  async get(i: number): Promise<FileSystem> {
    const k = i % Math.max(1, this.count);
    const open = this.endpoint.openChannel;
    if (k === 0 || !open) return this.endpoint.fs;
    let p = this.opened.get(k);
    if (!p) {
      // A server with a low MaxSessions refuses extra channels: that is a slowdown, not an error.
      p = open().catch(() => null);
      this.opened.set(k, p);
    }
    return (await p) ?? this.endpoint.fs;
  }

  /**
   * Closes the extra channels (never the primary one, which belongs to the session). A server
   * that never confirms a channel close must not keep a finished job from settling, so the wait
   * is bounded; the channel is closed for us either way.
   */
  async close(): Promise<void> {
    const all = [...this.opened.values()];
    this.opened.clear();
    const closing = Promise.all(all.map(async (p) => (await p)?.close().catch(() => undefined)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_WAIT_MS);
      timer.unref?.();
    });
    await Promise.race([closing, bound]);
    clearTimeout(timer);
  }
}
