// Memory for small files read and written whole (file-transfer.ts), reused from one file to the
// next. Each such file used to get a new buffer from the thread that read it, and although every
// one died within milliseconds, its memory came back only at V8's next full GC: a folder of small
// files left tens of MB of dead buffers behind (in the reader thread's malloc arena, for uploads),
// which a process that seldom runs a full GC carries as RSS (test/bench/README.md, "Eighth round").
//
// Buffers come in power-of-two sizes. A buffer is handed out with old bytes in it: its user reads
// `len` bytes into it and only ever looks at what it read. Memory that went to another thread and
// came back is a new ArrayBuffer there; `adopt` takes it back in.

const MIN_SIZE = 4 * 1024;
/** At most this much memory is kept for reuse; what comes back beyond it is left to the GC. */
export const POOLED_BYTES_MAX = 8 * 1024 * 1024;

const free = new Map<number, ArrayBuffer[]>();
let freeBytes = 0;
/** Memory handed out by takeBuffer (or adopted) and not given back since. */
const lent = new WeakSet<ArrayBuffer>();

function sizeFor(len: number): number {
  let size = MIN_SIZE;
  while (size < len) size *= 2;
  return size;
}

/** A buffer of `len` bytes over memory of its own (perhaps bigger, holding old bytes); giveBack it when done. */
export function takeBuffer(len: number): Buffer {
  const size = sizeFor(len);
  let mem = free.get(size)?.pop();
  if (mem) freeBytes -= size;
  else mem = new ArrayBuffer(size);
  lent.add(mem);
  return Buffer.from(mem, 0, len);
}

/** Whether `b` lies in memory from takeBuffer, so it may be handed to another thread whole. */
export function isPooled(b: Uint8Array): boolean {
  return lent.has(b.buffer as ArrayBuffer);
}

/** Takes back pooled memory that another thread returned (as a new ArrayBuffer), to be given back in turn. */
export function adopt(mem: ArrayBuffer): void {
  if (mem.byteLength >= MIN_SIZE && sizeFor(mem.byteLength) === mem.byteLength) lent.add(mem);
}

/**
 * Returns `b`'s memory for reuse once nothing reads or writes it any more. Memory not from
 * takeBuffer (or adopt), handed over to another thread since (detached), or given back already
 * is left alone.
 */
export function giveBack(b: Uint8Array | null | undefined): void {
  const mem = b?.buffer;
  if (!(mem instanceof ArrayBuffer) || !lent.has(mem)) return;
  lent.delete(mem);
  const size = mem.byteLength;
  if (size === 0 || freeBytes + size > POOLED_BYTES_MAX) return;
  let list = free.get(size);
  if (!list) free.set(size, (list = []));
  list.push(mem);
  freeBytes += size;
}

/** Bytes kept for reuse now (tests). */
export function pooledBytes(): number {
  return freeBytes;
}
