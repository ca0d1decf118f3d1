// Memory for transfer buffers, reused from one use to the next instead of left to the GC. A
// transfer's buffers die within milliseconds, yet their memory comes back only when V8 collects
// them, and between full GCs a process carries tens of MB of them as RSS (test/bench/README.md,
// "Peak RSS" and "Eighth round").
//
// Memory comes in power-of-two sizes. A buffer is handed out with old bytes in it: its user fills
// what it asked for and only ever looks at what it filled. Memory handed to another thread comes
// back there as a new ArrayBuffer, which `adopt` takes in again.

/** The smallest memory handed out. */
const MIN_SIZE = 4 * 1024;

function sizeFor(len: number): number {
  let size = MIN_SIZE;
  while (size < len) size *= 2;
  return size;
}

export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private freeBytes = 0;
  /** Memory handed out by take (or adopted) and not given back since. */
  private readonly lent = new WeakSet<ArrayBuffer>();

  /** `maxBytes`: at most this much memory is kept for reuse; what comes back beyond it is left to the GC. */
  constructor(readonly maxBytes: number) {}

  /** A buffer of `len` bytes over memory of its own (perhaps bigger, holding old bytes); giveBack it when done. */
  take(len: number): Buffer {
    const size = sizeFor(len);
    let mem = this.free.get(size)?.pop();
    if (mem) this.freeBytes -= size;
    else mem = new ArrayBuffer(size);
    this.lent.add(mem);
    return Buffer.from(mem, 0, len);
  }

  /** Whether `b` lies in memory from take, so it may be handed to another thread whole. */
  isPooled(b: Uint8Array): boolean {
    return this.lent.has(b.buffer as ArrayBuffer);
  }

  /** Takes back memory of ours that another thread returned (as a new ArrayBuffer), to be given back in turn. */
  adopt(mem: ArrayBuffer): void {
    if (mem.byteLength >= MIN_SIZE && sizeFor(mem.byteLength) === mem.byteLength) this.lent.add(mem);
  }

  /**
   * Returns `b`'s memory for reuse once nothing reads or writes it any more. Memory not from take
   * (or adopt), handed over to another thread since (detached), or given back already is left alone.
   */
  giveBack(b: Uint8Array | null | undefined): void {
    const mem = b?.buffer;
    if (!(mem instanceof ArrayBuffer) || !this.lent.has(mem)) return;
    this.lent.delete(mem);
    const size = mem.byteLength;
    if (size === 0 || this.freeBytes + size > this.maxBytes) return;
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(mem);
    this.freeBytes += size;
  }

  /** Lets go of the memory kept for reuse (what is lent out stays lent). */
  clear(): void {
    this.free.clear();
    this.freeBytes = 0;
  }

  /** Bytes kept for reuse now. */
  get pooledBytes(): number {
    return this.freeBytes;
  }
}
