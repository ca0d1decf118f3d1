// A big file starts on its own channel at once; a stripe channel that opens later joins the copy
// and takes a share of the reads, and one that opens after the copy is over is closed, not leaked.
// Real files on disk through LocalFs; only the timing of the stripe's open is controlled.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileHandle, OpenFlags } from '../../../electron/core/fs/file-system';
import { LocalFs } from '../../../electron/core/fs/local-fs';
import { STRIPE_MIN, transferFile, type FileTransferContext } from '../../../electron/core/transfers/file-transfer';
import { ByteBudget, PauseGate } from '../../../electron/core/transfers/flow-control';
import type { PlanFile } from '../../../electron/core/transfers/scan';
import { patternBytes, sha256File, tempDir, writeFile } from './helpers';

/** LocalFs whose handles count their reads and closes, and whose open can be held back. */
class WatchedFs extends LocalFs {
  reads = 0;
  closes = 0;
  opened = 0;
  constructor(
    private readonly beforeOpen: () => Promise<void> = async () => undefined,
    private readonly beforeRead: (n: number) => Promise<void> = async () => undefined,
  ) {
    super();
  }
  override async open(p: string, flags: OpenFlags, mode?: number): Promise<FileHandle> {
    await this.beforeOpen();
    const h = await super.open(p, flags, mode);
    this.opened++;
    return {
      read: async (b, o, l, pos) => {
        await this.beforeRead(++this.reads);
        return h.read(b, o, l, pos);
      },
      write: (b, o, l, pos) => h.write(b, o, l, pos),
      stat: () => h.stat(),
      close: async () => {
        this.closes++;
        await h.close();
      },
    };
  }
}

function context(src: LocalFs, dst: LocalFs, stripes: Promise<{ src: LocalFs[]; dst: LocalFs[] }>): FileTransferContext {
  return {
    src,
    dst,
    stripes,
    budget: new ByteBudget(64 * 1024 * 1024),
    gate: new PauseGate(),
    signal: new AbortController().signal,
    requests: 8,
    preservePermissions: false,
    onBytes: () => undefined,
  };
}

async function planFile(src: string): Promise<PlanFile> {
  const stat = await new LocalFs().stat(src);
  return { rel: [path.basename(src)], srcPath: src, stat, state: 'pending', bytesDone: 0 };
}

describe('stripes that open late', () => {
  it('join a running copy and serve part of its reads', async () => {
    const dir = tempDir();
    const src = path.join(dir, 'big.bin');
    writeFile(src, patternBytes(STRIPE_MIN + 5 * 1024 * 1024 + 3, 11));
    let stripeOpen!: () => void;
    const stripeReady = new Promise<void>((r) => (stripeOpen = r));
    let joined!: () => void;
    const stripeJoined = new Promise<void>((r) => (joined = r));
    // The primary's third read waits until the stripe is open and has read once: so the stripe
    // provably joined while the copy was running.
    const stripe = new WatchedFs(
      () => stripeReady,
      async (n) => {
        if (n === 1) joined();
      },
    );
    const primary = new WatchedFs(undefined, async (n) => {
      if (n === 3) {
        stripeOpen();
        await stripeJoined;
      }
    });
    const out = path.join(dir, 'out.bin');
    await transferFile(context(primary, new LocalFs(), Promise.resolve({ src: [stripe], dst: [] })), await planFile(src), { finalPath: out, overwrite: false });
    expect(sha256File(out)).toBe(sha256File(src));
    expect(primary.reads).toBeGreaterThan(0);
    expect(stripe.reads).toBeGreaterThan(0);
    expect([primary.closes, stripe.closes]).toEqual([1, 1]);
  });

  it('close a stripe handle that opens only after the copy is over', async () => {
    const dir = tempDir();
    const src = path.join(dir, 'big.bin');
    writeFile(src, patternBytes(STRIPE_MIN + 1024, 12));
    let stripeOpen!: () => void;
    const stripe = new WatchedFs(() => new Promise<void>((r) => (stripeOpen = r)));
    const out = path.join(dir, 'out.bin');
    await transferFile(context(new LocalFs(), new LocalFs(), Promise.resolve({ src: [stripe], dst: [] })), await planFile(src), {
      finalPath: out,
      overwrite: false,
    });
    expect(sha256File(out)).toBe(sha256File(src));
    expect(stripe.reads).toBe(0);
    stripeOpen();
    await expect.poll(() => stripe.closes).toBe(1);
    expect(stripe.opened).toBe(1);
    expect(stripe.reads).toBe(0);
  });

  it('copy on their own channel when a stripe cannot open the file', async () => {
    const dir = tempDir();
    const src = path.join(dir, 'big.bin');
    writeFile(src, patternBytes(STRIPE_MIN + 77, 13));
    const refusing = new WatchedFs(() => Promise.reject(new Error('refused')));
    const primary = new WatchedFs();
    const out = path.join(dir, 'out.bin');
    await transferFile(context(primary, new LocalFs(), Promise.resolve({ src: [refusing], dst: [] })), await planFile(src), {
      finalPath: out,
      overwrite: false,
    });
    expect(sha256File(out)).toBe(sha256File(src));
    expect(refusing.opened).toBe(0);
    expect(primary.closes).toBe(1);
  });
});
